"""Trigonometric, hyperbolic, logarithm and exponential functions beyond the course's exp/log:
sin, cos, tan, asin, acos, atan, sinh, cosh, log2, log10, log1p, expm1, exp2, reciprocal,
and atan2 (as PyTorch). Each computes with the tensor's array namespace; int64 and bool
inputs become the default float dtype first (as PyTorch). Out-of-domain entries give NaN or
inf as in PyTorch (asin(2), log2(-1), 1 / 0), with no warning.

Shape:
    Unary: (*) -> (*). atan2: input, other broadcastable -> the broadcast shape.
"""

from __future__ import annotations

from typing import Any, Tuple, Type

from ..autodiff.function import Context, Function
from ..core.tensor import Tensor
from ..core.tensor_data import shape_broadcast
from ..core.tensor_math import promote_pair
from .arrays import array, from_array, namespace, quiet
from .pointwise import Unary

__all__ = [
    "Atan2",
    "sin",
    "cos",
    "tan",
    "asin",
    "acos",
    "atan",
    "sinh",
    "cosh",
    "log2",
    "log10",
    "log1p",
    "expm1",
    "exp2",
    "reciprocal",
    "atan2",
]

_LN2 = 0.6931471805599453
_LN10 = 2.302585092994046


def _unary(name: str, compute: Any, derivative: Any, doc: str) -> Type[Unary]:
    """A `Unary` Function: forward `compute(xp, x)`, gradient `derivative(xp, x, out, g)`."""
    return type(name, (Unary,), {"compute": staticmethod(compute), "derivative": staticmethod(derivative), "__doc__": doc})


Sin = _unary("Sin", lambda xp, x: xp.sin(x), lambda xp, x, out, g: g * xp.cos(x), "sin(a); gradient g cos(a).")
Cos = _unary("Cos", lambda xp, x: xp.cos(x), lambda xp, x, out, g: -g * xp.sin(x), "cos(a); gradient -g sin(a).")
Tan = _unary("Tan", lambda xp, x: xp.tan(x), lambda xp, x, out, g: g * (1 + out * out), "tan(a); gradient g (1 + tan(a)^2).")
Asin = _unary("Asin", lambda xp, x: xp.arcsin(x), lambda xp, x, out, g: g / xp.sqrt(1 - x * x), "asin(a); gradient g / sqrt(1 - a^2).")
Acos = _unary("Acos", lambda xp, x: xp.arccos(x), lambda xp, x, out, g: -g / xp.sqrt(1 - x * x), "acos(a); gradient -g / sqrt(1 - a^2).")
Atan = _unary("Atan", lambda xp, x: xp.arctan(x), lambda xp, x, out, g: g / (1 + x * x), "atan(a); gradient g / (1 + a^2).")
Sinh = _unary("Sinh", lambda xp, x: xp.sinh(x), lambda xp, x, out, g: g * xp.cosh(x), "sinh(a); gradient g cosh(a).")
Cosh = _unary("Cosh", lambda xp, x: xp.cosh(x), lambda xp, x, out, g: g * xp.sinh(x), "cosh(a); gradient g sinh(a).")
Log2 = _unary("Log2", lambda xp, x: xp.log2(x), lambda xp, x, out, g: g / (x * _LN2), "log2(a); gradient g / (a ln 2).")
Log10 = _unary("Log10", lambda xp, x: xp.log10(x), lambda xp, x, out, g: g / (x * _LN10), "log10(a); gradient g / (a ln 10).")
Log1p = _unary("Log1p", lambda xp, x: xp.log1p(x), lambda xp, x, out, g: g / (1 + x), "log(1 + a), exact near 0; gradient g / (1 + a).")
Expm1 = _unary("Expm1", lambda xp, x: xp.expm1(x), lambda xp, x, out, g: g * (out + 1), "e^a - 1, exact near 0; gradient g e^a.")
Exp2 = _unary("Exp2", lambda xp, x: xp.exp2(x), lambda xp, x, out, g: g * out * _LN2, "2^a; gradient g 2^a ln 2.")
Reciprocal = _unary("Reciprocal", lambda xp, x: 1 / x, lambda xp, x, out, g: -g * out * out, "1 / a; gradient -g / a^2.")


def _float_input(input: Tensor) -> Tensor:
    return input if input.dtype.kind == "f" else input.to(None)


def sin(input: Tensor) -> Tensor:
    """sin(input), elementwise (as `torch.sin`). Shape: (*) -> (*).

    Example:
        >>> sin(minitorch.tensor([0.0])).tolist()
        [0.0]
    """
    return Sin.apply(_float_input(input))


def cos(input: Tensor) -> Tensor:
    """cos(input), elementwise (as `torch.cos`). Shape: (*) -> (*).

    Example:
        >>> cos(minitorch.tensor([0.0])).tolist()
        [1.0]
    """
    return Cos.apply(_float_input(input))


def tan(input: Tensor) -> Tensor:
    """tan(input), elementwise (as `torch.tan`). Shape: (*) -> (*)."""
    return Tan.apply(_float_input(input))


def asin(input: Tensor) -> Tensor:
    """arcsin(input), elementwise (as `torch.asin`; NaN outside [-1, 1]). Shape: (*) -> (*)."""
    return Asin.apply(_float_input(input))


def acos(input: Tensor) -> Tensor:
    """arccos(input), elementwise (as `torch.acos`; NaN outside [-1, 1]). Shape: (*) -> (*)."""
    return Acos.apply(_float_input(input))


def atan(input: Tensor) -> Tensor:
    """arctan(input), elementwise (as `torch.atan`). Shape: (*) -> (*)."""
    return Atan.apply(_float_input(input))


def sinh(input: Tensor) -> Tensor:
    """sinh(input), elementwise (as `torch.sinh`). Shape: (*) -> (*)."""
    return Sinh.apply(_float_input(input))


def cosh(input: Tensor) -> Tensor:
    """cosh(input), elementwise (as `torch.cosh`). Shape: (*) -> (*)."""
    return Cosh.apply(_float_input(input))


def log2(input: Tensor) -> Tensor:
    """Base-2 logarithm, elementwise (as `torch.log2`). Shape: (*) -> (*).

    Example:
        >>> log2(minitorch.tensor([8.0])).tolist()
        [3.0]
    """
    return Log2.apply(_float_input(input))


def log10(input: Tensor) -> Tensor:
    """Base-10 logarithm, elementwise (as `torch.log10`). Shape: (*) -> (*)."""
    return Log10.apply(_float_input(input))


def log1p(input: Tensor) -> Tensor:
    """log(1 + input), accurate for small entries (as `torch.log1p`). Shape: (*) -> (*)."""
    return Log1p.apply(_float_input(input))


def expm1(input: Tensor) -> Tensor:
    """exp(input) - 1, accurate for small entries (as `torch.expm1`). Shape: (*) -> (*)."""
    return Expm1.apply(_float_input(input))


def exp2(input: Tensor) -> Tensor:
    """2 ** input, elementwise (as `torch.exp2`). Shape: (*) -> (*)."""
    return Exp2.apply(_float_input(input))


def reciprocal(input: Tensor) -> Tensor:
    """1 / input, elementwise (as `torch.reciprocal`; ints give floats). Shape: (*) -> (*)."""
    return Reciprocal.apply(_float_input(input))


class Atan2(Function):
    """atan2(a, b), the angle of the point (b, a); gradients g b / (a^2 + b^2) and -g a / (a^2 + b^2)."""

    @staticmethod
    def forward(ctx: Context, a: Tensor, b: Tensor) -> Tensor:
        x, y = array(a), array(b)
        ctx.save_for_backward(x, y)
        return from_array(a, namespace(a).arctan2(x, y))

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tuple[Tensor, Tensor]:
        x, y = ctx.saved_values
        g = array(grad_output)
        with quiet(grad_output):
            scale = g / (x * x + y * y)
        return from_array(grad_output, scale * y), from_array(grad_output, -scale * x)


def atan2(input: Tensor, other: Tensor) -> Tensor:
    """The angle of the point (other, input) in (-pi, pi], elementwise (as `torch.atan2`).

    Shape:
        input, other broadcastable -> the broadcast shape.

    Example:
        >>> round(atan2(minitorch.tensor([1.0]), minitorch.tensor([1.0])).item(), 4)
        0.7854
    """
    a, b = promote_pair(input, other)
    a, b = _float_input(a), _float_input(b)
    if a.shape != b.shape:
        shape_broadcast(a.shape, b.shape)
    return Atan2.apply(a, b)
