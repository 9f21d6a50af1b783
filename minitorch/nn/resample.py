"""Resampling layers of the CMU 11-785 homework: `Upsample1d/2d` insert zeros between samples,
`Downsample1d/2d` keep every k-th sample. Each is the other's adjoint (see `ops.resample`).
PyTorch's interpolating `nn.Upsample` is `nn/upsampling.py`."""

from __future__ import annotations

from typing import Sequence, Union

from ..core.tensor import Tensor
from ..ops.resample import downsample, upsample_zeros
from .module import Module

__all__ = ["Upsample1d", "Upsample2d", "Downsample1d", "Downsample2d"]

Factor = Union[int, Sequence[int]]


class Upsample1d(Module):
    """Insert k - 1 zeros between neighbouring samples of the last dim.

    Args:
        upsampling_factor: k.

    Shape:
        (N, C, W) -> (N, C, k (W - 1) + 1).

    Example:
        >>> Upsample1d(2)(minitorch.tensor([[[1.0, 2.0]]])).to_numpy().tolist()
        [[[1.0, 0.0, 2.0]]]
    """

    _dims = 1

    def __init__(self, upsampling_factor: Factor):
        super().__init__()
        self.upsampling_factor = upsampling_factor

    def forward(self, input: Tensor) -> Tensor:
        return upsample_zeros(input, self.upsampling_factor, type(self)._dims)

    def extra_repr(self) -> str:
        return f"upsampling_factor={self.upsampling_factor}"


class Upsample2d(Upsample1d):
    """Insert zeros along the last two dims: (N, C, H, W) -> (N, C, k (H - 1) + 1, k (W - 1) + 1).

    Args:
        upsampling_factor: k or (k_h, k_w).
    """

    _dims = 2


class Downsample1d(Module):
    """Keep every k-th sample of the last dim, starting with the first.

    Args:
        downsampling_factor: k.

    Shape:
        (N, C, W) -> (N, C, (W - 1) // k + 1).

    Example:
        >>> Downsample1d(2)(minitorch.tensor([[[1.0, 2.0, 3.0]]])).to_numpy().tolist()
        [[[1.0, 3.0]]]
    """

    _dims = 1

    def __init__(self, downsampling_factor: Factor):
        super().__init__()
        self.downsampling_factor = downsampling_factor

    def forward(self, input: Tensor) -> Tensor:
        return downsample(input, self.downsampling_factor, type(self)._dims)

    def extra_repr(self) -> str:
        return f"downsampling_factor={self.downsampling_factor}"


class Downsample2d(Downsample1d):
    """Keep every k-th sample along the last two dims: (N, C, H, W) -> (N, C, (H - 1) // k + 1, (W - 1) // k + 1).

    Args:
        downsampling_factor: k or (k_h, k_w).
    """

    _dims = 2
