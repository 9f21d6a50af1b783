"""Tensor methods that move data between shapes: permute, view, reshape (a mixin of `Tensor`).

Sugar over the differentiable functions of `minitorch.ops`, reached through
`core.dispatch.ops`. Permute and view never copy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, List

from .dispatch import ops

if TYPE_CHECKING:
    from .tensor import Tensor

__all__ = ["ShapeMethods"]


class ShapeMethods:
    """`permute`, `view`, `reshape`, `contiguous` and `transpose` of `Tensor`."""

    def permute(self: "Tensor", *order: int) -> "Tensor":
        """The same data with dimensions reordered (no copy)."""
        if len(order) == 1 and isinstance(order[0], (tuple, list)):
            order = tuple(order[0])
        return ops.Permute.apply(self, tuple(int(o) % max(self.dims, 1) for o in order))

    def view(self: "Tensor", *shape: int) -> "Tensor":
        """The same (contiguous) data with a new shape; one size may be -1."""
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        shape = tuple(int(s) for s in shape)
        if shape == self.shape:
            return self
        return ops.View.apply(self, shape)

    def reshape(self: "Tensor", *shape: int) -> "Tensor":
        """Like view, copying first when the data is not contiguous."""
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return self.contiguous().view(*shape)

    def contiguous(self: "Tensor") -> "Tensor":
        """Self if already row-major, else a row-major copy."""
        if self._tensor.is_contiguous():
            return self
        return ops.Copy.apply(self)

    def transpose(self: "Tensor", dim0: int, dim1: int) -> "Tensor":
        """Swap two dimensions (no copy)."""
        order: List[int] = list(range(self.dims))
        order[dim0], order[dim1] = order[dim1], order[dim0]
        return self.permute(*order)
