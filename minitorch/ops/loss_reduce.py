"""What every loss shares: the `reduction` argument and scaling a precomputed gradient.

A fused loss computes its per-element losses and their local derivatives in one forward
pass; `reduce_loss` turns the losses into the output ("none": as they are, "sum": their total,
"mean": total / divisor) and `scale_grad` multiplies the saved derivatives by the upstream
gradient in backward (elementwise for "none", a scalar otherwise).
"""

from __future__ import annotations

from typing import Any

from ..core.tensor import Tensor
from .arrays import array

__all__ = ["REDUCTIONS", "check_reduction", "reduce_loss", "scale_grad"]

REDUCTIONS = ("none", "mean", "sum")


def check_reduction(op: str, reduction: str) -> None:
    """Raise ValueError unless `reduction` is "none", "mean" or "sum"."""
    if reduction not in REDUCTIONS:
        raise ValueError(f"{op}: reduction must be one of {REDUCTIONS}, got {reduction!r}")


def reduce_loss(xp: Any, loss: Any, reduction: str, denom: float) -> Any:
    """Per-element losses (an array of `xp`) -> the output array: as is, or a (1,) sum or mean
    (sum / denom)."""
    if reduction == "none":
        return loss
    total = float(loss.sum(dtype=xp.float64))
    if reduction == "mean":
        total = total / denom if denom != 0 else float("nan")  # nothing counted: nan, as PyTorch
    return xp.asarray([total], dtype=loss.dtype)


def scale_grad(local: Any, grad_output: Tensor, reduction: str, denom: float, per_row: bool = False) -> Any:
    """The saved local derivative times the upstream gradient.

    For "none" the upstream gradient has the loss's shape (`per_row`: one value per row of
    a (M, C) `local`); otherwise it is a single number, divided by `denom` for "mean".
    """
    g = array(grad_output)
    if reduction == "none":
        g = g.reshape(-1, 1) if per_row else g.reshape(local.shape)  # (N, *d) -> (M, 1), or as the loss
        return local * g
    scale = float(g.reshape(-1)[0])  # (1,) -> a number
    if reduction == "mean":
        scale = scale / denom if denom != 0 else 0.0  # nothing counted: zero gradient, as PyTorch
    return local * grad_output.backend.xp.asarray(scale, dtype=local.dtype)

