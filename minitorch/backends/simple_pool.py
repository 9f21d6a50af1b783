"""Pooling kernels, written once as plain loops (the readable reference).

`fast_pool.py` compiles these same functions with numba, so the index math lives here only.

Canonical form: the input is a stack of flattened planes `x` of shape (P, S), P = N * C and
S = H * W (or L for 1-D), and every window is described by the frontend (`ops/pool.py`) as a
gather table:

    taps[t, o]  = flat position in the plane of tap t of output position o
    counts[o]   = number of valid taps of output o (taps outside the input, i.e. in the
                  padding, are left out; `taps[t, o]` for t >= counts[o] is never read)

so ordinary, padded, dilated, ceil-mode and adaptive pooling in 1-D and 2-D are one kernel each.
The average kernels loop taps outside and output positions inside (the compiler vectorizes
the inner loop); the max kernel keeps each running maximum in a register instead (its
compare-and-branch does not vectorize). Flat indices count positions in one input plane, as PyTorch's `return_indices` does.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "max_pool_forward",
    "max_pool_backward",
    "avg_pool_forward",
    "avg_pool_backward",
]


def max_pool_forward(x, taps, counts, out, indices):
    """Window maxima and their flat positions.

    x: (P, S); taps: (T, O) int64; counts: (O,) int64;
    out: (P, O) written; indices: (P, O) int64 written.
    Ties keep the first maximum in window order; a NaN always wins (PyTorch's rule). A window
    with no input element (all padding, possible with dilation) gives -inf at index -1.
    """
    for p in range(x.shape[0]):
        plane, best, best_at = x[p], out[p], indices[p]
        for o in range(taps.shape[1]):
            if counts[o] == 0:
                best[o] = -np.inf
                best_at[o] = -1
                continue
            at = taps[0, o]
            top = plane[at]
            for t in range(1, counts[o]):
                position = taps[t, o]
                value = plane[position]
                if value > top or value != value:
                    top, at = value, position
            best[o] = top
            best_at[o] = at


def max_pool_backward(grad_out, indices, grad_in):
    """Scatter-add each output gradient to the input position that was the maximum.

    grad_out, indices: (P, O); grad_in: (P, S), zero-filled by the caller and accumulated into
    (overlapping windows may share a maximum). Index -1 (an empty window) receives nothing.
    """
    for p in range(grad_out.shape[0]):
        for o in range(grad_out.shape[1]):
            if indices[p, o] >= 0:
                grad_in[p, indices[p, o]] += grad_out[p, o]


def avg_pool_forward(x, taps, counts, scale, out):
    """Window sums times `scale` (O,), the reciprocal of each window's divisor.

    x: (P, S); taps: (T, O); counts: (O,); out: (P, O) written.
    """
    for p in range(x.shape[0]):
        plane, total = x[p], out[p]
        total[:] = 0.0
        for t in range(taps.shape[0]):
            for o in range(taps.shape[1]):
                if t < counts[o]:
                    total[o] += plane[taps[t, o]]
        for o in range(taps.shape[1]):
            total[o] *= scale[o]


def avg_pool_backward(grad_out, taps, counts, scale, grad_in):
    """Spread each output gradient, times `scale`, over its window (the adjoint of the forward).

    grad_out: (P, O); grad_in: (P, S), zero-filled by the caller and accumulated into.
    """
    for p in range(grad_out.shape[0]):
        for t in range(taps.shape[0]):
            for o in range(taps.shape[1]):
                if t < counts[o]:
                    grad_in[p, taps[t, o]] += grad_out[p, o] * scale[o]
