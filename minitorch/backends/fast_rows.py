"""Row kernels compiled with numba: fused softmax, log-softmax and logsumexp (last axis).

Same contract as `row_kernels.py` (the generic fallbacks, which tests compare these with). Each row is read from memory once: a max pass, then a fused
exp-and-sum pass and a scaling pass on data that is still in cache.

Exponentials use the vectorisable `exp_nonpositive` of `fast_exp.py` (every exponent here is
x - max(x) <= 0).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit
from numba.extending import register_jitable

from .fast_exp import FASTMATH, constants_of, exp_nonpositive
from .threads import parallel_for

__all__ = [
    "softmax_forward",
    "softmax_backward",
    "log_softmax_forward",
    "log_softmax_backward",
    "logsumexp_forward",
    "row_max_forward",
]


@register_jitable(fastmath=FASTMATH, error_model="numpy")
def _larger(a, b):
    return a if a > b else b


@register_jitable(fastmath=FASTMATH, error_model="numpy")
def _row_max(row):
    # eight independent running maxima let the compiler vectorize the comparison chain
    n = row.shape[0]
    m0 = m1 = m2 = m3 = m4 = m5 = m6 = m7 = row[0]
    blocked = n // 8 * 8
    for j in range(0, blocked, 8):
        m0 = _larger(m0, row[j])
        m1 = _larger(m1, row[j + 1])
        m2 = _larger(m2, row[j + 2])
        m3 = _larger(m3, row[j + 3])
        m4 = _larger(m4, row[j + 4])
        m5 = _larger(m5, row[j + 5])
        m6 = _larger(m6, row[j + 6])
        m7 = _larger(m7, row[j + 7])
    m = _larger(_larger(_larger(m0, m1), _larger(m2, m3)), _larger(_larger(m4, m5), _larger(m6, m7)))
    for j in range(blocked, n):
        m = _larger(m, row[j])
    return m


@njit(fastmath=FASTMATH, error_model="numpy", cache=True, nogil=True)
def _softmax_forward(x, out, first, count):
    split, poly = constants_of(x)
    for r in range(first, first + count):
        row, result = x[r], out[r]
        m = _row_max(row)
        total = poly[-1] - poly[-1]  # 0 in the row's dtype
        for j in range(row.shape[0]):
            e = exp_nonpositive(row[j] - m, split, poly)
            result[j] = e
            total += e
        inverse = poly[-1] / total
        for j in range(row.shape[0]):
            result[j] *= inverse


@njit(fastmath=FASTMATH, error_model="numpy", cache=True, nogil=True)
def _softmax_backward(y, grad_out, grad_in, first, count):
    for r in range(first, first + count):
        probs, g, result = y[r], grad_out[r], grad_in[r]
        dot = g[0] * probs[0]
        for j in range(1, probs.shape[0]):
            dot += g[j] * probs[j]
        for j in range(probs.shape[0]):
            result[j] = probs[j] * (g[j] - dot)


@njit(fastmath=FASTMATH, error_model="numpy", cache=True, nogil=True)
def _log_softmax_forward(x, out, first, count):
    split, poly = constants_of(x)
    for r in range(first, first + count):
        row, result = x[r], out[r]
        m = _row_max(row)
        total = poly[-1] - poly[-1]
        for j in range(row.shape[0]):
            total += exp_nonpositive(row[j] - m, split, poly)
        log_total = np.log(total)
        # two passes: in one, reassociation would form x - (m + log_total) and lose the low bits
        for j in range(row.shape[0]):
            result[j] = row[j] - m
        for j in range(row.shape[0]):
            result[j] -= log_total


@njit(fastmath=FASTMATH, error_model="numpy", cache=True, nogil=True)
def _log_softmax_backward(y, grad_out, grad_in, first, count):
    split, poly = constants_of(y)
    for r in range(first, first + count):
        logp, g, result = y[r], grad_out[r], grad_in[r]
        total = g[0]
        for j in range(1, g.shape[0]):
            total += g[j]
        for j in range(g.shape[0]):
            result[j] = g[j] - exp_nonpositive(logp[j], split, poly) * total


@njit(fastmath=FASTMATH, error_model="numpy", cache=True, nogil=True)
def _logsumexp_forward(x, out, first, count):
    split, poly = constants_of(x)
    for r in range(first, first + count):
        row = x[r]
        m = _row_max(row)
        if m == np.inf or m == -np.inf:
            out[r] = m
            continue
        total = poly[-1] - poly[-1]
        for j in range(row.shape[0]):
            total += exp_nonpositive(row[j] - m, split, poly)
        out[r] = m + np.log(total)


def _c(array: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(array)


# Elements per thread from which the row kernels are split over threads (by rows, on numba's
# TBB layer: threads.py). float32 softmax forward, one thread -> two, us (2 cores, load ~2):
# 64x1000 25 -> 19, 256x1000 87 -> 51, 1024x1000 335 -> 176.
PARALLEL_GRAIN = 1 << 15


def _rows(kernel: Any, args: tuple, x: np.ndarray) -> None:
    """The kernel over the rows of x (R, n), split over threads when large enough."""
    parallel_for(kernel, args, x.shape[0], x.size, PARALLEL_GRAIN)


def softmax_forward(x: np.ndarray, out: np.ndarray) -> None:
    """See `row_kernels.softmax_forward`; `out` must be C-contiguous."""
    _rows(_softmax_forward, (_c(x), out), x)


def softmax_backward(y: np.ndarray, grad_out: np.ndarray, grad_in: np.ndarray) -> None:
    """See `row_kernels.softmax_backward`; `grad_in` must be C-contiguous."""
    _rows(_softmax_backward, (_c(y), _c(grad_out.astype(y.dtype, copy=False)), grad_in), y)


@njit(error_model="numpy", cache=True, nogil=True)
def _log_softmax_short_rows(x, out, first, count):  # pragma: no cover - compiled
    """log_softmax of rows too short for the vectorised exp to pay (a classifier's logits: a
    cross-entropy of 10 classes): libm's exp per element, and a kernel that compiles in a
    third of the fused one's time (it is on the path of every classifier's first step)."""
    for r in range(first, first + count):
        m = x[r, 0]
        for j in range(1, x.shape[1]):
            if x[r, j] > m or x[r, j] != x[r, j]:  # NaN wins, as in the fused kernel's max
                m = x[r, j]
        total = 0.0
        for j in range(x.shape[1]):
            total += np.exp(x[r, j] - m)
        log_total = np.log(total)
        for j in range(x.shape[1]):
            out[r, j] = (x[r, j] - m) - log_total


# Rows shorter than this run in `_log_softmax_short_rows`.
SHORT_ROW = 32


def log_softmax_forward(x: np.ndarray, out: np.ndarray) -> None:
    """See `row_kernels.log_softmax_forward`; `out` must be C-contiguous."""
    if x.shape[1] == 0:
        return
    if x.shape[1] < SHORT_ROW:
        _rows(_log_softmax_short_rows, (_c(x), out), x)
    else:
        _rows(_log_softmax_forward, (_c(x), out), x)


def log_softmax_backward(y: np.ndarray, grad_out: np.ndarray, grad_in: np.ndarray) -> None:
    """See `row_kernels.log_softmax_backward`; `grad_in` must be C-contiguous."""
    _rows(_log_softmax_backward, (_c(y), _c(grad_out.astype(y.dtype, copy=False)), grad_in), y)


def logsumexp_forward(x: np.ndarray, out: np.ndarray) -> None:
    """See `row_kernels.logsumexp_forward`; `out` must be C-contiguous."""
    _rows(_logsumexp_forward, (_c(x), out), x)


@njit(error_model="numpy", cache=True, nogil=True)
def _row_max_forward(x, out, indices, first, count):  # pragma: no cover - compiled
    """Any row length: one scan per row, stopping at a NaN (it is the maximum)."""
    for r in range(first, first + count):
        best, position = x[r, 0], 0
        for j in range(1, x.shape[1]):
            if best != best:
                break
            if x[r, j] > best or x[r, j] != x[r, j]:
                best, position = x[r, j], j
        out[r, 0] = best
        indices[r, 0] = position


@register_jitable(error_model="numpy")
def _first_max(a, i, b, j):  # pragma: no cover - compiled
    """(value, index) of the first maximum of a (at i) and b (at j > i); NaN counts as largest."""
    take = (b > a) | ((b != b) & (a == a))
    return (b, j) if take else (a, i)


@njit(error_model="numpy", cache=True, nogil=True)
def _row_max_forward_4(x, out, indices, first, count):  # pragma: no cover - compiled
    """Rows of exactly 4 (MiniTorch's 2x2 tile pooling), C-contiguous: a branch-free tree.

    With no loop inside a row, LLVM vectorises across rows: 9x faster than the general scan,
    whose per-element branches mispredict on random data (measured, 100K rows).
    """
    # the thread's rows sliced first and walked from 0: a loop over range(first, first + count)
    # indexing 4 * r is not vectorised by LLVM (10x slower, measured: 0.33 vs 0.035 ms, 100K rows)
    flat = x[first:first + count].ravel()
    out_flat = out[first:first + count].ravel()
    indices_flat = indices[first:first + count].ravel()
    for r in range(count):
        at = 4 * r
        low, low_at = _first_max(flat[at], 0, flat[at + 1], 1)
        high, high_at = _first_max(flat[at + 2], 2, flat[at + 3], 3)
        out_flat[r], indices_flat[r] = _first_max(low, low_at, high, high_at)


def row_max_forward(x: np.ndarray, out: np.ndarray, indices: np.ndarray) -> None:
    """See `row_kernels.row_max_forward`; `out` and `indices` must be C-contiguous."""
    if x.shape[1] == 4 and x.flags.c_contiguous:
        _rows(_row_max_forward_4, (x, out, indices), x)
    else:
        _rows(_row_max_forward, (x, out, indices), x)
