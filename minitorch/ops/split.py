"""Cutting a tensor into views along a dim: `split`, `chunk`, `unbind` and `narrow` (as PyTorch).

Each piece is a basic-index view (`x[..., start:stop, ...]`, or `x[..., i, ...]` for `unbind`)
sharing the input's storage. As in PyTorch, the pieces of one split have one backward between
them: every piece hands its gradient to a common node (`Pieces`), which writes them into one
buffer of the input's shape (zeros only where a piece got no gradient), so k pieces cost one
input-sized gradient, not k.

Shape:
    split/chunk: (d_0, ..., d_k, ..., d_n), dim=k -> pieces (d_0, ..., s_i, ..., d_n), sum s_i = d_k.
    unbind: (d_0, ..., d_k, ..., d_n), dim=k -> d_k pieces (d_0, ..., d_n without d_k).
    narrow: (.., d_k, ..), dim=k -> (.., length, ..).
"""

from __future__ import annotations

from typing import Any, Dict, Sequence, Tuple, Union

from ..autodiff.function import Context, Function
from ..autodiff.graph import is_grad_enabled
from ..core.tensor import Tensor
from ..errors import IndexingError, ShapeError
from .arrays import array, from_array, is_int, namespace
from .indexing import IndexView, view_of
from .rows import normalise_dims

__all__ = ["PieceGrads", "Pieces", "Piece", "split", "chunk", "unbind", "narrow"]

Key = Tuple[Any, ...]


class PieceGrads:
    """The gradients some pieces of one split received, by piece number; what flows from the
    pieces into their common `Pieces` node (the engine adds these as it adds tensors)."""

    __slots__ = ("shape", "grads")

    def __init__(self, shape: Tuple[int, ...], grads: Dict[int, Tensor]):
        self.shape = shape  # the whole's shape: the engine's broadcast check sees nothing to reduce
        self.grads = grads

    def __add__(self, other: "PieceGrads") -> "PieceGrads":
        merged = dict(self.grads)
        for piece, grad in other.grads.items():
            merged[piece] = merged[piece] + grad if piece in merged else grad  # a piece used twice
        return PieceGrads(self.shape, merged)


class Pieces(Function):
    """The input seen whole (no copy), the one node every piece of a split hangs from; its
    backward writes the pieces' gradients into one buffer of the input's shape."""

    @staticmethod
    def forward(ctx: Context, a: Tensor, keys: Tuple[Key, ...]) -> Tensor:
        ctx.keys, ctx.shape = keys, a.shape
        return a._new(a._tensor)

    @staticmethod
    def backward(ctx: Context, grad_output: PieceGrads) -> Tensor:
        grads = grad_output.grads
        first = next(iter(grads.values()))
        grad = from_array(first, namespace(first).empty(ctx.shape, dtype=first.dtype))
        for piece, key in enumerate(ctx.keys):
            target = array(view_of(grad, key))  # (piece shape): a view into the buffer
            target[...] = array(grads[piece]) if piece in grads else 0
        return grad


class Piece(Function):
    """One piece (a view) of the `Pieces` node; its gradient goes to that node by piece number."""

    @staticmethod
    def forward(ctx: Context, whole: Tensor, piece: int, key: Key) -> Tensor:
        ctx.piece, ctx.shape = piece, whole.shape
        return view_of(whole, key)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> PieceGrads:
        return PieceGrads(ctx.shape, {ctx.piece: grad_output})


def _cut(input: Tensor, keys: Tuple[Key, ...]) -> Tuple[Tensor, ...]:
    """The views `keys` select, with one shared backward when a gradient is recorded."""
    if input.history is None or not is_grad_enabled():
        return tuple(view_of(input, key) for key in keys)
    whole = Pieces.apply(input, keys)
    return tuple(Piece.apply(whole, piece, key) for piece, key in enumerate(keys))


def split(input: Tensor, split_size_or_sections: Union[int, Sequence[int]], dim: int = 0) -> Tuple[Tensor, ...]:
    """Views of consecutive pieces along `dim` (as `torch.split`).

    An int gives pieces of that size (the last one smaller if it does not divide); a list
    gives the sizes, which must add up to the dim's size.

    Raises:
        ShapeError: a size that is not positive, or sections that do not add up.

    Shape:
        (.., d_k, ..) -> pieces (.., s_i, ..), sum s_i = d_k.

    Example:
        >>> [p.shape for p in split(minitorch.zeros((5, 2)), 2)]
        [(2, 2), (2, 2), (1, 2)]
    """
    (d,) = normalise_dims("split", dim, input.dims)
    size = input.shape[d]
    if not isinstance(split_size_or_sections, Sequence):  # an int (Python or numpy)
        step = int(split_size_or_sections)
        if step <= 0:
            raise ShapeError(f"split: split_size must be positive, got {step} for shape {input.shape}")
        sizes = [min(step, size - start) for start in range(0, size, step)] or [0]
    else:
        sizes = [int(s) for s in split_size_or_sections]
        if any(s < 0 for s in sizes) or sum(sizes) != size:
            raise ShapeError(
                f"split: sections {sizes} must be non-negative and add up to {size}, the size of dim {d} "
                f"of shape {input.shape}"
            )
    keys = []
    start = 0
    for length in sizes:
        keys.append((slice(None),) * d + (slice(start, start + length),))
        start += length
    return _cut(input, tuple(keys))


def chunk(input: Tensor, chunks: int, dim: int = 0) -> Tuple[Tensor, ...]:
    """`chunks` views of (nearly) equal size along `dim` (as `torch.chunk`): pieces of
    ceil(d / chunks), so fewer pieces may come back when that divides the dim evenly.

    Shape:
        (.., d_k, ..) -> pieces (.., ceil(d_k / chunks), ..) (the last may be smaller).

    Example:
        >>> [p.shape for p in chunk(minitorch.zeros((6,)), 4)]
        [(2,), (2,), (2,)]
    """
    if not is_int(chunks) or chunks <= 0:
        raise ShapeError(f"chunk: chunks must be a positive int, got {chunks!r}")
    (d,) = normalise_dims("chunk", dim, input.dims)
    size = input.shape[d]
    return split(input, max(1, -(-size // int(chunks))), d)


def unbind(input: Tensor, dim: int = 0) -> Tuple[Tensor, ...]:
    """The slices along `dim`, each without that dim (as `torch.unbind`); views.

    Shape:
        (d_0, ..., d_k, ..., d_n), dim=k -> d_k tensors (d_0, ..., d_n without d_k).

    Example:
        >>> [p.tolist() for p in unbind(minitorch.tensor([[1.0, 2.0], [3.0, 4.0]]), 1)]
        [[1.0, 3.0], [2.0, 4.0]]
    """
    if input.dims == 0:
        raise ShapeError("unbind: a 0-d tensor has no dim to unbind; use .item()")
    (d,) = normalise_dims("unbind", dim, input.dims)
    return _cut(input, tuple((slice(None),) * d + (i,) for i in range(input.shape[d])))


def narrow(input: Tensor, dim: int, start: int, length: int) -> Tensor:
    """The view of entries start..start + length - 1 along `dim` (as `torch.narrow`; start may
    be negative, counted from the end).

    Raises:
        IndexingError: when the range does not lie inside the dim.

    Shape:
        (.., d_k, ..), dim=k -> (.., length, ..).

    Example:
        >>> narrow(minitorch.tensor([[1.0, 2.0, 3.0]]), 1, 1, 2).tolist()
        [[2.0, 3.0]]
    """
    if input.dims == 0:
        raise ShapeError("narrow: a 0-d tensor has no dim to narrow")
    (d,) = normalise_dims("narrow", dim, input.dims)
    size = input.shape[d]
    if not (is_int(start) and is_int(length)) or not -size <= start <= size:
        raise IndexingError(f"narrow: start {start!r} is out of range for dim {d} of size {size} (shape {input.shape})")
    begin = int(start) + size if start < 0 else int(start)
    if length < 0 or begin + length > size:
        raise IndexingError(
            f"narrow: start {begin} + length {length} exceeds dim {d} of size {size} (shape {input.shape}); "
            f"the length must lie in 0..{size - begin}"
        )
    key = (slice(None),) * d + (slice(begin, begin + int(length)),)
    return IndexView.apply(input, key)
