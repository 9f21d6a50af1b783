"""MiniTorch's `max` along a dim (rank kept) and `argmax` as a one-hot mask.

Shape:
    input (d_0, ..., d_k, ..., d_n), dim=k -> output (d_0, ..., 1, ..., d_n)
"""

from __future__ import annotations

from ..autodiff.function import Context, Function
from ..core.tensor import Tensor
from ..errors import DTypeError
from .softmax import normalise_dims

__all__ = ["Max", "max", "argmax"]


class Max(Function):
    """Maximum along `dim`; the gradient flows only to the maximal entries."""

    @staticmethod
    def forward(ctx: Context, input: Tensor, dim: int) -> Tensor:
        out = input.f.max_reduce(input, dim)
        ctx.save_for_backward(input, out)
        return out

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        input, out = ctx.saved_values
        mask = input.f.eq_zip(out, input)  # (..., 1, ...) vs (..., d_k, ...) -> input shape
        return grad_output.f.mul_zip(grad_output, mask)


def max(input: Tensor, dim: int) -> Tensor:
    """The maximum along `dim`, keeping the dim with size 1 (MiniTorch's `max`).

    max(x, k)[..., 0, ...] = max_i x[..., i, ...]. The gradient is the upstream gradient at
    the maximal entries and 0 elsewhere (every tied maximum receives it, as in MiniTorch; for
    PyTorch's single-index tie rule use `max_pool*`).

    Args:
        input: any shape.
        dim: the dim to reduce (negative counts from the end).

    Shape:
        (d_0, ..., d_k, ..., d_n) -> (d_0, ..., 1, ..., d_n).

    Example:
        >>> max(minitorch.tensor([[1.0, 5.0, 2.0]]), 1).to_numpy().tolist()
        [[5.0]]
    """
    if not isinstance(input, Tensor):
        raise DTypeError(f"max: input must be a minitorch Tensor, got {type(input).__name__}")
    (d,) = normalise_dims("max", dim, input.dims)
    return Max.apply(input, d)


def argmax(input: Tensor, dim: int) -> Tensor:
    """One-hot mask of the maxima along `dim` (MiniTorch's `argmax`; not differentiable).

    argmax(x, k) = 1.0 where x equals its maximum along k, else 0.0 (ties all get 1.0).

    Args:
        input: any shape.
        dim: the dim to search.

    Shape:
        (*) -> (*), same shape.

    Example:
        >>> argmax(minitorch.tensor([[1.0, 5.0, 2.0]]), 1).to_numpy().tolist()
        [[0.0, 1.0, 0.0]]
    """
    if not isinstance(input, Tensor):
        raise DTypeError(f"argmax: input must be a minitorch Tensor, got {type(input).__name__}")
    (d,) = normalise_dims("argmax", dim, input.dims)
    data = input.detach()
    return data.f.eq_zip(data.f.max_reduce(data, d), data)
