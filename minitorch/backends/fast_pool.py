"""Pooling kernels compiled with numba: a measured speed-up of the view-based pooling of
`window_kernels.py` (tests compare the two).

Each window geometry becomes a gather table once (cached): with the spatial dims of every
plane flattened (x (P, S)),

    taps[t, o]  = flat position in the plane of tap t of output position o
    counts[o]   = number of taps of output o that read the input (padding and the taps past
                  an adaptive window's end are left out; `taps[t, o]` for t >= counts[o] is
                  never read)

so ordinary, padded, dilated, ceil-mode and adaptive pooling are one loop each. The average
loops run taps outside and output positions inside (the compiler vectorises the inner loop);
the max loop keeps each running maximum in a register instead (its compare-and-branch does not
vectorise).
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Tuple

import numpy as np
from numba import njit, uint64

from ..core.window import Window, tap_mask, tap_positions
from .threads import parallel_for

__all__ = [
    "max_pool_forward",
    "max_pool_backward",
    "avg_pool_forward",
    "avg_pool_backward",
    "tile_forward",
    "tile_backward",
]


# Planes x taps read, per thread, from which pooling is split over threads (numba's TBB layer
# hands out the planes: threads.py). 2x2/2 float32 pooling forward, one thread -> two, us
# (2 cores, load ~2): max 4x8x28x28 (25K taps) 36 -> 27, avg 25 -> 35 (a loss); 16x8x28x28
# max 112 -> 66, avg 58 -> 42; 64x8x28x28 max 407 -> 215, avg 186 -> 107.
PARALLEL_GRAIN = 1 << 15


@lru_cache(maxsize=256)
def gather_table(window: Window) -> Tuple[np.ndarray, np.ndarray]:
    """(taps (T, O), counts (O,)) of `window`: each output's input taps first, in window order."""
    taps = window.kernel[0] * window.kernel[1] * window.kernel[2]
    valid = tap_mask(np, window).reshape(-1, taps)  # (O, T)
    positions = tap_positions(np, window).reshape(-1, taps)
    counts = valid.sum(axis=1).astype(np.int64)
    order = np.argsort(~valid, axis=1, kind="stable")  # valid taps first, window order kept
    positions = np.take_along_axis(positions, order, axis=1)
    positions = np.where(np.arange(taps)[None, :] < counts[:, None], positions, 0)
    return np.ascontiguousarray(positions.T, dtype=np.int64), counts


@njit(cache=True, nogil=True, error_model="numpy")
def _max_pool_forward(x, taps, counts, out, indices, first, count):  # pragma: no cover - compiled
    for p in range(first, first + count):
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
                if value > top or value != value:  # NaN wins (PyTorch's rule)
                    top, at = value, position
            best[o] = top
            best_at[o] = at


@njit(cache=True, nogil=True, error_model="numpy")
def _max_pool_backward(grad_out, indices, grad_in, first, count):  # pragma: no cover - compiled
    for p in range(first, first + count):
        for o in range(grad_out.shape[1]):
            if indices[p, o] >= 0:
                grad_in[p, indices[p, o]] += grad_out[p, o]


@njit(cache=True, nogil=True, error_model="numpy")
def _avg_pool_forward(x, taps, counts, scale, out, first, count):  # pragma: no cover - compiled
    for p in range(first, first + count):
        plane, total = x[p], out[p]
        total[:] = 0.0
        for t in range(taps.shape[0]):
            for o in range(taps.shape[1]):
                if t < counts[o]:
                    total[o] += plane[taps[t, o]]
        for o in range(taps.shape[1]):
            total[o] *= scale[o]


@njit(cache=True, nogil=True, error_model="numpy")
def _avg_pool_backward(grad_out, taps, counts, scale, grad_in, first, count):  # pragma: no cover - compiled
    for p in range(first, first + count):
        for t in range(taps.shape[0]):
            for o in range(taps.shape[1]):
                if t < counts[o]:
                    grad_in[p, taps[t, o]] += grad_out[p, o] * scale[o]


# MiniTorch's tile (`ops/tile.py`): a plane's kh x kw blocks copied to rows of kh * kw. Indices
# are unsigned (no negative-index check on each access), and each (B, C) plane's rows are
# views, so a row-major input's inner loops run over unit strides. 2 x 2 blocks (the course's
# usual pooling) are unrolled: the general loops' inner loop of 2 ran 2-4x slower there
# ((64, 8, 28, 28) float32, one thread: forward 275 -> 72 us).
@njit(cache=True, nogil=True, error_model="numpy")
def _tile_forward(x, out, first, count):  # pragma: no cover - compiled
    channels, height, width = uint64(out.shape[1]), uint64(out.shape[2]), uint64(out.shape[3])
    kh, kw = uint64(x.shape[2]) // height, uint64(x.shape[3]) // width
    one, two = uint64(1), uint64(2)
    for p in range(uint64(first), uint64(first + count)):
        b, c = p // channels, p % channels
        for i in range(height):
            rows = out[b, c, i]  # (W', kh * kw)
            if kh == two and kw == two:
                top, bottom = x[b, c, two * i], x[b, c, two * i + one]  # (W,) each
                for j in range(width):
                    rows[j, 0], rows[j, 1] = top[two * j], top[two * j + one]
                    rows[j, 2], rows[j, 3] = bottom[two * j], bottom[two * j + one]
                continue
            for a in range(kh):
                line = x[b, c, i * kh + a]  # (W,)
                for j in range(width):
                    for t in range(kw):
                        rows[j, a * kw + t] = line[j * kw + t]


@njit(cache=True, nogil=True, error_model="numpy")
def _tile_backward(grad, out, first, count):  # pragma: no cover - compiled
    channels, height, width = uint64(grad.shape[1]), uint64(grad.shape[2]), uint64(grad.shape[3])
    kh, kw = uint64(out.shape[2]) // height, uint64(out.shape[3]) // width
    spread = grad.strides[4] == 0  # a mean's gradient: one value per block
    one, two = uint64(1), uint64(2)
    for p in range(uint64(first), uint64(first + count)):
        b, c = p // channels, p % channels
        for i in range(height):
            rows = grad[b, c, i]  # (W', kh * kw)
            if kh == two and kw == two:
                top, bottom = out[b, c, two * i], out[b, c, two * i + one]  # (W,) each
                for j in range(width):
                    if spread:
                        value = rows[j, 0]
                        top[two * j] = top[two * j + one] = bottom[two * j] = bottom[two * j + one] = value
                    else:
                        top[two * j], top[two * j + one] = rows[j, 0], rows[j, 1]
                        bottom[two * j], bottom[two * j + one] = rows[j, 2], rows[j, 3]
                continue
            for a in range(kh):
                line = out[b, c, i * kh + a]  # (W,)
                for j in range(width):
                    if spread:
                        value = rows[j, 0]
                        for t in range(kw):
                            line[j * kw + t] = value
                    else:
                        for t in range(kw):
                            line[j * kw + t] = rows[j, a * kw + t]


def _flat(a: np.ndarray) -> np.ndarray:
    """(P, D, H, W) -> (P, D*H*W), C-contiguous (a view when it already is; outputs must be)."""
    return np.ascontiguousarray(a).reshape(a.shape[0], math.prod(a.shape[1:]))


def _planes(kernel, args: tuple, planes: int, taps: int) -> None:
    """The kernel over planes [0, planes), split over threads when it reads enough elements."""
    parallel_for(kernel, args, planes, planes * taps, PARALLEL_GRAIN)


def max_pool_forward(x: np.ndarray, window: Window, out: np.ndarray, indices: np.ndarray) -> None:
    """See `window_kernels.max_pool_forward`; `out` and `indices` must be C-contiguous."""
    taps, counts = gather_table(window)
    _planes(_max_pool_forward, (_flat(x), taps, counts, _flat(out), _flat(indices)), x.shape[0], taps.size)


def max_pool_backward(grad_out: np.ndarray, indices: np.ndarray, grad_in: np.ndarray) -> None:
    """See `window_kernels.max_pool_backward`; `grad_in` must be C-contiguous."""
    args = (np.ascontiguousarray(grad_out), np.ascontiguousarray(indices), grad_in)
    _planes(_max_pool_backward, args, grad_out.shape[0], grad_out.shape[1])


def avg_pool_forward(x: np.ndarray, window: Window, scale: np.ndarray, out: np.ndarray) -> None:
    """See `window_kernels.avg_pool_forward`; `out` must be C-contiguous."""
    taps, counts = gather_table(window)
    _planes(_avg_pool_forward, (_flat(x), taps, counts, _flat(scale[None])[0], _flat(out)), x.shape[0], taps.size)


def avg_pool_backward(grad_out: np.ndarray, window: Window, scale: np.ndarray, grad_in: np.ndarray) -> None:
    """See `window_kernels.avg_pool_backward`; `grad_in` must be C-contiguous."""
    taps, counts = gather_table(window)
    args = (_flat(grad_out), taps, counts, _flat(scale[None])[0], _flat(grad_in))
    _planes(_avg_pool_backward, args, grad_out.shape[0], taps.size)


def tile_forward(x: np.ndarray, out: np.ndarray) -> None:
    """See `window_kernels.tile_forward`; `out` must be C-contiguous."""
    if out.size:
        _planes(_tile_forward, (x, out), out.shape[0] * out.shape[1], x.size)


def tile_backward(grad: np.ndarray, out: np.ndarray) -> None:
    """See `window_kernels.tile_backward`; `out` must be C-contiguous."""
    if out.size:
        _planes(_tile_backward, (grad, out), grad.shape[0] * grad.shape[1], out.size)
