"""Max and average pooling in 1-D and 2-D (PyTorch's functional API), with exact gradients.

One general implementation: the spatial dims of every plane (one (n, c) pair) are flattened
and each output position gathers its window through a table built once per geometry
(`pool_windows`): padding, dilation, ceil mode and adaptive windows only change the table.
The backend's pooling kernels (`backends/simple_pool.py`, `backends/fast_pool.py`) do the rest.

Shape:
    N batch, C channels, L length, H height, W width; K kernel size, S stride, P padding,
    D dilation. Each spatial size becomes
        out = floor((in + 2 P - D (K - 1) - 1 + (S - 1 if ceil_mode else 0)) / S) + 1
    (with ceil_mode, a last window that would start in the right padding is dropped).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import List, Optional, Sequence, Tuple, Union

import numpy as np

from ..autodiff.function import Context, Function
from ..core.tensor import Tensor
from ..core.tensor_data import TensorData
from ..errors import ShapeError

__all__ = [
    "PoolWindows",
    "MaxPool",
    "AvgPool",
    "pool_windows",
    "max_pool1d",
    "max_pool2d",
    "avg_pool1d",
    "avg_pool2d",
]

IntOrTuple = Union[int, Sequence[int]]


@dataclass(frozen=True)
class PoolWindows:
    """The gather table of one pooling geometry (see `backends/simple_pool.py`).

    taps: (T, O) int64 flat positions in a plane; counts: (O,) valid taps per output;
    padded: (O,) window size counting padding (PyTorch's `count_include_pad` divisor);
    in_size / out_size: spatial sizes, e.g. (H, W) and (H_out, W_out).
    """

    taps: np.ndarray
    counts: np.ndarray
    padded: np.ndarray
    in_size: Tuple[int, ...]
    out_size: Tuple[int, ...]


def combine_windows(in_size: Tuple[int, ...], dims: List[Tuple[np.ndarray, np.ndarray, np.ndarray]]) -> PoolWindows:
    """Per-dim windows (positions (O_i, K_i), valid (O_i, K_i), padded sizes (O_i,)) -> one table."""
    flat, valid, padded = dims[0]
    for size, (pos, ok, pad) in zip(in_size[1:], dims[1:]):
        outs, taps = flat.shape[0] * pos.shape[0], flat.shape[1] * pos.shape[1]
        # (O_a, K_a) x (O_b, K_b) -> (O_a, O_b, K_a, K_b) -> (O_a * O_b, K_a * K_b), row-major taps
        flat = (flat[:, None, :, None] * size + pos[None, :, None, :]).reshape(outs, taps)
        valid = (valid[:, None, :, None] & ok[None, :, None, :]).reshape(outs, taps)
        padded = (padded[:, None] * pad[None, :]).reshape(outs)
    counts = valid.sum(axis=1)  # 0 for a window entirely in the padding (max pooling gives -inf there)
    order = np.argsort(~valid, axis=1, kind="stable")  # valid taps first, window order kept
    flat = np.take_along_axis(flat, order, axis=1)
    flat = np.where(np.arange(flat.shape[1])[None, :] < counts[:, None], flat, 0)
    out_size = tuple(pos.shape[0] for pos, _, _ in dims)
    # (O, T) -> (T, O): the kernels loop taps outside, outputs inside
    return PoolWindows(np.ascontiguousarray(flat.T, dtype=np.int64), counts.astype(np.int64), padded, in_size, out_size)


@lru_cache(maxsize=256)
def pool_windows(
    in_size: Tuple[int, ...],
    kernel: Tuple[int, ...],
    stride: Tuple[int, ...],
    padding: Tuple[int, ...],
    dilation: Tuple[int, ...],
    out_size: Tuple[int, ...],
) -> PoolWindows:
    """The (cached) gather table of a sliding-window pooling; sizes already validated."""
    dims = []
    for size, k, s, p, d, out in zip(in_size, kernel, stride, padding, dilation, out_size):
        starts = np.arange(out) * s - p  # (O,)
        pos = starts[:, None] + np.arange(k)[None, :] * d  # (O, K)
        ok = (pos >= 0) & (pos < size)
        padded = np.minimum(starts + k, size + p) - starts  # PyTorch's padded window size
        dims.append((pos, ok, padded))
    return combine_windows(in_size, dims)


def _as_tuple(op: str, name: str, value: IntOrTuple, n: int) -> Tuple[int, ...]:
    values = (value,) * n if isinstance(value, (int, np.integer)) else tuple(value)
    if len(values) == 1:
        values = values * n
    if len(values) != n or not all(isinstance(v, (int, np.integer)) for v in values):
        raise ShapeError(f"{op}: {name} must be an int or a tuple of {n} ints, got {value!r}")
    return tuple(int(v) for v in values)


def output_size(size: int, kernel: int, stride: int, padding: int, dilation: int, ceil_mode: bool) -> int:
    """PyTorch's pooling output size along one dim (see the module's Shape section)."""
    span = size + 2 * padding - dilation * (kernel - 1) - 1 + (stride - 1 if ceil_mode else 0)
    out = span // stride + 1
    if ceil_mode and (out - 1) * stride >= size + padding:
        out -= 1
    return out


def check_pool_input(op: str, input: Tensor, n: int) -> None:
    """Pooling over n spatial dims takes (N, C, *spatial) or (C, *spatial)."""
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: input must be a minitorch Tensor, got {type(input).__name__}")
    if input.dims not in (n + 1, n + 2) or min(input.shape[-n:]) < 1:
        names = "(N, C, L) or (C, L)" if n == 1 else "(N, C, H, W) or (C, H, W)"
        raise ShapeError(f"{op}: expected input of shape {names} with non-empty spatial dims, got {input.shape}")


def sliding_windows(
    op: str,
    input: Tensor,
    n: int,
    kernel_size: IntOrTuple,
    stride: Optional[IntOrTuple],
    padding: IntOrTuple,
    dilation: IntOrTuple,
    ceil_mode: bool,
) -> PoolWindows:
    """Validate PyTorch's pooling arguments and return the window table."""
    check_pool_input(op, input, n)
    in_size = tuple(input.shape[-n:])
    kernel = _as_tuple(op, "kernel_size", kernel_size, n)
    no_stride = stride is None or (not isinstance(stride, (int, np.integer)) and len(stride) == 0)
    stride_t = kernel if no_stride else _as_tuple(op, "stride", stride, n)
    padding_t = _as_tuple(op, "padding", padding, n)
    dilation_t = _as_tuple(op, "dilation", dilation, n)
    if min(kernel) < 1 or min(stride_t) < 1 or min(dilation_t) < 1 or min(padding_t) < 0:
        raise ShapeError(
            f"{op}: kernel_size {kernel}, stride {stride_t} and dilation {dilation_t} must be positive "
            f"and padding {padding_t} non-negative"
        )
    for k, p in zip(kernel, padding_t):
        if p > k // 2:
            raise ShapeError(
                f"{op}: padding {padding_t} is more than half the kernel size {kernel}; "
                f"use padding <= kernel_size // 2"
            )
    out = tuple(
        output_size(size, k, s, p, d, ceil_mode)
        for size, k, s, p, d in zip(in_size, kernel, stride_t, padding_t, dilation_t)
    )
    if min(out) < 1:
        raise ShapeError(
            f"{op}: kernel {kernel} (dilation {dilation_t}) is larger than the padded input {in_size} "
            f"(padding {padding_t}); use a smaller kernel or more padding"
        )
    return pool_windows(in_size, kernel, stride_t, padding_t, dilation_t, out)


def _planes(t: Tensor, n: int) -> np.ndarray:
    """(..., *spatial) -> (P, S): one row per plane, spatial dims flattened."""
    lead, spatial = math.prod(t.shape[:-n]), math.prod(t.shape[-n:])
    return t.to_numpy().reshape(lead, spatial)  # (*lead, *spatial) -> (P, S); copies only when strided


def wrap_array(like: Tensor, array: np.ndarray, shape: Tuple[int, ...]) -> Tensor:
    """A tensor over the C-contiguous numpy `array`, viewed as `shape`, on `like`'s backend."""
    return like._new(TensorData._trusted(array.reshape(-1), tuple(shape)))


class MaxPool(Function):
    """Window maxima; the gradient goes to each window's (first) maximal entry, accumulated."""

    @staticmethod
    def forward(ctx: Context, input: Tensor, windows: PoolWindows, indices_out: Optional[list] = None) -> Tensor:
        n = len(windows.in_size)
        planes = _planes(input, n)  # (P, S)
        out = np.empty((planes.shape[0], windows.taps.shape[1]), dtype=input.dtype)  # (P, O)
        indices = np.empty(out.shape, dtype=np.int64)
        input.backend.ops.max_pool_forward(planes, windows.taps, windows.counts, out, indices)
        ctx.save_for_backward(indices)
        ctx.input_shape, ctx.out_size = input.shape, windows.out_size
        if indices_out is not None:
            indices_out.append(indices)
        return wrap_array(input, out, input.shape[:-n] + windows.out_size)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        (indices,) = ctx.saved_values
        n = len(ctx.out_size)
        grad = np.zeros((indices.shape[0], math.prod(ctx.input_shape[-n:])), dtype=grad_output.dtype)  # (P, S)
        g = grad_output.to_numpy().reshape(indices.shape)  # (..., *out) -> (P, O)
        grad_output.backend.ops.max_pool_backward(g, indices, grad)
        return wrap_array(grad_output, grad, ctx.input_shape)


class AvgPool(Function):
    """Window sums times a per-window scale (1 / divisor); the gradient spreads evenly."""

    @staticmethod
    def forward(ctx: Context, input: Tensor, windows: PoolWindows, divisor: np.ndarray) -> Tensor:
        n = len(windows.in_size)
        scale = (1.0 / divisor).astype(input.dtype)
        planes = _planes(input, n)  # (P, S)
        out = np.empty((planes.shape[0], windows.taps.shape[1]), dtype=input.dtype)  # (P, O)
        input.backend.ops.avg_pool_forward(planes, windows.taps, windows.counts, scale, out)
        ctx.windows, ctx.scale, ctx.input_shape = windows, scale, input.shape
        return wrap_array(input, out, input.shape[:-n] + windows.out_size)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        windows = ctx.windows
        planes = math.prod(ctx.input_shape[: -len(windows.in_size)])
        g = grad_output.to_numpy().reshape(planes, windows.taps.shape[1])  # (..., *out) -> (P, O)
        grad = np.zeros((planes, math.prod(windows.in_size)), dtype=grad_output.dtype)  # (P, S)
        scale = ctx.scale.astype(grad_output.dtype, copy=False)
        grad_output.backend.ops.avg_pool_backward(g, windows.taps, windows.counts, scale, grad)
        return wrap_array(grad_output, grad, ctx.input_shape)


def _max_pool(op, n, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices):
    windows = sliding_windows(op, input, n, kernel_size, stride, padding, dilation, ceil_mode)
    if not return_indices:
        return MaxPool.apply(input, windows)
    sink: list = []
    out = MaxPool.apply(input, windows, sink)
    indices = sink[0].astype(np.float64)  # (P, O), exact integers
    return out, wrap_array(out, indices, out.shape)


def max_pool1d(
    input: Tensor,
    kernel_size: IntOrTuple,
    stride: Optional[IntOrTuple] = None,
    padding: IntOrTuple = 0,
    dilation: IntOrTuple = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
):
    """1-D max pooling over the last dim (as `torch.nn.functional.max_pool1d`).

    out[n, c, l] = max_{k < K} x[n, c, l * S - P + k * D] over in-range positions; padding
    never wins. The gradient flows to each window's first maximal entry and accumulates where
    windows overlap (stride < kernel_size).

    Args:
        input: (N, C, L) or (C, L).
        kernel_size: K.
        stride: S, default `kernel_size`.
        padding: P implicit -inf on both sides, at most K // 2. Default 0.
        dilation: D, spacing of the taps. Default 1.
        ceil_mode: round the output size up instead of down. Default False.
        return_indices: also return the flat argmax positions (float64 tensor of integers).

    Shape:
        (N, C, L) -> (N, C, L_out), L_out from the module's formula.

    Example:
        >>> x = minitorch.tensor([[[1.0, 3.0, 2.0, 5.0]]])
        >>> max_pool1d(x, 2).shape
        (1, 1, 2)
    """
    return _max_pool("max_pool1d", 1, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool2d(
    input: Tensor,
    kernel_size: IntOrTuple,
    stride: Optional[IntOrTuple] = None,
    padding: IntOrTuple = 0,
    dilation: IntOrTuple = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
):
    """2-D max pooling over the last two dims (as `torch.nn.functional.max_pool2d`).

    out[n, c, i, j] = max over in-range (i * S_h - P_h + a * D_h, j * S_w - P_w + b * D_w),
    a < K_h, b < K_w. Ties: the first maximum in row-major window order gets the gradient.

    Args:
        input: (N, C, H, W) or (C, H, W).
        kernel_size: K or (K_h, K_w).
        stride: S or (S_h, S_w), default `kernel_size`.
        padding: P or (P_h, P_w) implicit -inf, at most half the kernel. Default 0.
        dilation: D or (D_h, D_w). Default 1.
        ceil_mode: round output sizes up instead of down. Default False.
        return_indices: also return flat argmax positions h * W + w (float64 tensor).

    Shape:
        (N, C, H, W) -> (N, C, H_out, W_out), each from the module's formula.

    Example:
        >>> x = minitorch.rand((2, 3, 8, 8))
        >>> max_pool2d(x, 2).shape
        (2, 3, 4, 4)
    """
    return _max_pool("max_pool2d", 2, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def _avg_pool(op, n, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override=None):
    windows = sliding_windows(op, input, n, kernel_size, stride, padding, 1, ceil_mode)
    if divisor_override is not None:
        if divisor_override == 0:
            raise ShapeError(f"{op}: divisor_override must be non-zero")
        divisor = np.full(windows.counts.shape, float(divisor_override))
    else:
        divisor = (windows.padded if count_include_pad else windows.counts).astype(np.float64)
    return AvgPool.apply(input, windows, divisor)


def avg_pool1d(
    input: Tensor,
    kernel_size: IntOrTuple,
    stride: Optional[IntOrTuple] = None,
    padding: IntOrTuple = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
) -> Tensor:
    """1-D average pooling over the last dim (as `torch.nn.functional.avg_pool1d`).

    out[n, c, l] = (1 / |window|) * sum_{k < K} x[n, c, l * S - P + k] (zero padding), where
    |window| counts the padding when `count_include_pad`, else only in-range entries.

    Args:
        input: (N, C, L) or (C, L).
        kernel_size: K.
        stride: S, default `kernel_size`.
        padding: P implicit zeros on both sides, at most K // 2. Default 0.
        ceil_mode: round the output size up. Default False.
        count_include_pad: divide by the padded window size. Default True.

    Shape:
        (N, C, L) -> (N, C, L_out).

    Example:
        >>> avg_pool1d(minitorch.tensor([[[1.0, 3.0, 2.0, 6.0]]]), 2).to_numpy().tolist()
        [[[2.0, 4.0]]]
    """
    return _avg_pool("avg_pool1d", 1, input, kernel_size, stride, padding, ceil_mode, count_include_pad)


def avg_pool2d(
    input: Tensor,
    kernel_size: IntOrTuple,
    stride: Optional[IntOrTuple] = None,
    padding: IntOrTuple = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: Optional[int] = None,
) -> Tensor:
    """2-D average pooling over the last two dims (as `torch.nn.functional.avg_pool2d`).

    out[n, c, i, j] = (1 / |window|) * sum over the K_h x K_w window at
    (i * S_h - P_h, j * S_w - P_w), zero padding.

    Args:
        input: (N, C, H, W) or (C, H, W).
        kernel_size: K or (K_h, K_w).
        stride: S or (S_h, S_w), default `kernel_size`.
        padding: P or (P_h, P_w) implicit zeros, at most half the kernel. Default 0.
        ceil_mode: round output sizes up. Default False.
        count_include_pad: divide by the padded window size. Default True.
        divisor_override: divide by this instead. Default None.

    Shape:
        (N, C, H, W) -> (N, C, H_out, W_out).

    Example:
        >>> avg_pool2d(minitorch.ones((1, 1, 4, 4)), 2).shape
        (1, 1, 2, 2)
    """
    return _avg_pool(
        "avg_pool2d", 2, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override
    )
