"""MiniTorch's `max` along a dim (rank kept) and `argmax` as a one-hot mask.

The dim is moved last and the tensor seen as rows (R, n): the backend's `row_max_forward` finds
each row's first maximum (NaN counts as the maximum) and `max_pool_backward` (max pooling with
one window spanning the row) sends the gradient there.

Shape:
    input (d_0, ..., d_k, ..., d_n), dim=k -> output (d_0, ..., 1, ..., d_n)
"""

from __future__ import annotations

from ..autodiff.function import Context, Function
from ..core.tensor import Tensor
from ..errors import DTypeError, IndexingError
from .arrays import namespace
from .rows import from_rows, normalise_dims, to_rows

__all__ = ["Max", "max", "argmax"]


class Max(Function):
    """Maximum along `dim`; the gradient flows only to the (first) maximal entry."""

    @staticmethod
    def forward(ctx: Context, input: Tensor, dim: int) -> Tensor:
        rows, moved_shape, order = to_rows(input, (dim,))
        xp = namespace(input)
        out = xp.empty((rows.shape[0], 1), dtype=input.dtype)  # (R, 1)
        indices = xp.empty(out.shape, dtype=xp.int64)
        input.backend.ops.row_max_forward(rows, out, indices)
        ctx.save_for_backward(indices)
        ctx.moved_shape, ctx.order, ctx.dim = moved_shape, order, dim
        return from_rows(input, out, moved_shape[:-1] + (1,), order)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        (indices,) = ctx.saved_values
        g, _, _ = to_rows(grad_output, (ctx.dim,))  # (R, 1)
        grad = namespace(grad_output).zeros((indices.shape[0], ctx.moved_shape[-1]), dtype=grad_output.dtype)  # (R, n)
        grad_output.backend.ops.max_pool_backward(g, indices, grad)
        return from_rows(grad_output, grad, ctx.moved_shape, ctx.order)


def _check_not_empty(op: str, input: Tensor, dim: int) -> None:
    """A maximum over an empty dim is undefined (torch raises IndexError too)."""
    if input.shape[dim] == 0:
        raise IndexingError(f"{op}: dim {dim} of input {input.shape} has size 0, so it has no maximum; "
                            "reduce over a non-empty dim")


def max(input: Tensor, dim: int) -> Tensor:
    """The maximum along `dim`, keeping the dim with size 1 (MiniTorch's `max`).

    max(x, k)[..., 0, ...] = max_i x[..., i, ...]. The gradient is the upstream gradient at
    the maximal entry and 0 elsewhere; among tied maxima the first one receives it (PyTorch's
    rule for max with a dim and for max pooling). NaN counts as the maximum.

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
    _check_not_empty("max", input, d)
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
    _check_not_empty("argmax", input, d)
    data = input.detach()
    return data.f.eq_zip(data.f.max_reduce(data, d), data)
