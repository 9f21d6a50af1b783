"""Tensor operators and arithmetic methods: + - * / // % ** @, add/sub/mul/div with PyTorch's
keywords, matrix products, in-place arithmetic, comparisons, bitwise and logical ops (a mixin
of `Tensor`; the elementwise functions are in `tensor_elementwise.py`).

Each method is sugar over a function of `minitorch.ops`, reached through `core.dispatch.ops`
(installed by the ops layer; core imports nothing above itself). Mixed dtypes promote as in
PyTorch (bool < int64 < float, see `core/dtypes.py`); comparisons give bool tensors.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional, Tuple, Union

from ..errors import DTypeError, ShapeError
from .dispatch import ops
from .dtypes import result_type

if TYPE_CHECKING:
    import numpy as np

    from .tensor import Tensor

__all__ = ["MathMethods", "TensorLike", "promote_pair"]

TensorLike = Union[float, int, "Tensor"]


def promote_pair(a: Any, b: Any) -> Tuple["Tensor", "Tensor"]:
    """Both operands as tensors of one kind (a number takes the tensor's dtype unless of a higher
    kind); either one may be the number."""
    if not hasattr(a, "_tensor"):
        if not hasattr(b, "_tensor"):
            raise DTypeError(f"needs a tensor on at least one side, got {type(a).__name__} and {type(b).__name__}")
        b, a = promote_pair(b, a)
        return a, b
    b = a._ensure_tensor(b)
    da, db = a._tensor._storage.dtype, b._tensor._storage.dtype
    if da is db or da.kind == db.kind:
        return a, b
    dtype = result_type(da, db)
    return a.to(dtype), b.to(dtype)


def _float_pair(a: Any, b: Any) -> Tuple["Tensor", "Tensor"]:
    """Both operands as floats (true division of ints is float, as in PyTorch)."""
    a, b = promote_pair(a, b)
    if a.dtype.kind != "f":
        a, b = a.to(None), b.to(None)
    return a, b


def _reciprocal(t: "Tensor") -> "Tensor":
    """1 / t. A constant's (what a number divisor becomes: the course's `loss / batch`) comes
    from the backend's kernel at once: Inv would record nothing for it, and a graph node costs
    more than the one-element kernel."""
    return t.f.inv_map(t) if t.history is None else ops.Inv.apply(t)


def _check_dims(op: str, dims: int, a: "MathMethods", b: "Tensor") -> None:
    if a.dims != dims or b.dims != dims:
        raise ShapeError(f"{op}: needs two {dims}-D tensors, got shapes {a.shape} and {b.shape}; use matmul (@) for other shapes")


def _no_bool(op: str, *tensors: "MathMethods") -> None:
    for t in tensors:
        if t.dtype.kind == "b":
            raise DTypeError(f"{op}: not supported on bool tensors; use ~ to invert a mask, or convert with .long()")


class MathMethods:
    """Operators and arithmetic of `Tensor`."""

    __slots__ = ()

    if TYPE_CHECKING:  # what these methods use of Tensor (declared for the type checker only)

        @property
        def shape(self) -> Tuple[int, ...]: ...

        @property
        def dims(self) -> int: ...

        @property
        def dtype(self) -> np.dtype: ...

        def copy_(self, src: Any) -> "Tensor": ...

    # ------------------------------------------------------------- arithmetic
    def __add__(self, b: TensorLike) -> "Tensor":
        a, b = promote_pair(self, b)
        return ops.Add.apply(a, b)

    def __radd__(self, b: TensorLike) -> "Tensor":
        a, b = promote_pair(self, b)
        return ops.Add.apply(b, a)

    def __sub__(self, b: TensorLike) -> "Tensor":
        a, b = promote_pair(self, b)
        _no_bool("sub", b)
        return ops.Add.apply(a, ops.Neg.apply(b))

    def __rsub__(self, b: TensorLike) -> "Tensor":
        a, b = promote_pair(self, b)
        _no_bool("sub", a)
        return ops.Add.apply(b, ops.Neg.apply(a))

    def __mul__(self, b: TensorLike) -> "Tensor":
        a, b = promote_pair(self, b)
        return ops.Mul.apply(a, b)

    def __rmul__(self, b: TensorLike) -> "Tensor":
        a, b = promote_pair(self, b)
        return ops.Mul.apply(b, a)

    def __truediv__(self, b: TensorLike) -> "Tensor":
        a, b = _float_pair(self, b)
        return ops.Mul.apply(a, _reciprocal(b))

    def __rtruediv__(self, b: TensorLike) -> "Tensor":
        a, b = _float_pair(self, b)
        return ops.Mul.apply(b, _reciprocal(a))

    def __floordiv__(self, b: TensorLike) -> "Tensor":
        return ops.floor_divide(self, b)

    def __rfloordiv__(self, b: TensorLike) -> "Tensor":
        return ops.floor_divide(b, self)

    def __mod__(self, b: TensorLike) -> "Tensor":
        return ops.remainder(self, b)

    def __rmod__(self, b: TensorLike) -> "Tensor":
        return ops.remainder(b, self)

    def __pow__(self, exponent: TensorLike) -> "Tensor":
        return ops.pow(self, exponent)

    def __rpow__(self, base: TensorLike) -> "Tensor":
        return ops.pow(base, self)

    def __matmul__(self, b: "Tensor") -> "Tensor":
        return ops.matmul(self, b)

    def __neg__(self) -> "Tensor":
        _no_bool("neg", self)
        return ops.Neg.apply(self)

    def __abs__(self) -> "Tensor":
        return ops.abs(self)

    # ------------------------------------------------------------- arithmetic methods (PyTorch's names)
    def add(self, other: TensorLike, *, alpha: float = 1) -> "Tensor":
        """self + alpha * other (as `torch.add`)."""
        return self + (other if alpha == 1 else other * alpha)

    def sub(self, other: TensorLike, *, alpha: float = 1) -> "Tensor":
        """self - alpha * other (as `torch.sub`)."""
        return self - (other if alpha == 1 else other * alpha)

    def mul(self, other: TensorLike) -> "Tensor":
        return self * other

    def div(self, other: TensorLike, *, rounding_mode: Optional[str] = None) -> "Tensor":
        """self / other, or rounded: rounding_mode "trunc" or "floor" (as `torch.div`)."""
        return ops.div(self, other, rounding_mode=rounding_mode)

    subtract, multiply, divide, true_divide = sub, mul, div, __truediv__

    def floor_divide(self, other: TensorLike) -> "Tensor":
        return ops.floor_divide(self, other)

    def remainder(self, other: TensorLike) -> "Tensor":
        return ops.remainder(self, other)

    def fmod(self, other: TensorLike) -> "Tensor":
        return ops.fmod(self, other)

    def pow(self, exponent: TensorLike) -> "Tensor":
        """self ** exponent (see `minitorch.ops.pointwise.pow`)."""
        return ops.pow(self, exponent)

    def neg(self) -> "Tensor":
        return -self

    negative = neg

    def square(self) -> "Tensor":
        return ops.pow(self, 2)

    def matmul(self, other: "Tensor") -> "Tensor":
        return ops.matmul(self, other)

    def mm(self, mat2: "Tensor") -> "Tensor":
        """The product of two matrices (as `torch.mm`: 2-D only)."""
        _check_dims("mm", 2, self, mat2)
        return ops.MatMul.apply(self, mat2)

    def bmm(self, mat2: "Tensor") -> "Tensor":
        """Batched matrix products of (B, n, m) and (B, m, p) (as `torch.bmm`: 3-D only)."""
        _check_dims("bmm", 3, self, mat2)
        return ops.MatMul.apply(self, mat2)

    def mv(self, vec: "Tensor") -> "Tensor":
        """The product of a matrix and a vector (as `torch.mv`)."""
        if self.dims != 2 or vec.dims != 1:
            raise ShapeError(f"mv: needs a matrix and a vector, got shapes {self.shape} and {vec.shape}")
        return ops.matmul(self, vec)

    def dot(self, other: "Tensor") -> "Tensor":
        return ops.dot(self, other)

    def outer(self, vec2: "Tensor") -> "Tensor":
        return ops.outer(self, vec2)

    # ------------------------------------------------------------- in place (not while recording a gradient)
    def add_(self, other: TensorLike, *, alpha: float = 1) -> "Tensor":
        """self += alpha * other, in place (as `torch.Tensor.add_`; see `copy_` for when it is allowed)."""
        return self.copy_(self.add(other, alpha=alpha))

    def sub_(self, other: TensorLike, *, alpha: float = 1) -> "Tensor":
        return self.copy_(self.sub(other, alpha=alpha))

    def mul_(self, other: TensorLike) -> "Tensor":
        return self.copy_(self * other)

    def div_(self, other: TensorLike, *, rounding_mode: Optional[str] = None) -> "Tensor":
        return self.copy_(self.div(other, rounding_mode=rounding_mode))

    # ------------------------------------------------------------- comparisons (bool results)
    def __lt__(self, b: TensorLike) -> "Tensor":
        return ops.lt(self, b)

    def __le__(self, b: TensorLike) -> "Tensor":
        return ops.le(self, b)

    def __gt__(self, b: TensorLike) -> "Tensor":
        return ops.gt(self, b)

    def __ge__(self, b: TensorLike) -> "Tensor":
        return ops.ge(self, b)

    # object's == and != return bool; a tensor's return a bool tensor (as PyTorch's)
    def __eq__(self, b: Any) -> "Tensor":  # type: ignore[override]
        return ops.eq(self, b)

    def __ne__(self, b: Any) -> "Tensor":  # type: ignore[override]
        return ops.ne(self, b)

    lt, le, gt, ge, eq, ne = __lt__, __le__, __gt__, __ge__, __eq__, __ne__
    less, less_equal, greater, greater_equal, not_equal = lt, le, gt, ge, ne

    def equal(self, other: "Tensor") -> bool:
        """Whether both have one shape and equal entries (as `torch.equal`)."""
        return self.shape == other.shape and bool(ops.eq(self, other).all())

    def is_close(self, b: TensorLike) -> "Tensor":
        """MiniTorch's closeness: |self - b| < 1e-2, elementwise (bool)."""
        return ops.is_close(self, b)

    def isclose(self, b: TensorLike, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> "Tensor":
        """|self - b| <= atol + rtol * |b|, elementwise (bool; as `torch.isclose`)."""
        return ops.isclose(self, b, rtol, atol, equal_nan)

    def allclose(self, b: TensorLike, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
        """Whether `isclose` holds everywhere (as `torch.allclose`)."""
        return ops.allclose(self, b, rtol, atol, equal_nan)

    # ------------------------------------------------------------- bitwise and logical
    def __and__(self, b: TensorLike) -> "Tensor":
        return ops.bitwise_and(self, b)

    def __or__(self, b: TensorLike) -> "Tensor":
        return ops.bitwise_or(self, b)

    def __xor__(self, b: TensorLike) -> "Tensor":
        return ops.bitwise_xor(self, b)

    __rand__, __ror__, __rxor__ = __and__, __or__, __xor__
    bitwise_and, bitwise_or, bitwise_xor = __and__, __or__, __xor__

    def __invert__(self) -> "Tensor":
        return ops.bitwise_not(self)

    bitwise_not = __invert__

    def logical_and(self, other: TensorLike) -> "Tensor":
        return ops.logical_and(self, other)

    def logical_or(self, other: TensorLike) -> "Tensor":
        return ops.logical_or(self, other)

    def logical_xor(self, other: TensorLike) -> "Tensor":
        return ops.logical_xor(self, other)

    def logical_not(self) -> "Tensor":
        return ops.logical_not(self)
