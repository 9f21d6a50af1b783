"""FastOps: the fast CPU backend (numba kernels, numpy's SIMD loops and BLAS).

How each raw kernel runs, fastest first:

* contiguous sigmoid runs in a numba kernel with a vectorised exp (`fast_exp.py`);
* relu, relu_back, inv_back and is_close run in numba kernels compiled once per dtype and
  cached on disk (`cache=True`): a contiguous kernel over flat storage (vectorised by LLVM,
  `parallel=True` above a size threshold) and a strided one that walks broadcast-aligned
  strides row by row without per-element index buffers;
* scalar functions numpy has a vectorised loop for (neg, exp, log, add, mul, lt, and
  sigmoid as exp + reciprocal) run as that ufunc over zero-copy strided views -- numpy
  broadcasts and walks the strides in C, and its SIMD exp beats a scalar numba loop;
* any other Python scalar function is compiled by numba on first use (not cached);
* a broadcast add or mul whose operands walk as rows of unit-stride runs ((1000, 1000) + (1000,))
  runs in a row kernel with unsigned indices (vectorised; numpy's broadcasting loop is slower);
* a copy to row-major order (`contiguous()`, and broadcast copies such as expand) merges runs
  of dims and runs in a numba kernel of six nested loops with unsigned indices and unrolled
  inner blocks of 2, 4 and 2x2;
* matrix multiply is `numpy.matmul` (BLAS), batched and broadcast.
"""

from __future__ import annotations

from typing import Callable, Dict, Optional, Tuple

import numpy as np
from numba import njit, prange

from .. import operators
from ..core.tensor_data import TensorData
from . import fast_conv
from . import fast_pool, fast_rows
from .base import TensorBackend, TensorOps
from .fast_kernels import (
    BINARY_CODES,
    COPY_DIMS,
    add_rows,
    copy_to_contiguous,
    mul_rows,
    sigmoid_contiguous,
    sum_rows_of_4,
    UNARY_CODES,
    map_contiguous,
    map_strided,
    zip_contiguous,
    zip_strided,
)
from .simple import tensor_reduce

__all__ = ["FastOps", "FastBackend"]

# Work below this many elements runs single-threaded (thread start-up costs more than it saves).
PARALLEL_THRESHOLD = 1 << 16


def _aligned_strides(out_shape: Tuple[int, ...], shape: Tuple[int, ...], strides: Tuple[int, ...]) -> np.ndarray:
    """Strides of an input seen in the output's dims: 0 where it is broadcast."""
    offset = len(out_shape) - len(shape)
    aligned = np.zeros(len(out_shape), dtype=np.int64)
    for i in range(len(shape)):
        if shape[i] != 1:
            aligned[i + offset] = strides[i]
    return aligned


def _ufunc_div_reversed(a: np.ndarray, b: np.ndarray, out: np.ndarray) -> None:
    np.divide(b, a, out=out)  # log_back(x, d) = d / x


def _ufunc_copy(a: np.ndarray, out: np.ndarray) -> None:
    np.copyto(out, np.broadcast_to(a, out.shape))


def _ufunc_relu(a: np.ndarray, out: np.ndarray) -> None:
    np.maximum(a, 0.0, out=out)


def _ufunc_sigmoid(a: np.ndarray, out: np.ndarray) -> None:
    # 1 / (1 + exp(-x)) is stable in IEEE arithmetic: exp overflows to inf and 1/inf is 0.
    with np.errstate(over="ignore"):
        np.negative(a, out=out)
        np.exp(out, out=out)
    np.add(out, 1.0, out=out)
    np.reciprocal(out, out=out)


_UNARY_UFUNCS: Dict[Callable, Callable] = {
    operators.neg: np.negative,
    operators.exp: np.exp,
    operators.inv: np.reciprocal,
    operators.id: _ufunc_copy,
    operators.relu: _ufunc_relu,
    operators.sigmoid: _ufunc_sigmoid,
}
_BINARY_UFUNCS: Dict[Callable, Callable] = {
    operators.add: np.add,
    operators.mul: np.multiply,
    operators.lt: np.less,
    operators.eq: np.equal,
    operators.max: np.maximum,
}
if operators.log(1.0) == 0.0 and operators.log(1e-30) < -60:  # exact log (no epsilon inside)
    _UNARY_UFUNCS[operators.log] = np.log
    _BINARY_UFUNCS[operators.log_back] = _ufunc_div_reversed

_REDUCE_UFUNCS: Dict[Callable, np.ufunc] = {
    operators.add: np.add,
    operators.mul: np.multiply,
    operators.max: np.maximum,
}


def _prod(shape):  # pragma: no cover - numba
    total = 1
    for s in shape:
        total *= s
    return total


def _compile_map(fn: Callable[[float], float]) -> Callable[..., None]:
    """A numba kernel for a scalar function unknown to the tables (compiled, not cached)."""
    scalar = njit(inline="always")(fn)
    prod = njit(inline="always")(_prod)

    @njit(parallel=True)
    def kernel(out, out_shape, out_strides, a, a_strides):  # pragma: no cover - numba
        nd = len(out_shape)
        for i in prange(prod(out_shape)):
            rem = i + 0
            o = 0
            p = 0
            for d in range(nd - 1, -1, -1):
                idx = rem % out_shape[d]
                rem = rem // out_shape[d]
                o += idx * out_strides[d]
                p += idx * a_strides[d]
            out[o] = scalar(a[p])

    return kernel


def _compile_zip(fn: Callable[[float, float], float]) -> Callable[..., None]:
    """A numba zip kernel for a scalar function unknown to the tables (compiled, not cached)."""
    scalar = njit(inline="always")(fn)
    prod = njit(inline="always")(_prod)

    @njit(parallel=True)
    def kernel(out, out_shape, out_strides, a, a_strides, b, b_strides):  # pragma: no cover - numba
        nd = len(out_shape)
        for i in prange(prod(out_shape)):
            rem = i + 0
            o = 0
            p = 0
            q = 0
            for d in range(nd - 1, -1, -1):
                idx = rem % out_shape[d]
                rem = rem // out_shape[d]
                o += idx * out_strides[d]
                p += idx * a_strides[d]
                q += idx * b_strides[d]
            out[o] = scalar(a[p], b[q])

    return kernel


def fast_map(fn: Callable[[float], float]) -> Callable[..., None]:
    """Raw map kernel for `fn` (see module docstring for how it runs)."""
    ufunc = _UNARY_UFUNCS.get(fn)
    code = UNARY_CODES.get(fn)
    compiled: Optional[Callable] = None if (ufunc or code is not None) else _compile_map(fn)

    def kernel(out: TensorData, a: TensorData) -> None:
        if fn is operators.id and out.is_contiguous():
            _copy(out, a)
            return
        if a.shape == out.shape and (code is not None or fn is operators.sigmoid) and a.is_contiguous() and out.is_contiguous():
            size = out.size
            if fn is operators.sigmoid:
                sigmoid_contiguous(out._storage[:size], a._storage[:size])
            else:
                map_contiguous(code, out._storage[:size], a._storage[:size], size >= PARALLEL_THRESHOLD)
            return
        if ufunc is not None:
            ufunc(a.to_numpy_view(), out=out.to_numpy_view())
            return
        shape, out_strides = _layout(out)
        aligned = _aligned_strides(out.shape, a.shape, a.strides)
        (compiled or _code_map(code))(out._storage, shape, out_strides, a._storage, aligned)

    return kernel


def _copy(out: TensorData, a: TensorData) -> None:
    """Row-major copy of a strided tensor, broadcast to out's shape (what contiguous() and
    expand do), in the numba kernel.

    Dims of size 1 are dropped and neighbours that are one run in the input are merged
    (stride[d] == shape[d + 1] * stride[d + 1]; the output is row-major, so they are one run
    there too): (64, 8, 14, 14, 2, 2) with strides (6272, 784, 56, 2, 28, 1), the course's tile
    view, walks as (7168, 14, 2, 2) with strides (56, 2, 28, 1). Broadcast dims have stride 0.
    """
    if a.dims > out.dims:
        _ufunc_copy(a.to_numpy_view(), out.to_numpy_view())  # numpy raises the shape error
        return
    pad = (1,) * (out.dims - a.dims)  # align a's dims to out's, from the right
    shape = []
    strides = []
    for size, a_size, stride in zip(out.shape, pad + a.shape, pad + a.strides):
        if a_size != size and a_size != 1:
            _ufunc_copy(a.to_numpy_view(), out.to_numpy_view())  # numpy raises the shape error
            return
        if size == 1:
            continue
        stride = stride if a_size != 1 else 0
        if shape and strides[-1] == size * stride:
            shape[-1] *= size
            strides[-1] = stride
        else:
            shape.append(size)
            strides.append(stride)
    if len(shape) > COPY_DIMS:
        _ufunc_copy(a.to_numpy_view(), out.to_numpy_view())
        return
    pad = COPY_DIMS - len(shape)
    copy_to_contiguous(
        out._storage,
        a._storage,
        np.array([1] * pad + shape, dtype=np.uint64),
        np.array([0] * pad + strides, dtype=np.uint64),
    )


def _code_map(code: int) -> Callable[..., None]:
    def run(out, shape, out_strides, a, aligned):
        map_strided(code, out, shape, out_strides, a, aligned)

    return run


def _code_zip(code: int) -> Callable[..., None]:
    def run(out, shape, out_strides, a, a_aligned, b, b_aligned):
        zip_strided(code, out, shape, out_strides, a, a_aligned, b, b_aligned)

    return run


def _layout(data: TensorData) -> Tuple[np.ndarray, np.ndarray]:
    return np.array(data.shape, dtype=np.int64), np.array(data.strides, dtype=np.int64)


# Broadcast add/mul of at least this many elements runs in the row kernels (add_rows/mul_rows).
ROWS_THRESHOLD = 1 << 12
_ROW_KERNELS: Dict[Callable, Callable] = {operators.add: add_rows, operators.mul: mul_rows}


def _row_layout(out: TensorData, a: TensorData, b: TensorData) -> Optional[Tuple[int, int, int, int]]:
    """(rows, n, a_row, b_row) when out = a op b is `rows` runs of `n` elements, unit-stride in
    a, b and a row-major out, each input stepping `a_row` / `b_row` (0: broadcast) per run.

    Dims of size 1 are dropped and neighbours that are one run in all three are merged: a
    (1000, 1000) + (1000,) add is 1000 rows of 1000 with a_row 1000, b_row 0. None otherwise
    (mixed dtypes, a non-contiguous out or inner dim, more than one outer dim left).
    """
    if not (a.dtype == b.dtype == out.dtype and out.is_contiguous()):
        return None
    nd = len(out.shape)
    a_pad = (1,) * (nd - a.dims)  # align the inputs' dims to out's, from the right
    b_pad = (1,) * (nd - b.dims)
    dims = []  # [size, a stride, b stride] of the merged dims (out is row-major: they merge too)
    for size, a_size, p, b_size, q in zip(out.shape, a_pad + a.shape, a_pad + a.strides, b_pad + b.shape, b_pad + b.strides):
        if size == 1:
            continue
        p = p if a_size != 1 else 0
        q = q if b_size != 1 else 0
        if dims and dims[-1][1] == size * p and dims[-1][2] == size * q:
            dims[-1] = [dims[-1][0] * size, p, q]
        else:
            dims.append([size, p, q])
    if len(dims) != 2 or dims[1][1] != 1 or dims[1][2] != 1:
        return None
    (rows, a_row, b_row), (n, _, _) = dims
    return rows, n, a_row, b_row


def fast_zip(fn: Callable[[float, float], float]) -> Callable[..., None]:
    """Raw zip kernel for `fn` (broadcasting)."""
    ufunc = _BINARY_UFUNCS.get(fn)
    code = BINARY_CODES.get(fn)
    compiled: Optional[Callable] = None if (ufunc or code is not None) else _compile_zip(fn)

    rows_kernel = _ROW_KERNELS.get(fn)

    def kernel(out: TensorData, a: TensorData, b: TensorData) -> None:
        if rows_kernel is not None and a.shape != b.shape and out.size >= ROWS_THRESHOLD:
            layout = _row_layout(out, a, b)
            if layout is not None:
                rows, n, a_row, b_row = layout
                rows_kernel(out._storage, a._storage, a_row, b._storage, b_row, rows, n, out.size >= PARALLEL_THRESHOLD)
                return
        if ufunc is not None:
            ufunc(a.to_numpy_view(), b.to_numpy_view(), out=out.to_numpy_view())
            return
        if (
            code is not None
            and a.shape == out.shape
            and b.shape == out.shape
            and a.is_contiguous()
            and b.is_contiguous()
            and out.is_contiguous()
        ):
            size = out.size
            zip_contiguous(code, out._storage[:size], a._storage[:size], b._storage[:size], size >= PARALLEL_THRESHOLD)
            return
        shape, out_strides = _layout(out)
        a_aligned = _aligned_strides(out.shape, a.shape, a.strides)
        b_aligned = _aligned_strides(out.shape, b.shape, b.strides)
        (compiled or _code_zip(code))(out._storage, shape, out_strides, a._storage, a_aligned, b._storage, b_aligned)

    return kernel


def fast_reduce(fn: Callable[[float, float], float]) -> Callable[..., None]:
    """Raw reduce kernel for `fn` along one dim (out holds the start value).

    add, mul and max run as numpy's ufunc.reduce over strided views (large contiguous sums
    as a BLAS matrix-vector product); any other function falls back to the reference loop.
    """
    ufunc = _REDUCE_UFUNCS.get(fn)
    if ufunc is None:
        return tensor_reduce(fn)

    def kernel(out: TensorData, a: TensorData, dim: int) -> None:
        if a.shape[dim] == 0:
            return
        if ufunc is np.add and a.size >= BLAS_SUM_THRESHOLD and a.is_contiguous() and out.is_contiguous():
            _sum_contiguous(out, a, dim)
            return
        ufunc.reduce(a.to_numpy_view(), axis=dim, keepdims=True, out=out.to_numpy_view())

    return kernel


# Sums of contiguous data at least this large go through BLAS (a matrix-vector product with
# ones), which streams memory about 2-3x faster than numpy's pairwise add.reduce.
BLAS_SUM_THRESHOLD = 1 << 14


def _sum_contiguous(out: TensorData, a: TensorData, dim: int) -> None:
    """Sum of contiguous `a` along `dim` into contiguous `out`: as a BLAS matrix-vector product
    with ones, except rows of 4 along the last dim (a numba kernel; BLAS is slow on them)."""
    shape = a.shape
    outer = 1
    for size in shape[:dim]:
        outer *= size
    length = shape[dim]
    inner = a.size // (outer * length)
    if inner == 1 and length == 4:
        sum_rows_of_4(out._storage, a._storage, outer)
        return
    ones = np.ones(length, dtype=a.dtype)
    if inner == 1:
        # (outer, length) @ (length,) -> (outer,)
        np.matmul(a._storage[: a.size].reshape(outer, length), ones, out=out._storage[:outer])
    else:
        # (length,) @ (outer, length, inner) -> (outer, inner)
        np.matmul(ones, a._storage[: a.size].reshape(outer, length, inner), out=out._storage[: outer * inner].reshape(outer, inner))


def fast_matrix_multiply(out: TensorData, a: TensorData, b: TensorData) -> None:
    """Batched, broadcast matmul through BLAS (numpy.matmul)."""
    np.matmul(a.to_numpy_view(), b.to_numpy_view(), out=out.to_numpy_view())


class FastOps(TensorOps):
    """numba + BLAS kernels: the fast CPU backend."""

    name = "fast"
    map_kernel = staticmethod(fast_map)
    zip_kernel = staticmethod(fast_zip)
    reduce_kernel = staticmethod(fast_reduce)
    matmul_kernel = staticmethod(fast_matrix_multiply)
    # measured speed-ups of the generic window and row kernels (tested against them)
    unfold = staticmethod(fast_conv.unfold)
    fold = staticmethod(fast_conv.fold)
    max_pool_forward = staticmethod(fast_pool.max_pool_forward)
    max_pool_backward = staticmethod(fast_pool.max_pool_backward)
    avg_pool_forward = staticmethod(fast_pool.avg_pool_forward)
    avg_pool_backward = staticmethod(fast_pool.avg_pool_backward)
    softmax_forward = staticmethod(fast_rows.softmax_forward)
    softmax_backward = staticmethod(fast_rows.softmax_backward)
    log_softmax_forward = staticmethod(fast_rows.log_softmax_forward)
    log_softmax_backward = staticmethod(fast_rows.log_softmax_backward)
    logsumexp_forward = staticmethod(fast_rows.logsumexp_forward)
    row_max_forward = staticmethod(fast_rows.row_max_forward)


FastBackend = TensorBackend(FastOps)
