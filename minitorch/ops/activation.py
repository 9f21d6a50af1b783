"""Elementwise activations (as `torch.nn.functional`): tanh, gelu, silu, mish, elu, celu, selu,
leaky_relu, softplus, hardtanh, relu6, hardswish, hardsigmoid, logsigmoid, softsign, tanhshrink.

Each is one `Pointwise` Function: one map kernel of the backend forward and one zip kernel
backward, from the scalar functions of `activation_scalars.py` (ReLU and sigmoid are the
course's, in `ops/elementwise.py`). int64 and bool inputs become the default float dtype first.
`inplace=True` is accepted where PyTorch has it; the result is always a new tensor.

Shape:
    input (*) -> output (*).
"""

from __future__ import annotations

import functools
from typing import Any, Callable

from ..autodiff.function import Context, Function
from ..core.tensor import Tensor
from ..errors import DomainError
from . import activation_scalars as scalars
from .arrays import array, from_array, namespace

__all__ = [
    "Tanh", "Pointwise", "tanh", "gelu", "silu", "mish", "elu", "celu", "selu", "leaky_relu", "softplus",
    "hardtanh", "relu6", "hardswish", "hardsigmoid", "logsigmoid", "softsign", "tanhshrink",
]


class Tanh(Function):
    """tanh(a); the gradient is grad * (1 - tanh(a)^2), from the saved output."""

    @staticmethod
    def forward(ctx: Context, a: Tensor) -> Tensor:
        out = namespace(a).tanh(array(a))  # a fresh C-contiguous array, any input strides
        ctx.save_for_backward(out)
        return from_array(a, out)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        (out,) = ctx.saved_values
        grad = array(grad_output) * (1.0 - out * out)
        return from_array(grad_output, grad.astype(grad_output.dtype, copy=False))


@functools.lru_cache(maxsize=None)
def _kernel(backend: Any, kind: str, fn: Callable) -> Callable[..., Tensor]:
    """The backend's map or zip of a scalar function, built once per backend and function."""
    return backend.ops.map(fn) if kind == "map" else backend.ops.zip(fn)


class Pointwise(Function):
    """pair.forward(a) by the backend's map kernel; the gradient pair.backward(a, g) by its zip
    kernel (a `scalars.Pair`, static)."""

    @staticmethod
    def forward(ctx: Context, a: Tensor, pair: scalars.Pair) -> Tensor:
        ctx.save_for_backward(a)
        ctx.pair = pair
        return _kernel(a.backend, "map", pair.forward)(a)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        (a,) = ctx.saved_values
        return _kernel(grad_output.backend, "zip", ctx.pair.backward)(a, grad_output)


def _apply(input: Tensor, pair: scalars.Pair) -> Tensor:
    return Pointwise.apply(input if input.dtype.kind == "f" else input.to(None), pair)


def tanh(input: Tensor) -> Tensor:
    """Hyperbolic tangent, elementwise (as `torch.tanh`).

    tanh(x) = (e^x - e^-x) / (e^x + e^-x); d/dx tanh(x) = 1 - tanh(x)^2.

    Shape:
        (*) -> (*).

    Example:
        >>> tanh(minitorch.tensor([0.0])).item()
        0.0
    """
    return Tanh.apply(input if input.dtype.kind == "f" else input.to(None))


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """Gaussian error linear unit (as `torch.nn.functional.gelu`).

    approximate='none': x Phi(x) = x / 2 (1 + erf(x / sqrt 2)); 'tanh':
    x / 2 (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))).

    Shape:
        (*) -> (*).

    Example:
        >>> [round(v, 4) for v in gelu(minitorch.tensor([0.0, 1.0])).tolist()]
        [0.0, 0.8413]
    """
    if approximate not in ("none", "tanh"):
        raise DomainError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    return _apply(input, scalars.GELU if approximate == "none" else scalars.GELU_TANH)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """x sigmoid(x), elementwise (as `torch.nn.functional.silu`; also called swish).

    Shape:
        (*) -> (*).

    Example:
        >>> silu(minitorch.tensor([0.0])).tolist()
        [0.0]
    """
    return _apply(input, scalars.SILU)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """x tanh(softplus(x)), elementwise (as `torch.nn.functional.mish`).

    Shape:
        (*) -> (*).
    """
    return _apply(input, scalars.MISH)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x if x > 0 else alpha (e^x - 1) (as `torch.nn.functional.elu`).

    Shape:
        (*) -> (*).

    Example:
        >>> elu(minitorch.tensor([2.0])).tolist()
        [2.0]
    """
    return _apply(input, scalars.elu_pair(alpha))


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x if x > 0 else alpha (e^(x / alpha) - 1) (as `torch.nn.functional.celu`).

    Raises:
        DomainError: alpha == 0.

    Shape:
        (*) -> (*).
    """
    if float(alpha) == 0.0:
        raise DomainError("celu: alpha must not be 0 (it divides the input); use relu for the limit")
    return _apply(input, scalars.elu_pair(alpha, 1.0, 1.0 / float(alpha)))


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """scale (x if x > 0 else alpha (e^x - 1)), alpha = 1.6732..., scale = 1.0507...
    (as `torch.nn.functional.selu`).

    Shape:
        (*) -> (*).
    """
    return _apply(input, scalars.elu_pair(scalars.SELU_ALPHA, scalars.SELU_SCALE))


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """x if x > 0 else negative_slope x (as `torch.nn.functional.leaky_relu`); the gradient at
    0 is negative_slope.

    Shape:
        (*) -> (*).

    Example:
        >>> leaky_relu(minitorch.tensor([-100.0, 3.0])).tolist()
        [-1.0, 3.0]
    """
    return _apply(input, scalars.leaky_relu_pair(negative_slope))


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + e^(beta x)) / beta, and x where beta x > threshold (as
    `torch.nn.functional.softplus`).

    Shape:
        (*) -> (*).

    Example:
        >>> softplus(minitorch.tensor([30.0])).tolist()
        [30.0]
    """
    return _apply(input, scalars.softplus_pair(beta, threshold))


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> Tensor:
    """x clamped to [min_val, max_val] (as `torch.nn.functional.hardtanh`); the gradient is 0 at
    the bounds and beyond.

    Raises:
        DomainError: min_val > max_val.

    Shape:
        (*) -> (*).
    """
    if float(min_val) > float(max_val):
        raise DomainError(f"hardtanh: min_val ({min_val}) must not exceed max_val ({max_val})")
    return _apply(input, scalars.hardtanh_pair(min_val, max_val))


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """min(max(x, 0), 6) (as `torch.nn.functional.relu6`): hardtanh(x, 0, 6).

    Shape:
        (*) -> (*).

    Example:
        >>> relu6(minitorch.tensor([-1.0, 3.0, 9.0])).tolist()
        [0.0, 3.0, 6.0]
    """
    return _apply(input, scalars.hardtanh_pair(0.0, 6.0))


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """x relu6(x + 3) / 6 (as `torch.nn.functional.hardswish`).

    Shape:
        (*) -> (*).
    """
    return _apply(input, scalars.HARDSWISH)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """relu6(x + 3) / 6 (as `torch.nn.functional.hardsigmoid`).

    Shape:
        (*) -> (*).
    """
    return _apply(input, scalars.HARDSIGMOID)


def logsigmoid(input: Tensor) -> Tensor:
    """log(1 / (1 + e^-x)) = min(x, 0) - log(1 + e^-|x|), stable in both tails (as
    `torch.nn.functional.logsigmoid`).

    Shape:
        (*) -> (*).
    """
    return _apply(input, scalars.LOGSIGMOID)


def softsign(input: Tensor) -> Tensor:
    """x / (1 + |x|) (as `torch.nn.functional.softsign`).

    Shape:
        (*) -> (*).
    """
    return _apply(input, scalars.SOFTSIGN)


def tanhshrink(input: Tensor) -> Tensor:
    """x - tanh(x) (as `torch.nn.functional.tanhshrink`).

    Shape:
        (*) -> (*).
    """
    return _apply(input, scalars.TANHSHRINK)
