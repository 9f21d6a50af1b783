"""Tensor methods for elementwise functions: exp, log, trigonometry, rounding, tests
(isnan, ...), clamp, where, softmax (a mixin of `Tensor`).

Each method is sugar over the function of `minitorch.ops` of the same name, reached through
`core.dispatch.ops` (installed by the ops layer; core imports nothing above itself); float-only
functions take int64 and bool tensors as the default float dtype, as PyTorch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional, Union

from .dispatch import ops

if TYPE_CHECKING:
    from .tensor import Tensor

__all__ = ["ElementwiseMethods"]

TensorLike = Union[float, int, "Tensor"]


class ElementwiseMethods:
    """Elementwise functions of `Tensor`."""

    # ------------------------------------------------------------- exponentials and logarithms
    def exp(self: "Tensor") -> "Tensor":
        return ops.exp(self)

    def log(self: "Tensor") -> "Tensor":
        return ops.log(self)

    def exp2(self: "Tensor") -> "Tensor":
        return ops.exp2(self)

    def expm1(self: "Tensor") -> "Tensor":
        return ops.expm1(self)

    def log2(self: "Tensor") -> "Tensor":
        return ops.log2(self)

    def log10(self: "Tensor") -> "Tensor":
        return ops.log10(self)

    def log1p(self: "Tensor") -> "Tensor":
        return ops.log1p(self)

    def sqrt(self: "Tensor") -> "Tensor":
        return ops.sqrt(self)

    def rsqrt(self: "Tensor") -> "Tensor":
        return ops.rsqrt(self)

    def reciprocal(self: "Tensor") -> "Tensor":
        return ops.reciprocal(self)

    # ------------------------------------------------------------- activations
    def sigmoid(self: "Tensor") -> "Tensor":
        return ops.sigmoid(self)

    def relu(self: "Tensor") -> "Tensor":
        return ops.relu(self)

    def tanh(self: "Tensor") -> "Tensor":
        return ops.tanh(self)

    def softmax(self: "Tensor", dim: int) -> "Tensor":
        return ops.softmax(self, dim)

    def log_softmax(self: "Tensor", dim: int) -> "Tensor":
        return ops.log_softmax(self, dim)

    # ------------------------------------------------------------- trigonometry
    def sin(self: "Tensor") -> "Tensor":
        return ops.sin(self)

    def cos(self: "Tensor") -> "Tensor":
        return ops.cos(self)

    def tan(self: "Tensor") -> "Tensor":
        return ops.tan(self)

    def asin(self: "Tensor") -> "Tensor":
        return ops.asin(self)

    def acos(self: "Tensor") -> "Tensor":
        return ops.acos(self)

    def atan(self: "Tensor") -> "Tensor":
        return ops.atan(self)

    def sinh(self: "Tensor") -> "Tensor":
        return ops.sinh(self)

    def cosh(self: "Tensor") -> "Tensor":
        return ops.cosh(self)

    def atan2(self: "Tensor", other: "Tensor") -> "Tensor":
        return ops.atan2(self, other)

    arcsin, arccos, arctan, arctan2 = asin, acos, atan, atan2

    # ------------------------------------------------------------- rounding and sign
    def floor(self: "Tensor") -> "Tensor":
        return ops.floor(self)

    def ceil(self: "Tensor") -> "Tensor":
        return ops.ceil(self)

    def round(self: "Tensor", *, decimals: int = 0) -> "Tensor":
        return ops.round(self, decimals=decimals)

    def trunc(self: "Tensor") -> "Tensor":
        return ops.trunc(self)

    def frac(self: "Tensor") -> "Tensor":
        return ops.frac(self)

    def sign(self: "Tensor") -> "Tensor":
        return ops.sign(self)

    fix = trunc

    def abs(self: "Tensor") -> "Tensor":
        return ops.abs(self)

    absolute = abs

    # ------------------------------------------------------------- tests (bool results)
    def isnan(self: "Tensor") -> "Tensor":
        return ops.isnan(self)

    def isinf(self: "Tensor") -> "Tensor":
        return ops.isinf(self)

    def isfinite(self: "Tensor") -> "Tensor":
        return ops.isfinite(self)

    def is_floating_point(self: "Tensor") -> bool:
        return self.dtype.kind == "f"

    # ------------------------------------------------------------- limits and choices
    def clamp(self: "Tensor", min: Optional[TensorLike] = None, max: Optional[TensorLike] = None) -> "Tensor":
        """Entries limited to [min, max] (see `minitorch.ops.pointwise.clamp`)."""
        return ops.clamp(self, min, max)

    clip = clamp

    def clamp_(self: "Tensor", min: Optional[TensorLike] = None, max: Optional[TensorLike] = None) -> "Tensor":
        """`clamp` in place (see `copy_` for when in-place writes are allowed)."""
        return self.copy_(ops.clamp(self, min, max))

    clip_ = clamp_

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
