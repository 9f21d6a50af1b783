"""MiniTorch's tile-based pooling: fold each kernel block into a last dim, then reduce it.

"Tensor origami": the window view (`core/window.py`) of a (B, C, H, W) tensor with stride =
kernel is a zero-copy (B, C, H/kh, W/kw, kh, kw) view of its storage; copied contiguous and
viewed as (B, C, H/kh, W/kw, kh * kw) (one Function, `Tile`), pooling is a mean or max over that
last dim, and every gradient comes from the reduction and the view's adjoint (one strided copy
back, whatever the gradient's strides: the mean's gradient reaches it as a stride-0 view, with no
copy of its own). For strides, padding or other geometries use `max_pool2d` / `avg_pool2d`
(fused kernels over the same view).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Tuple

from ..autodiff.function import Context, Function
from ..core.tensor import Tensor
from ..core.tensor_data import TensorData
from ..core.window import Window
from ..errors import DTypeError, ShapeError
from .arrays import array, from_array, namespace
from .max import max as max_along

__all__ = ["Tile", "TileMean", "tile", "avgpool2d", "maxpool2d"]


class Tile(Function):
    """The tile itself: the window view of a (B, C, H, W) tensor for kh x kw blocks that tile it
    exactly, (B, C, H/kh, W/kw, kh, kw) with no copy, copied row-major and seen as
    (B, C, H/kh, W/kw, kh * kw) (the backend's `tile_forward` kernel). Backward is the adjoint:
    every gradient entry goes back to the one position it was read from (`tile_backward`: one
    pass, whatever the gradient's strides)."""

    @staticmethod
    def forward(ctx: Context, input: Tensor, window: Window) -> Tensor:
        batch, channel = input.shape[:2]
        ctx.input_shape = input.shape
        # window (i, j), tap (a, b) reads input (i * kh + a, j * kw + b): (B, C, H', W', kh * kw)
        shape = (batch, channel, *window.out_size[1:], window.kernel[1] * window.kernel[2])
        tiled = namespace(input).empty(shape, dtype=input.dtype)
        input.backend.ops.tile_forward(array(input), tiled)
        return from_array(input, tiled)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        grad = namespace(grad_output).empty(ctx.input_shape, dtype=grad_output.dtype)  # (B, C, H, W)
        grad_output.backend.ops.tile_backward(array(grad_output), grad)
        return from_array(grad_output, grad)


class TileMean(Function):
    """The mean of each tile, its dim dropped: (B, C, H', W', n) -> (B, C, H', W') (as
    `tiled.mean(4)`): the backend's sum along the taps (which picks its kernel for the layout:
    an unrolled one for rows of 4, BLAS for longer rows, split over threads when large), scaled
    by 1 / n in place. Backward hands each tap grad / n as a stride-0 view (no copy:
    `Tile.backward`'s one pass reads it)."""

    @staticmethod
    def forward(ctx: Context, tiled: Tensor) -> Tensor:
        taps = ctx.taps = tiled.shape[4]
        means = array(tiled.f.add_reduce(tiled, 4))  # (B, C, H', W', 1), a fresh array
        if means.dtype.kind != "f":
            means = means.astype(namespace(tiled).float64)  # (an integer mean is a float)
        means *= 1.0 / taps
        return from_array(tiled, means, tiled.shape[:4])

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        xp = namespace(grad_output)
        scaled = from_array(grad_output, xp.multiply(array(grad_output), 1.0 / ctx.taps))  # (B, C, H', W'), row-major
        # (B, C, H', W') -> (B, C, H', W', n), stride 0 along the taps
        taps = TensorData._trusted(scaled._tensor._storage, (*scaled.shape, ctx.taps), (*scaled._tensor.strides, 0))
        return scaled._new(taps)


@lru_cache(maxsize=256)
def _tile_window(height: int, width: int, kh: int, kw: int) -> Window:
    """The windows of kh x kw blocks tiling an H x W plane (stride = kernel), canonical 3-D form."""
    return Window(
        kernel=(1, kh, kw),
        stride=(1, kh, kw),
        dilation=(1, 1, 1),
        padding=(0, 0, 0),
        in_size=(1, height, width),
        out_size=(1, height // kh, width // kw),
    )


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
    window = _tile_window(height, width, kh, kw)
    new_height, new_width = window.out_size[1:]
    return Tile.apply(input, window), new_height, new_width  # (B, C, H', W', kh * kw)


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
    if isinstance(input, Tensor) and input.dtype.kind != "f":
        raise DTypeError(f"avgpool2d: needs a float tensor, got {input.dtype}; convert with .double() or .float() first")
    tiled, _, _ = tile(input, kernel)
    return TileMean.apply(tiled)  # (B, C, H', W', kh * kw) -> (B, C, H', W')


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
