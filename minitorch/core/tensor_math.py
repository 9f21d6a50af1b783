"""Tensor methods for arithmetic, comparisons and elementwise functions (a mixin of `Tensor`).

Each method is sugar over a function of `minitorch.ops`, reached through `core.dispatch.ops`
(installed by the ops layer; core imports nothing above itself). Mixed dtypes promote as in
PyTorch (bool < int64 < float, see `core/dtypes.py`); comparisons give bool tensors.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional, Tuple, Union

from ..errors import DTypeError
from .dispatch import ops
from .dtypes import result_type

if TYPE_CHECKING:
    from .tensor import Tensor

__all__ = ["MathMethods", "TensorLike"]

TensorLike = Union[float, int, "Tensor"]


def _pair(a: "Tensor", b: Any) -> Tuple["Tensor", "Tensor"]:
    """Both operands as tensors of one kind (a number takes `a`'s dtype unless of a higher kind)."""
    b = a._ensure_tensor(b)
    if a.dtype.kind == b.dtype.kind:
        return a, b
    dtype = result_type(a.dtype, b.dtype)
    return a.to(dtype), b.to(dtype)


def _float_pair(a: "Tensor", b: Any) -> Tuple["Tensor", "Tensor"]:
    """Both operands as floats (true division of ints is float, as in PyTorch)."""
    a, b = _pair(a, b)
    if a.dtype.kind != "f":
        a, b = a.to(None), b.to(None)
    return a, b


def _floating(a: "Tensor") -> "Tensor":
    return a if a.dtype.kind == "f" else a.to(None)


def _no_bool(op: str, *tensors: "Tensor") -> None:
    for t in tensors:
        if t.dtype.kind == "b":
            raise DTypeError(f"{op}: not supported on bool tensors; use ~ to invert a mask, or convert with .long()")


class MathMethods:
    """Operators and elementwise functions of `Tensor`."""

    # ------------------------------------------------------------- arithmetic
    def __add__(self: "Tensor", b: TensorLike) -> "Tensor":
        a, b = _pair(self, b)
        return ops.Add.apply(a, b)

    def __radd__(self: "Tensor", b: TensorLike) -> "Tensor":
        a, b = _pair(self, b)
        return ops.Add.apply(b, a)

    def __sub__(self: "Tensor", b: TensorLike) -> "Tensor":
        a, b = _pair(self, b)
        _no_bool("sub", b)
        return ops.Add.apply(a, ops.Neg.apply(b))

    def __rsub__(self: "Tensor", b: TensorLike) -> "Tensor":
        a, b = _pair(self, b)
        _no_bool("sub", a)
        return ops.Add.apply(b, ops.Neg.apply(a))

    def __mul__(self: "Tensor", b: TensorLike) -> "Tensor":
        a, b = _pair(self, b)
        return ops.Mul.apply(a, b)

    def __rmul__(self: "Tensor", b: TensorLike) -> "Tensor":
        a, b = _pair(self, b)
        return ops.Mul.apply(b, a)

    def __truediv__(self: "Tensor", b: TensorLike) -> "Tensor":
        a, b = _float_pair(self, b)
        return ops.Mul.apply(a, ops.Inv.apply(b))

    def __rtruediv__(self: "Tensor", b: TensorLike) -> "Tensor":
        a, b = _float_pair(self, b)
        return ops.Mul.apply(b, ops.Inv.apply(a))

    def __pow__(self: "Tensor", exponent: TensorLike) -> "Tensor":
        return ops.pow(self, exponent)

    def __rpow__(self: "Tensor", base: TensorLike) -> "Tensor":
        return ops.pow(base, self)

    def pow(self: "Tensor", exponent: TensorLike) -> "Tensor":
        """self ** exponent (see `minitorch.ops.pointwise.pow`)."""
        return ops.pow(self, exponent)

    def __matmul__(self: "Tensor", b: "Tensor") -> "Tensor":
        return ops.MatMul.apply(self, b)

    def __neg__(self: "Tensor") -> "Tensor":
        _no_bool("neg", self)
        return ops.Neg.apply(self)

    def __abs__(self: "Tensor") -> "Tensor":
        return ops.abs(self)

    # ------------------------------------------------------------- comparisons (bool results)
    def __lt__(self: "Tensor", b: TensorLike) -> "Tensor":
        return ops.lt(*_pair(self, b))

    def __le__(self: "Tensor", b: TensorLike) -> "Tensor":
        return ops.le(*_pair(self, b))

    def __gt__(self: "Tensor", b: TensorLike) -> "Tensor":
        return ops.gt(*_pair(self, b))

    def __ge__(self: "Tensor", b: TensorLike) -> "Tensor":
        return ops.ge(*_pair(self, b))

    def __eq__(self: "Tensor", b: Any) -> "Tensor":  # type: ignore[override]
        return ops.eq(*_pair(self, b))

    def __ne__(self: "Tensor", b: Any) -> "Tensor":  # type: ignore[override]
        return ops.ne(*_pair(self, b))

    lt, le, gt, ge, eq, ne = __lt__, __le__, __gt__, __ge__, __eq__, __ne__

    def is_close(self: "Tensor", b: TensorLike) -> "Tensor":
        """MiniTorch's closeness: |self - b| < 1e-2, elementwise (bool)."""
        return ops.is_close(*_pair(self, b))

    def isclose(self: "Tensor", b: TensorLike, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> "Tensor":
        """|self - b| <= atol + rtol * |b|, elementwise (bool; as `torch.isclose`)."""
        return ops.isclose(*_pair(self, b), rtol, atol, equal_nan)

    def allclose(self: "Tensor", b: TensorLike, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
        """Whether `isclose` holds everywhere (as `torch.allclose`)."""
        return ops.allclose(*_pair(self, b), rtol, atol, equal_nan)

    def __and__(self: "Tensor", b: TensorLike) -> "Tensor":
        return ops.bitwise_and(*_pair(self, b))

    def __or__(self: "Tensor", b: TensorLike) -> "Tensor":
        return ops.bitwise_or(*_pair(self, b))

    def __xor__(self: "Tensor", b: TensorLike) -> "Tensor":
        return ops.bitwise_xor(*_pair(self, b))

    __rand__, __ror__, __rxor__ = __and__, __or__, __xor__

    def __invert__(self: "Tensor") -> "Tensor":
        return ops.bitwise_not(self)

    # ------------------------------------------------------------- elementwise functions
    def sigmoid(self: "Tensor") -> "Tensor":
        return ops.Sigmoid.apply(_floating(self))

    def relu(self: "Tensor") -> "Tensor":
        return ops.ReLU.apply(self)

    def log(self: "Tensor") -> "Tensor":
        return ops.Log.apply(_floating(self))

    def exp(self: "Tensor") -> "Tensor":
        return ops.Exp.apply(_floating(self))

    def tanh(self: "Tensor") -> "Tensor":
        return ops.tanh(_floating(self))

    def abs(self: "Tensor") -> "Tensor":
        return ops.abs(self)

    def sqrt(self: "Tensor") -> "Tensor":
        return ops.sqrt(self)

    def rsqrt(self: "Tensor") -> "Tensor":
        return ops.rsqrt(self)

    def clamp(self: "Tensor", min: Optional[TensorLike] = None, max: Optional[TensorLike] = None) -> "Tensor":
        """Entries limited to [min, max] (see `minitorch.ops.pointwise.clamp`)."""
        return ops.clamp(self, min, max)

    clip = clamp

    def minimum(self: "Tensor", other: "Tensor") -> "Tensor":
        return ops.minimum(self, other)

    def maximum(self: "Tensor", other: "Tensor") -> "Tensor":
        return ops.maximum(self, other)

    def where(self: "Tensor", condition: "Tensor", other: TensorLike) -> "Tensor":
        """self where `condition` holds, else `other` (as `torch.Tensor.where`)."""
        return ops.where(condition, self, other)

    def masked_fill(self: "Tensor", mask: "Tensor", value: TensorLike) -> "Tensor":
        """self with `value` where `mask` holds (see `minitorch.ops.select.masked_fill`)."""
        return ops.masked_fill(self, mask, value)

    def softmax(self: "Tensor", dim: int) -> "Tensor":
        return ops.softmax(self, dim)

    def log_softmax(self: "Tensor", dim: int) -> "Tensor":
        return ops.log_softmax(self, dim)
