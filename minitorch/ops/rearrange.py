"""Rearranging entries: `flip`, `roll` (copies, as PyTorch) and `movedim` (a view).

flip reverses dims (its gradient is g flipped back: flip is its own inverse); roll shifts
entries cyclically (its gradient is g rolled back); movedim moves dims to new places (a
permutation: no copy).

Shape:
    (*) -> (*) for flip and roll; movedim reorders the dims.
"""

from __future__ import annotations

from typing import Optional, Sequence, Tuple, Union

from ..autodiff.function import Context, Function
from ..core.tensor import Tensor
from ..errors import ShapeError
from .arrays import array, from_array, int_tuple, is_int, namespace
from .rows import normalise_dims

__all__ = ["Flip", "Roll", "flip", "roll", "movedim"]

Dims = Union[int, Sequence[int]]


class Flip(Function):
    """The entries in reverse order along `dims` (a copy); the gradient is g flipped back."""

    @staticmethod
    def forward(ctx: Context, a: Tensor, dims: Tuple[int, ...]) -> Tensor:
        ctx.dims = dims
        return from_array(a, namespace(a).flip(array(a), axis=dims))

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        return from_array(grad_output, namespace(grad_output).flip(array(grad_output), axis=ctx.dims))


def flip(input: Tensor, dims: Dims) -> Tensor:
    """`input` reversed along each of `dims` (as `torch.flip`; a copy).

    out[..., i, ...] = input[..., n - 1 - i, ...] along every flipped dim.

    Shape:
        (*) -> (*).

    Example:
        >>> flip(minitorch.tensor([[1.0, 2.0], [3.0, 4.0]]), [1]).tolist()
        [[2.0, 1.0], [4.0, 3.0]]
    """
    if input.dims == 0:
        return input.clone()
    return Flip.apply(input, normalise_dims("flip", dims, input.dims))


class Roll(Function):
    """Entries shifted cyclically by `shifts` along `dims` (a copy); the gradient is g rolled back."""

    @staticmethod
    def forward(ctx: Context, a: Tensor, shifts: Tuple[int, ...], dims: Tuple[int, ...]) -> Tensor:
        ctx.shifts, ctx.dims = shifts, dims
        return from_array(a, namespace(a).roll(array(a), shifts, axis=dims))

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        back = tuple(-s for s in ctx.shifts)
        return from_array(grad_output, namespace(grad_output).roll(array(grad_output), back, axis=ctx.dims))


def roll(input: Tensor, shifts: Dims, dims: Optional[Dims] = None) -> Tensor:
    """`input` shifted cyclically by `shifts` along `dims` (as `torch.roll`; a copy).

    out[..., (i + s) mod n, ...] = input[..., i, ...]. Without dims the flattened tensor is
    rolled and viewed back in shape.

    Raises:
        ShapeError: shifts and dims of different lengths.

    Shape:
        (*) -> (*).

    Example:
        >>> roll(minitorch.tensor([1.0, 2.0, 3.0]), 1).tolist()
        [3.0, 1.0, 2.0]
    """
    if dims is None:
        if not is_int(shifts):
            raise ShapeError(f"roll: without dims, shifts must be one int, got {shifts!r}")
        flat = input.reshape(input.size)  # (*) -> (size,)
        return Roll.apply(flat, (int(shifts),), (0,)).view(*input.shape)
    dims_t = normalise_dims("roll", dims, input.dims) if input.dims else (0,)
    shifts_t = int_tuple(shifts, len(dims_t))
    if len(shifts_t) != len(dims_t):
        raise ShapeError(f"roll: {len(shifts_t)} shifts for {len(dims_t)} dims; give one shift per dim")
    if input.dims == 0:
        return input.clone()
    return Roll.apply(input, tuple(int(s) for s in shifts_t), dims_t)


def movedim(input: Tensor, source: Dims, destination: Dims) -> Tensor:
    """`input` with the dims at `source` moved to `destination`, the others keeping their
    order (as `torch.movedim`; a view).

    Raises:
        ShapeError: source and destination of different lengths.

    Shape:
        movedim(x, 0, -1): (d_0, d_1, ..., d_n) -> (d_1, ..., d_n, d_0).

    Example:
        >>> movedim(minitorch.zeros((2, 3, 4)), 0, -1).shape
        (3, 4, 2)
    """
    src = normalise_dims("movedim", source, input.dims)
    dst = normalise_dims("movedim", destination, input.dims)
    if len(src) != len(dst):
        raise ShapeError(f"movedim: source {source!r} and destination {destination!r} must name as many dims")
    order = [-1] * input.dims
    for s, d in zip(src, dst):
        order[d] = s
    rest = iter(d for d in range(input.dims) if d not in src)
    order = [next(rest) if o == -1 else o for o in order]
    return input.permute(*order)
