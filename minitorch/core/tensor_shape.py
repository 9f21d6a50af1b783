"""Tensor methods that change shapes or move entries: permute, view, reshape, squeeze,
expand, split, unbind, narrow, flip, roll, diagonal, triu, ... (a mixin of `Tensor`).

Sugar over the functions of `minitorch.ops`, reached through `core.dispatch.ops`. Views
(permute, view, transpose, movedim, squeeze, unsqueeze, expand, split, chunk, unbind, narrow,
diagonal) never copy; reshape is a view whenever the strides allow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, List, Self, Sequence, Tuple, Union

from ..errors import ShapeError
from .dispatch import ops

if TYPE_CHECKING:
    from .tensor import Tensor
    from .tensor_data import TensorData

__all__ = ["ShapeMethods", "sizes_arg"]


def sizes_arg(sizes: Sequence[Any]) -> Tuple[int, ...]:
    """`f(2, 3)` and `f((2, 3))` both as (2, 3) (PyTorch accepts either spelling)."""
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = sizes[0]
    return tuple(map(int, sizes))


class ShapeMethods:
    """Shape changes of `Tensor`."""

    __slots__ = ()

    if TYPE_CHECKING:  # what these methods use of Tensor (declared for the type checker only)
        _tensor: TensorData

        @property
        def shape(self) -> Tuple[int, ...]: ...

        @property
        def dims(self) -> int: ...

        def _reduce_to_shape(self, other: Any) -> "Tensor": ...  # (expand(gradient) passes a Tensor)

    def permute(self, *order: Union[int, Sequence[int]]) -> Self:
        """The same data with dimensions reordered (no copy)."""
        return ops.Permute.apply(self, tuple(int(o) % max(self.dims, 1) for o in sizes_arg(order)))

    def view(self, *shape: Union[int, Sequence[int]]) -> Self:
        """The same data with a new shape, never a copy (as `torch.Tensor.view`: row-major data,
        or strides that allow it); one size may be -1."""
        shape = sizes_arg(shape)
        if shape == self.shape:
            return self
        return ops.view(self, shape)

    def reshape(self, *shape: Union[int, Sequence[int]]) -> Self:
        """A view with a new shape when the strides allow one, else a copy (as `torch.reshape`)."""
        shape = sizes_arg(shape)
        if shape == self.shape:
            return self
        return ops.reshape(self, shape)

    def contiguous(self) -> Self:
        """Self if already row-major, else a row-major copy."""
        if self._tensor.is_contiguous():
            return self
        return ops.Copy.apply(self)

    def clone(self) -> "Tensor":
        """A row-major copy (differentiable: the gradient passes through)."""
        return ops.Copy.apply(self)

    def view_as(self, other: "Tensor") -> Self:
        return self.view(*other.shape)

    def reshape_as(self, other: "Tensor") -> Self:
        return self.reshape(*other.shape)

    def transpose(self, dim0: int, dim1: int) -> Self:
        """Swap two dimensions (no copy)."""
        order: List[int] = list(range(self.dims))
        order[dim0], order[dim1] = order[dim1], order[dim0]
        return self.permute(*order)

    swapaxes = swapdims = transpose

    def t(self) -> Self:
        """A matrix transposed (as `torch.Tensor.t`: 0-, 1- and 2-D tensors; no copy)."""
        if self.dims > 2:
            raise ShapeError(f"t: needs at most 2 dims, got shape {self.shape}; use transpose(dim0, dim1) or .mT")
        return self.transpose(0, 1) if self.dims == 2 else self

    def movedim(self, source: Union[int, Sequence[int]], destination: Union[int, Sequence[int]]) -> "Tensor":
        """Dims moved from `source` to `destination` (as `torch.movedim`; no copy)."""
        return ops.movedim(self, source, destination)

    moveaxis = movedim

    @property
    def T(self) -> Self:
        """The dims reversed (no copy)."""
        return self.permute(*reversed(range(self.dims)))

    @property
    def mT(self) -> Self:
        """The last two dims swapped (a batch of matrices transposed; no copy)."""
        return self.transpose(-2, -1)

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> "Tensor":
        """Dims start_dim..end_dim merged into one (as `torch.flatten`: everything by default)."""
        return ops.flatten(self, start_dim, end_dim)

    def ravel(self) -> Self:
        """The entries as one dim (a view when the strides allow, as `torch.ravel`)."""
        return self.reshape(self._tensor.size)

    def unflatten(self, dim: int, sizes: Sequence[int]) -> "Tensor":
        return ops.unflatten(self, dim, sizes)

    def squeeze(self, dim: Union[int, Sequence[int], None] = None) -> "Tensor":
        return ops.squeeze(self, dim)

    def unsqueeze(self, dim: int) -> "Tensor":
        return ops.unsqueeze(self, dim)

    def expand(self, *sizes: Union[int, Sequence[int], "Tensor"]) -> "Tensor":
        """A view broadcast to `sizes` (as `torch.Tensor.expand`).

        MiniTorch's engine also calls `expand(gradient)` with a tensor: then it returns that
        gradient summed down to this tensor's shape (the course's meaning).
        """
        if len(sizes) == 1 and hasattr(sizes[0], "_tensor"):
            return self._reduce_to_shape(sizes[0])
        return ops.expand(self, *sizes)

    def expand_as(self, other: "Tensor") -> "Tensor":
        return ops.expand_as(self, other)

    def broadcast_to(self, size: Sequence[int]) -> "Tensor":
        return ops.expand(self, *size)

    def repeat(self, *repeats: Union[int, Sequence[int]]) -> "Tensor":
        return ops.repeat(self, *repeats)

    def split(self, split_size: Union[int, Sequence[int]], dim: int = 0) -> Tuple["Tensor", ...]:
        return ops.split(self, split_size, dim)

    def chunk(self, chunks: int, dim: int = 0) -> Tuple["Tensor", ...]:
        return ops.chunk(self, chunks, dim)

    def unbind(self, dim: int = 0) -> Tuple["Tensor", ...]:
        return ops.unbind(self, dim)

    def narrow(self, dim: int, start: int, length: int) -> "Tensor":
        return ops.narrow(self, dim, start, length)

    def flip(self, *dims: Union[int, Sequence[int]]) -> "Tensor":
        """Entries reversed along `dims` (as `torch.flip`; a copy); `flip(0, 1)` or `flip((0, 1))`."""
        return ops.flip(self, sizes_arg(dims))

    def roll(self, shifts: Union[int, Sequence[int]], dims: Union[int, Sequence[int], None] = None) -> "Tensor":
        return ops.roll(self, shifts, dims)

    def diagonal(self, offset: int = 0, dim1: int = 0, dim2: int = 1) -> "Tensor":
        return ops.diagonal(self, offset, dim1, dim2)

    def diag(self, diagonal: int = 0) -> "Tensor":
        return ops.diag(self, diagonal)

    def trace(self) -> "Tensor":
        return ops.trace(self)

    def triu(self, diagonal: int = 0) -> "Tensor":
        return ops.triu(self, diagonal)

    def tril(self, diagonal: int = 0) -> "Tensor":
        return ops.tril(self, diagonal)
