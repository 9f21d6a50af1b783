"""Every op of the registry on the CUDA backend: forward and backward against PyTorch (float64),
the same float32 inputs through the CUDA and the fast CPU backend agreeing to float32
precision, and every bad-input case refused with the same typed error.

One small case per op (its own fixed seed; every other op with non-contiguous inputs): the
registry's property tests draw many more on the CPU backends, and the same kernels run here.
"""

from __future__ import annotations

import zlib

import numpy as np
import pytest

import minitorch

from ..helpers import make_tensor, to_numpy
from ..registry import all_specs
from ..test_registry import _check_case

pytestmark = pytest.mark.filterwarnings("ignore:Using padding=.same. with even kernel")

SPECS = [spec for spec in all_specs() if "fast" in spec.backends]  # (error-only specs run no cases)
ERROR_CASES = [(spec, k, error) for spec in all_specs() for k, error in enumerate(spec.errors)]


def _float32_inputs(case, backend):
    tensors = []
    for array in case.inputs:
        array = np.asarray(array)
        if np.issubdtype(array.dtype, np.floating):
            tensors.append(make_tensor(array.astype(np.float32).astype(np.float64), backend).float())
        else:
            tensors.append(array)
    return tensors


@pytest.mark.parametrize("index", range(len(SPECS)), ids=[s.name for s in SPECS])
def test_op_on_cuda(cuda, index):
    spec = SPECS[index]
    rng = np.random.default_rng(zlib.crc32(spec.name.encode()))
    case = spec.sample(rng, True)
    _check_case(spec, case, cuda, index % 2 == 1, rng)
    # float32: the GPU result equals the CPU backend's on the same inputs, to float32 precision
    ours = spec.ours(*_float32_inputs(case, cuda), **case.kwargs)
    cpu = spec.ours(*_float32_inputs(case, minitorch.FastBackend), **case.kwargs)
    assert ours.dtype == cpu.dtype, f"{spec.name}: dtype {ours.dtype} on CUDA, {cpu.dtype} on the CPU"
    scale = max(1.0, float(np.max(np.abs(to_numpy(cpu)), initial=0.0)))
    np.testing.assert_allclose(to_numpy(ours), to_numpy(cpu), rtol=1e-4, atol=1e-5 * scale, err_msg=spec.name)


@pytest.mark.parametrize("spec,k,error_case", ERROR_CASES, ids=[f"{s.name}-error{k}" for s, k, _ in ERROR_CASES])
def test_bad_input_is_refused_on_cuda(cuda, spec, k, error_case):
    inputs = [
        make_tensor(a, cuda) if np.issubdtype(np.asarray(a).dtype, np.floating) else np.asarray(a)
        for a in error_case.inputs
    ]
    with pytest.raises(error_case.error) as info:
        spec.ours(*inputs, **error_case.kwargs)
    for fragment in error_case.match:
        assert fragment in str(info.value), f"{spec.name}: message {str(info.value)!r} lacks {fragment!r}"


# ops of two tensors that read only the first one's values (expand_as the other's shape; the
# second input of `a <= 0.5` is unused): mixing devices there is no error, as in PyTorch
ONE_TENSOR_READ = {"expand_as", "compare_le_scalar", "compare_ge_reflected"}
MIXED = [spec for spec in SPECS if sum(np.issubdtype(np.asarray(a).dtype, np.floating) for a in spec.sample(np.random.default_rng(0), True).inputs) >= 2]


def _reads_values(spec, case, index) -> bool:
    """Whether the op's result changes with the values of input `index` (on a few changes)."""
    def run(inputs):
        tensors = [make_tensor(a, minitorch.FastBackend) if np.issubdtype(np.asarray(a).dtype, np.floating) else np.asarray(a)
                   for a in inputs]
        return to_numpy(spec.ours(*tensors, **case.kwargs))

    given = run(case.inputs)
    for change in (lambda v: -v - 1.0, np.zeros_like, lambda v: v * 0.5 + 0.25):
        moved = list(case.inputs)
        moved[index] = change(np.asarray(moved[index]))
        if not np.array_equal(given, run(moved), equal_nan=True):
            return True
    return False


@pytest.mark.parametrize("index", range(len(MIXED)), ids=[s.name for s in MIXED])
def test_mixing_devices_raises_or_follows_the_course(cuda, index):
    """Every op of two or more tensors: a GPU tensor beside a CPU one whose values it reads raises
    DeviceError on `.to("cuda")`'s backend (PyTorch's rule), and on a course-built
    TensorBackend(CudaOps) the CPU side is taken along (the course's rule); either way, or when the
    CPU tensor's values are not read, the result is the all-CPU one, on the GPU."""
    from minitorch.backends.device import cuda_backend
    from minitorch.errors import DeviceError

    spec = MIXED[index]
    case = spec.sample(np.random.default_rng(zlib.crc32(spec.name.encode())), True)
    floats = [i for i, a in enumerate(case.inputs) if np.issubdtype(np.asarray(a).dtype, np.floating)]

    def inputs(first_backend):
        return [
            (make_tensor(a, first_backend if i == floats[0] else minitorch.FastBackend) if i in floats else np.asarray(a))
            for i, a in enumerate(case.inputs)
        ]

    want = spec.ours(*inputs(minitorch.FastBackend), **case.kwargs)
    reads = spec.name not in ONE_TENSOR_READ
    assert reads or not any(_reads_values(spec, case, i) for i in floats[1:]), f"{spec.name} reads its other inputs"
    if reads:
        with pytest.raises(DeviceError, match="cuda.*cpu|cpu.*cuda"):
            spec.ours(*inputs(cuda_backend()), **case.kwargs)
        mixed = spec.ours(*inputs(cuda), **case.kwargs)
    else:
        mixed = spec.ours(*inputs(cuda_backend()), **case.kwargs)
    assert mixed.device == "cuda", f"{spec.name}: the result stays on the GPU"
    np.testing.assert_allclose(to_numpy(mixed), to_numpy(want), rtol=1e-12, atol=1e-12, err_msg=spec.name)
