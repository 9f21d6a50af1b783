"""Ordering along a dim: `sort`, `argsort`, `topk` (as PyTorch).

The order comes from the array namespace's stable `argsort`; NaN sorts as the largest value
(last ascending, first descending, as PyTorch). The values are `gather(input, dim, indices)`,
so the gradient goes back to the place each value came from. Ties keep their input order
(PyTorch's `stable=True`; without it PyTorch leaves the order of ties unspecified).

Shape:
    sort, argsort: (*) -> (*) along dim. topk: (.., d_k, ..), dim=k -> (.., k, ..).
"""

from __future__ import annotations

from typing import Any

from ..core.tensor import Tensor
from ..errors import IndexingError
from .arrays import array, from_array, is_int, namespace
from .extrema import ValuesIndices
from .gather import Gather
from .rows import normalise_dims
from .split import narrow

__all__ = ["sort", "argsort", "topk"]


def _order(input: Tensor, dim: int, descending: bool) -> Any:
    """Stable sorting indices along `dim` (an int64 array of the namespace), NaN largest."""
    xp = namespace(input)
    x = array(input)
    if x.ndim == 0:
        return xp.zeros((), dtype=xp.int64)
    if x.dtype.kind == "b":
        x = x.astype(xp.int64)
    if not descending:
        return xp.argsort(x, axis=dim, kind="stable")  # NaN sorts last already
    order = xp.argsort(-x, axis=dim, kind="stable")  # largest first, NaN still last
    if x.dtype.kind == "f":  # NaN first: a second stable pass by "is not NaN"
        not_nan = ~xp.isnan(xp.take_along_axis(x, order, axis=dim))
        order = xp.take_along_axis(order, xp.argsort(not_nan, axis=dim, kind="stable"), axis=dim)
    return order


def _dim(op: str, input: Tensor, dim: int) -> int:
    if input.dims == 0:
        if dim not in (0, -1):
            raise IndexingError(f"{op}: dim {dim} is out of range for a 0-d tensor (use 0 or -1)")
        return 0
    (d,) = normalise_dims(op, dim, input.dims)
    return d


def sort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False) -> ValuesIndices:
    """The entries sorted along `dim`, with the int64 indices they came from (as `torch.sort`).

    values[..., i, ...] = input[..., indices[..., i, ...], ...]; NaN counts as the largest
    value; ties keep their order (so `stable` changes nothing here). The gradient goes back
    to each value's source.

    Args:
        input: any shape.
        dim: the dim to sort along. Default -1.
        descending: largest first. Default False.
        stable: accepted for PyTorch's signature (the sort is always stable).

    Shape:
        (*) -> values (*), indices (*) int64.

    Example:
        >>> sort(minitorch.tensor([3.0, 1.0, 2.0])).indices.tolist()
        [1, 2, 0]
    """
    d = _dim("sort", input, dim)
    order = _order(input, d, descending)
    values = Gather.apply(input, d, order) if input.dims else input.clone()
    return ValuesIndices(values, from_array(input, order))


def argsort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False) -> Tensor:
    """The int64 indices that sort `input` along `dim` (as `torch.argsort`; see `sort`).

    Shape:
        (*) -> (*), int64.

    Example:
        >>> argsort(minitorch.tensor([3.0, 1.0, 2.0]), descending=True).tolist()
        [0, 2, 1]
    """
    d = _dim("argsort", input, dim)
    return from_array(input, _order(input, d, descending))


def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> ValuesIndices:
    """The k largest (or smallest) entries along `dim` and their int64 indices (as `torch.topk`).

    The values come back in order (largest first when `largest`); NaN counts as the largest.
    The gradient goes back to each value's source.

    Args:
        input: any shape.
        k: how many, 0 <= k <= input.shape[dim].
        dim: the dim to search. Default -1.
        largest: the largest (True) or the smallest (False). Default True.
        sorted: accepted for PyTorch's signature (the values are always in order).

    Raises:
        IndexingError: k outside 0..input.shape[dim].

    Shape:
        (.., d_k, ..), dim=k -> values, indices (.., k, ..).

    Example:
        >>> topk(minitorch.tensor([1.0, 5.0, 3.0]), 2).values.tolist()
        [5.0, 3.0]
    """
    d = _dim("topk", input, dim)
    size = input.shape[d] if input.dims else 1
    if not is_int(k) or not 0 <= k <= size:
        raise IndexingError(f"topk: k={k!r} is out of range for dim {d} of size {size} (shape {input.shape}); use 0..{size}")
    values, indices = sort(input, d, descending=largest)
    if not input.dims:
        return ValuesIndices(values, indices)
    return ValuesIndices(narrow(values, d, 0, int(k)), narrow(indices, d, 0, int(k)).contiguous())

