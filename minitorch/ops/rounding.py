"""Rounding and the divisions that round: floor, ceil, round, trunc, frac, sign, floor_divide
(`//`), remainder (`%`), fmod, and div with a rounding_mode (as PyTorch).

Integer inputs keep their dtype (floor/ceil/round/trunc of an int64 tensor are copies); bool
inputs are refused, as PyTorch (sign keeps them).
Gradients as PyTorch: 0 for the step functions (floor, ceil, round, trunc, sign, and the
rounded quotients); frac passes g; remainder and fmod pass g to the dividend and give the
divisor -g * floor(a / b) (remainder) or -g * trunc(a / b) (fmod).

Shape:
    Unary: (*) -> (*). Binary: inputs broadcast, output (broadcast shape).
"""

from __future__ import annotations

from typing import Any, Optional, Tuple, Union

from ..autodiff.function import Context, Function
from ..core.tensor import Tensor
from ..core.tensor_data import shape_broadcast
from ..core.tensor_math import promote_pair
from ..errors import DomainError, DTypeError
from .arrays import array, from_array, namespace, quiet
from .pointwise import Unary

__all__ = [
    "Step",
    "Round",
    "Frac",
    "RoundingDivision",
    "floor",
    "ceil",
    "round",
    "trunc",
    "frac",
    "sign",
    "floor_divide",
    "remainder",
    "fmod",
    "div",
]

Number = Union[int, float]


class Step(Function):
    """A piecewise-constant function (`ufunc` of the array namespace): gradient 0 everywhere."""

    @staticmethod
    def forward(ctx: Context, a: Tensor, ufunc: str) -> Tensor:
        return from_array(a, getattr(namespace(a), ufunc)(array(a)))

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        return from_array(grad_output, namespace(grad_output).zeros(grad_output.shape, dtype=grad_output.dtype))


class Round(Function):
    """Round half to even, to `decimals` places; gradient 0."""

    @staticmethod
    def forward(ctx: Context, a: Tensor, decimals: int) -> Tensor:
        return from_array(a, namespace(a).round(array(a), decimals))

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        return Step.backward(ctx, grad_output)


class Frac(Unary):
    """a - trunc(a); gradient g."""

    compute = staticmethod(lambda xp, x: x - xp.trunc(x))
    derivative = staticmethod(lambda xp, x, out, g: g)


def _step(op: str, ufunc: str, input: Tensor) -> Tensor:
    if not isinstance(input, Tensor):
        raise DTypeError(f"{op}: input must be a minitorch Tensor, got {type(input).__name__}")
    if input.dtype.kind == "b":
        raise DTypeError(f"{op}: not defined for bool tensors (as PyTorch); convert with .long() first")
    if input.dtype.kind != "f":  # integers are already whole: a copy, the dtype kept
        return input.clone()
    return Step.apply(input, ufunc)


def floor(input: Tensor) -> Tensor:
    """The largest integer <= input, elementwise (as `torch.floor`; gradient 0).

    Shape:
        (*) -> (*).

    Example:
        >>> floor(minitorch.tensor([-1.5, 2.5])).tolist()
        [-2.0, 2.0]
    """
    return _step("floor", "floor", input)


def ceil(input: Tensor) -> Tensor:
    """The smallest integer >= input, elementwise (as `torch.ceil`; gradient 0).

    Shape:
        (*) -> (*).

    Example:
        >>> ceil(minitorch.tensor([-1.5, 2.5])).tolist()
        [-1.0, 3.0]
    """
    return _step("ceil", "ceil", input)


def trunc(input: Tensor) -> Tensor:
    """input rounded toward zero, elementwise (as `torch.trunc`; gradient 0).

    Shape:
        (*) -> (*).

    Example:
        >>> trunc(minitorch.tensor([-1.5, 2.5])).tolist()
        [-1.0, 2.0]
    """
    return _step("trunc", "trunc", input)


def round(input: Tensor, *, decimals: int = 0) -> Tensor:
    """input rounded to `decimals` places, halves to even (as `torch.round`; gradient 0).

    Shape:
        (*) -> (*).

    Example:
        >>> round(minitorch.tensor([0.5, 1.5, 2.25]), decimals=0).tolist()
        [0.0, 2.0, 2.0]
    """
    if not isinstance(input, Tensor):
        raise DTypeError(f"round: input must be a minitorch Tensor, got {type(input).__name__}")
    if input.dtype.kind == "b":
        raise DTypeError("round: not defined for bool tensors (as PyTorch); convert with .long() first")
    if input.dtype.kind != "f" and decimals >= 0:
        return input.clone()
    return Round.apply(input if input.dtype.kind == "f" else input.to(None), int(decimals))


def frac(input: Tensor) -> Tensor:
    """input - trunc(input): the fractional part, sign kept (as `torch.frac`; gradient g).

    Shape:
        (*) -> (*).

    Example:
        >>> frac(minitorch.tensor([-1.5, 2.25])).tolist()
        [-0.5, 0.25]
    """
    if input.dtype.kind != "f":
        raise DTypeError(f"frac: needs a float tensor, got {input.dtype}; convert with .double() first")
    return Frac.apply(input)


def sign(input: Tensor) -> Tensor:
    """-1, 0 or 1 by the sign of each entry (as `torch.sign`; gradient 0; bool stays bool).

    Shape:
        (*) -> (*).

    Example:
        >>> sign(minitorch.tensor([-2.0, 0.0, 3.0])).tolist()
        [-1.0, 0.0, 1.0]
    """
    if input.dtype.kind == "b":
        return input.clone()
    return Step.apply(input, "sign")


class RoundingDivision(Function):
    """a // b ("floor_divide"), a - b * floor(a / b) ("remainder"), a - b * trunc(a / b)
    ("fmod"), or trunc(a / b) ("trunc_divide"), computed by the array namespace."""

    @staticmethod
    def forward(ctx: Context, a: Tensor, b: Tensor, kind: str) -> Tensor:
        xp = namespace(a)
        x, y = array(a), array(b)
        ctx.save_for_backward(x, y)
        ctx.kind = kind
        with quiet(a):
            if kind == "trunc_divide":
                out = xp.trunc(x / y) if x.dtype.kind == "f" else (x - xp.fmod(x, y)) // y
            else:
                out = getattr(xp, kind)(x, y)
        return from_array(a, out)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tuple[Tensor, Tensor]:
        x, y = ctx.saved_values
        xp = namespace(grad_output)
        g = array(grad_output)
        if ctx.kind in ("floor_divide", "trunc_divide"):
            zeros = from_array(grad_output, xp.zeros(g.shape, dtype=g.dtype))
            return zeros, zeros
        with quiet(grad_output):
            quotient = xp.floor_divide(x, y) if ctx.kind == "remainder" else xp.trunc(x / y)
        return grad_output, from_array(grad_output, -g * quotient)


def _divide(op: str, kind: str, input: Any, other: Any) -> Tensor:
    a, b = promote_pair(input, other)
    if a.dtype.kind == "b":
        raise DTypeError(f"{op}: not supported on bool tensors; convert with .long() first")
    if a.shape != b.shape:
        shape_broadcast(a.shape, b.shape)  # IndexingError naming both shapes
    if a.dtype.kind == "i" and bool(namespace(b).any(array(b) == 0)):
        raise DomainError(
            f"{op}: integer division by zero (shapes {a.shape} and {b.shape}); convert to float "
            f"(.double()) for inf/NaN results, or mask the zeros first"
        )
    return RoundingDivision.apply(a, b, kind)


def floor_divide(input: Union[Tensor, Number], other: Union[Tensor, Number]) -> Tensor:
    """floor(input / other), elementwise (as `torch.floor_divide` and `//`; int64 stays int64).

    The gradient is 0 (PyTorch's `div(rounding_mode="floor")`; `torch.floor_divide` has none).

    Raises:
        DomainError: integer division by zero.

    Shape:
        input, other broadcastable -> the broadcast shape.

    Example:
        >>> floor_divide(minitorch.tensor([7.0, -7.0]), 2).tolist()
        [3.0, -4.0]
    """
    return _divide("floor_divide", "floor_divide", input, other)


def remainder(input: Union[Tensor, Number], other: Union[Tensor, Number]) -> Tensor:
    """input - other * floor(input / other): the remainder with the divisor's sign (as
    `torch.remainder` and `%`, Python's modulus).

    Gradients: g for input, -g * floor(input / other) for other.

    Raises:
        DomainError: integer division by zero.

    Shape:
        input, other broadcastable -> the broadcast shape.

    Example:
        >>> remainder(minitorch.tensor([7.0, -7.0]), 3).tolist()
        [1.0, 2.0]
    """
    return _divide("remainder", "remainder", input, other)


def fmod(input: Union[Tensor, Number], other: Union[Tensor, Number]) -> Tensor:
    """input - other * trunc(input / other): the remainder with the dividend's sign (as
    `torch.fmod`, C's fmod).

    Gradients: g for input, -g * trunc(input / other) for other.

    Raises:
        DomainError: integer division by zero.

    Shape:
        input, other broadcastable -> the broadcast shape.

    Example:
        >>> fmod(minitorch.tensor([7.0, -7.0]), 3).tolist()
        [1.0, -1.0]
    """
    return _divide("fmod", "fmod", input, other)


def div(input: Union[Tensor, Number], other: Union[Tensor, Number], *, rounding_mode: Optional[str] = None) -> Tensor:
    """input / other (as `torch.div`): true division (ints give floats), or rounded toward
    zero (`rounding_mode="trunc"`) or down (`"floor"`), keeping int64.

    Raises:
        DTypeError: an unknown rounding_mode.

    Shape:
        input, other broadcastable -> the broadcast shape.

    Example:
        >>> div(minitorch.tensor([7.0, -7.0]), 2, rounding_mode="trunc").tolist()
        [3.0, -3.0]
    """
    if rounding_mode is None:
        a, b = promote_pair(input, other)
        return a / b
    if rounding_mode == "floor":
        return _divide("div", "floor_divide", input, other)
    if rounding_mode == "trunc":
        return _divide("div", "trunc_divide", input, other)
    raise DTypeError(f"div: rounding_mode must be None, 'trunc' or 'floor', got {rounding_mode!r}")
