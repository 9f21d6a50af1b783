"""Activations the course backends have no scalar function for: tanh.

(ReLU and sigmoid are elementwise ops in `ops/elementwise.py`.)

Shape:
    input (*) -> output (*).
"""

from __future__ import annotations

from ..autodiff.function import Context, Function
from ..core.tensor import Tensor
from .arrays import array, from_array, namespace

__all__ = ["Tanh", "tanh"]


class Tanh(Function):
    """tanh(a); the gradient is grad * (1 - tanh(a)^2), from the saved output."""

    @staticmethod
    def forward(ctx: Context, a: Tensor) -> Tensor:
        out = namespace(a).tanh(array(a))  # a fresh C-contiguous array, any input strides
        ctx.save_for_backward(out)
        return from_array(a, out)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        (out,) = ctx.saved_values
        grad = array(grad_output) * (1.0 - out * out)
        return from_array(grad_output, grad.astype(grad_output.dtype, copy=False))


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
    return Tanh.apply(input if input.dtype.kind == "f" else input.to(None))
