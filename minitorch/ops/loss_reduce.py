"""What every loss shares: the `reduction` argument and scaling a precomputed gradient.

A fused loss computes its per-element losses and their local derivatives in one forward
pass; `reduce_loss` turns the losses into the output ("none": as they are, "sum": their total,
"mean": total / divisor) and `scale_grad` multiplies the saved derivatives by the upstream
gradient in backward (elementwise for "none", a scalar otherwise).
"""

from __future__ import annotations

import numpy as np

from ..core.tensor import Tensor
from ..core.tensor_data import TensorData

__all__ = ["REDUCTIONS", "check_reduction", "reduce_loss", "scale_grad", "wrap"]

REDUCTIONS = ("none", "mean", "sum")


def check_reduction(op: str, reduction: str) -> None:
    """Raise ValueError unless `reduction` is "none", "mean" or "sum"."""
    if reduction not in REDUCTIONS:
        raise ValueError(f"{op}: reduction must be one of {REDUCTIONS}, got {reduction!r}")


def wrap(like: Tensor, array: np.ndarray) -> Tensor:
    """A tensor holding `array` (copied to C order only if needed) on `like`'s backend."""
    array = np.ascontiguousarray(array)
    return like._new(TensorData._trusted(array.reshape(-1), tuple(array.shape)))  # flat storage, same shape


def reduce_loss(loss: np.ndarray, reduction: str, denom: float) -> np.ndarray:
    """Per-element losses -> the output array: as is, or a (1,) sum or mean (sum / denom)."""
    if reduction == "none":
        return loss
    total = float(loss.sum(dtype=np.float64))
    if reduction == "mean":
        total = total / denom if denom != 0 else float("nan")  # nothing counted: nan, as PyTorch
    return np.array([total], dtype=loss.dtype)


def scale_grad(
    local: np.ndarray, grad_output: Tensor, reduction: str, denom: float, per_row: bool = False
) -> np.ndarray:
    """The saved local derivative times the upstream gradient.

    For "none" the upstream gradient has the loss's shape (`per_row`: one value per row of
    a (M, C) `local`); otherwise it is a single number, divided by `denom` for "mean".
    """
    g = grad_output.to_numpy()
    if reduction == "none":
        g = g.reshape(-1, 1) if per_row else g.reshape(local.shape)  # (N, *d) -> (M, 1), or as the loss
        return local * g
    scale = float(g.reshape(-1)[0])  # (1,) -> a number
    if reduction == "mean":
        scale = scale / denom if denom != 0 else 0.0  # nothing counted: zero gradient, as PyTorch
    return local * np.asarray(scale, dtype=local.dtype)

