"""Max and average pooling in 1-D and 2-D (PyTorch's functional API), with exact gradients.

One general implementation: the arguments become a `Window` (`core/window.py`) over the
canonical (P, D, H, W) planes (P = N * C, size-1 leading spatial dims), and the backend's
pooling kernels reduce over the window view (max with the first maximum's position, or a sum
times 1 / divisor) and apply its adjoint for the gradient. Padding, dilation, ceil mode and
adaptive windows (`ops/adaptive_pool.py`) only change the `Window`.

Shape:
    N batch, C channels, L length, H height, W width; K kernel size, S stride, P padding,
    D dilation. Each spatial size becomes
        out = floor((in + 2 P - D (K - 1) - 1 + (S - 1 if ceil_mode else 0)) / S) + 1
    (with ceil_mode, a last window that would start in the right padding is dropped).
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any, List, Literal, Optional, Sequence, Tuple, Union, overload

from ..autodiff.function import Context, Function
from ..core.tensor import Tensor
from ..core.window import Window
from ..errors import ShapeError
from .arrays import array, from_array, int_tuple, is_int, namespace
from .conv import lift

__all__ = [
    "MaxPool",
    "AvgPool",
    "divisors",
    "max_pool",
    "pool_window",
    "sliding_window",
    "max_pool1d",
    "max_pool2d",
    "avg_pool1d",
    "avg_pool2d",
]

IntOrTuple = Union[int, Sequence[int]]
MaxPoolResult = Union[Tensor, Tuple[Tensor, Tensor]]  # the output, or (output, indices) with return_indices


@lru_cache(maxsize=256)
def pool_window(
    in_size: Tuple[int, ...],
    kernel: Tuple[int, ...],
    stride: Tuple[int, ...],
    padding: Tuple[int, ...],
    dilation: Tuple[int, ...],
    out_size: Tuple[int, ...],
) -> Window:
    """The (cached) canonical window of a sliding-window pooling; sizes already validated."""
    return Window(
        kernel=lift(kernel, 1),
        stride=lift(stride, 1),
        dilation=lift(dilation, 1),
        padding=lift(padding, 0),
        in_size=lift(in_size, 1),
        out_size=lift(out_size, 1),
    )


def _as_tuple(op: str, name: str, value: IntOrTuple, n: int) -> Tuple[int, ...]:
    values = int_tuple(value, n)
    if len(values) == 1:
        values = values * n
    if len(values) != n or not all(is_int(v) for v in values):
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


def sliding_window(
    op: str,
    input: Tensor,
    n: int,
    kernel_size: IntOrTuple,
    stride: Optional[IntOrTuple],
    padding: IntOrTuple,
    dilation: IntOrTuple,
    ceil_mode: bool,
) -> Window:
    """Validate PyTorch's pooling arguments and return the window."""
    check_pool_input(op, input, n)
    in_size = tuple(input.shape[-n:])
    kernel = _as_tuple(op, "kernel_size", kernel_size, n)
    no_stride = stride is None or (not is_int(stride) and len(stride) == 0)  # type: ignore[arg-type]
    stride_t = kernel if no_stride else _as_tuple(op, "stride", stride, n)  # type: ignore[arg-type]
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
    return pool_window(in_size, kernel, stride_t, padding_t, dilation_t, out)


def _planes(t: Tensor, n: int) -> int:
    """How many planes (leading entries) a tensor with n spatial dims holds (0 for an empty batch)."""
    return math.prod(t.shape[: t.dims - n])


def _out_shape(input_shape: Tuple[int, ...], n: int, window: Window) -> Tuple[int, ...]:
    return input_shape[: len(input_shape) - n] + window.out_size[3 - n :]


class MaxPool(Function):
    """Window maxima; the gradient goes to each window's (first) maximal entry, accumulated.

    forward(input (..., *spatial), window, n spatial dims, indices_out: a list that receives
    the (P, O) flat argmax positions when given).
    """

    @staticmethod
    def forward(ctx: Context, input: Tensor, window: Window, n: int, indices_out: Optional[List[Any]] = None) -> Tensor:
        xp = namespace(input)
        planes = array(input).reshape(_planes(input, n), *window.in_size)  # (..., *spatial) -> (P, D, H, W)
        out = xp.empty((planes.shape[0], *window.out_size), dtype=input.dtype)  # (P, OD, OH, OW)
        indices = xp.empty(out.shape, dtype=xp.int64)
        input.backend.ops.max_pool_forward(planes, window, out, indices)
        ctx.save_for_backward(indices)
        ctx.input_shape, ctx.plane_size = input.shape, math.prod(window.in_size)
        if indices_out is not None:
            indices_out.append(indices)
        return from_array(input, out, _out_shape(input.shape, n, window))

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        (indices,) = ctx.saved_values
        planes = indices.shape[0]
        grad = namespace(grad_output).zeros((planes, ctx.plane_size), dtype=grad_output.dtype)  # (P, S)
        outputs = math.prod(indices.shape[1:])  # spelled out: an empty batch cannot infer it
        g = array(grad_output).reshape(planes, outputs)  # (..., *out) -> (P, O)
        grad_output.backend.ops.max_pool_backward(g, indices.reshape(planes, outputs), grad)
        return from_array(grad_output, grad, ctx.input_shape)


class AvgPool(Function):
    """Window sums times a per-window scale (1 / divisor); the gradient spreads evenly.

    forward(input (..., *spatial), window, n spatial dims, divisor: per output position (O...)).
    """

    @staticmethod
    def forward(ctx: Context, input: Tensor, window: Window, n: int, divisor: Tuple[float, ...]) -> Tensor:
        xp = namespace(input)
        scale = (1.0 / xp.asarray(divisor, dtype=xp.float64)).astype(input.dtype).reshape(window.out_size)
        planes = array(input).reshape(_planes(input, n), *window.in_size)  # (..., *spatial) -> (P, D, H, W)
        out = xp.empty((planes.shape[0], *window.out_size), dtype=input.dtype)  # (P, OD, OH, OW)
        input.backend.ops.avg_pool_forward(planes, window, scale, out)
        ctx.window, ctx.scale, ctx.input_shape, ctx.n = window, scale, input.shape, n
        return from_array(input, out, _out_shape(input.shape, n, window))

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        window, n = ctx.window, ctx.n
        g = array(grad_output).reshape(_planes(grad_output, n), *window.out_size)  # (..., *out) -> (P, OD, OH, OW)
        grad = namespace(grad_output).zeros((g.shape[0], *window.in_size), dtype=grad_output.dtype)  # (P, D, H, W)
        scale = ctx.scale.astype(grad_output.dtype, copy=False)
        grad_output.backend.ops.avg_pool_backward(g, window, scale, grad)
        return from_array(grad_output, grad, ctx.input_shape)


@lru_cache(maxsize=256)
def divisors(window: Window, count_include_pad: bool) -> Tuple[float, ...]:
    """Per output position (row-major over OD, OH, OW): the number of taps in the input, or with
    `count_include_pad` PyTorch's padded window size (the window clipped to the padded input)."""
    per_dim = []
    for dim in range(3):
        size, pad, kernel = window.in_size[dim], window.padding[dim], window.kernel[dim]
        sizes = []
        for start, width in zip(window.starts(dim), window.widths(dim)):
            if count_include_pad and not window.adaptive:
                sizes.append(min(start + kernel, size + pad) - start)
            else:  # taps that read the input (no dilation in average pooling)
                sizes.append(max(0, min(start + width, size) - max(start, 0)))
        per_dim.append(sizes)
    return tuple(float(d * h * w) for d in per_dim[0] for h in per_dim[1] for w in per_dim[2])


def max_pool(input: Tensor, window: Window, n: int, return_indices: bool) -> MaxPoolResult:
    """Max pooling over `window` (ordinary or adaptive), with the argmax positions on request."""
    if not return_indices:
        return MaxPool.apply(input, window, n)
    sink: List[Any] = []
    out = MaxPool.apply(input, window, n, sink)
    return out, from_array(out, sink[0], out.shape)  # int64 (P, OD, OH, OW) -> the output's shape


def _max_pool(op: str, n: int, input: Tensor, kernel_size: IntOrTuple, stride: Optional[IntOrTuple], padding: IntOrTuple,
              dilation: IntOrTuple, ceil_mode: bool, return_indices: bool) -> MaxPoolResult:
    window = sliding_window(op, input, n, kernel_size, stride, padding, dilation, ceil_mode)
    return max_pool(input, window, n, return_indices)


@overload
def max_pool1d(input: Tensor, kernel_size: IntOrTuple, stride: Optional[IntOrTuple] = ..., padding: IntOrTuple = ...,
               dilation: IntOrTuple = ..., ceil_mode: bool = ..., return_indices: Literal[False] = ...) -> Tensor: ...
@overload
def max_pool1d(input: Tensor, kernel_size: IntOrTuple, stride: Optional[IntOrTuple] = ..., padding: IntOrTuple = ...,
               dilation: IntOrTuple = ..., ceil_mode: bool = ..., *, return_indices: Literal[True]) -> Tuple[Tensor, Tensor]: ...
@overload
def max_pool1d(input: Tensor, kernel_size: IntOrTuple, stride: Optional[IntOrTuple] = ..., padding: IntOrTuple = ...,
               dilation: IntOrTuple = ..., ceil_mode: bool = ..., return_indices: bool = ...) -> MaxPoolResult: ...


def max_pool1d(
    input: Tensor,
    kernel_size: IntOrTuple,
    stride: Optional[IntOrTuple] = None,
    padding: IntOrTuple = 0,
    dilation: IntOrTuple = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> MaxPoolResult:
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
        return_indices: also return the flat argmax positions (an int64 tensor).

    Shape:
        (N, C, L) -> (N, C, L_out), L_out from the module's formula.

    Example:
        >>> x = minitorch.tensor([[[1.0, 3.0, 2.0, 5.0]]])
        >>> max_pool1d(x, 2).shape
        (1, 1, 2)
    """
    return _max_pool("max_pool1d", 1, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


@overload
def max_pool2d(input: Tensor, kernel_size: IntOrTuple, stride: Optional[IntOrTuple] = ..., padding: IntOrTuple = ...,
               dilation: IntOrTuple = ..., ceil_mode: bool = ..., return_indices: Literal[False] = ...) -> Tensor: ...
@overload
def max_pool2d(input: Tensor, kernel_size: IntOrTuple, stride: Optional[IntOrTuple] = ..., padding: IntOrTuple = ...,
               dilation: IntOrTuple = ..., ceil_mode: bool = ..., *, return_indices: Literal[True]) -> Tuple[Tensor, Tensor]: ...
@overload
def max_pool2d(input: Tensor, kernel_size: IntOrTuple, stride: Optional[IntOrTuple] = ..., padding: IntOrTuple = ...,
               dilation: IntOrTuple = ..., ceil_mode: bool = ..., return_indices: bool = ...) -> MaxPoolResult: ...


def max_pool2d(
    input: Tensor,
    kernel_size: IntOrTuple,
    stride: Optional[IntOrTuple] = None,
    padding: IntOrTuple = 0,
    dilation: IntOrTuple = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> MaxPoolResult:
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
        return_indices: also return flat argmax positions h * W + w (an int64 tensor).

    Shape:
        (N, C, H, W) -> (N, C, H_out, W_out), each from the module's formula.

    Example:
        >>> x = minitorch.rand((2, 3, 8, 8))
        >>> max_pool2d(x, 2).shape
        (2, 3, 4, 4)
    """
    return _max_pool("max_pool2d", 2, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def _avg_pool(op: str, n: int, input: Tensor, kernel_size: IntOrTuple, stride: Optional[IntOrTuple], padding: IntOrTuple,
              ceil_mode: bool, count_include_pad: bool, divisor_override: Optional[int] = None) -> Tensor:
    window = sliding_window(op, input, n, kernel_size, stride, padding, 1, ceil_mode)
    if divisor_override is not None:
        if divisor_override == 0:
            raise ShapeError(f"{op}: divisor_override must be non-zero")
        divisor = (float(divisor_override),) * math.prod(window.out_size)
    else:
        divisor = divisors(window, count_include_pad)
    return AvgPool.apply(input, window, n, divisor)


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
