"""MiniTorch's tile-based pooling: fold each kernel block into a last dim, then reduce it.

"Tensor origami": the window view (`core/window.py`) of a (B, C, H, W) tensor with stride =
kernel is a zero-copy (B, C, H/kh, W/kw, kh, kw) view of its storage; copied contiguous and
viewed as (B, C, H/kh, W/kw, kh * kw), pooling is a mean or max over that last dim, and every
gradient comes from the copy, the reduction and the view's adjoint. For strides, padding or
other geometries use `max_pool2d` / `avg_pool2d` (fused kernels over the same view).
"""

from __future__ import annotations

from typing import Tuple

from ..autodiff.function import Context, Function
from ..core.tensor import Tensor
from ..core.tensor_data import TensorData
from ..core.window import Window
from ..errors import DTypeError, ShapeError
from .max import max as max_along

__all__ = ["TileView", "tile", "avgpool2d", "maxpool2d"]


class TileView(Function):
    """The window view of a (B, C, H, W) tensor for kh x kw blocks that tile it exactly:
    (B, C, H/kh, W/kw, kh, kw), no copy; backward is the view's adjoint (its inverse)."""

    @staticmethod
    def forward(ctx: Context, input: Tensor, window: Window) -> Tensor:
        batch, channel = input.shape[:2]
        _, stride_h, stride_w = window.stride
        s_b, s_c, s_h, s_w = input._tensor.strides
        ctx.window, ctx.input_shape = window, input.shape
        # window (i, j), tap (a, b) reads input (i * kh + a, j * kw + b)
        shape = (batch, channel, *window.out_size[1:], *window.kernel[1:])
        strides = (s_b, s_c, stride_h * s_h, stride_w * s_w, s_h, s_w)
        return input._new(TensorData._trusted(input._tensor._storage, shape, strides))

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        # the blocks tile the input exactly, so the adjoint of the view is its inverse: every
        # gradient entry goes back to the one position it was read from (one strided copy)
        blocks = grad_output.permute(0, 1, 2, 4, 3, 5)  # (B, C, H', W', kh, kw) -> (B, C, H', kh, W', kw)
        return blocks.contiguous().view(*ctx.input_shape)  # -> (B, C, H, W)

def tile(input: Tensor, kernel: Tuple[int, int]) -> Tuple[Tensor, int, int]:
    """Reshape each kh x kw block of a (B, C, H, W) tensor into the last dim (MiniTorch).

    tiled[b, c, i, j, a * kw + w] = input[b, c, i * kh + a, j * kw + w].

    Args:
        input: (B, C, H, W), H divisible by kh and W by kw.
        kernel: (kh, kw).

    Returns:
        (tiled, new_height, new_width) with new_height = H / kh, new_width = W / kw.

    Shape:
        (B, C, H, W) -> (B, C, H / kh, W / kw, kh * kw).

    Example:
        >>> tiled, h, w = tile(minitorch.rand((1, 1, 4, 4)), (2, 2))
        >>> tiled.shape, h, w
        ((1, 1, 2, 2, 4), 2, 2)
    """
    if not isinstance(input, Tensor):
        raise DTypeError(f"tile: input must be a minitorch Tensor, got {type(input).__name__}")
    if input.dims != 4:
        raise ShapeError(f"tile: expected input of shape (B, C, H, W), got {input.shape}")
    batch, channel, height, width = input.shape
    kh, kw = kernel
    if kh < 1 or kw < 1 or height % kh != 0 or width % kw != 0:
        raise ShapeError(
            f"tile: kernel {tuple(kernel)} must divide the input height and width {(height, width)} "
            f"(input {input.shape}); crop or pad the input, or use max_pool2d/avg_pool2d with ceil_mode"
        )
    new_height, new_width = height // kh, width // kw
    window = Window(
        kernel=(1, kh, kw),
        stride=(1, kh, kw),
        dilation=(1, 1, 1),
        padding=(0, 0, 0),
        in_size=(1, height, width),
        out_size=(1, new_height, new_width),
    )
    blocks = TileView.apply(input, window)  # (B, C, H', W', kh, kw), a view
    tiled = blocks.contiguous().view(batch, channel, new_height, new_width, kh * kw)  # (B, C, H', W', kh*kw)
    return tiled, new_height, new_width


def avgpool2d(input: Tensor, kernel: Tuple[int, int]) -> Tensor:
    """Average of each non-overlapping kh x kw block (MiniTorch's `avgpool2d`).

    out[b, c, i, j] = mean of tiled[b, c, i, j, :].

    Args:
        input: (B, C, H, W), H and W divisible by the kernel.
        kernel: (kh, kw).

    Shape:
        (B, C, H, W) -> (B, C, H / kh, W / kw).

    Example:
        >>> avgpool2d(minitorch.ones((1, 1, 4, 4)), (2, 2)).shape
        (1, 1, 2, 2)
    """
    batch, channel = input.shape[:2]
    tiled, new_height, new_width = tile(input, kernel)
    return tiled.mean(4).view(batch, channel, new_height, new_width)  # (B, C, H', W', 1) -> (B, C, H', W')


def maxpool2d(input: Tensor, kernel: Tuple[int, int]) -> Tensor:
    """Maximum of each non-overlapping kh x kw block (MiniTorch's `maxpool2d`).

    out[b, c, i, j] = max of tiled[b, c, i, j, :]; the gradient goes to the block maxima.

    Args:
        input: (B, C, H, W), H and W divisible by the kernel.
        kernel: (kh, kw).

    Shape:
        (B, C, H, W) -> (B, C, H / kh, W / kw).

    Example:
        >>> maxpool2d(minitorch.rand((1, 1, 4, 4)), (2, 2)).shape
        (1, 1, 2, 2)
    """
    batch, channel = input.shape[:2]
    tiled, new_height, new_width = tile(input, kernel)
    return max_along(tiled, 4).view(batch, channel, new_height, new_width)  # (B, C, H', W', 1) -> (B, C, H', W')
