"""The merged layouts of the fast backend's elementwise and reduce operands (no numba here).

`merge(out, a, b)` lays the operands of an elementwise kernel side by side in out's dims
(inputs aligned from the right, broadcast dims with stride 0), drops dims of size 1 and
merges neighbours that are one run in every operand (stride[d] == size[d + 1] * stride[d + 1]):
a contiguous (64, 6, 28, 28) relu is one dim of 301,056; (1000, 1000) + (1000,) is 1000 rows of
1000 whose second operand steps 0 per row; the course's 2x2 tile view of (64, 8, 28, 28) copied
to row-major order walks as (7168, 14, 2, 2). None means one flat contiguous run, where
`fast.py` may use numpy's ufuncs; the numba kernels walking a layout are in `fast_walk.py`.
"""

from __future__ import annotations

from typing import List, Optional, Tuple

import numpy as np

from ..core.tensor_data import TensorData
from ..errors import ShapeError

__all__ = [
    "merge", "merge_reduce", "rows_of", "copies_in_tuned_kernel", "COPY_DIMS",
    "SHAPE", "OUT_STRIDES", "A_SHAPE", "A_STRIDES", "B_SHAPE", "B_STRIDES",
]

# layout rows: the merged shape, then each operand's shape and strides in the merged dims
SHAPE, OUT_STRIDES, A_SHAPE, A_STRIDES, B_SHAPE, B_STRIDES = range(6)
# dims of the walk's tuned copy kernel (`fast_walk.copy_to_contiguous`)
COPY_DIMS = 6


def merge(out: TensorData, a: TensorData, b: TensorData, op: str = "zip") -> Optional[np.ndarray]:
    """The merged (6, dims) int64 layout of out = f(a, b), or None when out is flat and a, b are
    laid out exactly like it (every merged stride 1: the `flat` kernel's case).

    Raises:
        ShapeError: when an input does not broadcast to out's shape.
    """
    shape = out.shape
    if a.shape == shape and b.shape == shape and out.is_contiguous() and a.is_contiguous() and b.is_contiguous():
        return None
    nd = len(shape)
    rows: Tuple[List[int], ...] = ([], [], [], [], [], [])  # the six layout rows, one entry per merged dim
    aligned = []
    for data in (a, b):
        if data.dims > nd or any(s != 1 and s != t for s, t in zip(data.shape, shape[nd - data.dims:])):
            raise ShapeError(
                f"{op}: an input of shape {data.shape} does not broadcast to the output shape {shape}; "
                f"give out the broadcast shape of the inputs"
            )
        pad = nd - data.dims
        aligned.append(((1,) * pad + data.shape, (0,) * pad + data.strides))
    (a_shape, a_strides), (b_shape, b_strides) = aligned
    for d in range(nd):
        size = shape[d]
        if size == 1:
            continue
        entry = (
            size, out.strides[d],
            a_shape[d], a_strides[d] if a_shape[d] != 1 else 0,
            b_shape[d], b_strides[d] if b_shape[d] != 1 else 0,
        )
        if rows[0] and all(rows[k][-1] == size * entry[k] for k in (1, 3, 5)) and (rows[2][-1] == 1) == (entry[2] == 1) and (rows[4][-1] == 1) == (entry[4] == 1):
            for k in (0, 2, 4):
                rows[k][-1] *= entry[k]
            for k in (1, 3, 5):
                rows[k][-1] = entry[k]
        else:
            for row, value in zip(rows, entry):
                row.append(value)
    if not rows[0]:  # every dim has size 1
        return np.array([[1], [0], [1], [0], [1], [0]], dtype=np.int64)
    if len(rows[0]) == 1 and rows[1][0] == rows[3][0] == rows[5][0] == 1:
        return None
    return np.array(rows, dtype=np.int64)


def merge_reduce(out: TensorData, a: TensorData, dim: int) -> np.ndarray:
    """The layout of a reduction of `a` along `dim` into `out` (size 1 along dim): the other
    dims merged as in `merge` (a's strides in both input rows), then the reduced dim last, with
    out stride 0. The reduce kernel's rows are out's elements."""
    keep = [d for d in range(a.dims) if d != dim]
    shape = tuple(a.shape[d] for d in keep)
    outer_out = TensorData._trusted(out._storage, shape, tuple(out.strides[d] for d in keep))
    outer_a = TensorData._trusted(a._storage, shape, tuple(a.strides[d] for d in keep))
    layout = merge(outer_out, outer_a, outer_a, "reduce")
    if layout is None:  # one flat run of outputs
        layout = np.array([[out.size], [1], [out.size], [1], [out.size], [1]], dtype=np.int64)
    n, stride = a.shape[dim], a.strides[dim]
    return np.concatenate([layout, np.array([[n], [0], [n], [stride], [n], [stride]], dtype=np.int64)], axis=1)


def copies_in_tuned_kernel(out: TensorData, layout: np.ndarray) -> bool:
    """True when `copy_to_contiguous` can run out = a: out row-major, at most COPY_DIMS merged dims."""
    return layout.shape[1] <= COPY_DIMS and out.is_contiguous()


def rows_of(layout: Optional[np.ndarray], size: int) -> Tuple[int, int]:
    """(number of rows, elements per row) of a layout (None: one flat row of `size`)."""
    if layout is None:
        return 1, size
    n = int(layout[SHAPE, -1])
    return (size // n if n else 0), n
