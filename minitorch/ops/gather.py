"""Gathering along a dim by an index tensor, and its adjoint, scatter-add (as PyTorch).

For dim=1 of a 3-D input:

    gather:      out[i][j][k] = input[i][index[i][j][k]][k]
    scatter_add: out = input; out[i][index[i][j][k]][k] += src[i][j][k]

Repeated indices accumulate in scatter_add (and in gather's gradient).

Shape:
    gather: input (d_0, ..., d_n), index (e_0, ..., e_n) with e_i <= d_i for i != dim -> (e_0, ..., e_n).
    scatter_add: input (d_0, ..., d_n), index (e_0, ..., e_n), src at least as large as index -> (d_0, ..., d_n).
"""

from __future__ import annotations

from typing import Any, Tuple

from ..autodiff.function import Context, Function
from ..core.indexing import IndexPlan
from ..core.tensor import Tensor
from ..errors import DTypeError, IndexingError, ShapeError
from .arrays import array, from_array, namespace
from .indexing import IndexCopy
from .rows import normalise_dims

__all__ = ["Gather", "ScatterAdd", "gather", "scatter_add", "index_select"]


def _full_key(xp: Any, index: Any, dim: int) -> Tuple[Any, ...]:
    """Index arrays that address, for every entry of `index`, its target in the dim-`dim`
    scatter/gather: `index` itself along dim, the entry's own coordinate elsewhere."""
    ndim = index.ndim
    key = []
    for d in range(ndim):
        if d == dim:
            key.append(index)
        else:
            shape = [1] * ndim
            shape[d] = index.shape[d]
            key.append(xp.arange(index.shape[d]).reshape(shape))  # broadcasts against index
    return tuple(key)


class Gather(Function):
    """out = input gathered along `dim` by `index`; the gradient scatter-adds g back."""

    @staticmethod
    def forward(ctx: Context, input: Tensor, dim: int, index: Any) -> Tensor:
        xp = namespace(input)
        key = _full_key(xp, index, dim)
        ctx.key, ctx.shape = key, input.shape
        return from_array(input, array(input)[key])

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        xp = namespace(grad_output)
        grad = xp.zeros(ctx.shape, dtype=grad_output.dtype)
        xp.add.at(grad, ctx.key, array(grad_output))
        return from_array(grad_output, grad)


class ScatterAdd(Function):
    """out = input with src added at the places `index` names along `dim`.

    Gradients: input gets g; src gets g gathered by the same index.
    """

    @staticmethod
    def forward(ctx: Context, input: Tensor, dim: int, index: Any, src: Tensor) -> Tensor:
        xp = namespace(input)
        key = _full_key(xp, index, dim)
        ctx.key, ctx.dim = key, dim
        out = xp.array(array(input), copy=True)
        part = tuple(slice(0, s) for s in index.shape)  # src may be larger than index: only this part is used
        xp.add.at(out, key, array(src)[part])
        ctx.src_shape = src.shape
        return from_array(input, out)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tuple[Tensor, Tensor]:
        xp = namespace(grad_output)
        g = array(grad_output)
        grad_src = xp.zeros(ctx.src_shape, dtype=grad_output.dtype)
        index_shape = ctx.key[ctx.dim].shape
        grad_src[tuple(slice(0, s) for s in index_shape)] = g[ctx.key]  # (index shape) part of src
        return grad_output, from_array(grad_output, grad_src)


def _index_array(op: str, input: Tensor, dim: int, index: Any) -> Any:
    """`index` as an int64 array of input's namespace, checked against input along `dim`."""
    if not isinstance(index, Tensor) or index.dtype.kind != "i":
        got = index.dtype if isinstance(index, Tensor) else type(index).__name__
        raise DTypeError(f"{op}: index must be an int64 tensor, got {got}; convert with .long()")
    if index.dims != input.dims:
        raise ShapeError(
            f"{op}: index of shape {index.shape} must have as many dims as input {input.shape}"
        )
    for d, (e, s) in enumerate(zip(index.shape, input.shape)):
        if d != dim and e > s:
            raise ShapeError(
                f"{op}: index of shape {index.shape} is larger than input {input.shape} in dim {d}; "
                f"only dim {dim} may differ"
            )
    values = array(index)
    size = input.shape[dim]
    if values.size and (int(values.min()) < 0 or int(values.max()) >= size):
        bad = int(values.min()) if int(values.min()) < 0 else int(values.max())
        raise IndexingError(
            f"{op}: index {bad} is out of range for dim {dim} of size {size} (input shape {input.shape}); "
            f"indices must lie in 0..{size - 1}"
        )
    return values


def gather(input: Tensor, dim: int, index: Tensor) -> Tensor:
    """Values of `input` picked along `dim` by `index` (as `torch.gather`).

    out[i][j][k] = input[i][index[i][j][k]][k] for dim=1. The gradient scatter-adds into
    input (repeated indices accumulate).

    Args:
        input: any shape.
        dim: the dim to pick along.
        index: an int64 tensor with input's number of dims, no larger than input in the other dims.

    Shape:
        input (d_0, ..., d_n), index (e_0, ..., e_n) -> (e_0, ..., e_n).

    Example:
        >>> x = minitorch.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> gather(x, 1, minitorch.tensor([[0, 0], [1, 0]], dtype="int64")).tolist()
        [[1.0, 1.0], [4.0, 3.0]]
    """
    (d,) = normalise_dims("gather", dim, input.dims)
    return Gather.apply(input, d, _index_array("gather", input, d, index))


def scatter_add(input: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
    """`input` with `src` added where `index` points along `dim` (as `torch.scatter_add`).

    out = input; out[i][index[i][j][k]][k] += src[i][j][k] for dim=1; repeated indices
    accumulate. Gradients: input gets g, src gets g gathered by index.

    Args:
        input: any shape.
        dim: the dim to scatter along.
        index: an int64 tensor with input's number of dims, no larger than input in the other dims.
        src: values, at least as large as index in every dim, input's dtype.

    Shape:
        input (d_0, ..., d_n) -> (d_0, ..., d_n).

    Example:
        >>> x = minitorch.zeros((3,))
        >>> scatter_add(x, 0, minitorch.tensor([0, 2, 0], dtype="int64"), minitorch.ones((3,))).tolist()
        [2.0, 0.0, 1.0]
    """
    (d,) = normalise_dims("scatter_add", dim, input.dims)
    values = _index_array("scatter_add", input, d, index)
    if src.dims != index.dims or any(s < e for s, e in zip(src.shape, index.shape)):
        raise ShapeError(f"scatter_add: src of shape {src.shape} must be at least as large as index {index.shape} in every dim")
    if src.dtype != input.dtype:
        raise DTypeError(f"scatter_add: src is {src.dtype} but input is {input.dtype}; convert with .to(input.dtype)")
    return ScatterAdd.apply(input, d, values, src)


def index_select(input: Tensor, dim: int, index: Tensor) -> Tensor:
    """The slices of `input` along `dim` that `index` names, in its order (as
    `torch.index_select`; `input[..., index, ...]`). Repeated indices accumulate in the gradient.

    Args:
        input: any shape.
        dim: the dim to select along.
        index: a 1-D (or 0-d) int64 tensor of indices in 0..input.shape[dim] - 1.

    Raises:
        DTypeError: an index that is not int64. ShapeError: an index with more than one dim.
        IndexingError: an index out of range.

    Shape:
        (.., d_k, ..), index (m,) -> (.., m, ..).

    Example:
        >>> x = minitorch.tensor([[1.0, 2.0, 3.0]])
        >>> index_select(x, 1, minitorch.tensor([2, 0], dtype="int64")).tolist()
        [[3.0, 1.0]]
    """
    if not isinstance(index, Tensor) or index.dtype.kind != "i":
        got = index.dtype if isinstance(index, Tensor) else type(index).__name__
        raise DTypeError(f"index_select: index must be an int64 tensor, got {got}; convert with .long()")
    if index.dims > 1:
        raise ShapeError(f"index_select: index must be 1-D, got shape {index.shape}; flatten it first")
    (d,) = normalise_dims("index_select", dim, input.dims)
    size = input.shape[d] if input.dims else 1
    values = array(index).reshape(-1)
    if values.size and (int(values.min()) < 0 or int(values.max()) >= size):
        bad = int(values.min()) if int(values.min()) < 0 else int(values.max())
        raise IndexingError(
            f"index_select: index {bad} is out of range for dim {d} of size {size} (input shape {input.shape}); "
            f"indices must lie in 0..{size - 1}"
        )
    if input.dims == 0:
        input = input.view(1)
    full = (slice(None),) * input.dims
    return IndexCopy.apply(input, IndexPlan("advanced", full, full[:d] + (values,)))
