"""Movement: permute, view and contiguous copy. Permute and view never copy.

Shape:
    permute: (d_0, ..., d_n) -> (d_order[0], ..., d_order[n])
    view:    (*) -> shape, same number of elements; one size may be -1
"""

from __future__ import annotations

from typing import Tuple

from ..autodiff.function import Context, Function
from ..core.tensor import Tensor
from ..core.tensor_data import TensorData
from ..errors import ShapeError

__all__ = ["Permute", "View", "Copy"]


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
    """The same contiguous storage with a new shape.

    Shape: (*) -> shape (same number of elements).
    """

    @staticmethod
    def forward(ctx: Context, a: Tensor, shape: Tuple[int, ...]) -> Tensor:
        if not a._tensor.is_contiguous():
            raise ShapeError(
                f"view: the tensor of shape {a.shape} with strides {a._tensor.strides} is not "
                f"contiguous; call .contiguous() first (or use reshape)"
            )
        shape = _resolve_shape("view", a.shape, a.size, shape)
        ctx.original = a.shape
        return a._new(TensorData._trusted(a._tensor._storage, shape))

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        grad = grad_output.contiguous()
        # grad (shape) -> (original shape)
        return grad._new(TensorData._trusted(grad._tensor._storage, ctx.original))


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
