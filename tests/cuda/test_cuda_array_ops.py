"""The CuPy kernels of `cuda_array_ops` (where CuPy holds the storage: a GPU, or fake_cupy in CI).

Every named expression against the fast CPU backend on the values where scalar functions part
ways -- NaN, +-inf, +-0, tiny, huge, negative -- through both kernels: the flat RawKernel
(contiguous operands of one float dtype, a one-element operand broadcast) and the strided
ElementwiseKernel (permuted, broadcast, mixed dtypes). Then the fused optimizer kernels in
both dtypes, and the kernels' sources held to the C-and-Python subset fake_cupy executes.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import minitorch
from minitorch.backends import cuda_array_ops
from minitorch.backends.cuda_device import uses_cupy

pytestmark = [
    pytest.mark.skipif(not uses_cupy(), reason="CuPy kernels: a GPU with CuPy, or MINITORCH_FAKE_CUPY=1"),
    pytest.mark.filterwarnings("ignore::RuntimeWarning"),  # the CPU reference on NaN / inf / 0 inputs
]

SPECIAL = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-30, -2.5, 3.0, 100.0, -100.0, 0.5]
FUNCTIONS = sorted(cuda_array_ops.EXPRESSIONS, key=lambda fn: fn.__name__)


def _tensor(values: np.ndarray, backend, dtype) -> minitorch.Tensor:
    return minitorch.Tensor.make(np.ascontiguousarray(values, dtype=dtype).reshape(-1), values.shape, backend=backend)


def _operands(layout: str, dtype):
    """(a, b, their dtypes, whether a is a permuted view): every pair of special values, arranged
    so that the backend takes the flat kernel (flat, one-element) or the strided one."""
    a, b = (np.array(v) for v in zip(*itertools.product(SPECIAL, SPECIAL)))
    square = (a.reshape(11, 11), b.reshape(11, 11))
    return {
        "flat": (a, b, (dtype, dtype), False),
        "one-element": (a, np.array([-2.5]), (dtype, dtype), False),
        "permuted": (*square, (dtype, dtype), True),
        "broadcast": (np.array(SPECIAL).reshape(-1, 1), np.array(SPECIAL).reshape(1, -1), (dtype, dtype), False),
        "mixed dtypes": (a, b, (np.float32, np.float64), False),
    }[layout]


def _run(backend, fn, a, b, dtypes, permuted: bool):
    x = _tensor(a.T, backend, dtypes[0]).permute(1, 0) if permuted else _tensor(a, backend, dtypes[0])
    y = _tensor(b, backend, dtypes[1])
    with minitorch.no_grad():
        if cuda_array_ops.EXPRESSIONS[fn][0] == 1:
            return backend.ops.map(fn)(x)
        return backend.ops.zip(fn)(x, y)


@pytest.mark.parametrize("layout", ["flat", "one-element", "permuted", "broadcast", "mixed dtypes"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("fn", FUNCTIONS, ids=[fn.__name__ for fn in FUNCTIONS])
def test_cupy_kernels_match_the_cpu_backend_on_special_values(cuda, fn, dtype, layout):
    a, b, dtypes, permuted = _operands(layout, dtype)
    got = _run(cuda, fn, a, b, dtypes, permuted).to_numpy()
    want = _run(minitorch.FastBackend, fn, a, b, dtypes, False).to_numpy()
    if fn is minitorch.operators.max:  # NaN wins, as numpy.maximum / torch.maximum (the fast backend's
        want = np.maximum(a.astype(dtypes[0]), b.astype(dtypes[1]))  # numba walk keeps operators.max's x > y ? x : y)
    assert got.dtype == want.dtype and got.shape == want.shape
    low = np.float32 if np.float32 in dtypes else np.float64
    rtol = 1e-6 if low is np.float32 else 1e-14
    atol = np.finfo(low).tiny  # a subnormal result (sigmoid(-100) in float32) may be flushed to 0 on one side
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, equal_nan=True, err_msg=f"{fn.__name__} {layout}")
    zeros = (got == 0) & (want == 0)
    assert np.array_equal(np.signbit(got[zeros]), np.signbit(want[zeros])), f"{fn.__name__}: signed zeros"


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", ["sgd", "sgd-momentum", "adam", "adamw-amsgrad"])
def test_fused_optimizer_kernels_match_the_cpu(dtype, name):
    """Three steps on a parameter on the device and on its CPU twin: equal to rounding."""
    from minitorch import optim

    make = {
        "sgd": lambda p: optim.SGD(p, lr=0.1, weight_decay=0.01),
        "sgd-momentum": lambda p: optim.SGD(p, lr=0.1, momentum=0.9, dampening=0.1),
        "adam": lambda p: optim.Adam(p, lr=0.01, weight_decay=0.01),
        "adamw-amsgrad": lambda p: optim.AdamW(p, lr=0.01, amsgrad=True),
    }[name]
    rng = np.random.default_rng(3)
    start = rng.standard_normal((4, 5)).astype(dtype)
    cpu = minitorch.from_numpy(start.copy()).requires_grad_()
    gpu = minitorch.from_numpy(start.copy()).cuda().requires_grad_()
    opts = [make([cpu]), make([gpu])]
    for _ in range(3):
        grad = minitorch.from_numpy(rng.standard_normal((4, 5)).astype(dtype))
        cpu.grad, gpu.grad = grad, grad.cuda()
        for opt in opts:
            opt.step()
    assert gpu.device == "cuda" and not isinstance(gpu._tensor._storage, np.ndarray)
    rtol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(gpu.to_numpy(), cpu.to_numpy(), rtol=rtol, atol=rtol)


def test_kernel_sources_are_c_and_python():
    """What fake_cupy executes is the text the GPU compiles: the statements parse as Python."""
    import ast

    from minitorch.backends import cuda_optim

    for _, expression in cuda_array_ops.EXPRESSIONS.values():
        ast.parse(expression, mode="eval")
    for body in (cuda_optim._ADAM_BODY % cuda_optim._AMSGRAD, cuda_optim._SGD_DECAY + cuda_optim._SGD_MOMENTUM):
        for statement in filter(None, (s.strip() for s in body.split(";"))):
            words = statement.split(None, 1)
            python = words[1] if words[0] == "T" else statement
            ast.parse(python)
