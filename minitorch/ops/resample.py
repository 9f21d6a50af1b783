"""Resampling by an integer factor along the last one or two dims (zero-insertion / decimation),
the CMU 11-785 homework's (HW2P1) up- and downsampling.

upsample_zeros inserts k - 1 zeros between neighbouring samples; downsample keeps every k-th
sample. They are each other's adjoints: upsample_zeros' backward is downsample of the gradient,
and downsample's backward is upsample_zeros of the gradient, padded with zeros back to the
original size (which matters when k does not divide W - 1). (PyTorch's `upsample` is
interpolation: `ops/interpolate.py`.)

Shape:
    upsample_zeros: (*, W) -> (*, k (W - 1) + 1)      (and the same for H with dims=2)
    downsample:     (*, W) -> (*, (W - 1) // k + 1)
"""

from __future__ import annotations

from typing import Any, Sequence, Tuple, Union

from ..autodiff.function import Context, Function
from ..core.tensor import Tensor
from ..errors import DTypeError, ShapeError
from .arrays import array, from_array, int_tuple, is_int, namespace

__all__ = ["UpsampleZeros", "Downsample", "upsample_zeros", "downsample"]


def _every(factors: Tuple[int, ...]) -> tuple:
    """The numpy index taking every k-th sample of the last len(factors) dims."""
    return (Ellipsis,) + tuple(slice(None, None, k) for k in factors)


def _scatter(like: Tensor, values: Any, shape: Tuple[int, ...], factors: Tuple[int, ...]) -> Tensor:
    """A zero tensor of `shape` with `values` at every k-th position of the last dims."""
    out = namespace(like).zeros(shape, dtype=values.dtype)
    out[_every(factors)] = values
    return from_array(like, out)


def _gather(like: Tensor, values: Any, factors: Tuple[int, ...]) -> Tensor:
    """Every k-th sample of the last dims of `values`, as a contiguous tensor."""
    return from_array(like, values[_every(factors)])


class UpsampleZeros(Function):
    """Zero-insertion; backward keeps every k-th gradient entry."""

    @staticmethod
    def forward(ctx: Context, input: Tensor, factors: Tuple[int, ...]) -> Tensor:
        n = len(factors)
        shape = input.shape[:-n] + tuple(k * (s - 1) + 1 for s, k in zip(input.shape[-n:], factors))
        ctx.factors = factors
        return _scatter(input, array(input), shape, factors)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        return _gather(grad_output, array(grad_output), ctx.factors)


class Downsample(Function):
    """Every k-th sample; backward puts the gradient back at those positions, zeros elsewhere."""

    @staticmethod
    def forward(ctx: Context, input: Tensor, factors: Tuple[int, ...]) -> Tensor:
        ctx.factors, ctx.input_shape = factors, input.shape
        return _gather(input, array(input), factors)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        return _scatter(grad_output, array(grad_output), ctx.input_shape, ctx.factors)


def _factors(op: str, input: Tensor, factor: Union[int, Sequence[int]], dims: int) -> Tuple[int, ...]:
    if not isinstance(input, Tensor):
        raise DTypeError(f"{op}: input must be a minitorch Tensor, got {type(input).__name__}")
    if dims not in (1, 2):
        raise ShapeError(f"{op}: dims must be 1 (last dim) or 2 (last two dims), got {dims!r}")
    factors = int_tuple(factor, dims)
    if len(factors) != dims or not all(is_int(k) and k >= 1 for k in factors):
        raise ShapeError(f"{op}: factor must be a positive int or a tuple of {dims} positive ints, got {factor!r}")
    if input.dims < dims or min(input.shape[-dims:]) < 1:
        raise ShapeError(f"{op}: input of shape {input.shape} needs {dims} non-empty trailing dims to resample")
    return tuple(int(k) for k in factors)


def upsample_zeros(input: Tensor, factor: Union[int, Sequence[int]], dims: int = 1) -> Tensor:
    """Insert factor - 1 zeros between neighbouring samples of the last `dims` dims.

    out[..., k i] = x[..., i] and out is 0 elsewhere, for i < W; so W -> k (W - 1) + 1.

    Args:
        input: (*, W) for dims=1, (*, H, W) for dims=2.
        factor: k, or (k_h, k_w) for dims=2.
        dims: how many trailing dims to resample (1 or 2). Default 1.

    Shape:
        (*, W) -> (*, k (W - 1) + 1); (*, H, W) -> (*, k_h (H - 1) + 1, k_w (W - 1) + 1).

    Example:
        >>> upsample_zeros(minitorch.tensor([[1.0, 2.0, 3.0]]), 2).to_numpy().tolist()
        [[1.0, 0.0, 2.0, 0.0, 3.0]]
    """
    return UpsampleZeros.apply(input, _factors("upsample_zeros", input, factor, dims))


def downsample(input: Tensor, factor: Union[int, Sequence[int]], dims: int = 1) -> Tensor:
    """Keep every factor-th sample of the last `dims` dims, starting with the first.

    out[..., i] = x[..., k i]; W -> (W - 1) // k + 1. The backward pass restores the input
    size exactly, with zeros at the dropped samples.

    Args:
        input: (*, W) for dims=1, (*, H, W) for dims=2.
        factor: k, or (k_h, k_w) for dims=2.
        dims: how many trailing dims to resample (1 or 2). Default 1.

    Shape:
        (*, W) -> (*, (W - 1) // k + 1); likewise for H with dims=2.

    Example:
        >>> downsample(minitorch.tensor([[1.0, 2.0, 3.0, 4.0]]), 2).to_numpy().tolist()
        [[1.0, 3.0]]
    """
    return Downsample.apply(input, _factors("downsample", input, factor, dims))
