"""Concatenation of tensors along one dimension (as `torch.cat`).

Shape:
    inputs (d_0, ..., a_k, ..., d_n), (d_0, ..., b_k, ..., d_n), ... with dim=k
    -> output (d_0, ..., a_k + b_k + ..., ..., d_n)
"""

from __future__ import annotations

from typing import Any, Sequence, Tuple

from ..autodiff.function import Context, Function
from ..core.tensor import Tensor
from ..errors import DTypeError, ShapeError
from .arrays import array, from_array, namespace

__all__ = ["Cat", "cat"]


class Cat(Function):
    """Join tensors along `dim`; each gradient is a view of grad_output's matching slice."""

    @staticmethod
    def forward(ctx: Context, *args: Any) -> Tensor:
        *tensors, dim = args
        ctx.dim = dim
        ctx.sizes = [t.shape[dim] for t in tensors]
        first = tensors[0]
        return from_array(first, namespace(first).concatenate([array(t) for t in tensors], axis=dim))

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tuple[Tensor, ...]:
        data = grad_output._tensor
        parts = []
        start = 0
        for size in ctx.sizes:  # each input's gradient: a view of its slice start:start + size along dim
            parts.append(grad_output._new(data.narrow(ctx.dim, start, size)))
            start += size
        return tuple(parts)


def cat(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Concatenate tensors along an existing dimension (as `torch.cat`).

    out[..., offset_i + j, ...] = tensors[i][..., j, ...] along `dim`, where offset_i is the
    total size of the earlier tensors along `dim`.

    Args:
        tensors: one or more tensors with equal shapes except along `dim`, same dtype.
        dim: the dimension to join along (negative counts from the end). Default 0.

    Shape:
        (*, a, *) and (*, b, *) -> (*, a + b, *).

    Example:
        >>> a, b = minitorch.ones((2, 3)), minitorch.zeros((2, 1))
        >>> cat([a, b], dim=1).shape
        (2, 4)
    """
    tensors = list(tensors)
    if not tensors:
        raise ShapeError("cat: needs at least one tensor")
    first = tensors[0]
    if not -first.dims <= dim < first.dims:
        raise ShapeError(f"cat: dim {dim} is out of range for tensors with {first.dims} dims")
    dim %= first.dims
    dtype, shape = first.dtype, first.shape
    before, after = shape[:dim], shape[dim + 1 :]  # what every shape must repeat around dim
    for t in tensors[1:]:
        if t.dtype != dtype:
            raise DTypeError(f"cat: dtypes differ ({first.dtype} and {t.dtype}); convert with .to(dtype) first")
        other = t.shape
        if len(other) != len(shape) or other[:dim] != before or other[dim + 1 :] != after:
            shapes = [tuple(x.shape) for x in tensors]
            raise ShapeError(f"cat: shapes {shapes} must match in every dim except dim={dim}")
    return Cat.apply(*tensors, dim)
