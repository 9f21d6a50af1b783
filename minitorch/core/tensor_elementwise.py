"""Tensor methods for elementwise functions: exp, log, trigonometry, rounding, tests
(isnan, ...), clamp, where, softmax (a mixin of `Tensor`).

Each method is sugar over the function of `minitorch.ops` of the same name, reached through
`core.dispatch.ops` (installed by the ops layer; core imports nothing above itself); float-only
functions take int64 and bool tensors as the default float dtype, as PyTorch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Optional, Union

from .dispatch import ops

if TYPE_CHECKING:
    from .tensor import Tensor

__all__ = ["ElementwiseMethods"]

TensorLike = Union[float, int, "Tensor"]


class ElementwiseMethods:
    """Elementwise functions of `Tensor`."""

    __slots__ = ()

    dtype: Any  # (what these methods use of Tensor)
    copy_: Callable[[Any], "Tensor"]

    # ------------------------------------------------------------- exponentials and logarithms
    def exp(self) -> "Tensor":
        return ops.exp(self)

    def log(self) -> "Tensor":
        return ops.log(self)

    def exp2(self) -> "Tensor":
        return ops.exp2(self)

    def expm1(self) -> "Tensor":
        return ops.expm1(self)

    def log2(self) -> "Tensor":
        return ops.log2(self)

    def log10(self) -> "Tensor":
        return ops.log10(self)

    def log1p(self) -> "Tensor":
        return ops.log1p(self)

    def sqrt(self) -> "Tensor":
        return ops.sqrt(self)

    def rsqrt(self) -> "Tensor":
        return ops.rsqrt(self)

    def reciprocal(self) -> "Tensor":
        return ops.reciprocal(self)

    # ------------------------------------------------------------- activations
    def sigmoid(self) -> "Tensor":
        return ops.sigmoid(self)

    def relu(self) -> "Tensor":
        return ops.relu(self)

    def tanh(self) -> "Tensor":
        return ops.tanh(self)

    def softmax(self, dim: int) -> "Tensor":
        return ops.softmax(self, dim)

    def log_softmax(self, dim: int) -> "Tensor":
        return ops.log_softmax(self, dim)

    # ------------------------------------------------------------- trigonometry
    def sin(self) -> "Tensor":
        return ops.sin(self)

    def cos(self) -> "Tensor":
        return ops.cos(self)

    def tan(self) -> "Tensor":
        return ops.tan(self)

    def asin(self) -> "Tensor":
        return ops.asin(self)

    def acos(self) -> "Tensor":
        return ops.acos(self)

    def atan(self) -> "Tensor":
        return ops.atan(self)

    def sinh(self) -> "Tensor":
        return ops.sinh(self)

    def cosh(self) -> "Tensor":
        return ops.cosh(self)

    def atan2(self, other: "Tensor") -> "Tensor":
        return ops.atan2(self, other)

    arcsin, arccos, arctan, arctan2 = asin, acos, atan, atan2

    # ------------------------------------------------------------- rounding and sign
    def floor(self) -> "Tensor":
        return ops.floor(self)

    def ceil(self) -> "Tensor":
        return ops.ceil(self)

    def round(self, *, decimals: int = 0) -> "Tensor":
        return ops.round(self, decimals=decimals)

    def trunc(self) -> "Tensor":
        return ops.trunc(self)

    def frac(self) -> "Tensor":
        return ops.frac(self)

    def sign(self) -> "Tensor":
        return ops.sign(self)

    fix = trunc

    def abs(self) -> "Tensor":
        return ops.abs(self)

    absolute = abs

    # ------------------------------------------------------------- tests (bool results)
    def isnan(self) -> "Tensor":
        return ops.isnan(self)

    def isinf(self) -> "Tensor":
        return ops.isinf(self)

    def isfinite(self) -> "Tensor":
        return ops.isfinite(self)

    def is_floating_point(self) -> bool:
        return self.dtype.kind == "f"

    # ------------------------------------------------------------- limits and choices
    def clamp(self, min: Optional[TensorLike] = None, max: Optional[TensorLike] = None) -> "Tensor":
        """Entries limited to [min, max] (see `minitorch.ops.pointwise.clamp`)."""
        return ops.clamp(self, min, max)

    clip = clamp

    def clamp_(self, min: Optional[TensorLike] = None, max: Optional[TensorLike] = None) -> "Tensor":
        """`clamp` in place (see `copy_` for when in-place writes are allowed)."""
        return self.copy_(ops.clamp(self, min, max))

    clip_ = clamp_

    def clamp_min(self, min: TensorLike) -> "Tensor":
        return ops.clamp(self, min, None)

    def clamp_max(self, max: TensorLike) -> "Tensor":
        return ops.clamp(self, None, max)

    def minimum(self, other: "Tensor") -> "Tensor":
        return ops.minimum(self, other)

    def maximum(self, other: "Tensor") -> "Tensor":
        return ops.maximum(self, other)

    def where(self, condition: "Tensor", other: TensorLike) -> "Tensor":
        """self where `condition` holds, else `other` (as `torch.Tensor.where`)."""
        return ops.where(condition, self, other)

    def masked_fill(self, mask: "Tensor", value: TensorLike) -> "Tensor":
        """self with `value` where `mask` holds (see `minitorch.ops.select.masked_fill`)."""
        return ops.masked_fill(self, mask, value)
