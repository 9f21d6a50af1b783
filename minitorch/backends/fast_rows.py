"""Row kernels compiled with numba: fused softmax, log-softmax and logsumexp (last axis).

Same contract as `simple_rows.py`. Each row is read from memory once: a max pass, then a fused
exp-and-sum pass and a scaling pass on data that is still in cache.

numba's `math.exp` calls libm one element at a time (measured 5x slower than PyTorch here), so
`_exp_nonpositive` computes exp(t) for t <= 0 in a form the compiler vectorizes:
t = k ln2 + f with |f| <= ln2 / 2, exp(t) = 2^k * poly(f), where poly is the Taylor series
(degree 7 for float32, 13 for float64: below one unit in the last place) and 2^k is built by
writing k into the exponent bits (`_pow2`). Below `lowest` (exp underflows) the result is 0.
"""

from __future__ import annotations

import math

import numpy as np
from llvmlite import ir
from numba import njit
from numba.extending import intrinsic

__all__ = [
    "softmax_forward",
    "softmax_backward",
    "log_softmax_forward",
    "log_softmax_backward",
    "logsumexp_forward",
]

# reassociation lets sums vectorize; no "nnan"/"ninf", so NaN and inf keep their meaning;
# numpy's error model: x / 0 gives inf or NaN instead of a Python exception check per division
_FASTMATH = {"reassoc", "nsz", "contract", "arcp", "afn"}


@intrinsic
def _pow2(typingctx, k, like):
    """2.0 ** k in the float type of `like`, for an int32 k in the normal exponent range."""

    def codegen(context, builder, signature, args):
        k_value = args[0]
        if like.bitwidth == 32:
            int_type, bias, shift, float_type = ir.IntType(32), 127, 23, ir.FloatType()
        else:
            int_type, bias, shift, float_type = ir.IntType(64), 1023, 52, ir.DoubleType()
        if k_value.type.width < int_type.width:
            k_value = builder.sext(k_value, int_type)
        biased = builder.add(k_value, ir.Constant(int_type, bias))
        return builder.bitcast(builder.shl(biased, ir.Constant(int_type, shift)), float_type)

    return like(k, like), codegen


def _constants(dtype: np.dtype) -> tuple:
    """(log2 e, 1/2, ln2 high part, ln2 low part, lowest t, lowest k) and the Taylor coefficients.

    All in the array's dtype: a Python float would promote float32 arithmetic to float64.
    """
    float_type = np.dtype(dtype).type
    lowest, degree = (-87.0, 7) if float_type == np.float32 else (-708.0, 13)
    split = tuple(float_type(v) for v in (1.4426950408889634, 0.5, 0.693145751953125, 1.428606820309417232e-06, lowest))
    split = split + (float_type(math.floor(lowest * 1.4426950408889634)),)
    poly = tuple(float_type(1.0 / math.factorial(i)) for i in range(degree, -1, -1))  # highest first
    return split, poly


_CONSTANTS = {np.dtype(np.float32): _constants(np.float32), np.dtype(np.float64): _constants(np.float64)}


@njit(fastmath=_FASTMATH, error_model="numpy", inline="always", cache=True)
def _exp_nonpositive(t, split, poly):
    log2e, half, ln2_high, ln2_low, lowest, lowest_k = split
    clamped = lowest if t < lowest else t  # NaN passes through
    k = np.floor(clamped * log2e + half)
    k = k if k > lowest_k else lowest_k  # NaN -> a defined integer; the polynomial stays NaN
    f = clamped - k * ln2_high - k * ln2_low
    p = poly[0]
    for c in poly[1:]:
        p = p * f + c
    e = p * _pow2(np.int32(k), p)
    return e - e if t < lowest else e  # e is finite there: exact 0


@njit(fastmath=_FASTMATH, error_model="numpy", inline="always", cache=True)
def _larger(a, b):
    return a if a > b else b


@njit(fastmath=_FASTMATH, error_model="numpy", inline="always", cache=True)
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


@njit(fastmath=_FASTMATH, error_model="numpy", cache=True)
def _softmax_forward(x, out, split, poly):
    for r in range(x.shape[0]):
        row, result = x[r], out[r]
        m = _row_max(row)
        total = poly[-1] - poly[-1]  # 0 in the row's dtype
        for j in range(row.shape[0]):
            e = _exp_nonpositive(row[j] - m, split, poly)
            result[j] = e
            total += e
        inverse = poly[-1] / total
        for j in range(row.shape[0]):
            result[j] *= inverse


@njit(fastmath=_FASTMATH, error_model="numpy", cache=True)
def _softmax_backward(y, grad_out, grad_in):
    for r in range(y.shape[0]):
        probs, g, result = y[r], grad_out[r], grad_in[r]
        dot = g[0] * probs[0]
        for j in range(1, probs.shape[0]):
            dot += g[j] * probs[j]
        for j in range(probs.shape[0]):
            result[j] = probs[j] * (g[j] - dot)


@njit(fastmath=_FASTMATH, error_model="numpy", cache=True)
def _log_softmax_forward(x, out, split, poly):
    for r in range(x.shape[0]):
        row, result = x[r], out[r]
        m = _row_max(row)
        total = poly[-1] - poly[-1]
        for j in range(row.shape[0]):
            total += _exp_nonpositive(row[j] - m, split, poly)
        log_total = np.log(total)
        # two passes: in one, reassociation would form x - (m + log_total) and lose the low bits
        for j in range(row.shape[0]):
            result[j] = row[j] - m
        for j in range(row.shape[0]):
            result[j] -= log_total


@njit(fastmath=_FASTMATH, error_model="numpy", cache=True)
def _log_softmax_backward(y, grad_out, grad_in, split, poly):
    for r in range(y.shape[0]):
        logp, g, result = y[r], grad_out[r], grad_in[r]
        total = g[0]
        for j in range(1, g.shape[0]):
            total += g[j]
        for j in range(g.shape[0]):
            result[j] = g[j] - _exp_nonpositive(logp[j], split, poly) * total


@njit(fastmath=_FASTMATH, error_model="numpy", cache=True)
def _logsumexp_forward(x, out, split, poly):
    for r in range(x.shape[0]):
        row = x[r]
        m = _row_max(row)
        if m == np.inf or m == -np.inf:
            out[r] = m
            continue
        total = poly[-1] - poly[-1]
        for j in range(row.shape[0]):
            total += _exp_nonpositive(row[j] - m, split, poly)
        out[r] = m + np.log(total)


def _c(array: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(array)


def softmax_forward(x: np.ndarray, out: np.ndarray) -> None:
    """See `simple_rows.softmax_forward`; `out` must be C-contiguous."""
    _softmax_forward(_c(x), out, *_CONSTANTS[x.dtype])


def softmax_backward(y: np.ndarray, grad_out: np.ndarray, grad_in: np.ndarray) -> None:
    """See `simple_rows.softmax_backward`; `grad_in` must be C-contiguous."""
    _softmax_backward(_c(y), _c(grad_out.astype(y.dtype, copy=False)), grad_in)


def log_softmax_forward(x: np.ndarray, out: np.ndarray) -> None:
    """See `simple_rows.log_softmax_forward`; `out` must be C-contiguous."""
    _log_softmax_forward(_c(x), out, *_CONSTANTS[x.dtype])


def log_softmax_backward(y: np.ndarray, grad_out: np.ndarray, grad_in: np.ndarray) -> None:
    """See `simple_rows.log_softmax_backward`; `grad_in` must be C-contiguous."""
    _log_softmax_backward(_c(y), _c(grad_out.astype(y.dtype, copy=False)), grad_in, *_CONSTANTS[y.dtype])


def logsumexp_forward(x: np.ndarray, out: np.ndarray) -> None:
    """See `simple_rows.logsumexp_forward`; `out` must be C-contiguous."""
    _logsumexp_forward(_c(x), out, *_CONSTANTS[x.dtype])
