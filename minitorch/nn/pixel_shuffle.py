"""`PixelShuffle` and `PixelUnshuffle` (as `torch.nn`), over `ops/pixel_shuffle.py`."""

from __future__ import annotations

from ..core.tensor import Tensor
from ..ops.pixel_shuffle import pixel_shuffle, pixel_unshuffle
from .module import Module

__all__ = ["PixelShuffle", "PixelUnshuffle"]


class PixelShuffle(Module):
    """Channels to space by `upscale_factor` r (as `torch.nn.PixelShuffle`).

    Shape:
        (*, C r^2, H, W) -> (*, C, H r, W r).

    Example:
        >>> PixelShuffle(2)
        PixelShuffle(upscale_factor=2)
    """

    def __init__(self, upscale_factor: int):
        super().__init__()
        self.upscale_factor = upscale_factor

    def forward(self, input: Tensor) -> Tensor:
        return pixel_shuffle(input, self.upscale_factor)

    def extra_repr(self) -> str:
        return f"upscale_factor={self.upscale_factor}"


class PixelUnshuffle(Module):
    """Space to channels by `downscale_factor` r (as `torch.nn.PixelUnshuffle`).

    Shape:
        (*, C, H r, W r) -> (*, C r^2, H, W).
    """

    def __init__(self, downscale_factor: int):
        super().__init__()
        self.downscale_factor = downscale_factor

    def forward(self, input: Tensor) -> Tensor:
        return pixel_unshuffle(input, self.downscale_factor)

    def extra_repr(self) -> str:
        return f"downscale_factor={self.downscale_factor}"
