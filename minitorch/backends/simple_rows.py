"""Row kernels (the readable reference): softmax, log-softmax and logsumexp along the last axis.

Contract (shared with `fast_rows.py`): inputs are 2-D numpy arrays (rows, n), float32 or
float64; outputs are allocated by the frontend (`ops/softmax.py`) and written here. Every row is
shifted by its maximum first, so inputs of +-1000 neither overflow nor underflow to 0 / 0.
Rows holding NaN or +inf give NaN (inf - inf), quietly, as in PyTorch.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "softmax_forward",
    "softmax_backward",
    "log_softmax_forward",
    "log_softmax_backward",
    "logsumexp_forward",
    "row_max_forward",
]


def softmax_forward(x: np.ndarray, out: np.ndarray) -> None:
    """out[r] = exp(x[r] - max x[r]) / sum(exp(x[r] - max x[r]))."""
    for r in range(x.shape[0]):
        with np.errstate(invalid="ignore"):
            shifted = np.exp(x[r] - x[r].max())
        out[r] = shifted / shifted.sum()


def softmax_backward(y: np.ndarray, grad_out: np.ndarray, grad_in: np.ndarray) -> None:
    """grad_in[r] = y[r] * (g[r] - <g[r], y[r]>) for the softmax output y."""
    for r in range(y.shape[0]):
        grad_in[r] = y[r] * (grad_out[r] - np.dot(grad_out[r], y[r]))


def log_softmax_forward(x: np.ndarray, out: np.ndarray) -> None:
    """out[r] = (x[r] - m) - log(sum(exp(x[r] - m))), m = max x[r]."""
    for r in range(x.shape[0]):
        with np.errstate(invalid="ignore"):
            shifted = x[r] - x[r].max()
        out[r] = shifted - np.log(np.exp(shifted).sum())


def log_softmax_backward(y: np.ndarray, grad_out: np.ndarray, grad_in: np.ndarray) -> None:
    """grad_in[r] = g[r] - exp(y[r]) * sum(g[r]) for the log-softmax output y."""
    for r in range(y.shape[0]):
        grad_in[r] = grad_out[r] - np.exp(y[r]) * grad_out[r].sum()


def logsumexp_forward(x: np.ndarray, out: np.ndarray) -> None:
    """out[r] = m + log(sum(exp(x[r] - m))), m = max x[r]; +-inf maxima pass through."""
    for r in range(x.shape[0]):
        m = x[r].max()
        out[r] = m if np.isinf(m) else m + np.log(np.exp(x[r] - m).sum())


def row_max_forward(x: np.ndarray, out: np.ndarray, indices: np.ndarray) -> None:
    """out[r, 0] = max x[r] and indices[r, 0] its first position; NaN counts as the maximum."""
    for r in range(x.shape[0]):
        best, position = x[r, 0], 0
        for j in range(1, x.shape[1]):
            if best != best:  # NaN already found
                break
            if x[r, j] > best or x[r, j] != x[r, j]:
                best, position = x[r, j], j
        out[r, 0] = best
        indices[r, 0] = position
