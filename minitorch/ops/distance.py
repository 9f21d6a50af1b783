"""Norms between vectors (as `torch.nn.functional`): normalize, cosine_similarity,
pairwise_distance. Each is composed of differentiable ops (norm, clamp, division, sum), as
PyTorch composes them, so gradients follow from theirs.

Shape:
    normalize: (*) -> (*). cosine_similarity: x1, x2 broadcastable -> the broadcast shape
    without `dim`. pairwise_distance: (N, D), (N, D) -> (N,) (any leading dims; the last is D).
"""

from __future__ import annotations

from typing import Any, Optional

from ..core.tensor import Tensor
from ..core.tensor_data import shape_broadcast
from ..errors import DTypeError, IndexingError, ShapeError
from .norm import norm

__all__ = ["normalize", "cosine_similarity", "pairwise_distance"]


def _float(op: str, *tensors: Tensor) -> None:
    for t in tensors:
        if not isinstance(t, Tensor) or t.dtype.kind != "f":
            kind = t.dtype if isinstance(t, Tensor) else type(t).__name__
            raise DTypeError(f"{op}: needs float tensors, got {kind}; convert with .double() or .float() first")


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out: Optional[Any] = None) -> Tensor:
    """input / max(||input||_p, eps) along `dim` (as `torch.nn.functional.normalize`): unit
    vectors along dim, a zero vector staying zero.

    Args:
        p: the norm's order. Default 2.
        dim: the dim normalised. Default 1.
        eps: the smallest divisor. Default 1e-12.
        out: not supported (must be None).

    Shape:
        (*) -> (*).

    Example:
        >>> [round(v, 6) for v in normalize(minitorch.tensor([[3.0, 4.0]])).tolist()[0]]
        [0.6, 0.8]
    """
    if out is not None:
        raise DTypeError("normalize: out= is not supported; use the returned tensor")
    _float("normalize", input)
    return input / norm(input, p, dim, keepdim=True).clamp_min(eps)


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """x1 . x2 / (max(||x1||, eps) max(||x2||, eps)) along `dim` (as
    `torch.nn.functional.cosine_similarity`); x1 and x2 broadcast. As in PyTorch, each norm is
    clamped at eps without the clamp entering the gradient.

    Args:
        dim: the dim of the vectors. Default 1.
        eps: the smallest norm. Default 1e-8.

    Shape:
        x1 (*, D, *), x2 broadcastable -> the broadcast shape without dim.

    Example:
        >>> round(cosine_similarity(minitorch.tensor([[1.0, 0.0]]), minitorch.tensor([[1.0, 1.0]])).item(), 4)
        0.7071
    """
    _float("cosine_similarity", x1, x2)
    try:
        shape = shape_broadcast(x1.shape, x2.shape)
    except IndexingError:
        raise ShapeError(f"cosine_similarity: shapes {x1.shape} and {x2.shape} do not broadcast") from None
    if not -len(shape) <= dim < max(len(shape), 1):
        raise ShapeError(f"cosine_similarity: dim {dim} out of range for the broadcast shape {shape}")

    def unit(x: Tensor) -> Tensor:
        x = x.expand(*shape) if x.shape != shape else x  # dim counts in the broadcast shape, as PyTorch
        length = norm(x, 2, dim, keepdim=True)
        clamped = length + (length.clamp_min(eps) - length).detach()  # the clamp's value, the norm's gradient
        return x / clamped

    return (unit(x1) * unit(x2)).sum(dim, keepdim=False)


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> Tensor:
    """||x1 - x2 + eps||_p over the last dim (as `torch.nn.functional.pairwise_distance`).

    Args:
        p: the norm's order. Default 2.
        eps: added to the difference, keeping the gradient finite where x1 == x2. Default 1e-6.
        keepdim: keep the last dim with size 1. Default False.

    Shape:
        (N, D), (N, D) (broadcastable) -> (N,), or (N, 1) with keepdim.

    Example:
        >>> pairwise_distance(minitorch.tensor([[3.0, 0.0]]), minitorch.tensor([[0.0, 4.0]]), eps=0.0).tolist()
        [5.0]
    """
    _float("pairwise_distance", x1, x2)
    diff = x1 - x2 + eps
    if diff.dims == 0:
        diff = diff.view(1)
    return norm(diff, p, -1, keepdim=keepdim)
