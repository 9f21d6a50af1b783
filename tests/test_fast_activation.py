"""The fast backend's vectorised float32 activation forms (`backends/fast_activation.py`) against
the scalar functions they stand for (`ops/activation_scalars.py`, evaluated in float64), and
end to end: float32 activations on the fast backend against PyTorch."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import minitorch
from minitorch.backends import fast_walk
from minitorch.backends.fast import FastBackend
from minitorch.backends.fast_activation import FORMS, float32_form
from minitorch.nn import functional as F
from minitorch.ops import activation_scalars as scalars

PAIRS = {
    "gelu": scalars.GELU,
    "gelu_tanh": scalars.GELU_TANH,
    "silu": scalars.SILU,
    "mish": scalars.MISH,
    "logsigmoid": scalars.LOGSIGMOID,
    "tanhshrink": scalars.TANHSHRINK,
    "elu": scalars.elu_pair(1.0),
    "elu alpha=0.3": scalars.elu_pair(0.3),
    "celu alpha=2": scalars.elu_pair(2.0, 1.0, 0.5),
    "selu": scalars.elu_pair(scalars.SELU_ALPHA, scalars.SELU_SCALE),
    "softplus": scalars.softplus_pair(1.0, 20.0),
    "softplus beta=2 threshold=5": scalars.softplus_pair(2.0, 5.0),
    "softplus beta=0.5": scalars.softplus_pair(0.5, 20.0),
}

EDGES = [
    0.0, -0.0, 1e-30, -1e-30, 1e-12, -1e-12, 1e-4, -1e-4, 0.3, -0.3, 0.49, -0.51, 1, -1, 3, -3, 6, -6, 9, -9,
    12, -12, 20, -20, 21, -21, 40, -40, 88, -88, 100, -100, 700, -700, 1e30, -1e30, np.inf, -np.inf, np.nan,
]


def _inputs() -> tuple:
    rng = np.random.default_rng(0)
    x = np.concatenate([
        np.array(EDGES, np.float32),
        (rng.standard_normal(4000) * 5).astype(np.float32),
        np.linspace(-15, 15, 6001, dtype=np.float32),
    ])
    g = rng.standard_normal(x.size).astype(np.float32)
    g[: len(EDGES)] = 1.5
    return x, g


@pytest.mark.parametrize("name", list(PAIRS))
@pytest.mark.parametrize("backward", [False, True], ids=["forward", "backward"])
def test_form_matches_scalar_function(name: str, backward: bool) -> None:
    fn = PAIRS[name].backward if backward else PAIRS[name].forward
    form = float32_form(fn)
    assert form is not None and form is not fn
    x, g = _inputs()
    if name == "gelu_tanh" and backward:  # the scalar function's 0 * inf at +-inf is NaN; the form's 1.5 and 0
        keep = np.isfinite(x) | np.isnan(x)
        x, g = x[keep], g[keep]
    out = np.empty_like(x)
    fast_walk.elementwise(form, 2 if backward else 1).flat(out, x, g, 0, x.size)
    ref = np.array([fn(a, b) if backward else fn(a) for a, b in zip(x.tolist(), g.tolist())])  # Python floats
    # a few float32 units relative, or 1e-6 of |x| (where the result is a difference of near-equal terms)
    with np.errstate(invalid="ignore"):  # inf - inf where both are inf
        err = np.abs(out.astype(np.float64) - ref)
    scale = 2e-6 * np.abs(ref) + 1e-6 * np.minimum(1.0, np.abs(x.astype(np.float64))) + 1e-37
    # (a NaN input with a constant branch, ELU's x <= 0 false: float32 of the constant)
    ok = (err <= scale) | (np.isnan(out) & np.isnan(ref)) | (out == ref) | (np.isnan(x) & (out == np.float32(ref)))
    assert ok.all(), f"{name}: x={x[~ok][:5]} form={out[~ok][:5]} scalar={ref[~ok][:5]}"


def test_forms_exist_only_where_they_are_exact() -> None:
    assert float32_form(scalars.elu_pair(-1.0, 1.0, -1.0).forward) is None  # celu(alpha < 0): exp grows
    assert float32_form(scalars.softplus_pair(-1.0, 20.0).backward) is None
    assert float32_form(scalars.HARDSWISH.forward) is None  # comparisons only: already vectorised
    assert set(FORMS) == {"gelu", "gelu_tanh", "silu", "mish", "logsigmoid", "tanhshrink", "elu", "softplus"}


CASES = [
    ("gelu", F.gelu, torch.nn.functional.gelu),
    ("gelu tanh", lambda x: F.gelu(x, approximate="tanh"), lambda x: torch.nn.functional.gelu(x, approximate="tanh")),
    ("silu", F.silu, torch.nn.functional.silu),
    ("mish", F.mish, torch.nn.functional.mish),
    ("elu", F.elu, torch.nn.functional.elu),
    ("celu", lambda x: F.celu(x, 0.7), lambda x: torch.nn.functional.celu(x, 0.7)),
    ("selu", F.selu, torch.nn.functional.selu),
    ("softplus", lambda x: F.softplus(x, 2.0, 5.0), lambda x: torch.nn.functional.softplus(x, 2.0, 5.0)),
    ("logsigmoid", F.logsigmoid, torch.nn.functional.logsigmoid),
    ("tanhshrink", F.tanhshrink, torch.nn.functional.tanhshrink),
]


@pytest.mark.parametrize("name,ours,theirs", CASES, ids=[c[0] for c in CASES])
def test_float32_on_fast_backend_matches_torch(name: str, ours, theirs) -> None:
    """The float32 forms run through the public functions (flat and through the strided walk)
    and agree with PyTorch's float64 values to float32 precision."""
    rng = np.random.default_rng(1)
    x_np = (rng.standard_normal((7, 40)) * 4).astype(np.float32)
    g_np = rng.standard_normal((7, 40)).astype(np.float32)
    for transpose in (False, True):
        xv, gv = (x_np.T, g_np.T) if transpose else (x_np, g_np)
        x = minitorch.from_numpy(np.ascontiguousarray(x_np), backend=FastBackend, requires_grad=True)
        x_in = x.permute(1, 0) if transpose else x
        out = ours(x_in)
        out.backward(minitorch.from_numpy(np.ascontiguousarray(gv), backend=FastBackend))
        assert out.dtype == minitorch.float32
        tx = torch.from_numpy(xv.astype(np.float64)).requires_grad_(True)
        expected = theirs(tx)
        expected.backward(torch.from_numpy(gv.astype(np.float64)))
        np.testing.assert_allclose(out.to_numpy(), expected.detach().numpy(), rtol=1e-5, atol=1e-6, err_msg=name)
        np.testing.assert_allclose(x.grad.to_numpy(), tx.grad.numpy().T if transpose else tx.grad.numpy(),
                                   rtol=1e-5, atol=1e-6, err_msg=name)
