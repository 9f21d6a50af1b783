"""Tensor methods that reduce along dims (a mixin of `Tensor`).

Sugar over the differentiable functions of `minitorch.ops`, reached through
`core.dispatch.ops`. As in MiniTorch, `sum(dim)` and `mean(dim)` keep the reduced dim with
size 1, and `sum()` over everything has shape (1,).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from ..errors import ShapeError
from .dispatch import ops

if TYPE_CHECKING:
    from .tensor import Tensor

__all__ = ["ReduceMethods"]


def _normalise_dim(dim: int, dims: int, op: str) -> int:
    if not -dims <= dim < max(dims, 1):
        raise ShapeError(f"{op}: dim {dim} is out of range for a tensor with {dims} dims")
    return dim % max(dims, 1)


class ReduceMethods:
    """`sum`, `mean` and `all` of `Tensor`."""

    def all(self: "Tensor", dim: Optional[int] = None) -> "Tensor":
        """1.0 where every entry (along `dim`) is non-zero."""
        if dim is None:
            return ops.All.apply(self.contiguous().view(self.size), 0)
        return ops.All.apply(self, _normalise_dim(dim, self.dims, "all"))

    def sum(self: "Tensor", dim: Optional[int] = None) -> "Tensor":
        """Sum over `dim` (kept with size 1), or over everything (shape (1,))."""
        if dim is None:
            # (*shape) -> (size,)
            return ops.Sum.apply(self.contiguous().view(self.size), 0)
        return ops.Sum.apply(self, _normalise_dim(dim, self.dims, "sum"))

    def mean(self: "Tensor", dim: Optional[int] = None) -> "Tensor":
        """Mean over `dim` (kept with size 1), or over everything (shape (1,))."""
        if dim is None:
            return self.sum() / self.size
        dim = _normalise_dim(dim, self.dims, "mean")
        return self.sum(dim) / self.shape[dim]
