"""Comparisons and logical ops: boolean results, no gradient (as in PyTorch).

`a < b`, `a <= b`, `a > b`, `a >= b`, `a == b`, `a != b` give bool tensors (masks for
indexing, `where`, `masked_fill`); `&`, `|`, `^`, `~` combine bool (or int64) tensors. A bool
tensor reads back as True/False, sums to an int64 count and promotes to the other operand's
dtype in arithmetic, so the MiniTorch course's uses of comparisons (`(a < b) * c`, `.sum()`,
reading 1.0 / 0.0 entries) keep working.

Shape:
    a, b broadcastable -> the broadcast shape.
"""

from __future__ import annotations

from typing import Any

from ..core.tensor import Tensor
from ..core.tensor_data import shape_broadcast
from ..errors import DTypeError
from .arrays import array, from_array, namespace

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
]


def _compare(ufunc: str, a: Tensor, b: Tensor) -> Tensor:
    if a.shape != b.shape:
        shape_broadcast(a.shape, b.shape)  # IndexingError naming both shapes
    return from_array(a, getattr(namespace(a), ufunc)(array(a), array(b)))


def lt(input: Tensor, other: Tensor) -> Tensor:
    """input < other, elementwise (bool). Shape: broadcast of both."""
    return _compare("less", input, other)


def le(input: Tensor, other: Tensor) -> Tensor:
    """input <= other, elementwise (bool). Shape: broadcast of both."""
    return _compare("less_equal", input, other)


def gt(input: Tensor, other: Tensor) -> Tensor:
    """input > other, elementwise (bool). Shape: broadcast of both."""
    return _compare("greater", input, other)


def ge(input: Tensor, other: Tensor) -> Tensor:
    """input >= other, elementwise (bool). Shape: broadcast of both."""
    return _compare("greater_equal", input, other)


def eq(input: Tensor, other: Tensor) -> Tensor:
    """input == other, elementwise (bool). Shape: broadcast of both.

    Example:
        >>> eq(minitorch.tensor([1.0, 2.0]), minitorch.tensor([1.0, 3.0])).tolist()
        [True, False]
    """
    return _compare("equal", input, other)


def ne(input: Tensor, other: Tensor) -> Tensor:
    """input != other, elementwise (bool). Shape: broadcast of both."""
    return _compare("not_equal", input, other)


def is_close(input: Tensor, other: Tensor) -> Tensor:
    """MiniTorch's `is_close`: |input - other| < 1e-2, elementwise (bool)."""
    if input.shape != other.shape:
        shape_broadcast(input.shape, other.shape)
    xp = namespace(input)
    return from_array(input, xp.abs(array(input) - array(other)) < 1e-2)


def isclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Tensor:
    """|input - other| <= atol + rtol * |other|, elementwise (bool; as `torch.isclose`).

    Shape: broadcast of both.
    """
    if input.shape != other.shape:
        shape_broadcast(input.shape, other.shape)
    xp = namespace(input)
    return from_array(input, xp.isclose(array(input), array(other), rtol=rtol, atol=atol, equal_nan=equal_nan))


def allclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
    """Whether `isclose` holds everywhere (as `torch.allclose`)."""
    return bool(array(isclose(input, other, rtol, atol, equal_nan)).all())


def _logical(op: str, ufunc: str, a: Tensor, b: Any) -> Tensor:
    for t in (a, b):
        if t.dtype.kind == "f":
            raise DTypeError(
                f"{op}: needs bool or int64 tensors, got {a.dtype} and {b.dtype}; compare first "
                f"(x > 0) or convert with .bool()"
            )
    return _compare(ufunc, a, b)


def bitwise_and(input: Tensor, other: Tensor) -> Tensor:
    """input & other (bool: logical and; int64: bitwise). Shape: broadcast of both."""
    return _logical("and", "bitwise_and", input, other)


def bitwise_or(input: Tensor, other: Tensor) -> Tensor:
    """input | other (bool: logical or; int64: bitwise). Shape: broadcast of both."""
    return _logical("or", "bitwise_or", input, other)


def bitwise_xor(input: Tensor, other: Tensor) -> Tensor:
    """input ^ other (bool: logical xor; int64: bitwise). Shape: broadcast of both."""
    return _logical("xor", "bitwise_xor", input, other)


def bitwise_not(input: Tensor) -> Tensor:
    """~input (bool: logical not; int64: bitwise not). Shape: (*) -> (*)."""
    if input.dtype.kind == "f":
        raise DTypeError(f"invert: needs a bool or int64 tensor, got {input.dtype}; use x == 0 for floats")
    return from_array(input, namespace(input).invert(array(input)))
