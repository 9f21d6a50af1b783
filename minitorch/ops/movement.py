"""Movement: permute, view, reshape and contiguous copy. Permute and view never copy; reshape
is a view whenever the strides allow one (as PyTorch), else a copy.

Shape:
    permute: (d_0, ..., d_n) -> (d_order[0], ..., d_order[n])
    view, reshape: (*) -> shape, same number of elements; one size may be -1
"""

from __future__ import annotations

from typing import Optional, Tuple

from ..autodiff.function import Context, Function
from ..autodiff.graph import is_grad_enabled
from ..core.indexing import reshape_layout
from ..core.tensor import Tensor
from ..core.tensor_data import TensorData
from ..errors import ShapeError

__all__ = ["Permute", "View", "Copy", "view", "reshape"]


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


def _view_data(op: str, a: Tensor, shape: Tuple[int, ...]) -> Optional[TensorData]:
    """`a`'s storage seen as `shape` (sizes resolved), or None when its strides cannot be."""
    data = a._tensor
    shape, strides, is_view = reshape_layout(op, data._shape, data._strides, shape)
    return TensorData._trusted(data._storage, shape, strides, data.size) if is_view else None


class View(Function):
    """The same storage seen with a new shape: row-major data, or strided data whose dims
    group into runs that the new shape can split or merge (`core.indexing.reshape_layout`).

    Shape: (*) -> shape (same number of elements).
    """

    @staticmethod
    def forward(ctx: Context, a: Tensor, shape: Tuple[int, ...]) -> Tensor:
        data = _view_data("view", a, shape)
        if data is None:
            raise ShapeError(
                f"view: the tensor of shape {a.shape} with strides {a._tensor.strides} cannot be seen as {shape} "
                f"without copying; use reshape (which copies when it must) or call .contiguous() first"
            )
        ctx.original = a.shape
        return a._new(data)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        grad = grad_output.contiguous()
        # grad (shape) -> (original shape)
        return grad._new(TensorData._trusted(grad._tensor._storage, ctx.original))


def view(input: Tensor, shape: Tuple[int, ...]) -> Tensor:
    """`input`'s data seen with a new shape, never a copy (as `torch.Tensor.view`); one size
    may be -1. A view with no graph to record is built directly (views are hot).

    Raises:
        ShapeError: sizes that do not multiply to input's, or strides that cannot be seen so.

    Shape:
        (*) -> shape (same number of elements).

    Example:
        >>> view(minitorch.zeros((2, 3)), (3, -1)).shape
        (3, 2)
    """
    if type(shape) is not tuple:  # a list: the layout cache needs a tuple
        shape = tuple(map(int, shape))
    if input.history is None or not is_grad_enabled():
        data = _view_data("view", input, shape)
        if data is not None:
            return input._new(data)
    return View.apply(input, shape)


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
    if type(shape) is not tuple:  # a list: the layout cache needs a tuple
        shape = tuple(map(int, shape))
    data = input._tensor
    shape, strides, is_view = reshape_layout("reshape", data._shape, data._strides, shape)
    if not is_view:  # a row-major copy first (strides None: row-major)
        input = Copy.apply(input)
        data = input._tensor
    if input.history is None or not is_grad_enabled():  # no graph to record: the view directly
        return input._new(TensorData._trusted(data._storage, shape, strides, data.size))
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
