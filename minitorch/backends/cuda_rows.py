"""Row kernels on numba's CUDA target: softmax, log-softmax, logsumexp and the row maximum.

The contracts of `row_kernels.py` (inputs (R, n), outputs allocated by the frontend), which the
tests compare these against. One thread block per row (grid-stride over rows): the block's
threads stride along the row, fold their partial maximum or sum in a register, and the block
folds those in shared memory with halving strides -- the course's block reduction. Every row
is shifted by its maximum first; a row holding NaN or +inf gives NaN, as in PyTorch.
"""

from __future__ import annotations

import math
from typing import Any

import numba
from numba import cuda

from .cuda_device import kernel_array, simulator_enabled

__all__ = [
    "softmax_forward",
    "softmax_backward",
    "log_softmax_forward",
    "log_softmax_backward",
    "logsumexp_forward",
    "row_max_forward",
]

ROW_THREADS = 256  # at most this many threads per row (a power of two; the shared buffers' size)

# The `mode` of `_normalise_backward`.
SOFTMAX_BACKWARD, LOG_SOFTMAX_BACKWARD = 0, 1


@cuda.jit(device=True)
def _block_fold(cache, value, take_max):  # pragma: no cover - device code
    """The fold (max, NaN winning; or sum) of every thread's `value` over the block, returned to all."""
    pos = cuda.threadIdx.x
    cache[pos] = value
    cuda.syncthreads()
    half = cuda.blockDim.x // 2
    while half > 0:
        if pos < half:
            other = cache[pos + half]
            if take_max:
                if other > cache[pos] or other != other:
                    cache[pos] = other
            else:
                cache[pos] += other
        cuda.syncthreads()
        half //= 2
    result = cache[0]
    cuda.syncthreads()  # everyone has read cache[0] before the next fold writes it
    return result


@cuda.jit(device=True)
def _shift(cache, x, row):  # pragma: no cover - device code
    """(m, sum of exp(x[row] - m)) with m = max x[row] (NaN if the row holds one), for the whole block."""
    n = x.shape[1]
    top = -math.inf
    j = cuda.threadIdx.x
    while j < n:
        value = x[row, j]
        if value > top or value != value:
            top = value
        j += cuda.blockDim.x
    top = _block_fold(cache, top, True)
    total = 0.0
    j = cuda.threadIdx.x
    while j < n:
        total += math.exp(x[row, j] - top)
        j += cuda.blockDim.x
    return top, _block_fold(cache, total, False)


@cuda.jit(cache=True)
def _normalise(x, out, log):  # pragma: no cover - device code
    """softmax (log False) or log-softmax (log True) of every row."""
    cache = cuda.shared.array(ROW_THREADS, numba.float64)
    rows, n = x.shape
    row = cuda.blockIdx.x
    while row < rows:  # the same trip count for every thread of the block
        top, total = _shift(cache, x, row)
        log_total = math.log(total)
        j = cuda.threadIdx.x
        while j < n:
            shifted = x[row, j] - top
            out[row, j] = shifted - log_total if log else math.exp(shifted) / total
            j += cuda.blockDim.x
        row += cuda.gridDim.x


@cuda.jit(cache=True)
def _logsumexp(x, out):  # pragma: no cover - device code
    cache = cuda.shared.array(ROW_THREADS, numba.float64)
    row = cuda.blockIdx.x
    while row < x.shape[0]:
        top, total = _shift(cache, x, row)
        if cuda.threadIdx.x == 0:
            out[row] = top if math.isinf(top) else top + math.log(total)
        row += cuda.gridDim.x


@cuda.jit(cache=True)
def _normalise_backward(y, grad_out, grad_in, mode):  # pragma: no cover - device code
    cache = cuda.shared.array(ROW_THREADS, numba.float64)
    rows, n = y.shape
    row = cuda.blockIdx.x
    while row < rows:
        total = 0.0
        j = cuda.threadIdx.x
        while j < n:
            total += grad_out[row, j] * y[row, j] if mode == SOFTMAX_BACKWARD else grad_out[row, j]
            j += cuda.blockDim.x
        total = _block_fold(cache, total, False)
        j = cuda.threadIdx.x
        while j < n:
            if mode == SOFTMAX_BACKWARD:
                grad_in[row, j] = y[row, j] * (grad_out[row, j] - total)
            else:
                grad_in[row, j] = grad_out[row, j] - math.exp(y[row, j]) * total
            j += cuda.blockDim.x
        row += cuda.gridDim.x


@cuda.jit(cache=True)
def _row_max(x, out, indices):  # pragma: no cover - device code
    values = cuda.shared.array(ROW_THREADS, numba.float64)
    positions = cuda.shared.array(ROW_THREADS, numba.int64)
    rows, n = x.shape
    pos = cuda.threadIdx.x
    row = cuda.blockIdx.x
    while row < rows:
        best = -math.inf
        at = n  # past the end: "none yet"
        j = pos
        while j < n:  # each thread's entries in order: keep the first maximum / first NaN
            value = x[row, j]
            if at == n or value > best or (value != value and best == best):
                best = value
                at = j
            j += cuda.blockDim.x
        values[pos] = best
        positions[pos] = at
        cuda.syncthreads()
        half = cuda.blockDim.x // 2
        while half > 0:
            if pos < half and positions[pos + half] < n:
                other, other_at = values[pos + half], positions[pos + half]
                mine, mine_at = values[pos], positions[pos]
                # NaN beats numbers, then the larger value, then the earlier position
                other_nan, mine_nan = other != other, mine != mine
                if mine_at == n:
                    wins = True
                elif other_nan != mine_nan:
                    wins = other_nan
                elif other_nan or other == mine:
                    wins = other_at < mine_at
                else:
                    wins = other > mine
                if wins:
                    values[pos] = other
                    positions[pos] = other_at
            cuda.syncthreads()
            half //= 2
        if pos == 0:
            out[row, 0] = values[0]
            indices[row, 0] = positions[0]
        cuda.syncthreads()
        row += cuda.gridDim.x


def _launch(kernel: Any, rows: int, n: int, *args: Any) -> None:
    """One block per row (up to 2^16 blocks, grid-stride beyond): threads a power of two up to
    ROW_THREADS, no more than the row needs (8 in the simulator)."""
    if rows == 0:
        return
    cap = 8 if simulator_enabled() else ROW_THREADS
    threads = 1
    while threads < min(n, cap):
        threads *= 2
    blocks = min(rows, 2 if simulator_enabled() else 1 << 16)
    kernel[blocks, threads](*(kernel_array(a) if hasattr(a, "dtype") else a for a in args))


def softmax_forward(x: Any, out: Any) -> None:
    """out[r] = exp(x[r] - max x[r]) / sum(exp(x[r] - max x[r]))."""
    _launch(_normalise, x.shape[0], x.shape[1], x, out, False)


def log_softmax_forward(x: Any, out: Any) -> None:
    """out[r] = (x[r] - m) - log(sum(exp(x[r] - m))), m = max x[r]."""
    _launch(_normalise, x.shape[0], x.shape[1], x, out, True)


def logsumexp_forward(x: Any, out: Any) -> None:
    """out[r] = m + log(sum(exp(x[r] - m))), m = max x[r]; +-inf maxima pass through. out: (R,)."""
    _launch(_logsumexp, x.shape[0], x.shape[1], x, out)


def softmax_backward(y: Any, grad_out: Any, grad_in: Any) -> None:
    """grad_in[r] = y[r] * (g[r] - <g[r], y[r]>) for the softmax output y."""
    _launch(_normalise_backward, y.shape[0], y.shape[1], y, grad_out, grad_in, SOFTMAX_BACKWARD)


def log_softmax_backward(y: Any, grad_out: Any, grad_in: Any) -> None:
    """grad_in[r] = g[r] - exp(y[r]) * sum(g[r]) for the log-softmax output y."""
    _launch(_normalise_backward, y.shape[0], y.shape[1], y, grad_out, grad_in, LOG_SOFTMAX_BACKWARD)


def row_max_forward(x: Any, out: Any, indices: Any) -> None:
    """out[r, 0] = max x[r] and indices[r, 0] its first position; NaN counts as the maximum."""
    _launch(_row_max, x.shape[0], x.shape[1], x, out, indices)
