"""Movement: permute, view, reshape and contiguous copy. Permute and view never copy; reshape
is a view whenever the strides allow one (as PyTorch), else a copy.

Shape:
    permute: (d_0, ..., d_n) -> (d_order[0], ..., d_order[n])
    view, reshape: (*) -> shape, same number of elements; one size may be -1
"""

from __future__ import annotations

from typing import Tuple

from ..autodiff.function import Context, Function
from ..core.indexing import reshape_strides
from ..core.tensor import Tensor
from ..core.tensor_data import TensorData
from ..errors import ShapeError

__all__ = ["Permute", "View", "Copy", "reshape"]


class Permute(Function):
    """Reorder the dimensions; backward applies the inverse permutation.

    Shape: (d_0, ..., d_n) -> (d_order[0], ..., d_order[n]).
    """

    @staticmethod
    def forward(ctx: Context, a: Tensor, order: Tuple[int, ...]) -> Tensor:
        ctx.order = order
        return a._new(a._tensor.permute(*order))

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        inverse = [0] * len(ctx.order)
        for position, dim in enumerate(ctx.order):
            inverse[dim] = position
        return grad_output._new(grad_output._tensor.permute(*inverse))


def _resolve_shape(op: str, old: Tuple[int, ...], size: int, shape: Tuple[int, ...]) -> Tuple[int, ...]:
    unknown = [i for i, s in enumerate(shape) if s == -1]
    if len(unknown) > 1 or any(s < -1 for s in shape):
        raise ShapeError(f"{op}: shape {shape} is invalid (at most one -1, no other negatives)")
    if unknown:
        known = 1
        for s in shape:
            if s != -1:
                known *= s
        if known == 0 or size % known != 0:
            raise ShapeError(f"{op}: cannot view a tensor of shape {old} ({size} elements) as {shape}")
        shape = tuple(size // known if s == -1 else s for s in shape)
    total = 1
    for s in shape:
        total *= s
    if total != size:
        raise ShapeError(f"{op}: cannot view a tensor of shape {old} ({size} elements) as {shape} ({total} elements)")
    return shape


class View(Function):
    """The same storage seen with a new shape: row-major data, or strided data whose dims
    group into runs that the new shape can split or merge (`core.indexing.reshape_strides`).

    Shape: (*) -> shape (same number of elements).
    """

    @staticmethod
    def forward(ctx: Context, a: Tensor, shape: Tuple[int, ...]) -> Tensor:
        data = a._tensor
        shape = _resolve_shape("view", a.shape, data.size, shape)
        ctx.original = a.shape
        if data.is_contiguous():
            return a._new(TensorData._trusted(data._storage, shape))
        strides = reshape_strides(data.shape, data.strides, shape)
        if strides is None:
            raise ShapeError(
                f"view: the tensor of shape {a.shape} with strides {data.strides} cannot be seen as {shape} "
                f"without copying; use reshape (which copies when it must) or call .contiguous() first"
            )
        return a._new(TensorData._trusted(data._storage, shape, strides))

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        grad = grad_output.contiguous()
        # grad (shape) -> (original shape)
        return grad._new(TensorData._trusted(grad._tensor._storage, ctx.original))


def reshape(input: Tensor, shape: Tuple[int, ...]) -> Tensor:
    """`input` with a new shape (as `torch.reshape`): a view when the strides allow one, else a
    row-major copy first. One size may be -1.

    Shape:
        (*) -> shape (same number of elements).

    Example:
        >>> x = minitorch.zeros((4, 3)).permute(1, 0)
        >>> reshape(x, (12,)).is_contiguous(), reshape(x[:, :2], (3, 2)).shape
        (True, (3, 2))
    """
    data = input._tensor
    shape = _resolve_shape("reshape", input.shape, data.size, shape)
    if not data.is_contiguous() and reshape_strides(data.shape, data.strides, shape) is None:
        input = Copy.apply(input)
    return View.apply(input, shape)


class Copy(Function):
    """A row-major copy (what `contiguous()` does for strided data).

    Shape: (*) -> (*).
    """

    @staticmethod
    def forward(ctx: Context, a: Tensor) -> Tensor:
        return a.f.id_map(a)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        return grad_output
