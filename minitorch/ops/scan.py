"""Running sums and products along a dim: `cumsum`, `cumprod` (as PyTorch).

Shape:
    input (*) -> output (*), out[..., i, ...] = sum (or product) over j <= i of input[..., j, ...]
    along dim.
"""

from __future__ import annotations

from typing import Any, Type

from ..autodiff.function import Context, Function
from ..core.tensor import Tensor
from .arrays import array, from_array, namespace
from .rows import normalise_dims

__all__ = ["Cumsum", "Cumprod", "cumsum", "cumprod"]


def _reverse_cumsum(xp: Any, values: Any, axis: int) -> Any:
    """sum_{j >= i} values_j along `axis`."""
    return xp.flip(xp.cumsum(xp.flip(values, axis=axis), axis=axis), axis=axis)


class Cumsum(Function):
    """Running sum along `dim`; the gradient is the running sum of g from the other end."""

    @staticmethod
    def forward(ctx: Context, a: Tensor, dim: int) -> Tensor:
        ctx.dim = dim
        return from_array(a, namespace(a).cumsum(array(a), axis=dim))

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        return from_array(grad_output, _reverse_cumsum(namespace(grad_output), array(grad_output), ctx.dim))


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
    return _scan("cumsum", Cumsum, input, dim)


def _scan(op: str, scan: Type[Function], input: Tensor, dim: int) -> Tensor:
    (d,) = normalise_dims(op, dim, input.dims)
    if input.dtype.kind == "b":
        input = input.to("int64")
    if input.dims == 0:  # a single number: run over it as shape (1,)
        return scan.apply(input.view(1), 0).view()
    return scan.apply(input, d)


class Cumprod(Function):
    """Running product along `dim`. The gradient of entry k is
    sum_{i >= k} g_i prod_{j <= i, j != k} x_j: from the output without zeros along the dim
    (reverse running sum of g * out, divided by x), else exactly from the recurrence
    S_k = g_k + x_{k+1} S_{k+1} times the product of the entries before k."""

    @staticmethod
    def forward(ctx: Context, a: Tensor, dim: int) -> Tensor:
        xp = namespace(a)
        x = array(a)
        out = xp.cumprod(x, axis=dim)
        ctx.save_for_backward(x, out)
        ctx.dim = dim
        return from_array(a, out)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        x, out = ctx.saved_values
        xp = namespace(grad_output)
        g = array(grad_output)
        if x.size == 0:
            return from_array(grad_output, xp.zeros(x.shape, dtype=g.dtype))
        if not bool(xp.any(x == 0)):
            return from_array(grad_output, _reverse_cumsum(xp, g * out, ctx.dim) / x)
        xs, gs = xp.moveaxis(x, ctx.dim, -1), xp.moveaxis(g, ctx.dim, -1)  # (..., n)
        n = xs.shape[-1]
        before = xp.cumprod(xp.concatenate([xp.ones_like(xs[..., :1]), xs[..., :-1]], axis=-1), axis=-1)  # prod_{j < k}
        running = xp.empty(gs.shape, dtype=gs.dtype)
        running[..., n - 1] = gs[..., n - 1]
        for k in range(n - 2, -1, -1):
            running[..., k] = gs[..., k] + xs[..., k + 1] * running[..., k + 1]
        return from_array(grad_output, xp.moveaxis(before * running, -1, ctx.dim))


def cumprod(input: Tensor, dim: int) -> Tensor:
    """Cumulative product along `dim` (as `torch.cumprod`; bool and int64 multiply to int64).

    out[..., i, ...] = prod_{j <= i} input[..., j, ...]; the gradient is exact with zeros.

    Args:
        input: any shape.
        dim: the dim to run along.

    Shape:
        (*) -> (*).

    Example:
        >>> cumprod(minitorch.tensor([1.0, 2.0, 3.0]), 0).tolist()
        [1.0, 2.0, 6.0]
    """
    return _scan("cumprod", Cumprod, input, dim)
