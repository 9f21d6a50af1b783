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

from functools import lru_cache
from typing import Optional, Tuple

from ..autodiff.function import Context, Function
from ..core.tensor import Tensor
from ..core.tensor_data import TensorData
from ..core.window import Window
from ..errors import ShapeError
from .arrays import array, from_array, is_int, namespace
from .conv import Conv, canonical, lift

__all__ = ["ChannelsLastConv1d", "Conv1dFun", "Conv2dFun", "Unroll", "conv1d", "conv2d", "course_geometry", "unroll"]


@lru_cache(maxsize=256)  # (a program convolves few distinct shapes, again and again)
def course_geometry(op: str, input_shape: Tuple[int, ...], weight_shape: Tuple[int, ...], n: int) -> Window:
    """The windows of the course's 'same width, anchored left' convolution with n spatial dims
    (cached: shapes are tuples)."""
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
    """The course's 1-D convolution Function: `Conv1dFun.apply(input, weight)`.

    An input whose channels are its innermost dim (the course's sentences, `embeddings.permute(0, 2, 1)`
    of a (B, W, C) batch) goes to `ChannelsLastConv1d`; any other layout to the general `Conv`.
    """

    @classmethod
    def apply(cls, input: Tensor, weight: Tensor) -> Tensor:
        window = course_geometry("conv1d", input.shape, weight.shape, 1)
        if input.shape[1] > 1 and input._tensor.strides[1] == 1:
            return ChannelsLastConv1d.apply(input, weight)
        return super().apply(input, weight, None, window, 1)


class ChannelsLastConv1d(Function):
    """The course's conv1d for an input laid out (B, W, C) in memory (seen as (B, C, W)).

    The unrolled matrix is built as (B, W, K * C): row (b, i) holds the windows' K channel
    vectors x[b, :, i + k] one after another, K shifted copies of contiguous runs of C (the
    general unfold reads them with stride C, about twice the time at the course's sizes); the
    output is one matrix product per sample with the weight as (C_out, K * C). Gradients use the
    same matrices: dW = grad (C_out, B * W) @ cols, d cols = grad^T @ W, folded back by K
    shifted adds into a (B, W, C) buffer, handed back in the input's own layout.

    Shape: input (B, C_in, W) with stride 1 along C_in, weight (C_out, C_in, K) -> (B, C_out, W).
    """

    @staticmethod
    def forward(ctx: Context, input: Tensor, weight: Tensor) -> Tensor:
        xp = namespace(input)
        (batch, channels, width), (out_channels, _, kernel) = input.shape, weight.shape
        dtype = xp.result_type(input.dtype, weight.dtype)
        rows = array(input).astype(dtype, copy=False).transpose(0, 2, 1)  # (B, W, C), channel runs contiguous
        cols = xp.empty((batch, width, kernel, channels), dtype=dtype)  # cols[b, i, k, c] = x[b, c, i + k]
        for k in range(kernel):
            n = max(width - k, 0)
            cols[:, :n, k] = rows[:, k : k + n]
            cols[:, n:, k] = 0  # past the right edge
        cols = cols.reshape(batch, width, kernel * channels)
        # (C_out, C, K) -> (C_out, K, C) -> (C_out, K * C), tap-major like the columns
        weight_mat = xp.ascontiguousarray(array(weight).astype(dtype, copy=False).transpose(0, 2, 1)).reshape(
            out_channels, kernel * channels)
        out = xp.empty((batch, out_channels, width), dtype=dtype)
        xp.matmul(weight_mat, cols.transpose(0, 2, 1), out=out)  # (C_out, K*C) @ (B, K*C, W) -> (B, C_out, W)
        ctx.needs = (input.requires_grad(), weight.requires_grad())
        ctx.save_for_backward(cols if ctx.needs[1] else None, weight_mat if ctx.needs[0] else None)
        ctx.shapes = (input.shape, weight.shape)
        return from_array(input, out)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tuple[Optional[Tensor], Optional[Tensor]]:
        cols, weight_mat = ctx.saved_values
        (batch, channels, width), (out_channels, _, kernel) = ctx.shapes
        xp = namespace(grad_output)
        grad = array(grad_output)  # (B, C_out, W)
        grad_input = grad_weight = None
        if ctx.needs[1]:
            # (C_out, B * W) @ (B * W, K * C) -> (C_out, K * C) -> (C_out, K, C) -> (C_out, C, K)
            grad_rows = xp.ascontiguousarray(grad.transpose(1, 0, 2).astype(cols.dtype, copy=False))
            grad_mat = xp.matmul(grad_rows.reshape(out_channels, batch * width), cols.reshape(batch * width, -1))
            grad_weight = from_array(grad_output, grad_mat.reshape(out_channels, kernel, channels).transpose(0, 2, 1))
        if ctx.needs[0]:
            # (B, W, C_out) @ (C_out, K * C) -> (B, W, K, C), each tap's rows added back shifted by k
            grad_cols = xp.matmul(grad.transpose(0, 2, 1).astype(weight_mat.dtype, copy=False), weight_mat)
            grad_cols = grad_cols.reshape(batch, width, kernel, channels)
            grad_rows_in = xp.zeros((batch, width, channels), dtype=weight_mat.dtype)  # (B, W, C)
            for k in range(kernel):
                n = max(width - k, 0)
                grad_rows_in[:, k : k + n] += grad_cols[:, :n, k]
            # (B, W, C) seen as (B, C, W): the input's own layout, no copy
            data = TensorData._trusted(grad_rows_in.reshape(-1), (batch, channels, width), (width * channels, 1, channels))
            grad_input = grad_output._new(data)
        return grad_input, grad_weight


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
