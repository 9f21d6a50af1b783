"""Tensor methods that reduce along dims (a mixin of `Tensor`).

Sugar over the functions of `minitorch.ops`, reached through `core.dispatch.ops`. As in
MiniTorch, `sum(dim)` and `mean(dim)` keep the reduced dim with size 1 and `sum()` has shape
(1,) unless `keepdim` is given (`keepdim=False` is PyTorch's shape); the reductions MiniTorch
has not (`prod`, `var`, `std`, `max`, `min`, `argmax`, `argmin`, `all`, `any`) follow PyTorch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from .dispatch import ops

if TYPE_CHECKING:
    from .tensor import Tensor

__all__ = ["ReduceMethods"]


class ReduceMethods:
    """Reductions of `Tensor`."""

    def sum(self: "Tensor", dim: Any = None, keepdim: Optional[bool] = None) -> "Tensor":
        """Sum over `dim` (kept with size 1), or over everything (shape (1,)); see `ops.reduce.sum`."""
        return ops.sum(self, dim, keepdim)

    def mean(self: "Tensor", dim: Any = None, keepdim: Optional[bool] = None) -> "Tensor":
        """Mean over `dim` (kept with size 1), or over everything (shape (1,)); see `ops.statistics.mean`."""
        return ops.mean(self, dim, keepdim)

    def var(self: "Tensor", dim: Any = None, unbiased: Optional[bool] = None, keepdim: bool = False, *,
            correction: Optional[float] = None) -> "Tensor":
        """Variance (as `torch.var`; correction 1 by default)."""
        return ops.var(self, dim, unbiased, keepdim, correction=correction)

    def std(self: "Tensor", dim: Any = None, unbiased: Optional[bool] = None, keepdim: bool = False, *,
            correction: Optional[float] = None) -> "Tensor":
        """Standard deviation (as `torch.std`; correction 1 by default)."""
        return ops.std(self, dim, unbiased, keepdim, correction=correction)

    def prod(self: "Tensor", dim: Optional[int] = None, keepdim: bool = False) -> "Tensor":
        return ops.prod(self, dim, keepdim)

    def cumsum(self: "Tensor", dim: int) -> "Tensor":
        return ops.cumsum(self, dim)

    def max(self: "Tensor", dim: Any = None, keepdim: bool = False) -> Any:
        """The maximum: 0-d, or (values, indices) along `dim`, or maximum(self, other tensor)."""
        return ops.max(self, dim, keepdim)

    def min(self: "Tensor", dim: Any = None, keepdim: bool = False) -> Any:
        """The minimum: 0-d, or (values, indices) along `dim`, or minimum(self, other tensor)."""
        return ops.min(self, dim, keepdim)

    def argmax(self: "Tensor", dim: Optional[int] = None, keepdim: bool = False) -> "Tensor":
        return ops.argmax(self, dim, keepdim)

    def argmin(self: "Tensor", dim: Optional[int] = None, keepdim: bool = False) -> "Tensor":
        return ops.argmin(self, dim, keepdim)

    def all(self: "Tensor", dim: Any = None, keepdim: bool = False) -> "Tensor":
        """True where every entry (along `dim`) is non-zero (bool)."""
        return ops.all(self, dim, keepdim)

    def any(self: "Tensor", dim: Any = None, keepdim: bool = False) -> "Tensor":
        """True where some entry (along `dim`) is non-zero (bool)."""
        return ops.any(self, dim, keepdim)
