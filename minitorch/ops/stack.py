"""Stacking tensors along a new dim (as `torch.stack`).

Shape:
    n inputs (d_0, ..., d_n), dim=k -> (d_0, ..., d_{k-1}, n, d_k, ..., d_n).
"""

from __future__ import annotations

from typing import Any, Sequence, Tuple

from ..autodiff.function import Context, Function
from ..core.tensor import Tensor
from ..errors import DTypeError, ShapeError
from .arrays import array, from_array, namespace
from .indexing import view_of
from .rows import normalise_dims

__all__ = ["Stack", "stack"]


class Stack(Function):
    """Join equal-shaped tensors along a new dim; each gradient is a view of g's slice."""

    @staticmethod
    def forward(ctx: Context, *args: Any) -> Tensor:
        *tensors, dim = args
        ctx.dim, ctx.count = dim, len(tensors)
        return from_array(tensors[0], namespace(tensors[0]).stack([array(t) for t in tensors], axis=dim))

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tuple[Tensor, ...]:
        lead = (slice(None),) * ctx.dim
        return tuple(view_of(grad_output, lead + (i,)) for i in range(ctx.count))  # (.., n, ..) -> (.., ..)


def stack(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Stack tensors of one shape along a new dim `dim` (as `torch.stack`).

    out[..., i, ...] = tensors[i] (i along dim). Each input's gradient is its slice of g.

    Args:
        tensors: one or more tensors of the same shape and dtype.
        dim: where the new dim goes, -(dims + 1) <= dim <= dims. Default 0.

    Shape:
        n inputs (d_0, ..., d_n), dim=k -> (d_0, ..., n, d_k, ..., d_n).

    Example:
        >>> stack([minitorch.ones((2, 3)), minitorch.zeros((2, 3))], dim=1).shape
        (2, 2, 3)
    """
    tensors = list(tensors)
    if not tensors:
        raise ShapeError("stack: needs at least one tensor")
    first = tensors[0]
    for t in tensors[1:]:
        if t.shape != first.shape:
            raise ShapeError(f"stack: every tensor needs the same shape, got {[x.shape for x in tensors]}")
        if t.dtype != first.dtype:
            raise DTypeError(f"stack: dtypes differ ({first.dtype} and {t.dtype}); convert with .to(dtype) first")
    (d,) = normalise_dims("stack", dim, first.dims + 1)
    return Stack.apply(*tensors, d)
