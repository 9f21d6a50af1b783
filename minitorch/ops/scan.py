"""Running sums along a dim: `cumsum` (as PyTorch).

Shape:
    input (*) -> output (*), out[..., i, ...] = sum_{j <= i} input[..., j, ...] along dim.
"""

from __future__ import annotations

from ..autodiff.function import Context, Function
from ..core.tensor import Tensor
from .arrays import array, from_array, namespace
from .rows import normalise_dims

__all__ = ["Cumsum", "cumsum"]


class Cumsum(Function):
    """Running sum along `dim`; the gradient is the running sum of g from the other end."""

    @staticmethod
    def forward(ctx: Context, a: Tensor, dim: int) -> Tensor:
        ctx.dim = dim
        return from_array(a, namespace(a).cumsum(array(a), axis=dim))

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        xp = namespace(grad_output)
        g = xp.flip(array(grad_output), axis=ctx.dim)
        return from_array(grad_output, xp.flip(xp.cumsum(g, axis=ctx.dim), axis=ctx.dim))


def cumsum(input: Tensor, dim: int) -> Tensor:
    """Cumulative sum along `dim` (as `torch.cumsum`; bool and int64 sum to int64).

    out[..., i, ...] = sum_{j <= i} input[..., j, ...]; d out_i / d input_j = 1 for j <= i.

    Args:
        input: any shape.
        dim: the dim to run along.

    Shape:
        (*) -> (*).

    Example:
        >>> cumsum(minitorch.tensor([1.0, 2.0, 3.0]), 0).tolist()
        [1.0, 3.0, 6.0]
    """
    (d,) = normalise_dims("cumsum", dim, input.dims)
    if input.dtype.kind == "b":
        input = input.to("int64")
    return Cumsum.apply(input, d)
