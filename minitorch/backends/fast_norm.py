"""Group normalization kernels compiled with numba (layer, group and instance norm's rows).

Same contract as `norm_kernels.py` (the generic fallbacks, which tests compare these with).
Each (sample, group) is one contiguous row of K = C / G * S entries of x (N, C, S): forward
reads it twice (mean, then the centred variance) and writes the affine output in a third pass
on data still in cache; backward reads the row and its gradient twice (the two sums, then
grad_in), adding the row's share of grad_weight / grad_bias into one partial sum per thread.
Rows of layer norm (S = 1) run one flat, vectorised loop with the weight per entry.
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np
from numba import njit

from .fast_exp import FASTMATH
from .threads import parallel_for, parallel_parts

__all__ = ["group_norm_forward", "group_norm_backward"]

# Elements per thread from which the rows are split over threads (a pool thread's wake-up
# costs ~60 us, so only large row blocks gain).
PARALLEL_GRAIN = 1 << 20


# Indices inside the inner loops are plain `j` over slices taken outside them: an offset index
# (`row[base + s]`) makes numba check for negative indices and the loop stops vectorising
# (7x slower here).


@njit(fastmath=FASTMATH, error_model="numpy", cache=True, nogil=True)
def _forward(x, w, b, groups, spatial, eps, inv_k, out, mean, rstd, first, count):  # pragma: no cover - compiled
    per_group = w.shape[0] // groups
    for r in range(first, first + count):
        row, result = x[r], out[r]
        k = row.shape[0]
        total = row[0] - row[0]  # 0 in the row's dtype
        for j in range(k):
            total += row[j]
        m = total * inv_k
        square = total - total
        for j in range(k):
            d = row[j] - m
            square += d * d
        rs = (inv_k / inv_k) / np.sqrt(square * inv_k + eps)  # 1 / std in the row's dtype
        mean[r], rstd[r] = m, rs
        c0 = (r % groups) * per_group
        if spatial == 1:  # layer norm: a weight per entry
            wr, br = w[c0:c0 + k], b[c0:c0 + k]
            for j in range(k):
                result[j] = (row[j] - m) * (rs * wr[j]) + br[j]
        else:
            for ci in range(per_group):
                scale, shift = rs * w[c0 + ci], b[c0 + ci]
                seg, res = row[ci * spatial:(ci + 1) * spatial], result[ci * spatial:(ci + 1) * spatial]
                for j in range(spatial):
                    res[j] = (seg[j] - m) * scale + shift


@njit(fastmath=FASTMATH, error_model="numpy", cache=True, nogil=True)
def _backward(g, x, w, groups, spatial, inv_k, mean, rstd, grad, dw, db, parts, first, count):  # pragma: no cover
    rows, per_group = x.shape[0], dw.shape[1] // groups
    for p in range(first, first + count):  # one partial grad_weight / grad_bias per part
        for r in range(rows * p // parts, rows * (p + 1) // parts):
            row, go, result = x[r], g[r], grad[r]
            k = row.shape[0]
            m, rs = mean[r], rstd[r]
            c0 = (r % groups) * per_group
            sum_g = rs - rs  # sums of g_hat = g * w and of g_hat * x_hat
            sum_gx = rs - rs
            if spatial == 1:  # layer norm: a weight per entry
                wr, pw, pb = w[c0:c0 + k], dw[p, c0:c0 + k], db[p, c0:c0 + k]
                for j in range(k):
                    x_hat = (row[j] - m) * rs
                    g_hat = go[j] * wr[j]
                    sum_g += g_hat
                    sum_gx += g_hat * x_hat
                for j in range(k):
                    x_hat = (row[j] - m) * rs
                    pw[j] += go[j] * x_hat
                    pb[j] += go[j]
                a, c = sum_g * inv_k, sum_gx * inv_k
                for j in range(k):
                    result[j] = rs * (go[j] * wr[j] - a - ((row[j] - m) * rs) * c)
            else:
                for ci in range(per_group):
                    seg, gseg = row[ci * spatial:(ci + 1) * spatial], go[ci * spatial:(ci + 1) * spatial]
                    t_g, t_gx = rs - rs, rs - rs
                    for j in range(spatial):
                        t_g += gseg[j]
                        t_gx += gseg[j] * ((seg[j] - m) * rs)
                    dw[p, c0 + ci] += t_gx
                    db[p, c0 + ci] += t_g
                    sum_g += w[c0 + ci] * t_g
                    sum_gx += w[c0 + ci] * t_gx
                a, c = sum_g * inv_k, sum_gx * inv_k
                for ci in range(per_group):
                    wc = w[c0 + ci]
                    seg, gseg = row[ci * spatial:(ci + 1) * spatial], go[ci * spatial:(ci + 1) * spatial]
                    res = result[ci * spatial:(ci + 1) * spatial]
                    for j in range(spatial):
                        res[j] = rs * (gseg[j] * wc - a - ((seg[j] - m) * rs) * c)


def _rows(a: np.ndarray, groups: int) -> np.ndarray:
    """(N, C, S) -> its (N * G, K) rows, C-contiguous."""
    n, c, s = a.shape
    return np.ascontiguousarray(a).reshape(n * groups, c // groups * s)


def _or_fill(a: Optional[np.ndarray], c: int, value: float, dtype: Any) -> np.ndarray:
    return np.full(c, value, dtype=dtype) if a is None else np.ascontiguousarray(a, dtype=dtype)


def group_norm_forward(x: np.ndarray, weight: Optional[np.ndarray], bias: Optional[np.ndarray], groups: int,
                       eps: float, out: np.ndarray, mean: np.ndarray, rstd: np.ndarray) -> None:
    """See `norm_kernels.group_norm_forward`; `out`, `mean`, `rstd` must be C-contiguous."""
    n, c, s = x.shape
    if out.size == 0:
        return
    w, b = _or_fill(weight, c, 1.0, x.dtype), _or_fill(bias, c, 0.0, x.dtype)
    one = x.dtype.type
    args = (_rows(x, groups), w, b, groups, s, one(eps), one(groups / (c * s)), out.reshape(n * groups, -1),
            mean.reshape(-1), rstd.reshape(-1))
    parallel_for(_forward, args, n * groups, x.size, PARALLEL_GRAIN)


def group_norm_backward(grad_out: np.ndarray, x: np.ndarray, weight: Optional[np.ndarray], groups: int,
                        mean: np.ndarray, rstd: np.ndarray, grad_in: np.ndarray, grad_weight: Optional[np.ndarray],
                        grad_bias: Optional[np.ndarray]) -> None:
    """See `norm_kernels.group_norm_backward`; `grad_in` must be C-contiguous."""
    n, c, s = x.shape
    parts = max(1, min(parallel_parts(x.size, PARALLEL_GRAIN), n * groups))
    dw, db = np.zeros((parts, c), dtype=x.dtype), np.zeros((parts, c), dtype=x.dtype)
    if x.size:
        w = _or_fill(weight, c, 1.0, x.dtype)
        g = _rows(grad_out.astype(x.dtype, copy=False), groups)
        args = (g, _rows(x, groups), w, groups, s, x.dtype.type(groups / (c * s)), mean.reshape(-1), rstd.reshape(-1),
                grad_in.reshape(n * groups, -1), dw, db, parts)
        parallel_for(_backward, args, parts, x.size, PARALLEL_GRAIN)
    if grad_weight is not None:
        grad_weight[...] = dw.sum(axis=0)
    if grad_bias is not None:
        grad_bias[...] = db.sum(axis=0)
