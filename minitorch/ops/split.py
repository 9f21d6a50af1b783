"""Splitting a tensor into views along a dim: `split` and `chunk` (as PyTorch).

Each piece is a basic-index view (`x[..., start:stop, ...]`) sharing the input's storage;
its gradient is written into its slice of a zero tensor.

Shape:
    (d_0, ..., d_k, ..., d_n), dim=k -> pieces (d_0, ..., s_i, ..., d_n) with sum s_i = d_k.
"""

from __future__ import annotations

from typing import Sequence, Tuple, Union

from ..core.tensor import Tensor
from ..errors import ShapeError
from .arrays import is_int
from .indexing import IndexView
from .rows import normalise_dims

__all__ = ["split", "chunk"]


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
    pieces = []
    start = 0
    for length in sizes:
        key = (slice(None),) * d + (slice(start, start + length),) + (slice(None),) * (input.dims - d - 1)
        pieces.append(IndexView.apply(input, key))
        start += length
    return tuple(pieces)


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
