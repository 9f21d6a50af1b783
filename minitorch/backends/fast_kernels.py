"""numba kernels for the course scalar functions numpy has no single fast loop for.

Each kernel takes an integer op code (the tables below map `minitorch.operators` functions
to codes) so one compiled, disk-cached kernel per dtype serves every function; the branch
on the code is loop-invariant and hoisted by LLVM, which then vectorises the loop.

Strided kernels walk the output row by row: the outer (parallel) loop decodes the index of
a row once, the inner loop steps through the last dimension by its strides, so there is no
per-element division and no per-element index buffer.
"""

from __future__ import annotations

from numba import njit, prange, uint64

from .. import operators
from .fast_exp import EXP_CONSTANTS, exp_nonpositive

__all__ = [
    "UNARY_CODES",
    "BINARY_CODES",
    "map_contiguous",
    "map_strided",
    "zip_contiguous",
    "zip_strided",
    "copy_to_contiguous",
    "COPY_DIMS",
    "add_rows",
    "mul_rows",
    "sigmoid_contiguous",
    "sum_rows_of_4",
]

RELU = 0
RELU_BACK = 0
INV_BACK = 1
IS_CLOSE = 2

UNARY_CODES = {operators.relu: RELU}
BINARY_CODES = {
    operators.relu_back: RELU_BACK,
    operators.inv_back: INV_BACK,
    operators.is_close: IS_CLOSE,
}


@njit(inline="always")
def _unary(op, x):  # pragma: no cover - numba
    # op == RELU (the only unary code): +0.0 for x <= 0 (as PyTorch), NaN stays NaN
    if x > 0:
        return x
    return 0.0 if x <= 0 else x


@njit(inline="always")
def _binary(op, a, b):  # pragma: no cover - numba
    if op == RELU_BACK:
        return b if a > 0 else 0.0
    if op == INV_BACK:
        return -b / (a * a)
    # op == IS_CLOSE
    return 1.0 if abs(a - b) < 1e-2 else 0.0


@njit(cache=True)
def _map_serial(op, out, a):  # pragma: no cover - numba
    for i in range(out.size):
        out[i] = _unary(op, a[i])


@njit(cache=True, parallel=True)
def _map_parallel(op, out, a):  # pragma: no cover - numba
    for i in prange(out.size):
        out[i] = _unary(op, a[i])


def map_contiguous(op: int, out, a, parallel: bool) -> None:
    """out[i] = f(a[i]) over flat, equally long storages."""
    (_map_parallel if parallel else _map_serial)(op, out, a)


@njit(cache=True, parallel=True)
def map_strided(op, out, shape, out_strides, a, a_strides):  # pragma: no cover - numba
    """out[idx] = f(a[idx]) for every index of `shape`; `a_strides` aligned to out (0 = broadcast)."""
    nd = len(shape)
    inner = shape[nd - 1]
    rows = 1
    for d in range(nd - 1):
        rows *= shape[d]
    out_step = out_strides[nd - 1]
    a_step = a_strides[nd - 1]
    for row in prange(rows):
        rem = row + 0
        o = 0
        p = 0
        for d in range(nd - 2, -1, -1):
            idx = rem % shape[d]
            rem = rem // shape[d]
            o += idx * out_strides[d]
            p += idx * a_strides[d]
        for j in range(inner):
            out[o + j * out_step] = _unary(op, a[p + j * a_step])


@njit(cache=True)
def _zip_serial(op, out, a, b):  # pragma: no cover - numba
    for i in range(out.size):
        out[i] = _binary(op, a[i], b[i])


@njit(cache=True, parallel=True)
def _zip_parallel(op, out, a, b):  # pragma: no cover - numba
    for i in prange(out.size):
        out[i] = _binary(op, a[i], b[i])


def zip_contiguous(op: int, out, a, b, parallel: bool) -> None:
    """out[i] = f(a[i], b[i]) over flat, equally long storages."""
    (_zip_parallel if parallel else _zip_serial)(op, out, a, b)


@njit(cache=True, parallel=True)
def zip_strided(op, out, shape, out_strides, a, a_strides, b, b_strides):  # pragma: no cover - numba
    """out[idx] = f(a[idx], b[idx]); input strides aligned to out (0 = broadcast)."""
    nd = len(shape)
    inner = shape[nd - 1]
    rows = 1
    for d in range(nd - 1):
        rows *= shape[d]
    out_step = out_strides[nd - 1]
    a_step = a_strides[nd - 1]
    b_step = b_strides[nd - 1]
    for row in prange(rows):
        rem = row + 0
        o = 0
        p = 0
        q = 0
        for d in range(nd - 2, -1, -1):
            idx = rem % shape[d]
            rem = rem // shape[d]
            o += idx * out_strides[d]
            p += idx * a_strides[d]
            q += idx * b_strides[d]
        for j in range(inner):
            out[o + j * out_step] = _binary(op, a[p + j * a_step], b[q + j * b_step])


@njit(inline="always")
def _add_row(out, a, b, o, p, q, n):  # pragma: no cover - numba
    for j in range(n):
        out[o + j] = a[p + j] + b[q + j]


@njit(inline="always")
def _mul_row(out, a, b, o, p, q, n):  # pragma: no cover - numba
    for j in range(n):
        out[o + j] = a[p + j] * b[q + j]


@njit(cache=True, parallel=True)
def add_rows(out, a, a_row, b, b_row, rows, n, parallel):  # pragma: no cover - numba
    """out[r, j] = a[r * a_row + j] + b[r * b_row + j] for a flat, row-major (rows, n) out.

    A row step of 0 is a broadcast input ((1000, 1000) + (1000,): a_row 1000, b_row 0). All
    indices are cast to uint64 so no negative-index check sits in the inner loop and LLVM vectorises it
    (numpy's broadcasting loop runs about 2x slower than its same-shape loop here). Rows are
    split over threads only when `parallel` (the serial branch starts no threads).
    """
    rows, n, a_row, b_row = uint64(rows), uint64(n), uint64(a_row), uint64(b_row)
    if parallel:
        for r in prange(rows):
            _add_row(out, a, b, r * n, r * a_row, r * b_row, n)
    else:
        for r in range(rows):
            _add_row(out, a, b, r * n, r * a_row, r * b_row, n)


@njit(cache=True, parallel=True)
def mul_rows(out, a, a_row, b, b_row, rows, n, parallel):  # pragma: no cover - numba
    """out[r, j] = a[r * a_row + j] * b[r * b_row + j]; see add_rows."""
    rows, n, a_row, b_row = uint64(rows), uint64(n), uint64(a_row), uint64(b_row)
    if parallel:
        for r in prange(rows):
            _mul_row(out, a, b, r * n, r * a_row, r * b_row, n)
    else:
        for r in range(rows):
            _mul_row(out, a, b, r * n, r * a_row, r * b_row, n)


COPY_DIMS = 6


@njit(cache=True)
def copy_to_contiguous(out, a, shape, a_strides):  # pragma: no cover - numba
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


@njit(error_model="numpy", cache=True)
def _sigmoid_contiguous(out, a, split, poly):  # pragma: no cover - numba
    one = poly[-1]  # 1 in the array's dtype
    for i in range(out.size):
        x = a[i]
        e = exp_nonpositive(-abs(x), split, poly)  # exp(-|x|) never overflows
        r = one / (one + e)
        out[i] = r if x >= 0 else e * r  # NaN: x >= 0 is false and e * r is NaN


def sigmoid_contiguous(out, a) -> None:
    """out[i] = 1 / (1 + exp(-a[i])) over flat storages, stable in both tails and vectorised."""
    _sigmoid_contiguous(out, a, *EXP_CONSTANTS[a.dtype])


@njit(cache=True)
def sum_rows_of_4(out, a, rows):  # pragma: no cover - numba
    """out[r] = (a[4r] + a[4r + 1]) + (a[4r + 2] + a[4r + 3]): sums of rows of 4 (the course's
    2x2 tile average pooling). With no loop inside a row LLVM vectorises across rows, 9x faster
    than BLAS's matrix-vector product with ones, whose rows of 4 are too short (measured)."""
    for r in range(uint64(rows)):
        p = uint64(4) * r
        out[r] = (a[p] + a[p + uint64(1)]) + (a[p + uint64(2)] + a[p + uint64(3)])
