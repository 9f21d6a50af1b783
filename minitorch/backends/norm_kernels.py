"""Group normalization kernels written once over the array namespace (every backend's fallback).

Contract (shared with `fast_norm.py`): x is (N, C, S) and C-contiguous, float32 or float64; its
statistics are taken per (sample, group of C / G channels) over (C / G, S) -- layer norm is
G = 1, S = 1 (one statistic per row); instance norm G = C. weight and bias are (C,) or None,
applied per channel. Outputs are allocated by the frontend (`ops/normalization.py`) and written
here: out / grad_in (N, C, S), mean and rstd (N, G), grad_weight and grad_bias (C,) or None.
"""

from __future__ import annotations

from typing import Any, Optional

from .namespace import array_namespace, quiet

__all__ = ["group_norm_forward", "group_norm_backward"]


def group_norm_forward(x: Any, weight: Optional[Any], bias: Optional[Any], groups: int, eps: float,
                       out: Any, mean: Any, rstd: Any) -> None:
    """out = (x - mean) * rstd * weight + bias, mean and rstd = 1 / sqrt(var + eps) (biased)
    per (sample, group)."""
    xp = array_namespace(x)
    n, c, s = x.shape
    rows = x.reshape(n, groups, c // groups * s)  # (N, G, K)
    with quiet(xp):
        mean[...] = rows.mean(axis=2)
        centred = rows - mean[:, :, None]
        rstd[...] = 1.0 / xp.sqrt((centred * centred).mean(axis=2) + eps)
        normalised = (centred * rstd[:, :, None]).reshape(n, c, s)
        if weight is not None:
            normalised = normalised * weight[:, None]
        out[...] = normalised if bias is None else normalised + bias[:, None]


def group_norm_backward(grad_out: Any, x: Any, weight: Optional[Any], groups: int, mean: Any, rstd: Any,
                        grad_in: Any, grad_weight: Optional[Any], grad_bias: Optional[Any]) -> None:
    """grad_in = rstd * (g_hat - mean(g_hat) - x_hat * mean(g_hat * x_hat)) per (sample, group),
    g_hat = grad_out * weight; grad_weight = sum(grad_out * x_hat), grad_bias = sum(grad_out)
    over (N, S)."""
    xp = array_namespace(x)
    n, c, s = x.shape
    k = c // groups * s
    with quiet(xp):
        x_hat = ((x.reshape(n, groups, k) - mean[:, :, None]) * rstd[:, :, None]).reshape(n, c, s)
        if grad_weight is not None:
            grad_weight[...] = (grad_out * x_hat).sum(axis=(0, 2))
        if grad_bias is not None:
            grad_bias[...] = grad_out.sum(axis=(0, 2))
        g_hat = grad_out if weight is None else grad_out * weight[:, None]
        g_rows, x_rows = g_hat.reshape(n, groups, k), x_hat.reshape(n, groups, k)  # (N, G, K)
        grad = g_rows - g_rows.mean(axis=2, keepdims=True) - x_rows * (g_rows * x_rows).mean(axis=2, keepdims=True)
        grad_in[...] = (grad * rstd[:, :, None]).reshape(n, c, s)
