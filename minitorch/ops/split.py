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

from typing import Any, Sequence, Tuple, Union

from ..autodiff.function import Context, Function, History
from ..autodiff.graph import is_grad_enabled
from ..core.tensor import Tensor
from ..core.tensor_data import TensorData
from ..errors import IndexingError, ShapeError
from .arrays import array, from_array, is_int, namespace
from .indexing import IndexView
from .rows import normalise_dims

__all__ = ["PieceGrads", "Pieces", "Piece", "split", "chunk", "unbind", "narrow"]

Key = Tuple[Any, ...]


class PieceGrads:
    """The gradients some pieces of one split received, as (piece number, gradient) pairs: what
    flows from the pieces into their common `Pieces` node. The engine adds these as it adds
    tensors; a sum joins the pairs (a piece used twice appears twice)."""

    __slots__ = ("shape", "terms")

    def __init__(self, shape: Tuple[int, ...], terms: Tuple[Tuple[int, Tensor], ...]):
        self.shape = shape  # the whole's shape: the engine's broadcast check sees nothing to reduce
        self.terms = terms

    def __add__(self, other: "PieceGrads") -> "PieceGrads":
        return PieceGrads(self.shape, self.terms + other.terms)


class Pieces(Function):
    """The input seen whole (no copy), the one node every piece of a split hangs from; its
    backward writes the pieces' gradients into one buffer of the input's shape."""

    @staticmethod
    def forward(ctx: Context, a: Tensor, keys: Tuple[Key, ...]) -> Tensor:
        ctx.keys, ctx.shape = keys, a.shape
        return a._new(a._tensor)

    @staticmethod
    def backward(ctx: Context, grad_output: PieceGrads) -> Tensor:
        terms, keys = grad_output.terms, ctx.keys
        first = terms[0][1]
        buffer = namespace(first).empty(ctx.shape, dtype=first.dtype)
        written = set()
        for piece, grad in terms:  # each key is a basic index: a view of the buffer
            if piece in written:  # a piece used twice: its gradients add up
                buffer[keys[piece]] += array(grad)
            else:
                buffer[keys[piece]] = array(grad)
                written.add(piece)
        for piece, key in enumerate(keys):
            if piece not in written:  # a piece that got no gradient
                buffer[key] = 0
        return from_array(first, buffer)


class Piece(Function):
    """One piece (a view) of the `Pieces` node; its gradient goes to that node by piece number."""

    @staticmethod
    def forward(ctx: Context, whole: Tensor, piece: int, view: TensorData) -> Tensor:
        ctx.piece, ctx.shape = piece, whole.shape
        return whole._new(view)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> PieceGrads:
        return PieceGrads(ctx.shape, ((ctx.piece, grad_output),))

    @staticmethod
    def record(whole: Tensor, piece: int, view: TensorData) -> Tensor:
        """What `Piece.apply(whole, piece, view)` records (whole needs a gradient, grad mode is
        on), without apply's generic argument handling: ~1 us a piece, and a split into rows
        makes many."""
        ctx = Context()
        out = Piece.forward(ctx, whole, piece, view)
        out.history = History(Piece, ctx, [whole])
        return out


def _cut(input: Tensor, keys: Tuple[Key, ...], views: Sequence[TensorData]) -> Tuple[Tensor, ...]:
    """The pieces: `views` of input's data (what `keys` select), with one shared backward when a
    gradient is recorded."""
    if input.history is None or not is_grad_enabled():
        return tuple(input._new(view) for view in views)
    whole = Pieces.apply(input, keys)
    return tuple(Piece.record(whole, piece, view) for piece, view in enumerate(views))


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
    if is_int(split_size_or_sections) or not isinstance(split_size_or_sections, Sequence):  # an int (Python or numpy)
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
    data = input._tensor
    keys, views = [], []
    start = 0
    for length in sizes:
        keys.append((slice(None),) * d + (slice(start, start + length),))
        views.append(data.narrow(d, start, length))
        start += length
    return _cut(input, tuple(keys), views)


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
    keys = tuple((slice(None),) * d + (i,) for i in range(input.shape[d]))
    return _cut(input, keys, [input._tensor.select(key) for key in keys])


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
