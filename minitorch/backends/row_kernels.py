"""Row kernels written once over the array namespace: softmax, log-softmax, logsumexp and the
row maximum along the last axis (the generic fallbacks of every backend).

Contract (shared with `fast_rows.py`): inputs are 2-D arrays (rows, n), float32 or float64;
outputs are allocated by the frontend (`ops/softmax.py`, `ops/max.py`) and written here. Every
row is shifted by its maximum first, so inputs of +-1000 neither overflow nor underflow to
0 / 0. Rows holding NaN or +inf give NaN (inf - inf), quietly, as in PyTorch.
"""

from __future__ import annotations

from typing import Any

from .namespace import array_namespace, quiet

__all__ = [
    "softmax_forward",
    "softmax_backward",
    "log_softmax_forward",
    "log_softmax_backward",
    "logsumexp_forward",
    "row_max_forward",
]


def _shifted(x: Any) -> Any:
    """x - max(x) per row, quietly (a row of +-inf gives NaN)."""
    xp = array_namespace(x)
    with quiet(xp):
        return x - xp.max(x, axis=1, keepdims=True)


def softmax_forward(x: Any, out: Any) -> None:
    """out[r] = exp(x[r] - max x[r]) / sum(exp(x[r] - max x[r]))."""
    xp = array_namespace(x)
    with quiet(xp):
        shifted = xp.exp(_shifted(x))
        out[...] = shifted / xp.sum(shifted, axis=1, keepdims=True)


def softmax_backward(y: Any, grad_out: Any, grad_in: Any) -> None:
    """grad_in[r] = y[r] * (g[r] - <g[r], y[r]>) for the softmax output y."""
    xp = array_namespace(y)
    grad_in[...] = y * (grad_out - xp.sum(grad_out * y, axis=1, keepdims=True))


def log_softmax_forward(x: Any, out: Any) -> None:
    """out[r] = (x[r] - m) - log(sum(exp(x[r] - m))), m = max x[r]."""
    xp = array_namespace(x)
    shifted = _shifted(x)
    with quiet(xp):
        out[...] = shifted - xp.log(xp.sum(xp.exp(shifted), axis=1, keepdims=True))


def log_softmax_backward(y: Any, grad_out: Any, grad_in: Any) -> None:
    """grad_in[r] = g[r] - exp(y[r]) * sum(g[r]) for the log-softmax output y."""
    xp = array_namespace(y)
    grad_in[...] = grad_out - xp.exp(y) * xp.sum(grad_out, axis=1, keepdims=True)


def logsumexp_forward(x: Any, out: Any) -> None:
    """out[r] = m + log(sum(exp(x[r] - m))), m = max x[r]; +-inf maxima pass through."""
    xp = array_namespace(x)
    m = xp.max(x, axis=1)
    with quiet(xp):
        total = m + xp.log(xp.sum(xp.exp(x - m[:, None]), axis=1))
    out[...] = xp.where(xp.isinf(m), m, total)


def row_max_forward(x: Any, out: Any, indices: Any) -> None:
    """out[r, 0] = max x[r] and indices[r, 0] its first position; NaN counts as the maximum."""
    xp = array_namespace(x)
    indices[...] = xp.argmax(x, axis=1)[:, None]  # argmax returns the first NaN, else the first maximum
    out[...] = xp.take_along_axis(x, indices, axis=1)
