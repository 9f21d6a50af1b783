"""The MiniTorch course's convolutions: `conv1d`, `conv2d`, `Conv1dFun`, `Conv2dFun`, `unroll`.

The course anchors the kernel at the left (top-left) of each window and keeps the output as
wide (and high) as the input, reading zeros past the right (bottom) edge:

    out[b, o, i] = sum_{c, k} weight[o, c, k] * input[b, c, i + k]      (0 when i + k >= W)

That is a general convolution with low padding 0 and output size = input size, so these are
thin wrappers over `ops.conv.Conv`; their gradients are the general ones.

Shape:
    B batch, C_in / C_out channels, W width, H height, K (KH, KW) kernel size.
"""

from __future__ import annotations

from typing import Tuple

from ..autodiff.function import Context, Function
from ..core.tensor import Tensor
from ..core.window import Window
from ..errors import ShapeError
from .arrays import array, from_array, is_int, namespace
from .conv import Conv, canonical, lift

__all__ = ["Conv1dFun", "Conv2dFun", "Unroll", "conv1d", "conv2d", "course_geometry", "unroll"]


def course_geometry(op: str, input_shape: Tuple[int, ...], weight_shape: Tuple[int, ...], n: int) -> Window:
    """The windows of the course's 'same width, anchored left' convolution with n spatial dims."""
    names = ("B, C_in, W", "B, C_in, H, W")[n - 1]
    kernel_names = ("C_out, C_in, K", "C_out, C_in, KH, KW")[n - 1]
    if len(input_shape) != n + 2:
        raise ShapeError(f"{op}: input must have {n + 2} dims ({names}), got shape {input_shape}")
    if len(weight_shape) != n + 2:
        raise ShapeError(f"{op}: weight must have {n + 2} dims ({kernel_names}), got shape {weight_shape}")
    if input_shape[1] != weight_shape[1]:
        raise ShapeError(
            f"{op}: input has C_in={input_shape[1]} channels but weight {weight_shape} expects {weight_shape[1]}"
        )
    if min(weight_shape[2:]) < 1:
        raise ShapeError(f"{op}: kernel {weight_shape[2:]} must be at least 1 in every dim")
    size = lift(tuple(input_shape[2:]), 1)
    return Window(
        kernel=lift(tuple(weight_shape[2:]), 1),
        stride=(1, 1, 1),
        dilation=(1, 1, 1),
        padding=(0, 0, 0),
        in_size=size,
        out_size=size,
    )


class Conv1dFun(Conv):
    """The course's 1-D convolution Function: `Conv1dFun.apply(input, weight)`."""

    @classmethod
    def apply(cls, input: Tensor, weight: Tensor) -> Tensor:
        window = course_geometry("conv1d", input.shape, weight.shape, 1)
        return super().apply(input, weight, None, window, 1)


class Conv2dFun(Conv):
    """The course's 2-D convolution Function: `Conv2dFun.apply(input, weight)`."""

    @classmethod
    def apply(cls, input: Tensor, weight: Tensor) -> Tensor:
        window = course_geometry("conv2d", input.shape, weight.shape, 2)
        return super().apply(input, weight, None, window, 1)


def conv1d(input: Tensor, weight: Tensor) -> Tensor:
    """The course's 1-D convolution: same width as the input, kernel anchored left.

    out[b, o, i] = sum_{c, k} weight[o, c, k] * input[b, c, i + k], zeros past the right edge.

    Args:
        input: (B, C_in, W), any strides.
        weight: (C_out, C_in, K).

    Shape:
        output (B, C_out, W).

    Example:
        >>> x = minitorch.tensor([[[0.0, 1.0, 2.0, 3.0]]])
        >>> conv1d(x, minitorch.tensor([[[1.0, 2.0, 3.0]]])).to_numpy().tolist()
        [[[8.0, 14.0, 8.0, 3.0]]]
    """
    return Conv1dFun.apply(input, weight)


def conv2d(input: Tensor, weight: Tensor) -> Tensor:
    """The course's 2-D convolution: same height and width as the input, kernel anchored top-left.

    out[b, o, i, j] = sum_{c, kh, kw} weight[o, c, kh, kw] * input[b, c, i + kh, j + kw],
    zeros past the bottom and right edges.

    Args:
        input: (B, C_in, H, W), any strides.
        weight: (C_out, C_in, KH, KW).

    Shape:
        output (B, C_out, H, W).

    Example:
        >>> x = minitorch.ones((1, 1, 2, 2))
        >>> conv2d(x, minitorch.ones((1, 1, 2, 2))).to_numpy().tolist()
        [[[[4.0, 2.0], [2.0, 1.0]]]]
    """
    return Conv2dFun.apply(input, weight)


class Unroll(Function):
    """(B, C, W) -> (B, W, C * K): row i holds the window input[b, :, i : i + K] (zeros past the end)."""

    @staticmethod
    def forward(ctx: Context, input: Tensor, kernel: int) -> Tensor:
        batch, channels, width = input.shape
        window = course_geometry("unroll", input.shape, (1, channels, kernel), 1)
        x = canonical(input, input.dtype)  # (B, C, 1, 1, W)
        # (C, 1, 1, K, B, 1, 1, W): the unfold kernel's layout
        cols = namespace(input).empty((channels, 1, 1, kernel, batch, 1, 1, width), dtype=input.dtype)
        input.backend.ops.unfold(x, window, cols)
        ctx.window, ctx.input_shape = window, input.shape
        # (C * K, B, W) -> (B, W, C * K)
        rows = cols.reshape(channels * kernel, batch, width).transpose(1, 2, 0)
        return from_array(input, rows, (batch, width, channels * kernel))

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        window, (batch, channels, width) = ctx.window, ctx.input_shape
        xp = namespace(grad_output)
        kernel = window.kernel[2]
        # (B, W, C * K) -> (C * K, B, W) -> (C, 1, 1, K, B, 1, 1, W)
        grad = array(grad_output).transpose(2, 0, 1)
        cols = xp.ascontiguousarray(grad).reshape(channels, 1, 1, kernel, batch, 1, 1, width)
        grad_input = xp.empty((batch, channels, 1, 1, width), dtype=grad_output.dtype)
        grad_output.backend.ops.fold(cols, window, grad_input)
        return from_array(grad_output, grad_input, ctx.input_shape)


def unroll(input: Tensor, K: int) -> Tensor:
    """The course's unrolled windows: conv1d as one matrix product.

    For a signal (W,): out[i, k] = input[i + k] (0 past the end), so
    `unroll(x, K) @ w.view(K, 1)` is the course's 1-D convolution of x with w.
    For a batch (B, C, W): out[b, i, c * K + k] = input[b, c, i + k], so
    `unroll(x, K) @ weight.view(C_out, C * K).permute(1, 0)` is `conv1d(x, weight)` as (B, W, C_out).

    Args:
        input: (W,) or (B, C, W).
        K: the kernel width (>= 1).

    Shape:
        (W,) -> (W, K); (B, C, W) -> (B, W, C * K).

    Example:
        >>> unroll(minitorch.tensor([1.0, 2.0, 3.0]), 2).to_numpy().tolist()
        [[1.0, 2.0], [2.0, 3.0], [3.0, 0.0]]
    """
    if not is_int(K) or K < 1:
        raise ShapeError(f"unroll: K must be a positive int, got {K!r}")
    if len(input.shape) == 1:
        # (W,) -> (1, 1, W) -> (1, W, K) -> (W, K)
        return Unroll.apply(input.reshape(1, 1, input.shape[0]), int(K)).view(input.shape[0], int(K))
    if len(input.shape) != 3:
        raise ShapeError(f"unroll: input must be (W,) or (B, C, W), got shape {input.shape}")
    return Unroll.apply(input, int(K))
