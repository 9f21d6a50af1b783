"""Comparisons, tests and logical ops: boolean results, no gradient (as in PyTorch).

`a < b`, `a <= b`, `a > b`, `a >= b`, `a == b`, `a != b` give bool tensors (masks for
indexing, `where`, `masked_fill`); so do `isnan`, `isinf`, `isfinite` and `logical_and/or/
xor/not` (any dtype: non-zero is True); `&`, `|`, `^`, `~` combine bool (or int64) tensors
bitwise. Either operand may be a Python number (the other's dtype, or a higher kind). A bool
tensor reads back as True/False, sums to an int64 count and promotes to the other operand's
dtype in arithmetic, so the MiniTorch course's uses of comparisons (`(a < b) * c`, `.sum()`,
reading 1.0 / 0.0 entries) keep working.

Shape:
    a, b broadcastable -> the broadcast shape.
"""

from __future__ import annotations

from typing import List, Union

from ..core.tensor import Tensor
from ..core.tensor_data import shape_broadcast
from ..core.tensor_math import promote_pair
from ..errors import DTypeError
from .arrays import array, from_array, namespace
from .device import same_device

__all__ = [
    "lt",
    "le",
    "gt",
    "ge",
    "eq",
    "ne",
    "is_close",
    "isclose",
    "allclose",
    "bitwise_and",
    "bitwise_or",
    "bitwise_xor",
    "bitwise_not",
    "isnan",
    "isinf",
    "isfinite",
    "logical_and",
    "logical_or",
    "logical_xor",
    "logical_not",
]

Operand = Union[Tensor, int, float, bool]


def _compare(ufunc: str, a: Operand, b: Operand) -> Tensor:
    a, b = promote_pair(a, b)
    if a.shape != b.shape:
        shape_broadcast(a.shape, b.shape)  # IndexingError naming both shapes
    a, b = _one_device(ufunc, a, b)
    return from_array(a, getattr(namespace(a), ufunc)(array(a), array(b)))


def _one_device(op: str, a: Tensor, b: Tensor) -> List[Tensor]:
    """[a, b] on one device: the rule of `Function.apply` (DeviceError, or a course GPU backend
    taking the CPU side along), which these array-level ops do not pass through."""
    return [a, b] if a.backend is b.backend else same_device(op, [a, b])


def lt(input: Operand, other: Operand) -> Tensor:
    """input < other, elementwise (bool). Shape: broadcast of both."""
    return _compare("less", input, other)


def le(input: Operand, other: Operand) -> Tensor:
    """input <= other, elementwise (bool). Shape: broadcast of both."""
    return _compare("less_equal", input, other)


def gt(input: Operand, other: Operand) -> Tensor:
    """input > other, elementwise (bool). Shape: broadcast of both."""
    return _compare("greater", input, other)


def ge(input: Operand, other: Operand) -> Tensor:
    """input >= other, elementwise (bool). Shape: broadcast of both."""
    return _compare("greater_equal", input, other)


def eq(input: Operand, other: Operand) -> Tensor:
    """input == other, elementwise (bool). Shape: broadcast of both.

    Example:
        >>> eq(minitorch.tensor([1.0, 2.0]), minitorch.tensor([1.0, 3.0])).tolist()
        [True, False]
    """
    return _compare("equal", input, other)


def ne(input: Operand, other: Operand) -> Tensor:
    """input != other, elementwise (bool). Shape: broadcast of both."""
    return _compare("not_equal", input, other)


def is_close(input: Operand, other: Operand) -> Tensor:
    """MiniTorch's `is_close`: |input - other| < 1e-2, elementwise (bool)."""
    input, other = promote_pair(input, other)
    if input.shape != other.shape:
        shape_broadcast(input.shape, other.shape)
    input, other = _one_device("is_close", input, other)
    xp = namespace(input)
    return from_array(input, xp.abs(array(input) - array(other)) < 1e-2)


def isclose(input: Operand, other: Operand, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Tensor:
    """|input - other| <= atol + rtol * |other|, elementwise (bool; as `torch.isclose`).

    Shape: broadcast of both.
    """
    input, other = promote_pair(input, other)
    if input.shape != other.shape:
        shape_broadcast(input.shape, other.shape)
    input, other = _one_device("isclose", input, other)
    xp = namespace(input)
    return from_array(input, xp.isclose(array(input), array(other), rtol=rtol, atol=atol, equal_nan=equal_nan))


def allclose(input: Operand, other: Operand, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
    """Whether `isclose` holds everywhere (as `torch.allclose`)."""
    return bool(array(isclose(input, other, rtol, atol, equal_nan)).all())


def _logical(op: str, ufunc: str, a: Operand, b: Operand) -> Tensor:
    a, b = promote_pair(a, b)
    for t in (a, b):
        if t.dtype.kind == "f":
            raise DTypeError(
                f"{op}: needs bool or int64 tensors, got {a.dtype} and {b.dtype}; compare first "
                f"(x > 0) or convert with .bool()"
            )
    return _compare(ufunc, a, b)


def bitwise_and(input: Operand, other: Operand) -> Tensor:
    """input & other (bool: logical and; int64: bitwise). Shape: broadcast of both."""
    return _logical("and", "bitwise_and", input, other)


def bitwise_or(input: Operand, other: Operand) -> Tensor:
    """input | other (bool: logical or; int64: bitwise). Shape: broadcast of both."""
    return _logical("or", "bitwise_or", input, other)


def bitwise_xor(input: Operand, other: Operand) -> Tensor:
    """input ^ other (bool: logical xor; int64: bitwise). Shape: broadcast of both."""
    return _logical("xor", "bitwise_xor", input, other)


def bitwise_not(input: Tensor) -> Tensor:
    """~input (bool: logical not; int64: bitwise not). Shape: (*) -> (*)."""
    if input.dtype.kind == "f":
        raise DTypeError(f"invert: needs a bool or int64 tensor, got {input.dtype}; use x == 0 for floats")
    return from_array(input, namespace(input).invert(array(input)))


def _test(op: str, ufunc: str, input: Tensor) -> Tensor:
    if not isinstance(input, Tensor):
        raise DTypeError(f"{op}: input must be a minitorch Tensor, got {type(input).__name__}")
    if input.dtype.kind != "f":  # integers and bools are always finite
        xp = namespace(input)
        return from_array(input, xp.full(input.shape, ufunc == "isfinite", dtype=xp.bool_))
    return from_array(input, getattr(namespace(input), ufunc)(array(input)))


def isnan(input: Tensor) -> Tensor:
    """True where input is NaN (as `torch.isnan`). Shape: (*) -> (*), bool.

    Example:
        >>> isnan(minitorch.tensor([1.0, float("nan")])).tolist()
        [False, True]
    """
    return _test("isnan", "isnan", input)


def isinf(input: Tensor) -> Tensor:
    """True where input is +inf or -inf (as `torch.isinf`). Shape: (*) -> (*), bool."""
    return _test("isinf", "isinf", input)


def isfinite(input: Tensor) -> Tensor:
    """True where input is neither inf nor NaN (as `torch.isfinite`). Shape: (*) -> (*), bool."""
    return _test("isfinite", "isfinite", input)


def _truth(ufunc: str, a: Operand, b: Operand) -> Tensor:
    a, b = promote_pair(a, b)
    if a.shape != b.shape:
        shape_broadcast(a.shape, b.shape)
    a, b = _one_device(ufunc, a, b)
    return from_array(a, getattr(namespace(a), ufunc)(array(a) != 0, array(b) != 0))


def logical_and(input: Operand, other: Operand) -> Tensor:
    """input and other, elementwise, non-zero counting as True (as `torch.logical_and`; bool).

    Shape: broadcast of both.

    Example:
        >>> logical_and(minitorch.tensor([1.0, 0.0, 2.0]), minitorch.tensor([1.0, 1.0, 0.0])).tolist()
        [True, False, False]
    """
    return _truth("logical_and", input, other)


def logical_or(input: Operand, other: Operand) -> Tensor:
    """input or other, elementwise, non-zero counting as True (as `torch.logical_or`; bool).
    Shape: broadcast of both."""
    return _truth("logical_or", input, other)


def logical_xor(input: Operand, other: Operand) -> Tensor:
    """Exactly one of input, other non-zero, elementwise (as `torch.logical_xor`; bool).
    Shape: broadcast of both."""
    return _truth("logical_xor", input, other)


def logical_not(input: Tensor) -> Tensor:
    """True where input is zero (as `torch.logical_not`; bool). Shape: (*) -> (*).

    Example:
        >>> logical_not(minitorch.tensor([0.0, 3.0])).tolist()
        [True, False]
    """
    return from_array(input, array(input) == 0)
