"""Seeing a tensor as rows: move some dims last and flatten them (for row kernels).

Softmax, logsumexp and max along dims run their kernels on a 2-D (R, n) array: the reduced
dims moved last and flattened into n, the kept dims flattened into R.
"""

from __future__ import annotations

import math
from typing import Any, Sequence, Tuple, Union

from ..core.tensor import Tensor
from ..core.tensor_data import TensorData
from ..errors import DTypeError, IndexingError
from .arrays import array, is_int

__all__ = ["normalise_dims", "to_rows", "from_rows"]


def normalise_dims(op: str, dims: Union[int, Sequence[int]], ndim: int) -> Tuple[int, ...]:
    """Dims as non-negative ints, checked against `ndim` (as PyTorch, -1 is the last dim).

    Raises:
        DTypeError: a dim that is not an int.
        IndexingError: a dim out of range, or a repeated dim.
    """
    if type(dims) is int and -ndim <= dims < max(ndim, 1):  # the common case, fast
        return (dims % max(ndim, 1),)
    values = tuple(dims) if isinstance(dims, (tuple, list)) else (dims,)
    if not all(is_int(d) and not isinstance(d, bool) for d in values):
        raise DTypeError(f"{op}: dim must be an int or a tuple of ints, got {dims!r}")
    size = max(ndim, 1)
    for d in values:
        if not -size <= d < size:
            raise IndexingError(f"{op}: dim {d} is out of range for a tensor with {ndim} dims (use -{size}..{size - 1})")
    result = tuple(int(d) % size for d in values)
    if len(set(result)) != len(result):
        raise IndexingError(f"{op}: dim {dims!r} repeats a dimension")
    return result


def to_rows(t: Tensor, dims: Tuple[int, ...]) -> Tuple[Any, Tuple[int, ...], Tuple[int, ...]]:
    """Move `dims` last and flatten: returns rows (R, n), the moved shape and the order used."""
    shape = t.shape
    if dims == (len(shape) - 1,):  # already last: no transpose
        rows = math.prod(shape[:-1])
        return array(t).reshape(rows, shape[-1]), shape, tuple(range(len(shape)))  # (..., n) -> (R, n)
    order = tuple(d for d in range(len(shape)) if d not in dims) + dims
    moved = array(t).transpose(order)  # (kept..., reduced...)
    n = math.prod(shape[d] for d in dims)
    rows = math.prod(moved.shape[: len(shape) - len(dims)])
    return moved.reshape(rows, n), moved.shape, order  # (R, n); copies only when strided


def from_rows(like: Tensor, rows: Any, moved_shape: Tuple[int, ...], order: Tuple[int, ...]) -> Tensor:
    """Inverse of `to_rows` for a C-contiguous result: view (R, n) as moved_shape, permute back."""
    data = TensorData._trusted(rows.reshape(-1), tuple(moved_shape))  # (R, n) -> (kept..., reduced...)
    if order == tuple(range(len(order))):
        return like._new(data)
    inverse = [0] * len(order)
    for position, dim in enumerate(order):
        inverse[dim] = position
    return like._new(data.permute(*inverse))
