"""MiniTorch's `max` along a dim (rank kept) and `argmax` as a one-hot mask.

`max` is the course's face of the one reduction along a dim, `extrema.Max` (PyTorch's
`t.max(dim)` is its other face): the backend's row kernel finds each row's first maximum (NaN
counts as the maximum) and the gradient goes there.

Shape:
    input (d_0, ..., d_k, ..., d_n), dim=k -> output (d_0, ..., 1, ..., d_n)
"""

from __future__ import annotations

from ..core.tensor import Tensor
from ..errors import DTypeError
from .extrema import Max, check_not_empty
from .rows import normalise_dims

__all__ = ["Max", "max", "argmax"]


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
    check_not_empty("max", input, d)
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
    check_not_empty("argmax", input, d)
    data = input.detach()
    return data.f.eq_zip(data.f.max_reduce(data, d), data)
