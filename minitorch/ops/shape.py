"""Views that change a shape without copying -- squeeze, unsqueeze, expand -- and repeat.

squeeze/unsqueeze are views whose gradient is the inverse view of g; expand is a view with
stride 0 along the expanded dims, whose gradient the engine sums back over them (as for any
broadcast). repeat copies (tiles) and sums the gradient over the copies.

Shape:
    squeeze:   (d_0, ..., 1, ..., d_n) -> without the size-1 dim(s)
    unsqueeze: (d_0, ..., d_n), dim=k -> (d_0, ..., d_{k-1}, 1, d_k, ..., d_n)
    expand:    (d_0, ..., d_n) -> sizes (size-1 dims grow, new dims lead; -1 keeps a size)
    repeat:    (d_0, ..., d_n), repeats (r_0, ..., r_n) -> (r_0 d_0, ..., r_n d_n)
"""

from __future__ import annotations

import math
from typing import Any, List, Tuple

from ..autodiff.function import Context, Function
from ..core.tensor import Tensor
from ..core.tensor_shape import sizes_arg
from ..errors import ShapeError
from .arrays import array, from_array, namespace
from .indexing import view_of
from .rows import normalise_dims

__all__ = ["Restride", "Expand", "Repeat", "squeeze", "unsqueeze", "expand", "expand_as", "repeat"]


class Restride(Function):
    """A view selected by a basic key; the gradient is g seen through the inverse key."""

    @staticmethod
    def forward(ctx: Context, a: Tensor, entries: Tuple[Any, ...], inverse: Tuple[Any, ...]) -> Tensor:
        ctx.inverse = inverse
        return view_of(a, entries)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        return view_of(grad_output, ctx.inverse)


def squeeze(input: Tensor, dim: Any = None) -> Tensor:
    """Drop dims of size 1: all of them, or those in `dim` (as `torch.squeeze`; a named dim
    whose size is not 1 is left as it is). A view.

    Shape:
        (d_0, ..., 1, ..., d_n) -> without the size-1 dims.

    Example:
        >>> squeeze(minitorch.zeros((2, 1, 3))).shape
        (2, 3)
    """
    dims = range(input.dims) if dim is None else normalise_dims("squeeze", dim, input.dims)
    drop = {d for d in dims if input.shape[d] == 1}
    if not drop:
        return input
    entries = tuple(0 if d in drop else slice(None) for d in range(input.dims))
    inverse = tuple(None if d in drop else slice(None) for d in range(input.dims))
    return Restride.apply(input, entries, inverse)


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    """Insert a dim of size 1 at `dim` (-dims-1 <= dim <= dims; as `torch.unsqueeze`). A view.

    Shape:
        (d_0, ..., d_n), dim=k -> (d_0, ..., d_{k-1}, 1, d_k, ..., d_n).

    Example:
        >>> unsqueeze(minitorch.zeros((2, 3)), -1).shape
        (2, 3, 1)
    """
    (d,) = normalise_dims("unsqueeze", dim, input.dims + 1)
    entries = (slice(None),) * d + (None,)
    inverse = (slice(None),) * d + (0,)
    return Restride.apply(input, entries, inverse)


class Expand(Function):
    """A stride-0 view along the expanded dims; the engine sums g back over them."""

    @staticmethod
    def forward(ctx: Context, a: Tensor, shape: Tuple[int, ...]) -> Tensor:
        return a._new(a._tensor.expand(shape))

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        return grad_output  # the broadcast shape: reduced to the input's by the engine


def expand(input: Tensor, *sizes: Any) -> Tensor:
    """A view of `input` broadcast to `sizes` (as `torch.Tensor.expand`; no copy).

    Size-1 dims grow to the given size, new dims are added in front, -1 keeps a size. The
    expanded view shares one entry across each grown dim, so write to a `.clone()` of it.

    Raises:
        ShapeError: fewer sizes than dims, or a size that differs from a dim that is not 1.

    Shape:
        (d_0, ..., d_n) -> sizes.

    Example:
        >>> expand(minitorch.zeros((3, 1)), 2, 3, 4).shape
        (2, 3, 4)
    """
    sizes = sizes_arg(sizes)
    lead = len(sizes) - input.dims
    bad = lead < 0 or any(s < 0 for s in sizes[:lead])
    shape = list(sizes[:lead]) if not bad else []
    for size, own in zip(sizes[lead:] if not bad else (), input.shape):
        if size == -1:
            size = own
        if size != own and own != 1:
            bad = True
        shape.append(size)
    if bad:
        raise ShapeError(
            f"expand: cannot expand shape {input.shape} to {tuple(sizes)}; give at least {input.dims} sizes, "
            f"each equal to the dim, -1, or any size where the dim is 1"
        )
    shape_t = tuple(shape)
    return input if shape_t == input.shape else Expand.apply(input, shape_t)


def expand_as(input: Tensor, other: Tensor) -> Tensor:
    """`expand(input, *other.shape)` (as `torch.Tensor.expand_as`).

    Shape:
        (d_0, ..., d_n) -> other.shape.

    Example:
        >>> expand_as(minitorch.zeros((1, 3)), minitorch.zeros((2, 3))).shape
        (2, 3)
    """
    return expand(input, *other.shape)


class Repeat(Function):
    """Tile the input `repeats` times along each dim; the gradient sums over the copies."""

    @staticmethod
    def forward(ctx: Context, a: Tensor, repeats: Tuple[int, ...]) -> Tensor:
        ctx.repeats, ctx.shape = repeats, a.shape
        return from_array(a, namespace(a).tile(array(a), repeats))

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        padded = (1,) * (len(ctx.repeats) - len(ctx.shape)) + tuple(ctx.shape)
        split: List[int] = []
        for r, s in zip(ctx.repeats, padded):
            split.extend((r, s))
        g = namespace(grad_output).ascontiguousarray(array(grad_output)).reshape(split)  # (r_0, d_0, r_1, d_1, ...)
        summed = g.sum(axis=tuple(range(0, len(split), 2)))  # over the copies: (d_0, d_1, ...)
        return from_array(grad_output, summed.reshape(ctx.shape))


def repeat(input: Tensor, *repeats: Any) -> Tensor:
    """Tile `input`: repeats[i] copies along dim i (as `torch.Tensor.repeat`; a copy).

    Extra leading repeats add dims in front.

    Raises:
        ShapeError: fewer repeats than dims, or a negative repeat.

    Shape:
        (d_0, ..., d_n), repeats (r_0, ..., r_n) -> (r_0 d_0, ..., r_n d_n).

    Example:
        >>> repeat(minitorch.tensor([1.0, 2.0]), 2, 2).tolist()
        [[1.0, 2.0, 1.0, 2.0], [1.0, 2.0, 1.0, 2.0]]
    """
    repeats = sizes_arg(repeats)
    if len(repeats) < input.dims or any(r < 0 for r in repeats):
        raise ShapeError(
            f"repeat: repeats {repeats} must be non-negative and at least as many as the dims of shape {input.shape}"
        )
    if math.prod(repeats) == 1 and len(repeats) == input.dims:
        return input.clone()
    return Repeat.apply(input, repeats)
