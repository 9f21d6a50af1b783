"""Mean, variance and standard deviation along dims, composed from differentiable ops.

`mean` keeps MiniTorch's shapes by default (see `ops/reduce.py::sum`); `var` and `std`
follow PyTorch: `correction` (or the older `unbiased`) and `keepdim=False`.

Shape:
    input (d_0, ..., d_k, ..., d_n), dim=k -> (d_0, ..., 1, ..., d_n) with the dim kept,
    (d_0, ..., d_n without d_k) without.
"""

from __future__ import annotations

import math
from typing import Optional, Sequence, Union

from ..core.tensor import Tensor
from ..errors import DTypeError
from .pointwise import sqrt
from .reduce import drop_dims, reduced_dims, sum

__all__ = ["mean", "var", "std"]

Dims = Union[int, Sequence[int], None]


def _check_float(op: str, input: Tensor) -> None:
    if input.dtype.kind != "f":
        raise DTypeError(f"{op}: needs a float tensor, got {input.dtype}; convert with .double() or .float() first")


def mean(input: Tensor, dim: Dims = None, keepdim: Optional[bool] = None) -> Tensor:
    """Mean over `dim` (an int, a tuple of ints, or None for every dim).

    out = sum_i input[..., i, ...] / n. `keepdim` as in `sum`: None keeps MiniTorch's shapes.

    Shape:
        (d_0, ..., d_k, ..., d_n), dim=k -> (d_0, ..., 1, ..., d_n), or without d_k.

    Example:
        >>> mean(minitorch.tensor([[1.0, 2.0], [3.0, 5.0]]), 1, keepdim=False).tolist()
        [1.5, 4.0]
    """
    _check_float("mean", input)
    count = math.prod(input.shape[d] for d in reduced_dims("mean", input, dim))
    return sum(input, dim, keepdim) / count


def var(
    input: Tensor,
    dim: Dims = None,
    unbiased: Optional[bool] = None,
    keepdim: bool = False,
    *,
    correction: Optional[float] = None,
) -> Tensor:
    """Variance over `dim` (as `torch.var`).

    var = sum_i (x_i - mean)^2 / (n - correction); correction=1 (Bessel's, the default) is
    `unbiased=True`, correction=0 the population variance. n - correction <= 0 gives inf/NaN.

    Args:
        input: a float tensor.
        dim: the dim(s) to reduce; None reduces everything (a 0-d result).
        unbiased: the older spelling of correction (True = 1, False = 0).
        keepdim: keep the reduced dims with size 1. Default False.
        correction: the subtracted degrees of freedom. Default 1.

    Shape:
        (d_0, ..., d_k, ..., d_n), dim=k -> (d_0, ..., d_n without d_k).

    Example:
        >>> round(var(minitorch.tensor([1.0, 2.0, 3.0, 4.0])).item(), 12)
        1.666666666667
    """
    _check_float("var", input)
    if isinstance(dim, bool):  # torch's var(unbiased) overload: x.var(False)
        dim, unbiased = None, dim
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    dims = reduced_dims("var", input, dim)
    count = math.prod(input.shape[d] for d in dims)
    diff = input - sum(input, dims, keepdim=True) / count  # (*) minus (.., 1, ..)
    out = sum(diff * diff, dims, keepdim=True) / max(count - correction, 0)
    return out if keepdim else drop_dims(out, dims)


def std(
    input: Tensor,
    dim: Dims = None,
    unbiased: Optional[bool] = None,
    keepdim: bool = False,
    *,
    correction: Optional[float] = None,
) -> Tensor:
    """Standard deviation over `dim`: sqrt(var(...)) (as `torch.std`; same arguments).

    Shape:
        (d_0, ..., d_k, ..., d_n), dim=k -> (d_0, ..., d_n without d_k).

    Example:
        >>> round(std(minitorch.tensor([1.0, 3.0])).item(), 4)
        1.4142
    """
    return sqrt(var(input, dim, unbiased, keepdim, correction=correction))
