"""The fast backend's one strided walk: one numba kernel family over merged layouts.

The operands are first merged into as few dims as they allow (`fast_layout.merge`: a
contiguous (64, 6, 28, 28) relu is one dim of 301,056; the course's 2x2 tile view of
(64, 8, 28, 28) copied to row-major order walks as (7168, 14, 2, 2)).

`elementwise(fn, arity)` compiles, from any scalar function numba can compile (those of
`minitorch.operators` or a user's), two kernels:

* `flat(out, a, b, first, count)`: one merged dim, every stride 1 (the common case: same
  shapes, contiguous) -- a plain loop LLVM vectorises;
* `walk(out, a, b, layout, first, count)`: rows `first .. first + count` of the merged
  layout. The first row's position comes from the course's index math, `to_index`,
  `broadcast_index` and `index_to_position` of `core/tensor_data.py`, compiled here by numba;
  later rows step by strides (an odometer over the outer dims), and each row is one inner
  loop: unit-stride rows vectorised in place, strided rows through small unit-stride blocks.

A map is a zip whose second operand is its first (the unused load is dropped by LLVM), so
maps and zips share the kernels. Both take a range, so the caller can split work across
threads (`threads.py`); each kernel is compiled on first use for the dtypes it sees and
cached on disk (`cache=True`: the kernels close over the plain Python function, registered with
numba as jitable, which keeps numba's cache key stable across processes, and over a hash of its
code, `code_version.py`, so that editing the function compiles it anew). `reducer(fn)` walks the same way with an inner loop
along the reduced dim.

Beside the walk, tuned kernels tested against it: `copy_to_contiguous` (an unrolled copy, for
the course's tile view) and `sum_rows_of_4` (the course's 2x2 average pooling's sums).
"""

from __future__ import annotations

import inspect
from functools import lru_cache
from typing import Any, Callable, Dict, NamedTuple

import numpy as np
from numba import njit, uint64
from numba.extending import register_jitable

from ..core import tensor_data
from .code_version import code_version
from .fast_layout import A_SHAPE, A_STRIDES, B_SHAPE, B_STRIDES, COPY_DIMS, OUT_STRIDES, SHAPE

__all__ = ["Elementwise", "elementwise", "reducer", "copy_to_contiguous", "sum_rows_of_4", "sum_row_blocks", "sum_rows", "jitable", "BLOCK"]

_registered: Dict[Any, Any] = {}


def jitable(fn: Callable[..., Any], **options: Any) -> Callable[..., Any]:
    """`fn`, callable from numba code: a Python function is registered once, with the numba
    `options` of its first registration (the kernels then name the function itself, which keeps
    their disk-cache key stable); numba dispatchers and the builtins numba knows are used as they are."""
    if inspect.isfunction(fn) and fn not in _registered:
        _registered[fn] = register_jitable(**options)(fn) if options else register_jitable(fn)
    return fn


# The course's index math, compiled by numba wherever a kernel below calls it.
to_index = jitable(tensor_data.to_index)
broadcast_index = jitable(tensor_data.broadcast_index)
index_to_position = jitable(tensor_data.index_to_position)

BLOCK = 256  # elements of a strided row computed at a time (see `walk`)


@register_jitable
def _start(layout, first_row):  # pragma: no cover - numba
    """(index, out position, a position, b position) of the first element of row `first_row`."""
    nd = layout.shape[1]
    shape = layout[SHAPE]
    index = np.empty(nd, np.int64)
    scratch = np.empty(nd, np.int64)
    to_index(first_row * shape[nd - 1], shape, index)
    o = index_to_position(index, layout[OUT_STRIDES])
    broadcast_index(index, shape, layout[A_SHAPE], scratch)
    p = index_to_position(scratch, layout[A_STRIDES])
    broadcast_index(index, shape, layout[B_SHAPE], scratch)
    q = index_to_position(scratch, layout[B_STRIDES])
    return index, o, p, q


@register_jitable
def _next_row(layout, index, o, p, q):  # pragma: no cover - numba
    """Step the outer dims (all but the last) of `index` by one row, with carry; new positions."""
    d = layout.shape[1] - 2
    while d >= 0:
        size = layout[SHAPE, d]
        index[d] += 1
        o += layout[OUT_STRIDES, d]
        p += layout[A_STRIDES, d]
        q += layout[B_STRIDES, d]
        if index[d] < size:
            break
        index[d] = 0
        o -= size * layout[OUT_STRIDES, d]
        p -= size * layout[A_STRIDES, d]
        q -= size * layout[B_STRIDES, d]
        d -= 1
    return o, p, q


class Elementwise(NamedTuple):
    """The compiled kernels of one scalar function (see the module docstring)."""

    flat: Any
    walk: Any


def _binary(fn: Callable[..., Any], arity: int) -> Callable[[Any, Any], Any]:
    """`fn` as a jitable function of two values (a map's ignores its second)."""
    jitable(fn)
    if arity == 2:
        return fn

    def scalar(x, y):  # pragma: no cover - numba
        return fn(x)

    return jitable(scalar)


@lru_cache(maxsize=None)
def elementwise(fn: Callable[..., Any], arity: int) -> Elementwise:
    """The `flat` and `walk` kernels of `fn` (one or two arguments), compiled lazily, cached."""
    scalar = _binary(fn, arity)
    version = code_version(fn)  # in the disk-cache key (numba keys it on the closure's cells)

    def flat(out, a, b, first, count):  # pragma: no cover - numba
        version  # noqa: B018
        # unsigned indices: no negative-index wraparound check, so the loop vectorises
        for i in range(uint64(first), uint64(first + count)):
            out[i] = scalar(a[i], b[i])

    def walk(out, a, b, layout, first, count):  # pragma: no cover - numba
        version  # noqa: B018
        nd = layout.shape[1]
        n = layout[SHAPE, nd - 1]
        os, ps, qs = layout[OUT_STRIDES, nd - 1], layout[A_STRIDES, nd - 1], layout[B_STRIDES, nd - 1]
        index, o, p, q = _start(layout, first)
        unit = os == 1 and ps == 1 and qs == 1
        # strided rows go through small unit-stride blocks: the gathers are plain loads, and
        # the function runs vectorised on the blocks (vectorised straight on strided memory,
        # LLVM's gathers made sigmoid of a transposed matrix 20x slower, measured)
        block_a = np.empty(0 if unit else BLOCK, a.dtype)
        block_b = np.empty(0 if unit else BLOCK, b.dtype)
        block_out = np.empty(0 if unit else BLOCK, out.dtype)
        for _ in range(count):
            uo, up, uq, un = uint64(o), uint64(p), uint64(q), uint64(n)
            if unit:
                for j in range(un):
                    out[uo + j] = scalar(a[up + j], b[uq + j])
            else:
                uos, ups, uqs = uint64(os), uint64(ps), uint64(qs)
                for start in range(uint64(0), un, uint64(BLOCK)):
                    m = min(un - start, uint64(BLOCK))
                    for j in range(m):
                        block_a[j] = a[up + (start + j) * ups]
                        block_b[j] = b[uq + (start + j) * uqs]
                    for j in range(m):
                        block_out[j] = scalar(block_a[j], block_b[j])
                    for j in range(m):
                        out[uo + (start + j) * uos] = block_out[j]
            o, p, q = _next_row(layout, index, o, p, q)

    return Elementwise(
        njit(cache=True, nogil=True, error_model="numpy")(flat),
        njit(cache=True, nogil=True, error_model="numpy")(walk),
    )


@lru_cache(maxsize=None)
def reducer(fn: Callable[[Any, Any], Any]) -> Any:
    """`kernel(out, a, layout, first, count)`: for each output element of rows `first ..
    first + count` of the outer dims of a `merge_reduce` layout, fold `fn` along the last
    (reduced) dim, starting from the value out holds."""
    scalar = jitable(fn)
    version = code_version(fn)

    def reduce(out, a, layout, first, count):  # pragma: no cover - numba
        version  # noqa: B018
        nd = layout.shape[1]
        n = layout[SHAPE, nd - 1]
        step = uint64(layout[A_STRIDES, nd - 1])
        # one "row" per output element: the walk over the outer dims with the reduced dim inner
        index, o, p, q = _start(layout, first)
        for _ in range(count):
            up = uint64(p)
            acc = out[o]
            for j in range(uint64(n)):
                acc = scalar(acc, a[up + j * step])
            out[o] = acc
            o, p, q = _next_row(layout, index, o, p, q)

    return njit(cache=True, nogil=True, error_model="numpy")(reduce)


@njit(cache=True)
def _copy_kernel(out, a, shape, a_strides):  # pragma: no cover - numba
    """out (flat, row-major) = the strided tensor (a, shape, a_strides), for up to 6 dims.

    `shape` and `a_strides` are uint64 arrays padded on the left to exactly 6 entries (size 1,
    stride 0). Unsigned indices spare numba's negative-index check on every access (which
    also lets LLVM vectorise a unit-stride inner loop); an innermost dim of size 2 or 4 (stride
    0 too: a broadcast (..., 1) -> (..., 4)), and a 2x2 block in the last two dims (the course's
    tile pooling), are unrolled so the loop that runs is the longer one outside them.
    """
    zero = uint64(0)
    one = uint64(1)
    two = uint64(2)
    three = uint64(3)
    four = uint64(4)
    o = uint64(0)
    n3 = shape[3]
    n4 = shape[4]
    n5 = shape[5]
    s3 = a_strides[3]
    s4 = a_strides[4]
    s5 = a_strides[5]
    for i0 in range(shape[0]):
        p0 = i0 * a_strides[0]
        for i1 in range(shape[1]):
            p1 = p0 + i1 * a_strides[1]
            for i2 in range(shape[2]):
                p2 = p1 + i2 * a_strides[2]
                if n4 == two and n5 == two:
                    for i3 in range(n3):
                        p = p2 + i3 * s3
                        q = p + s4
                        out[o] = a[p]
                        out[o + one] = a[p + s5]
                        out[o + two] = a[q]
                        out[o + three] = a[q + s5]
                        o += four
                    continue
                for i3 in range(n3):
                    p3 = p2 + i3 * s3
                    if n5 == two:
                        for i4 in range(n4):
                            p = p3 + i4 * s4
                            out[o] = a[p]
                            out[o + one] = a[p + s5]
                            o += two
                    elif n5 == four:
                        for i4 in range(n4):
                            p = p3 + i4 * s4
                            out[o] = a[p]
                            out[o + one] = a[p + s5]
                            out[o + two] = a[p + two * s5]
                            out[o + three] = a[p + three * s5]
                            o += four
                    elif s5 == zero:  # a broadcast inner dim: fill each run with one value
                        for i4 in range(n4):
                            value = a[p3 + i4 * s4]
                            for i5 in range(n5):
                                out[o + i5] = value
                            o += n5
                    else:
                        for i4 in range(n4):
                            p4 = p3 + i4 * s4
                            for i5 in range(n5):
                                out[o] = a[p4 + i5 * s5]
                                o += one


def copy_to_contiguous(out: np.ndarray, a: np.ndarray, layout: np.ndarray) -> None:
    """The tuned copy of the walk (`map(id)` into a row-major out): `_copy_kernel` over the
    merged layout, its dims padded on the left to COPY_DIMS."""
    nd = layout.shape[1]
    shape = np.ones(COPY_DIMS, dtype=np.uint64)
    strides = np.zeros(COPY_DIMS, dtype=np.uint64)
    shape[COPY_DIMS - nd:] = layout[SHAPE]
    strides[COPY_DIMS - nd:] = layout[A_STRIDES]
    _copy_kernel(out, a, shape, strides)


@njit(cache=True)
def sum_rows_of_4(out, a, rows):  # pragma: no cover - numba
    """out[r] = (a[4r] + a[4r + 1]) + (a[4r + 2] + a[4r + 3]): sums of rows of 4 (the course's
    2x2 tile average pooling). With no loop inside a row LLVM vectorises across rows, 9x faster
    than BLAS's matrix-vector product with ones, whose rows of 4 are too short (measured)."""
    for r in range(uint64(rows)):
        p = uint64(4) * r
        out[r] = (a[p] + a[p + uint64(1)]) + (a[p + uint64(2)] + a[p + uint64(3)])


@njit(cache=True, nogil=True, error_model="numpy")
def sum_row_blocks(partial, a, first, count):  # pragma: no cover - numba
    """partial[k] = the sum of the rows of block k of a (length, inner), for the blocks first ..
    first + count of partial.shape[0] equal blocks (rows streamed whole, vectorised along them),
    so that threads can split the rows; the caller adds the partial sums."""
    blocks, length = partial.shape[0], a.shape[0]
    for k in range(first, first + count):
        total = partial[k]
        total[:] = 0
        for r in range(length * k // blocks, length * (k + 1) // blocks):
            row = a[r]
            for j in range(uint64(row.shape[0])):
                total[j] += row[j]


@njit(cache=True, nogil=True, error_model="numpy", fastmath={"reassoc", "nsz", "contract"})
def sum_rows(out, a, first, count):  # pragma: no cover - numba
    """out[r] = the sum of row r of contiguous (rows, length) data, for rows first .. first +
    count (reassociated: vectorised), so that threads can split the rows."""
    for r in range(first, first + count):
        row = a[r]
        total = row[0] - row[0]
        for j in range(row.shape[0]):
            total += row[j]
        out[r] = total
