"""Activations the course backends have no scalar function for: tanh.

(ReLU and sigmoid are elementwise ops in `ops/elementwise.py`.)

Shape:
    input (*) -> output (*).
"""

from __future__ import annotations

import numpy as np

from ..autodiff.function import Context, Function
from ..core.tensor import Tensor
from ..core.tensor_data import TensorData

__all__ = ["Tanh", "tanh"]


def _wrap(like: Tensor, array: np.ndarray) -> Tensor:
    """A tensor over the C-contiguous numpy `array` on `like`'s backend."""
    return like._new(TensorData._trusted(array.reshape(-1), tuple(array.shape)))  # flat storage, same shape


class Tanh(Function):
    """tanh(a); the gradient is grad * (1 - tanh(a)^2), from the saved output."""

    @staticmethod
    def forward(ctx: Context, a: Tensor) -> Tensor:
        out = np.tanh(a.to_numpy())  # a fresh C-contiguous array, any input strides
        ctx.save_for_backward(out)
        return _wrap(a, out)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        (out,) = ctx.saved_values
        grad = grad_output.to_numpy() * (1.0 - out * out)
        return _wrap(grad_output, np.ascontiguousarray(grad, dtype=grad_output.dtype))


def tanh(input: Tensor) -> Tensor:
    """Hyperbolic tangent, elementwise (as `torch.tanh`).

    tanh(x) = (e^x - e^-x) / (e^x + e^-x); d/dx tanh(x) = 1 - tanh(x)^2.

    Args:
        input: any shape.

    Shape:
        (*) -> (*).

    Example:
        >>> tanh(minitorch.tensor([0.0])).item()
        0.0
    """
    return Tanh.apply(input)
