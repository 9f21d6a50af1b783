"""Reductions along dims: sum, prod, all, any.

`sum` keeps MiniTorch's shapes by default (the reduced dim stays with size 1; everything
reduces to shape (1,)); `keepdim=False` gives PyTorch's (the dims are dropped; everything
reduces to a 0-d tensor). `prod`, `all` and `any` follow PyTorch (keepdim=False).

Shape:
    input (d_0, ..., d_k, ..., d_n), dim=k -> (d_0, ..., 1, ..., d_n) with the dim kept,
    (d_0, ..., d_n without d_k) without.
"""

from __future__ import annotations

from typing import Optional, Sequence, Tuple, Union

from ..autodiff.function import Context, Function
from ..core.tensor import Tensor
from .arrays import array, from_array, namespace, quiet
from .rows import normalise_dims

__all__ = ["Sum", "Prod", "sum", "prod", "all", "any", "reduced_dims", "drop_dims"]

Dims = Union[int, Sequence[int], None]


class Sum(Function):
    """Sum along `dim`; its gradient broadcasts the upstream gradient back.

    Shape: (..., d, ...) -> (..., 1, ...).
    """

    @staticmethod
    def forward(ctx: Context, a: Tensor, dim: int) -> Tensor:
        return a.f.add_reduce(a, dim)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        return grad_output  # (.., 1, ..) broadcasts back to the input shape in the engine


def reduced_dims(op: str, input: Tensor, dim: Dims) -> Tuple[int, ...]:
    """The dims a reduction over `dim` removes (all of them for None), non-negative."""
    if dim is None:
        return tuple(range(input.dims))
    return normalise_dims(op, dim, input.dims)


def drop_dims(t: Tensor, dims: Tuple[int, ...]) -> Tensor:
    """`t` (with size 1 at `dims`) viewed without those dims (a 0-d tensor when none remain)."""
    shape = tuple(s for d, s in enumerate(t.shape) if d not in dims)
    return t.contiguous().view(*shape)  # (.., 1, ..) -> (.., ..)


def sum(input: Tensor, dim: Dims = None, keepdim: Optional[bool] = None) -> Tensor:
    """Sum over `dim` (an int, a tuple of ints, or None for every dim).

    out = sum_i input[..., i, ...]. A bool tensor sums to an int64 count.

    Args:
        input: any shape.
        dim: the dim(s) to reduce; None reduces everything.
        keepdim: None (default) keeps MiniTorch's shapes: reduced dims stay with size 1, and a
            full reduction has shape (1,). True keeps every reduced dim with size 1; False
            drops them (PyTorch's default; a full reduction is 0-d).

    Shape:
        (d_0, ..., d_k, ..., d_n), dim=k -> (d_0, ..., 1, ..., d_n), or without d_k.

    Example:
        >>> x = minitorch.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> x.sum(1).shape, x.sum(1, keepdim=False).shape, x.sum().shape
        ((2, 1), (2,), (1,))
    """
    if input.dtype.kind == "b":
        input = input.to("int64")
    if dim is None and keepdim is None:
        flat = input if input.dims == 1 else input.reshape(input._tensor.size)  # (*) -> (size,)
        return Sum.apply(flat, 0)  # (size,) -> (1,)
    dims = reduced_dims("sum", input, dim)
    out = input
    for d in dims:
        out = Sum.apply(out, d)
    return drop_dims(out, dims) if keepdim is False else out


class Prod(Function):
    """Product along `dim` (kept with size 1). The gradient of entry i is g times the product
    of the other entries, from prefix and suffix products (exact with zeros)."""

    @staticmethod
    def forward(ctx: Context, a: Tensor, dim: int) -> Tensor:
        x = array(a)
        ctx.save_for_backward(x)
        ctx.dim = dim
        return from_array(a, namespace(a).prod(x, axis=dim, keepdims=True))

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        (x,) = ctx.saved_values
        xp = namespace(grad_output)
        n = x.shape[ctx.dim]
        if n == 0 or x.size == 0:  # nothing was multiplied: an empty gradient of the input's shape
            return from_array(grad_output, xp.zeros(x.shape, dtype=grad_output.dtype))
        ones = xp.ones_like(xp.take(x, xp.arange(1), axis=ctx.dim))  # (.., 1, ..)
        before = xp.concatenate([ones, xp.cumprod(xp.take(x, xp.arange(n - 1), axis=ctx.dim), axis=ctx.dim)], axis=ctx.dim)
        flipped = xp.flip(x, axis=ctx.dim)
        after = xp.concatenate(
            [ones, xp.cumprod(xp.take(flipped, xp.arange(n - 1), axis=ctx.dim), axis=ctx.dim)], axis=ctx.dim
        )
        with quiet(grad_output):  # inf * 0 is NaN, as in PyTorch
            others = before * xp.flip(after, axis=ctx.dim)  # prod_{j != i} x_j
            return from_array(grad_output, array(grad_output) * others)


def prod(input: Tensor, dim: Optional[int] = None, keepdim: bool = False) -> Tensor:
    """Product over `dim`, or over everything (as `torch.prod`).

    out = prod_i input[..., i, ...]; d out / d input_i = prod_{j != i} input_j.

    Args:
        input: any shape.
        dim: the dim to reduce; None reduces everything (a 0-d result).
        keepdim: keep the reduced dim with size 1. Default False.

    Shape:
        (d_0, ..., d_k, ..., d_n), dim=k -> (d_0, ..., d_n without d_k).

    Example:
        >>> prod(minitorch.tensor([[1.0, 2.0], [3.0, 4.0]]), 1).tolist()
        [2.0, 12.0]
    """
    if input.dtype.kind == "b":
        input = input.to("int64")
    if dim is None:
        out = Prod.apply(input.contiguous().view(input.size), 0)  # (*) -> (size,) -> (1,)
        return out.view(*([1] * input.dims)) if keepdim else out.view()
    (d,) = normalise_dims("prod", dim, input.dims)
    out = Prod.apply(input, d)
    return out if keepdim else drop_dims(out, (d,))


def _truth(op: str, reducer: str, input: Tensor, dim: Dims, keepdim: bool) -> Tensor:
    dims = reduced_dims(op, input, dim)
    xp = namespace(input)
    out = getattr(xp, reducer)(array(input) != 0, axis=dims, keepdims=keepdim)
    return from_array(input, xp.asarray(out))


def all(input: Tensor, dim: Dims = None, keepdim: bool = False) -> Tensor:
    """Whether every entry (along `dim`) is non-zero, as a bool tensor (as `torch.all`).

    Shape:
        (d_0, ..., d_k, ..., d_n), dim=k -> (d_0, ..., d_n without d_k); 0-d for dim=None.

    Example:
        >>> all(minitorch.tensor([[1.0, 0.0], [2.0, 3.0]]), 1).tolist()
        [False, True]
    """
    return _truth("all", "all", input, dim, keepdim)


def any(input: Tensor, dim: Dims = None, keepdim: bool = False) -> Tensor:
    """Whether some entry (along `dim`) is non-zero, as a bool tensor (as `torch.any`).

    Shape:
        (d_0, ..., d_k, ..., d_n), dim=k -> (d_0, ..., d_n without d_k); 0-d for dim=None.

    Example:
        >>> any(minitorch.tensor([[1.0, 0.0], [0.0, 0.0]]), 1).tolist()
        [True, False]
    """
    return _truth("any", "any", input, dim, keepdim)

