"""FastOps: the fast CPU backend (numba kernels, numpy's SIMD loops and BLAS).

Every map and zip first merges the operands' dims (`fast_layout.merge`), then runs in one of:

* numpy's ufunc over zero-copy views, for the functions numpy has one for, when the merged
  layout is flat (same shapes, contiguous), or for a zip of row-major operands broadcast
  against each other, and the call runs on one thread -- numpy's SIMD
  loops are as fast as ours there and need no compiling -- and always for `exp` and `log`
  (numba could only call libm for them, one element at a time, about 17x slower);
* otherwise the strided walk of `fast_walk.py`, compiled by numba from the scalar function
  (any function of `minitorch.operators`, or a user's), flat or row by row, split over threads
  above `PARALLEL_GRAIN` elements (`TRANSCENDENTAL_GRAIN` for sigmoid and the activations).
  `sigmoid` is compiled in a form numba vectorises (`fast_exp.sigmoid`, tested against
  `operators.sigmoid`), and so, on float32, is every activation whose scalar function names a
  `float32_form` (`fast_activation.py`);
* an add of a per-channel operand (a conv bias (C, 1, 1) on (N, C, H, W)) to a same-shape
  row-major one, on one thread, in `fast_channel.add_per_channel` (one scalar per contiguous run);
* a copy to row-major order (`contiguous()`, broadcast copies such as expand) runs in the walk's
  tuned copy kernel (`fast_walk.copy_to_contiguous`, unrolled for the course's tile view).

Reductions: add, mul and max run as numpy's `ufunc.reduce` over strided views (large
contiguous sums as a BLAS matrix-vector product with ones); any other function in the
strided walk's reduce kernel. Matrix multiply is `numpy.matmul` (BLAS), batched and broadcast.

This module imports no numba: the compiled kernels (the walk, conv, pooling, row and norm
kernels) load through `compiled.py` at their first call, so the first program to compile one
pays numba's import, and `import minitorch` does not.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Dict, Optional, Tuple

import numpy as np

from .. import operators
from ..core.tensor_data import TensorData
from . import compiled, fast_layout
from .base import TensorBackend, TensorOps
from .compiled import Kernel
from .namespace import numpy_with, quiet_call
from .threads import matmul, parallel_for, parallel_parts
from .workspace import Workspace

__all__ = ["FastOps", "FastBackend", "PARALLEL_GRAIN", "TRANSCENDENTAL_GRAIN", "WORKSPACE"]

# Elements per thread from which an elementwise call is split over threads (a call splits from
# twice this many). Measured on the development VM (2 cores, idle; float32, one thread -> two,
# microseconds per op through minitorch, numba's TBB layer handing out the ranges): neg 65K
# 7 -> 10, 131K 14 -> 11, 1M 76 -> 55; add 65K 12 -> 11, 131K 19 -> 14, 1M 110 -> 75.
PARALLEL_GRAIN = 1 << 16
# The same for the transcendental functions (sigmoid, the float32 forms of gelu, silu, ...; libm
# calls on float64), about 2-3x the work per element of a copy: sigmoid 33K 11 -> 12, 65K
# 18 -> 15, 1M 223 -> 119.
TRANSCENDENTAL_GRAIN = 1 << 15
# From this many elements a zip broadcasting rows along leading dims ((4096, 256) + (256,)) runs in
# the strided walk, not numpy's broadcasting loop (see `_numpy_broadcasts`; 100K elements: 35 -> 28 us).
ROW_BROADCAST_WALK = 1 << 16


def _copy(a: np.ndarray, out: np.ndarray) -> None:
    np.copyto(out, a)


def _maximum(a: np.ndarray, b: np.ndarray, out: np.ndarray) -> None:
    np.maximum(a, b, out=out)  # (numpy deprecates maximum's out given positionally, as the kernels give it)


UNARY_UFUNCS: Dict[Callable, Callable] = {
    operators.neg: np.negative,
    operators.exp: np.exp,
    operators.inv: np.reciprocal,
    operators.id: _copy,
}
BINARY_UFUNCS: Dict[Callable, Callable] = {
    operators.add: np.add,
    operators.mul: np.multiply,
    operators.lt: np.less,
    operators.eq: np.equal,
    operators.max: _maximum,
}
# numba computes these through libm, one element at a time: always numpy's SIMD loops
LIBM = {operators.exp}
if operators.log(1.0) == 0.0 and operators.log(1e-30) < -60:  # exact log (no epsilon inside)
    UNARY_UFUNCS[operators.log] = np.log
    LIBM.add(operators.log)

# (ufunc, the start value it reduces from): numpy's ufunc.reduce overwrites out
REDUCE_UFUNCS: Dict[Callable, Tuple[np.ufunc, float]] = {
    operators.add: (np.add, 0.0),
    operators.mul: (np.multiply, 1.0),
    operators.max: (np.maximum, -math.inf),
}


def _walk_kernels(fn: Callable, arity: int, float32: bool) -> Any:
    """`fn`'s compiled kernels (`fast_walk.elementwise`), of the form numba vectorises where there
    is one (same results; tests compare): on float32 operands the activation's `float32_form`,
    and sigmoid's (`fast_exp.sigmoid`)."""
    form = compiled.fast_activation.float32_form(fn) if float32 else None
    if form is None and fn is operators.sigmoid:
        form = compiled.fast_exp.sigmoid
    return compiled.fast_walk.elementwise(form or fn, arity)


_WALK_KERNELS: Dict[Tuple[Callable, int, bool], Any] = {}  # (fn, arity, float32) -> _walk_kernels(...)


def _run_walk(fn: Callable, arity: int, out: TensorData, a: TensorData, b: TensorData, layout: Optional[np.ndarray]) -> None:
    """Run `fn`'s compiled kernels over the merged layout (flat when `layout` is None)."""
    key = (fn, arity, out._storage.dtype == a._storage.dtype == b._storage.dtype == np.float32)
    kernels = _WALK_KERNELS.get(key)
    if kernels is None:
        kernels = _WALK_KERNELS[key] = _walk_kernels(*key)
    size = out.size
    grain = TRANSCENDENTAL_GRAIN if fn is operators.sigmoid or hasattr(fn, "float32_form") else PARALLEL_GRAIN
    if layout is None:
        parallel_for(kernels.flat, (out._storage, a._storage, b._storage), size, size, grain)
    else:
        rows, _ = fast_layout.rows_of(layout, size)
        parallel_for(kernels.walk, (out._storage, a._storage, b._storage, layout), rows, size, grain)


def _one_thread(size: int) -> bool:
    """Whether an elementwise call over `size` elements stays on one thread (`parallel_for`'s rule
    for PARALLEL_GRAIN; the size test first, as the common case)."""
    return size < 2 * PARALLEL_GRAIN or parallel_parts(size, PARALLEL_GRAIN) == 1


def _numpy_runs(fn: Callable, layout: Optional[np.ndarray], size: int) -> bool:
    """Whether numpy's ufunc runs a map or same-shape zip: always for LIBM, else when contiguous
    and too small to split over threads."""
    return fn in LIBM or (layout is None and _one_thread(size))


def _numpy_broadcasts(out: TensorData, a: TensorData, b: TensorData) -> bool:
    """Whether numpy's ufunc runs a zip over every operand's own row-major layout (same shapes,
    or one broadcast against the other, e.g. a bias), when too small to split over threads.
    Broadcasts ran 1.5-13x faster there than in the strided walk (conv bias (16,8,28,28) +
    (8,1,1): 62 -> 35 us; (10,100,52) + (1,100,1): 63 -> 16 us; rows of 4 plus a column:
    980 -> 77 us; measured, one thread), and no layout needs merging first. The exception: large
    rows broadcast along leading dims only ((4096, 256) + (256,): the operands' last dims equal),
    where the walk's vectorised row loop ran 1.2-1.8x faster than numpy's broadcasting loop
    ((1000, 1000) + (1000,): 0.35 -> 0.20 ms; (300, 1000) + (1000,): 111 -> 81 us)."""
    if not (_one_thread(out.size) and out.is_contiguous() and a.is_contiguous() and b.is_contiguous()):
        return False
    rows_broadcast = a.shape != b.shape and a.shape[-1:] == b.shape[-1:] == out.shape[-1:]
    return not (rows_broadcast and out.size >= ROW_BROADCAST_WALK)


CHANNEL_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def _adds_per_channel(out: TensorData, a: TensorData, b: TensorData) -> bool:
    """Run out = a + b in `fast_channel.add_per_channel` when one operand has out's shape and the
    other is constant over each contiguous run of out (a conv bias (C, 1, 1) on (N, C, H, W)),
    all row-major, one float dtype, too small to split over threads; True when it ran.
    numpy's broadcasting loop: (16, 8, 28, 28) + (8, 1, 1) float64 36 -> 14 us (measured, one thread)."""
    shape = out.shape
    if a.shape == b.shape:
        return False
    if a.shape != shape:
        a, b = b, a  # add commutes: the bias may come first
    if a.shape != shape or len(b.shape) == 0:
        return False
    dtype = out._storage.dtype
    if dtype not in CHANNEL_DTYPES or a._storage.dtype != dtype or b._storage.dtype != dtype:
        return False
    if not (out.is_contiguous() and a.is_contiguous() and b.is_contiguous()):
        return False
    if not _one_thread(out.size):
        return False
    runs = compiled.fast_channel.channel_runs(shape, b.shape)
    if runs is None:
        return False
    compiled.fast_channel.add_per_channel(out._storage, a._storage, b._storage, *runs)
    return True


def fast_map(fn: Callable[[float], float]) -> Callable[..., None]:
    """Raw map kernel for `fn`: out = fn(a), a broadcast to out's shape."""
    ufunc = UNARY_UFUNCS.get(fn)

    def kernel(out: TensorData, a: TensorData) -> None:
        if out.size == 0:
            return
        layout = fast_layout.merge(out, a, a, "map")  # (None at once for same-shape row-major operands)
        if ufunc is not None and _numpy_runs(fn, layout, out.size):
            # inf and NaN are results (log(0), exp(1000)), as in PyTorch
            quiet_call(ufunc, a.to_numpy_view(), out.to_numpy_view())
        elif fn is operators.id and layout is not None and fast_layout.copies_in_tuned_kernel(out, layout):
            compiled.fast_walk.copy_to_contiguous(out._storage, a._storage, layout)
        else:
            _run_walk(fn, 1, out, a, a, layout)

    return kernel


def fast_zip(fn: Callable[[float, float], float]) -> Callable[..., None]:
    """Raw zip kernel for `fn`: out = fn(a, b), both broadcast to out's shape."""
    ufunc = BINARY_UFUNCS.get(fn)

    def kernel(out: TensorData, a: TensorData, b: TensorData) -> None:
        if out.size == 0:
            return
        if fn is operators.add and _adds_per_channel(out, a, b):
            return
        broadcasts = ufunc is not None and _numpy_broadcasts(out, a, b)  # numpy's loop, no layout merged
        layout = None if broadcasts else fast_layout.merge(out, a, b, "zip")
        if ufunc is not None and (broadcasts or _numpy_runs(fn, layout, out.size)):
            try:
                quiet_call(ufunc, a.to_numpy_view(), b.to_numpy_view(), out.to_numpy_view())  # inf - inf is NaN, quietly
            except ValueError:  # the inputs do not broadcast to out: merge names the shapes
                fast_layout.merge(out, a, b, "zip")
                raise
        else:
            _run_walk(fn, 2, out, a, b, layout)

    return kernel


def fast_reduce(fn: Callable[[float, float], float], start: Optional[float] = None) -> Callable[..., None]:
    """Raw reduce kernel for `fn` along one dim (out holds the start value). numpy's reduce runs
    when `start` is given and is where its ufunc starts (the identity), else the strided walk."""
    ufunc, identity = REDUCE_UFUNCS.get(fn, (None, None))
    if start is None or start != identity:
        ufunc = None

    def kernel(out: TensorData, a: TensorData, dim: int) -> None:
        if a.shape[dim] == 0 or out.size == 0:
            return
        if ufunc is np.add and a.size >= BLAS_SUM_THRESHOLD and a.is_contiguous() and out.is_contiguous():
            _sum_contiguous(out, a, dim)
        elif ufunc is not None:
            # a sum of inf and -inf is NaN, quietly (reduce's arguments: array, axis, dtype, out, keepdims)
            quiet_call(ufunc.reduce, a.to_numpy_view(), dim, None, out.to_numpy_view(), True)
        else:
            layout = fast_layout.merge_reduce(out, a, dim)  # one row per output element
            parallel_for(compiled.fast_walk.reducer(fn), (out._storage, a._storage, layout), out.size, a.size, PARALLEL_GRAIN)

    return kernel


# A sum split over threads runs numba's kernels (fast_walk.sum_rows / sum_row_blocks) when each
# thread gets at least this many rows; else BLAS runs it, as on one thread.
SUM_SPLIT_MIN = 64
# Sums of contiguous data at least this large go through BLAS (a matrix-vector product with
# ones), which streams memory about 2-3x faster than numpy's pairwise add.reduce.
BLAS_SUM_THRESHOLD = 1 << 14


def _sum_contiguous(out: TensorData, a: TensorData, dim: int) -> None:
    """Sum of contiguous `a` along `dim` into contiguous `out`: as a BLAS matrix-vector product
    with ones, except rows of 4 along the last dim (`fast_walk.sum_rows_of_4`: BLAS is slow on them)
    and, when split over threads, sums of rows and of a 2-d array's columns (numba's kernels:
    BLAS's own threads gained little here, 1000x1000 float32 dim 0 0.048 -> 0.046 ms)."""
    shape = a.shape
    outer = 1
    for size in shape[:dim]:
        outer *= size
    length = shape[dim]
    inner = a.size // (outer * length)
    if inner == 1 and length == 4:
        compiled.fast_walk.sum_rows_of_4(out._storage, a._storage, outer)
        return
    split = parallel_parts(a.size, PARALLEL_GRAIN)
    data = a._storage[: a.size]
    if split > 1 and inner == 1 and outer >= SUM_SPLIT_MIN * split:  # (outer, length) -> (outer,), by rows
        parallel_for(compiled.fast_walk.sum_rows, (out._storage[:outer], data.reshape(outer, length)), outer, a.size, PARALLEL_GRAIN)
        return
    if split > 1 and outer == 1 and length >= SUM_SPLIT_MIN * split:  # (length, inner) -> (inner,)
        partial = np.empty((split, inner), dtype=a.dtype)  # one sum per thread's block of rows, then added
        parallel_for(compiled.fast_walk.sum_row_blocks, (partial, data.reshape(length, inner)), split, a.size, PARALLEL_GRAIN)
        np.add.reduce(partial, axis=0, out=out._storage[:inner])
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
    matmul(a.to_numpy_view(), b.to_numpy_view(), out=out.to_numpy_view())


# Large arrays of the fast backend (activations, gradients, unrolled matrices) reuse memory.
WORKSPACE = Workspace()


class FastOps(TensorOps):
    """numba + BLAS kernels: the fast CPU backend."""

    name = "fast"
    xp = numpy_with(
        "numpy: large arrays from the fast backend's workspace, matmul by the thread policy",
        empty=WORKSPACE.empty, zeros=WORKSPACE.zeros, empty_like=WORKSPACE.empty_like,
        zeros_like=WORKSPACE.zeros_like, matmul=matmul,
    )
    map_kernel = staticmethod(fast_map)
    zip_kernel = staticmethod(fast_zip)
    reduce_kernel = staticmethod(fast_reduce)
    matmul_kernel = staticmethod(fast_matrix_multiply)
    parallel_for = staticmethod(parallel_for)
    parallel_parts = staticmethod(parallel_parts)

    @classmethod
    def reduce(cls, fn: Callable[[float, float], float], start: float = 0.0) -> Callable[..., Any]:
        """As `TensorOps.reduce`, with the start value known to the kernel (numpy's ufuncs
        reduce from their identity only)."""
        return cls.reduce_with(fast_reduce(fn, start), start)

    # measured speed-ups of the generic window and row kernels (tested against them), each
    # imported at its first read (numba: see compiled.py)
    unfold = Kernel("fast_conv")
    fold = Kernel("fast_conv")
    max_pool_forward = Kernel("fast_pool")
    max_pool_backward = Kernel("fast_pool")
    avg_pool_forward = Kernel("fast_pool")
    avg_pool_backward = Kernel("fast_pool")
    tile_forward = Kernel("fast_pool")
    tile_backward = Kernel("fast_pool")
    softmax_forward = Kernel("fast_rows")
    softmax_backward = Kernel("fast_rows")
    log_softmax_forward = Kernel("fast_rows")
    log_softmax_backward = Kernel("fast_rows")
    logsumexp_forward = Kernel("fast_rows")
    row_max_forward = Kernel("fast_rows")
    group_norm_forward = Kernel("fast_norm")
    group_norm_backward = Kernel("fast_norm")
    index_add = Kernel("fast_scatter")


FastBackend = TensorBackend(FastOps)
