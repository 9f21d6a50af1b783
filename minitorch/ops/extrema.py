"""PyTorch's `max`/`min` (with a dim: values and int64 indices), `argmax`/`argmin`.

(MiniTorch's `minitorch.max(t, dim)` and one-hot `minitorch.argmax(t, dim)` are the course
faces in `ops/max.py`.) With a dim, the values are `gather(input, dim, indices)`, so the
gradient goes to the index picked (the first extremum; NaN counts as the extremum, as in
PyTorch). Without a dim the result is a 0-d tensor and the gradient is shared evenly among
tied extrema (as PyTorch's `max()`).

Shape:
    input (d_0, ..., d_k, ..., d_n), dim=k -> values and indices (d_0, ..., d_n without d_k)
    (d_k kept with size 1 when keepdim=True); without dim -> 0-d.
"""

from __future__ import annotations

from typing import Any, NamedTuple, Optional, Union

from ..autodiff.function import Context, Function
from ..core.tensor import Tensor
from ..errors import ShapeError
from .arrays import array, from_array, namespace
from .gather import Gather
from .pointwise import maximum, minimum
from .rows import normalise_dims

__all__ = ["ValuesIndices", "Extreme", "max", "min", "argmax", "argmin"]


class ValuesIndices(NamedTuple):
    """What `max(dim)` / `min(dim)` return (as `torch.return_types.max`)."""

    values: Tensor
    indices: Tensor


def _check_not_empty(op: str, input: Tensor, dim: Optional[int]) -> None:
    if (input.shape[dim] if dim is not None else input.size) == 0:
        where = "" if dim is None else f" along dim {dim}"
        raise ShapeError(f"{op}: the input of shape {input.shape} is empty{where}; there is no extremum to find")


def _arg(op: str, input: Tensor, dim: Optional[int], keepdim: bool, largest: bool) -> Tensor:
    if dim is not None:
        (dim,) = normalise_dims(op, dim, input.dims)
    _check_not_empty(op, input, dim)
    xp = namespace(input)
    x = array(input)
    find = xp.argmax if largest else xp.argmin
    if dim is None:
        flat = find(x.reshape(-1))  # index into the row-major flattening
        out = xp.asarray(flat).reshape((1,) * input.dims if keepdim else ())
        return from_array(input, out.astype(xp.int64))
    return from_array(input, xp.expand_dims(find(x, axis=dim), dim) if keepdim else find(x, axis=dim))


class Extreme(Function):
    """The maximum (`largest`) or minimum of all entries, 0-d; ties share the gradient."""

    @staticmethod
    def forward(ctx: Context, a: Tensor, largest: bool) -> Tensor:
        xp = namespace(a)
        x = array(a)
        out = xp.max(x) if largest else xp.min(x)
        ctx.save_for_backward(x, out)
        return from_array(a, xp.asarray(out).reshape(()))

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        x, out = ctx.saved_values
        xp = namespace(grad_output)
        hits = (x == out) | (xp.isnan(x) & xp.isnan(out))
        share = array(grad_output) / xp.sum(hits)
        return from_array(grad_output, xp.where(hits, share, 0).astype(x.dtype))


def _extreme(op: str, input: Tensor, dim: Any, keepdim: bool, largest: bool) -> Union[Tensor, ValuesIndices]:
    if isinstance(dim, Tensor):  # torch.max(a, b): the elementwise maximum
        return maximum(input, dim) if largest else minimum(input, dim)
    if dim is None:
        _check_not_empty(op, input, None)
        return Extreme.apply(input, largest)
    (d,) = normalise_dims(op, dim, input.dims)
    indices = _arg(op, input, d, True, largest)  # (.., 1, ..)
    values = Gather.apply(input, d, array(indices))
    if not keepdim:
        values = values.contiguous().view(*(s for i, s in enumerate(values.shape) if i != d))
        indices = from_array(indices, array(indices).reshape(values.shape))
    return ValuesIndices(values, indices)


def max(input: Tensor, dim: Any = None, keepdim: bool = False) -> Union[Tensor, ValuesIndices]:
    """The maximum (as `torch.max`): of everything (0-d), or along `dim` as (values, indices).

    `max(a, b)` with a tensor `b` is `maximum(a, b)`.

    Args:
        input: any non-empty shape.
        dim: None, a dim, or a tensor (elementwise maximum).
        keepdim: keep the reduced dim with size 1. Default False.

    Shape:
        (d_0, ..., d_k, ..., d_n), dim=k -> values, indices (d_0, ..., d_n without d_k).

    Example:
        >>> values, indices = max(minitorch.tensor([[1.0, 5.0, 2.0]]), 1)
        >>> values.tolist(), indices.tolist()
        ([5.0], [1])
    """
    return _extreme("max", input, dim, keepdim, True)


def min(input: Tensor, dim: Any = None, keepdim: bool = False) -> Union[Tensor, ValuesIndices]:
    """The minimum (as `torch.min`): of everything (0-d), or along `dim` as (values, indices).

    Shape:
        (d_0, ..., d_k, ..., d_n), dim=k -> values, indices (d_0, ..., d_n without d_k).

    Example:
        >>> min(minitorch.tensor([[1.0, 5.0, 2.0]]), 1).indices.tolist()
        [0]
    """
    return _extreme("min", input, dim, keepdim, False)


def argmax(input: Tensor, dim: Optional[int] = None, keepdim: bool = False) -> Tensor:
    """Index of the (first) maximum: in the flattened input, or along `dim` (as `torch.argmax`).

    Shape:
        (d_0, ..., d_k, ..., d_n), dim=k -> (d_0, ..., d_n without d_k), int64; 0-d without dim.

    Example:
        >>> argmax(minitorch.tensor([[1.0, 5.0], [7.0, 2.0]]), 1).tolist()
        [1, 0]
    """
    return _arg("argmax", input, dim, keepdim, True)


def argmin(input: Tensor, dim: Optional[int] = None, keepdim: bool = False) -> Tensor:
    """Index of the (first) minimum: in the flattened input, or along `dim` (as `torch.argmin`).

    Shape:
        (d_0, ..., d_k, ..., d_n), dim=k -> (d_0, ..., d_n without d_k), int64; 0-d without dim.

    Example:
        >>> argmin(minitorch.tensor([[1.0, 5.0], [7.0, 2.0]]), 1).tolist()
        [0, 1]
    """
    return _arg("argmin", input, dim, keepdim, False)
