"""Extrema: PyTorch's `max`/`min` (with a dim: values and int64 indices), `amax`/`amin`,
`argmax`/`argmin`, and the one reduction along a dim behind them and MiniTorch's `max`.

`Max` is that one body: the dim is moved last and the tensor seen as rows (R, n); each row's
first maximum and its position are found in one pass (short rows by the backend's fused
`row_max_forward`, the minimum as the maximum of the negated rows; long rows by the array
namespace's argmax / argmin; NaN counts as the extremum either way), and the gradient goes to
that position (`max_pool_backward`, max pooling with one window spanning the row). Its two
faces: MiniTorch's `minitorch.max(t, dim)` (`ops/max.py`: the dim kept, values only) and
PyTorch's `t.max(dim)` here (values and indices, the dim dropped unless keepdim). Without a dim,
`max()` is `amax` over every dim: a 0-d tensor whose gradient is shared evenly among tied
extrema (as PyTorch's `max()` and `amax`).

Shape:
    input (d_0, ..., d_k, ..., d_n), dim=k -> values and indices (d_0, ..., d_n without d_k)
    (d_k kept with size 1 when keepdim=True); without dim -> 0-d.
"""

from __future__ import annotations

from typing import Any, NamedTuple, Optional, Sequence, Tuple, Union

from ..autodiff.function import Context, Function
from ..core.tensor import Tensor
from ..errors import ShapeError
from .arrays import array, from_array, namespace
from .pointwise import maximum, minimum
from .reduce import drop_dims, reduced_dims
from .rows import from_rows, normalise_dims, to_rows

__all__ = ["ValuesIndices", "Found", "Max", "Extreme", "extreme_along", "check_not_empty", "max", "min", "amax", "amin", "argmax", "argmin"]


class ValuesIndices(NamedTuple):
    """What `max(dim)` / `min(dim)` / `sort` / `topk` return (as `torch.return_types.max`)."""

    values: Tensor
    indices: Tensor


class Found(NamedTuple):
    """The row kernel's result: extrema (R, 1), their positions (R, 1), and how to undo `to_rows`."""

    values: Any
    indices: Any
    moved_shape: Tuple[int, ...]
    order: Tuple[int, ...]


# Rows up to this long go through the backend's fused row kernel (it vectorises across rows:
# 6x numpy's argmax for the course's 2x2 tile pooling, rows of 4); longer rows through the
# namespace's argmax, which vectorises along each row (10x the fast backend's row scan for
# rows of 50, 50x for rows of 1000; measured on this machine, see notes/issue-11-e2.md).
ROW_KERNEL_MAX = 8


def _find(input: Tensor, dim: int, largest: bool) -> Found:
    """The first maximum (or minimum) of every row along `dim` and its position; NaN counts as
    the extremum (as PyTorch)."""
    rows, moved_shape, order = to_rows(input, (dim,))  # (R, n)
    xp = namespace(input)
    if rows.shape[1] > ROW_KERNEL_MAX:
        indices = (xp.argmax if largest else xp.argmin)(rows, axis=1)[:, None].astype(xp.int64, copy=False)  # (R, 1)
        return Found(xp.take_along_axis(rows, indices, axis=1), indices, moved_shape, order)
    searched = rows if largest else (xp.logical_not(rows) if rows.dtype.kind == "b" else -rows)
    out = xp.empty((rows.shape[0], 1), dtype=rows.dtype)  # (R, 1)
    indices = xp.empty(out.shape, dtype=xp.int64)
    input.backend.ops.row_max_forward(searched, out, indices)
    if not largest:
        out = xp.take_along_axis(rows, indices, axis=1)
    return Found(out, indices, moved_shape, order)


class Max(Function):
    """The maximum (or with `largest=False` the minimum) along `dim`, kept with size 1; the
    gradient flows only to the first extremal entry (PyTorch's rule for max with a dim and for
    max pooling). `found` is the row kernel's result when the caller needed the indices too."""

    @staticmethod
    def forward(ctx: Context, input: Tensor, dim: int, largest: bool = True, found: Optional[Found] = None) -> Tensor:
        if found is None:
            found = _find(input, dim, largest)
        ctx.save_for_backward(found.indices)
        ctx.moved_shape, ctx.order, ctx.dim = found.moved_shape, found.order, dim
        return from_rows(input, found.values, found.moved_shape[:-1] + (1,), found.order)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        (indices,) = ctx.saved_values
        g, _, _ = to_rows(grad_output, (ctx.dim,))  # (R, 1)
        grad = namespace(grad_output).zeros((indices.shape[0], ctx.moved_shape[-1]), dtype=grad_output.dtype)  # (R, n)
        grad_output.backend.ops.max_pool_backward(g, indices, grad)
        return from_rows(grad_output, grad, ctx.moved_shape, ctx.order)


def check_not_empty(op: str, input: Tensor, dim: Optional[int]) -> None:
    if (input.shape[dim] if dim is not None else input.size) == 0:
        where = "" if dim is None else f" along dim {dim}"
        raise ShapeError(f"{op}: the input of shape {input.shape} is empty{where}; there is no extremum to find")


def _arg(op: str, input: Tensor, dim: Optional[int], keepdim: bool, largest: bool) -> Tensor:
    if dim is not None:
        (dim,) = normalise_dims(op, dim, input.dims)
    check_not_empty(op, input, dim)
    xp = namespace(input)
    x = array(input)
    find = xp.argmax if largest else xp.argmin
    if dim is None:
        flat = find(x.reshape(-1))  # index into the row-major flattening
        out = xp.asarray(flat).reshape((1,) * input.dims if keepdim else ())
        return from_array(input, out.astype(xp.int64))
    return from_array(input, xp.expand_dims(find(x, axis=dim), dim) if keepdim else find(x, axis=dim))


class Extreme(Function):
    """The maximum (`largest`) or minimum over `dims`, kept with size 1 (NaN propagates); tied
    extrema share the gradient evenly (PyTorch's `amax` / `max()`)."""

    @staticmethod
    def forward(ctx: Context, a: Tensor, dims: Tuple[int, ...], largest: bool) -> Tensor:
        xp = namespace(a)
        x = array(a)
        out = xp.max(x, axis=dims, keepdims=True) if largest else xp.min(x, axis=dims, keepdims=True)
        ctx.save_for_backward(x, out)
        ctx.dims = dims
        return from_array(a, out)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        x, out = ctx.saved_values
        xp = namespace(grad_output)
        hits = (x == out) | (xp.isnan(x) & xp.isnan(out))
        share = array(grad_output) / xp.sum(hits, axis=ctx.dims, keepdims=True)
        return from_array(grad_output, xp.where(hits, share, 0).astype(x.dtype))


def _amax(op: str, input: Tensor, dim: Any, keepdim: bool, largest: bool) -> Tensor:
    every = dim is None or (isinstance(dim, (tuple, list)) and not dim)
    dims = reduced_dims(op, input, None if every else dim)
    if any(input.shape[d] == 0 for d in dims) or (not dims and input.size == 0):
        raise ShapeError(f"{op}: the input of shape {input.shape} is empty along the reduced dims; there is no extremum to find")
    out = Extreme.apply(input, dims, largest)
    return out if keepdim else drop_dims(out, dims)


def extreme_along(input: Tensor, dim: int, keepdim: bool, largest: bool) -> ValuesIndices:
    """(values, indices) of the maximum (or minimum) along `dim`: the one body of PyTorch's
    `max(dim)` / `min(dim)` (dims checked by the caller)."""
    check_not_empty("max" if largest else "min", input, dim)
    found = _find(input, dim, largest)
    values = Max.apply(input, dim, largest, found)  # (.., 1, ..)
    indices = from_rows(input, found.indices, found.moved_shape[:-1] + (1,), found.order)
    if not keepdim:
        values, indices = drop_dims(values, (dim,)), drop_dims(indices, (dim,))
    return ValuesIndices(values, indices)


def _extreme(op: str, input: Tensor, dim: Any, keepdim: bool, largest: bool) -> Union[Tensor, ValuesIndices]:
    if isinstance(dim, Tensor):  # torch.max(a, b): the elementwise maximum
        return maximum(input, dim) if largest else minimum(input, dim)
    if dim is None:
        return _amax(op, input, None, False, largest)
    (d,) = normalise_dims(op, dim, input.dims)
    return extreme_along(input, d, keepdim, largest)


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


def amax(input: Tensor, dim: Union[int, Sequence[int]] = (), keepdim: bool = False) -> Tensor:
    """The maximum over `dim` (an int or a tuple; () or None: every dim), as `torch.amax`.

    NaN propagates; tied maxima share the gradient evenly (unlike `max(dim)`, which gives it
    to the first).

    Shape:
        (d_0, ..., d_k, ..., d_n), dim=k -> (d_0, ..., d_n without d_k); 0-d over every dim.

    Example:
        >>> amax(minitorch.tensor([[1.0, 5.0], [7.0, 2.0]]), 0).tolist()
        [7.0, 5.0]
    """
    return _amax("amax", input, dim, keepdim, True)


def amin(input: Tensor, dim: Union[int, Sequence[int]] = (), keepdim: bool = False) -> Tensor:
    """The minimum over `dim` (an int or a tuple; () or None: every dim), as `torch.amin`.

    Shape:
        (d_0, ..., d_k, ..., d_n), dim=k -> (d_0, ..., d_n without d_k); 0-d over every dim.

    Example:
        >>> amin(minitorch.tensor([[1.0, 5.0], [7.0, 2.0]]), 1).tolist()
        [1.0, 2.0]
    """
    return _amax("amin", input, dim, keepdim, False)


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
