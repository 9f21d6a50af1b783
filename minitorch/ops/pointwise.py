"""Elementwise math beyond the course's scalar functions: pow, abs, sqrt, rsqrt, clamp,
minimum, maximum. Each computes with the tensor's array namespace and is differentiable
with PyTorch's gradient conventions (noted per op).

Shape:
    Unary: input (*) -> output (*). Binary: inputs broadcast, output (broadcast shape).
"""

from __future__ import annotations

import math
from typing import Any, Optional, Tuple, Union

from ..autodiff.function import Context, Function
from ..core.dtypes import result_type, scalar_dtype
from ..core.tensor import Tensor
from ..core.tensor_data import shape_broadcast
from ..errors import DomainError, DTypeError
from .arrays import array, from_array, namespace, quiet
from .select import keep_where

__all__ = ["Unary", "Pow", "Abs", "Sqrt", "Rsqrt", "Clamp", "Extremum", "pow", "abs", "sqrt", "rsqrt", "clamp", "clip", "minimum", "maximum"]

Number = Union[int, float]


def _is_fractional(value: float) -> bool:
    return math.isfinite(value) and value != math.floor(value)


def _floating(t: Tensor) -> Tensor:
    """`t` as a float tensor (int64/bool are converted to the default float, as in PyTorch)."""
    if t.dtype.kind == "f":
        return t
    return t.to(None)


class Pow(Function):
    """base ** exponent, one side possibly a Python number (static).

    Gradients (as PyTorch): d/d base = exponent * base ** (exponent - 1) (0 where the
    exponent is 0); d/d exponent = out * log(base) (0 where base == 0 and exponent >= 0).
    """

    @staticmethod
    def forward(ctx: Context, base: Any, exponent: Any) -> Tensor:
        like = base if isinstance(base, Tensor) else exponent
        xp = namespace(like)
        a = array(base) if isinstance(base, Tensor) else base
        b = array(exponent) if isinstance(exponent, Tensor) else exponent
        out = a * a if isinstance(b, (int, float)) and b == 2 else xp.power(a, b)  # x ** 2: one multiply
        ctx.save_for_backward(a, b, out)
        return from_array(like, out)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tuple[Tensor, ...]:
        a, b, out = ctx.saved_values
        xp = namespace(grad_output)
        g = array(grad_output)
        grads = []
        if hasattr(a, "shape"):  # the base is a tensor
            if not hasattr(b, "shape"):
                grad = g * (2 * a) if b == 2 else (g * (b * xp.power(a, b - 1)) if b != 0 else xp.zeros_like(g))
            else:
                grad = xp.where(b == 0, 0, g * b * xp.power(a, b - 1))
            grads.append(from_array(grad_output, grad))
        if hasattr(b, "shape"):  # the exponent is a tensor
            with quiet(grad_output):
                grad = xp.where((a == 0) & (b >= 0), 0, g * out * xp.log(a))
            grads.append(from_array(grad_output, grad))
        return tuple(grads)


def pow(input: Union[Tensor, Number], exponent: Union[Tensor, Number]) -> Tensor:
    """input ** exponent, elementwise (as `torch.pow`; either side may be a number).

    out_i = input_i ** exponent_i. An int64 tensor to a non-negative int power stays int64;
    otherwise the result is float.

    Args:
        input: the base (a tensor or a number).
        exponent: the exponent (a tensor or a number).

    Raises:
        DomainError: a negative base to a fractional exponent (PyTorch returns NaN there),
            or an integer tensor to a negative integer power.

    Shape:
        input, exponent broadcastable -> the broadcast shape.

    Example:
        >>> pow(minitorch.tensor([1.0, 2.0, 3.0]), 2).tolist()
        [1.0, 4.0, 9.0]
    """
    if not isinstance(input, Tensor) and not isinstance(exponent, Tensor):
        raise DTypeError(f"pow: needs a tensor on at least one side, got {type(input).__name__} and {type(exponent).__name__}")
    if isinstance(input, Tensor) and isinstance(exponent, Tensor):
        dtype = result_type(input.dtype, exponent.dtype)
        if dtype.kind == "b":  # bools raise to int64 (as PyTorch)
            dtype = scalar_dtype(dtype, 1)
        if dtype.kind != "i" or input.dtype.kind == "b":
            input, exponent = input.to(dtype), exponent.to(dtype)
        if input.shape != exponent.shape:
            shape_broadcast(input.shape, exponent.shape)
        _check_domain(input, exponent)
        return Pow.apply(input, exponent)
    if isinstance(input, Tensor):
        if input.dtype.kind != "f":  # int64 to a float power is float; bools raise to int64
            input = input.to(scalar_dtype(input.dtype if input.dtype.kind != "b" else scalar_dtype(input.dtype, 1), exponent))
        _check_domain(input, exponent)
        return Pow.apply(input, exponent)
    assert isinstance(exponent, Tensor)  # (one side is a tensor, checked above)
    if exponent.dtype.kind != "f":
        exponent = exponent.to(scalar_dtype(exponent.dtype if exponent.dtype.kind != "b" else scalar_dtype(exponent.dtype, 1), input))
    _check_domain(input, exponent)
    return Pow.apply(input, exponent)


def _check_domain(base: Any, exponent: Any) -> None:
    xp = namespace(base if isinstance(base, Tensor) else exponent)
    a = array(base) if isinstance(base, Tensor) else base
    b = array(exponent) if isinstance(exponent, Tensor) else exponent
    shapes = f"base {base.shape if isinstance(base, Tensor) else base!r}, exponent " + (
        f"{exponent.shape}" if isinstance(exponent, Tensor) else repr(exponent)
    )
    integer = (base.dtype.kind if isinstance(base, Tensor) else "f") in "ib" and (
        exponent.dtype.kind if isinstance(exponent, Tensor) else ("i" if isinstance(b, int) else "f")
    ) in "ib"
    if integer:
        if bool(xp.any(xp.asarray(b) < 0)):
            raise DomainError(f"pow: integers to negative integer powers are not allowed ({shapes}); convert with .double()")
        return
    if isinstance(exponent, Tensor):
        if bool(xp.any(xp.asarray(a) < 0)) and bool(xp.any((xp.asarray(a) < 0) & (b != xp.floor(b)))):
            raise DomainError(
                f"pow: a negative base to a fractional exponent has no real value ({shapes}); "
                f"take abs() of the base or use an integer exponent"
            )
    elif _is_fractional(float(b)) and bool(xp.any(a < 0)):
        raise DomainError(
            f"pow: a negative base to the fractional exponent {b!r} has no real value ({shapes}); "
            f"take abs() of the base or use an integer exponent"
        )


class Unary(Function):
    """f(a) with a gradient from the saved input and output."""

    @classmethod
    def forward(cls, ctx: Context, a: Tensor) -> Tensor:
        x = array(a)
        with quiet(a):
            out = cls.compute(namespace(a), x)
        ctx.save_for_backward(x, out)
        return from_array(a, out)

    @classmethod
    def backward(cls, ctx: Context, grad_output: Tensor) -> Tensor:
        x, out = ctx.saved_values
        xp = namespace(grad_output)
        with quiet(grad_output):
            return from_array(grad_output, cls.derivative(xp, x, out, array(grad_output)))

    @staticmethod
    def compute(xp: Any, x: Any) -> Any:
        raise NotImplementedError

    @staticmethod
    def derivative(xp: Any, x: Any, out: Any, g: Any) -> Any:
        raise NotImplementedError


class Abs(Unary):
    """|a|; the gradient is g * sign(a) (0 at 0, as PyTorch)."""

    compute = staticmethod(lambda xp, x: xp.abs(x))
    derivative = staticmethod(lambda xp, x, out, g: g * xp.sign(x))


class Sqrt(Unary):
    """sqrt(a) (NaN below 0, as PyTorch); the gradient is g / (2 sqrt(a))."""

    compute = staticmethod(lambda xp, x: xp.sqrt(x))
    derivative = staticmethod(lambda xp, x, out, g: g / (2 * out))


class Rsqrt(Unary):
    """1 / sqrt(a); the gradient is -g / (2 a sqrt(a)) = -g out^3 / 2."""

    compute = staticmethod(lambda xp, x: 1 / xp.sqrt(x))
    derivative = staticmethod(lambda xp, x, out, g: -0.5 * g * out * out * out)


def abs(input: Tensor) -> Tensor:
    """|input|, elementwise (as `torch.abs`; int64 stays int64).

    Raises:
        DTypeError: for a bool tensor (as PyTorch).

    Shape:
        (*) -> (*).

    Example:
        >>> abs(minitorch.tensor([-1.5, 2.0])).tolist()
        [1.5, 2.0]
    """
    if input.dtype.kind == "b":
        raise DTypeError("abs: not defined for bool tensors; convert with .long() first")
    return Abs.apply(input)


def sqrt(input: Tensor) -> Tensor:
    """sqrt(input), elementwise (as `torch.sqrt`; NaN for negative entries).

    Shape:
        (*) -> (*).

    Example:
        >>> sqrt(minitorch.tensor([4.0, 9.0])).tolist()
        [2.0, 3.0]
    """
    return Sqrt.apply(_floating(input))


def rsqrt(input: Tensor) -> Tensor:
    """1 / sqrt(input), elementwise (as `torch.rsqrt`).

    Shape:
        (*) -> (*).

    Example:
        >>> rsqrt(minitorch.tensor([4.0])).tolist()
        [0.5]
    """
    return Rsqrt.apply(_floating(input))


class Clamp(Function):
    """min(max(a, lo), hi) with number bounds; the gradient passes where lo <= a <= hi."""

    @staticmethod
    def forward(ctx: Context, a: Tensor, lo: Optional[Number], hi: Optional[Number]) -> Tensor:
        x = array(a)
        ctx.save_for_backward(x)
        ctx.lo, ctx.hi = lo, hi
        return from_array(a, namespace(a).clip(x, lo, hi))

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        (x,) = ctx.saved_values
        inside = x >= ctx.lo if ctx.lo is not None else None
        if ctx.hi is not None:
            inside = x <= ctx.hi if inside is None else inside & (x <= ctx.hi)
        return from_array(grad_output, keep_where(namespace(grad_output), array(grad_output), inside))


def clamp(input: Tensor, min: Union[Tensor, Number, None] = None, max: Union[Tensor, Number, None] = None) -> Tensor:
    """Limit every entry to [min, max] (as `torch.clamp`); either bound may be None or a tensor.

    out_i = min(max(input_i, min_i), max_i): where min > max every entry is max. The gradient
    flows to input where min <= input <= max (bounds included); tensor bounds get the gradient
    where they are the result.

    Args:
        input: any shape.
        min: the lower bound (a number, a broadcastable tensor, or None).
        max: the upper bound (a number, a broadcastable tensor, or None).

    Raises:
        DomainError: when both bounds are None.

    Shape:
        (*) -> (*) (broadcast with tensor bounds).

    Example:
        >>> clamp(minitorch.tensor([-2.0, 0.5, 3.0]), min=0.0, max=1.0).tolist()
        [0.0, 0.5, 1.0]
    """
    if min is None and max is None:
        raise DomainError(f"clamp: give min or max (or both) for input of shape {input.shape}")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        out = input
        if min is not None:
            out = maximum(out, min if isinstance(min, Tensor) else out._ensure_tensor(min))
        if max is not None:
            out = minimum(out, max if isinstance(max, Tensor) else out._ensure_tensor(max))
        return out
    if input.dtype.kind != "f" and any(isinstance(v, float) for v in (min, max)):
        input = _floating(input)
    return Clamp.apply(input, min, max)


def clip(input: Tensor, min: Union[Tensor, Number, None] = None, max: Union[Tensor, Number, None] = None) -> Tensor:
    """Alias of `clamp` (as `torch.clip`)."""
    return clamp(input, min, max)


class Extremum(Function):
    """Elementwise maximum (`largest=True`) or minimum of two tensors, NaN propagating.

    The gradient goes to the larger (smaller) input; ties split it in halves (as PyTorch).
    """

    @staticmethod
    def forward(ctx: Context, a: Tensor, b: Tensor, largest: bool) -> Tensor:
        xp = namespace(a)
        x, y = array(a), array(b)
        ctx.save_for_backward(x, y)
        ctx.largest = largest
        return from_array(a, xp.maximum(x, y) if largest else xp.minimum(x, y))

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tuple[Tensor, Tensor]:
        x, y = ctx.saved_values
        xp = namespace(grad_output)
        g = array(grad_output)
        wins = (x > y) if ctx.largest else (x < y)
        tie = x == y
        gx = xp.where(wins, g, xp.where(tie, g / 2, 0))
        gy = xp.where(wins | tie, xp.where(tie, g / 2, 0), g)
        return from_array(grad_output, gx), from_array(grad_output, gy)


def _extremum(op: str, input: Tensor, other: Tensor, largest: bool) -> Tensor:
    if not isinstance(other, Tensor):
        raise DTypeError(f"{op}: other must be a tensor, got {type(other).__name__}; use clamp for a number")
    dtype = result_type(input.dtype, other.dtype)
    input, other = input.to(dtype), other.to(dtype)
    if input.shape != other.shape:
        shape_broadcast(input.shape, other.shape)
    return Extremum.apply(input, other, largest)


def maximum(input: Tensor, other: Tensor) -> Tensor:
    """The larger of two tensors, elementwise (as `torch.maximum`; NaN propagates).

    Shape:
        input, other broadcastable -> the broadcast shape.

    Example:
        >>> maximum(minitorch.tensor([1.0, 5.0]), minitorch.tensor([3.0, 2.0])).tolist()
        [3.0, 5.0]
    """
    return _extremum("maximum", input, other, True)


def minimum(input: Tensor, other: Tensor) -> Tensor:
    """The smaller of two tensors, elementwise (as `torch.minimum`; NaN propagates).

    Shape:
        input, other broadcastable -> the broadcast shape.

    Example:
        >>> minimum(minitorch.tensor([1.0, 5.0]), minitorch.tensor([3.0, 2.0])).tolist()
        [1.0, 2.0]
    """
    return _extremum("minimum", input, other, False)
