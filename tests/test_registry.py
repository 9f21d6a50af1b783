"""Registry-driven tests: every op against PyTorch (float64) on every backend.

For each `OpSpec` in tests/registry: forward values and gradients for a random upstream
gradient (torch.autograd as the oracle) on seeded random cases (odd seeds with non-contiguous,
permuted inputs), on the spec's explicit edge geometries and on an empty batch (N = 0);
central differences on a small case; and every bad-input case.

The random cases are seeded, not drawn by hypothesis: every run checks the same, distinct
cases, so a failure names a seed that reproduces it.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import minitorch
from minitorch.autodiff.grad_check import tensor_central_difference
from minitorch.errors import DTypeError, IndexingError, ShapeError

from .helpers import BACKENDS, make_tensor, to_numpy
from .registry import all_specs

pytestmark = pytest.mark.filterwarnings("ignore:Using padding=.same. with even kernel")

SPECS = all_specs()
CASES = [(spec, name) for spec in SPECS for name in spec.backends]


def _run(spec, case, backend, permuted):
    """ours and torch on one case: returns (out, torch_out, tensors, torch_tensors)."""
    tensors, torch_inputs = [], []
    grad_inputs = range(len(case.inputs)) if spec.grad_inputs is None else spec.grad_inputs
    for i, array in enumerate(case.inputs):
        array = np.asarray(array)
        if np.issubdtype(array.dtype, np.floating):
            wants_grad = i in grad_inputs
            tensors.append(make_tensor(array, backend, permuted=permuted and spec.permute_ok, requires_grad=wants_grad))
            torch_inputs.append(torch.tensor(array, dtype=torch.float64, requires_grad=wants_grad))
        else:
            tensors.append(array)
            torch_inputs.append(torch.tensor(array))
    out = spec.ours(*tensors, **case.kwargs)
    ref_kwargs = case.kwargs if case.ref_kwargs is None else case.ref_kwargs
    ref = spec.reference(*torch_inputs, **ref_kwargs)
    return out, ref, tensors, torch_inputs, list(grad_inputs)


def _check_case(spec, case, backend, permuted, rng):
    out, ref, tensors, torch_inputs, grad_inputs = _run(spec, case, backend, permuted)
    np.testing.assert_allclose(
        to_numpy(out), ref.detach().numpy(), atol=spec.atol, rtol=spec.rtol, err_msg=f"{spec.name} forward"
    )
    if not grad_inputs:
        return
    upstream = rng.standard_normal(ref.shape)
    (out * make_tensor(upstream, backend)).sum().backward()
    (ref * torch.tensor(upstream)).sum().backward()
    for i in grad_inputs:
        expected = torch_inputs[i].grad
        got = tensors[i].grad
        assert got is not None, f"{spec.name}: no gradient reached input {i}"
        assert got.shape == tuple(expected.shape), f"{spec.name}: gradient of input {i} has shape {got.shape}"
        np.testing.assert_allclose(
            to_numpy(got), expected.numpy(), atol=spec.atol, rtol=spec.rtol, err_msg=f"{spec.name} grad of input {i}"
        )


SEEDS = {"fast": range(12), "simple": range(6)}  # the pure-Python backend gets fewer, smaller cases
SEEDED = [(spec, name, seed) for spec, name in CASES for seed in SEEDS[name]]


@pytest.mark.parametrize("spec,backend_name,seed", SEEDED, ids=[f"{s.name}-{b}-{k}" for s, b, k in SEEDED])
def test_forward_backward_against_torch(spec, backend_name, seed):
    rng = np.random.default_rng(seed)
    case = spec.sample(rng, backend_name == "simple")
    _check_case(spec, case, BACKENDS[backend_name], seed % 2 == 1, rng)


EDGES = [(spec, name, k, case) for spec, name in CASES for k, case in enumerate(spec.edges)]


@pytest.mark.parametrize("spec,backend_name,k,case", EDGES, ids=[f"{s.name}-{b}-edge{k}" for s, b, k, _ in EDGES])
@pytest.mark.parametrize("permuted", [False, True], ids=["contiguous", "permuted"])
def test_edge_geometries_against_torch(spec, backend_name, k, case, permuted):
    _check_case(spec, case, BACKENDS[backend_name], permuted, np.random.default_rng(k))


TYPED_ERRORS = (ShapeError, IndexingError, DTypeError)


EMPTY = [(spec, name, seed) for spec, name in CASES for seed in range(3)]


@pytest.mark.parametrize("spec,backend_name,seed", EMPTY, ids=[f"{s.name}-{b}-{k}" for s, b, k in EMPTY])
def test_empty_batch_like_torch(spec, backend_name, seed):
    """N = 0: where torch computes (an empty output, a nan mean, zero bias gradients) we give the
    same forward and backward; where torch refuses, we refuse with a typed error."""
    rng = np.random.default_rng(seed)
    case = spec.empty(spec.sample(rng, True))
    assert any(np.asarray(a).size == 0 for a in case.inputs), f"{spec.name}: the empty case has no empty input"
    try:
        _run_reference(spec, case)
    except (RuntimeError, ValueError, IndexError):
        with pytest.raises(TYPED_ERRORS):
            _run(spec, case, BACKENDS[backend_name], False)
        return
    _check_case(spec, case, BACKENDS[backend_name], False, rng)


def _run_reference(spec, case):
    inputs = [torch.tensor(np.asarray(a)) for a in case.inputs]
    return spec.reference(*inputs, **(case.kwargs if case.ref_kwargs is None else case.ref_kwargs))


# Ops checked at float32 precision (loose atol) cannot be central-differenced with eps 1e-6.
CD_SPECS = [s for s in SPECS if s.grad_inputs != () and s.atol <= 1e-6]


@pytest.mark.parametrize("spec", CD_SPECS, ids=lambda s: s.name)
def test_central_differences(spec):
    rng = np.random.default_rng(1234)
    case = spec.sample(rng, True)
    backend = minitorch.FastBackend
    _, _, tensors, _, grad_inputs = _run(spec, case, backend, False)
    out = spec.ours(*tensors, **case.kwargs)
    weights = make_tensor(rng.standard_normal(out.shape), backend)
    (out * weights).sum().backward()

    def f(*xs):
        return spec.ours(*xs, **case.kwargs) * weights

    for i in grad_inputs:
        x = tensors[i]
        for _ in range(3):
            ind = tuple(int(rng.integers(0, s)) for s in x.shape)
            expected = tensor_central_difference(f, *tensors, arg=i, ind=ind, epsilon=1e-6)
            got = float(to_numpy(x.grad)[ind])
            assert got == pytest.approx(expected, rel=1e-4, abs=1e-5), f"{spec.name}: input {i} at {ind}"


ERROR_CASES = [(spec, k, err) for spec in SPECS for k, err in enumerate(spec.errors)]


@pytest.mark.parametrize(
    "spec,k,error_case", ERROR_CASES, ids=[f"{s.name}-error{k}" for s, k, _ in ERROR_CASES]
)
@pytest.mark.parametrize("backend_name", ["simple", "fast"])
def test_bad_input_is_refused(spec, k, error_case, backend_name):
    backend = BACKENDS[backend_name]
    inputs = [
        make_tensor(a, backend) if np.issubdtype(np.asarray(a).dtype, np.floating) else np.asarray(a)
        for a in error_case.inputs
    ]
    with pytest.raises(error_case.error) as info:
        spec.ours(*inputs, **error_case.kwargs)
    message = str(info.value)
    for fragment in error_case.match:
        assert fragment in message, f"{spec.name}: message {message!r} lacks {fragment!r}"
