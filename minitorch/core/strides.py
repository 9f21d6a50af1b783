"""Index arithmetic of strided storage: positions, row-major indices and strides, broadcasting.

A storage position is sum(index[i] * strides[i]); row-major (contiguous) strides step 1 along
the last dim. The index helpers are written once, in plain Python over sequences, and are
compiled by the fast and CUDA backends (numba) from this same source; `core.tensor_data`
re-exports them under the course's names (`minitorch.tensor_data.index_to_position`, ...).
"""

from __future__ import annotations

import functools
from typing import Iterable, Optional, Sequence, Tuple, Union

import numpy as np
import numpy.typing as npt

from ..errors import IndexingError

__all__ = [
    "Index",
    "OutIndex",
    "Shape",
    "Strides",
    "UserIndex",
    "UserShape",
    "UserStrides",
    "index_to_position",
    "to_index",
    "broadcast_index",
    "shape_broadcast",
    "strides_from_shape",
    "row_major",
    "reduction_plan",
    "element_count",
]

OutIndex = npt.NDArray[np.int64]
# the index helpers take arrays (in compiled kernels) and tuples (in Python) alike
Index = Union[npt.NDArray[np.int64], Sequence[int]]
Shape = Union[npt.NDArray[np.int64], Sequence[int]]
Strides = Union[npt.NDArray[np.int64], Sequence[int]]

UserIndex = Sequence[int]
UserShape = Sequence[int]
UserStrides = Sequence[int]


def index_to_position(index: Index, strides: Strides) -> int:
    """Storage position of a multidimensional index: sum of index[i] * strides[i].

    Args:
        index: one index per dimension.
        strides: the tensor's strides.

    Example:
        >>> index_to_position((1, 2), (5, 1))
        7
    """
    position = 0
    for i in range(len(strides)):  # (index may be a longer fixed-size buffer, as in GPU kernels)
        position += index[i] * strides[i]
    return position


def to_index(ordinal: int, shape: Shape, out_index: OutIndex) -> None:
    """Write into `out_index` the index of the `ordinal`-th element in row-major order.

    Args:
        ordinal: 0 <= ordinal < prod(shape).
        shape: the tensor shape.
        out_index: written in place, one entry per dimension.
    """
    remaining = ordinal + 0
    for i in range(len(shape) - 1, -1, -1):
        out_index[i] = remaining % shape[i]
        remaining = remaining // shape[i]


def broadcast_index(big_index: Index, big_shape: Shape, shape: Shape, out_index: OutIndex) -> None:
    """Map an index of the broadcast (big) shape to the index of a smaller input shape.

    Dimensions are aligned on the right; where the input has size 1 the index is 0, and the
    input's missing leading dimensions are dropped.

    Args:
        big_index: index into `big_shape`.
        big_shape: the broadcast shape.
        shape: the input's shape.
        out_index: written in place, one entry per input dimension.
    """
    offset = len(big_shape) - len(shape)
    for i in range(len(shape)):
        if shape[i] > 1:
            out_index[i] = big_index[i + offset]
        else:
            out_index[i] = 0


def shape_broadcast(shape1: UserShape, shape2: UserShape) -> Tuple[int, ...]:
    """The shape two shapes broadcast to (NumPy/PyTorch rules).

    Raises:
        IndexingError: when a dimension differs and neither side is 1.

    Example:
        >>> shape_broadcast((2, 1, 4), (3, 1))
        (2, 3, 4)
    """
    length = max(len(shape1), len(shape2))
    left = (1,) * (length - len(shape1)) + tuple(shape1)
    right = (1,) * (length - len(shape2)) + tuple(shape2)
    result = []
    for a, b in zip(left, right):
        if a == b or b == 1:
            result.append(a)
        elif a == 1:
            result.append(b)
        else:
            raise IndexingError(
                f"broadcast: shapes {tuple(shape1)} and {tuple(shape2)} do not broadcast "
                f"(sizes {a} and {b} differ and neither is 1); reshape one side or use view()"
            )
    return tuple(result)


def strides_from_shape(shape: UserShape) -> Tuple[int, ...]:
    """Row-major (contiguous) strides of a shape.

    Example:
        >>> strides_from_shape((2, 3, 4))
        (12, 4, 1)
    """
    if len(shape) == 1:
        return (1,)
    strides = []
    step = 1
    for size in reversed(tuple(shape)):
        strides.append(step)
        step *= max(int(size), 1)
    return tuple(reversed(strides))


@functools.lru_cache(maxsize=4096)
def row_major(shape: Tuple[int, ...]) -> Tuple[Tuple[int, ...], int]:
    """(row-major strides, element count) of a shape tuple; cached, as every op's output asks
    again for the shapes it has asked for before."""
    return strides_from_shape(shape), element_count(shape)


def element_count(shape: Iterable[int]) -> int:
    """The number of elements of a shape (1 for the 0-d shape ()).

    Example:
        >>> element_count((2, 3, 4)), element_count(())
        (24, 1)
    """
    total = 1
    for size in shape:
        total *= int(size)
    return total


_LETTERS = "abcdefghijklmnopqrstuvwxyz"  # einsum's dim names


@functools.lru_cache(maxsize=1024)
def reduction_plan(
    shape: Tuple[int, ...], grad_shape: Tuple[int, ...]
) -> Tuple[Tuple[int, ...], int, Tuple[int, ...], Optional[str]]:
    """How a gradient of `grad_shape`, for a broadcast of `shape`, sums back down to `shape`
    (the autodiff engine asks for every broadcast input, step after step: cached).

    Returns:
        (full, size, kept, subscripts): the broadcast shape of the two and its element count;
        the dims of `full` that stay (size 1 there, or matching a dim of `shape` that is not 1);
        the einsum subscripts summing every other dim at once (None when nothing is summed or
        there are more dims than einsum has letters).

    Raises:
        IndexingError: when the shapes do not broadcast.

    Example:
        >>> reduction_plan((4, 1, 1), (16, 4, 28, 28))
        ((16, 4, 28, 28), 50176, (1,), 'abcd->b')
    """
    full = shape_broadcast(shape, grad_shape)
    lead = len(full) - len(shape)
    kept = tuple(d for d in range(len(full)) if full[d] == 1 or (d >= lead and shape[d - lead] != 1))
    subscripts = None
    if len(kept) < len(full) <= len(_LETTERS):
        letters = _LETTERS[: len(full)]
        subscripts = f"{letters}->{''.join(letters[d] for d in kept)}"
    return full, element_count(full), kept, subscripts
