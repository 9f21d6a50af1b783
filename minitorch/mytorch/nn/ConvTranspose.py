"""HW2P1 transposed convolution, the handout's definition: upsample by the factor, then a
stride-1 convolution (not torch's ConvTranspose, whose kernel is the adjoint's).

Shape:
    ConvTranspose1d: (N, C_in, W) -> (N, C_out, k (W - 1) + 1 - K + 1)
    ConvTranspose2d: (N, C_in, H, W) -> (N, C_out, k (H - 1) + 2 - K, k (W - 1) + 2 - K)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .Conv1d import Conv1d_stride1
from .Conv2d import Conv2d_stride1
from .conv_base import InitFn
from .resampling import Upsample1d, Upsample2d

__all__ = ["ConvTranspose1d", "ConvTranspose2d"]


class ConvTranspose1d:
    """`upsample1d` then `conv1d_stride1`."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, upsampling_factor: int,
                 weight_init_fn: InitFn = None, bias_init_fn: InitFn = None):
        self.upsampling_factor = upsampling_factor
        self.upsample1d = Upsample1d(upsampling_factor)
        self.conv1d_stride1 = Conv1d_stride1(in_channels, out_channels, kernel_size, weight_init_fn, bias_init_fn)

    def forward(self, A: Any) -> np.ndarray:
        return self.conv1d_stride1.forward(self.upsample1d.forward(A))

    def backward(self, dLdZ: Any) -> np.ndarray:
        return self.upsample1d.backward(self.conv1d_stride1.backward(dLdZ))


class ConvTranspose2d:
    """`upsample2d` then `conv2d_stride1`."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, upsampling_factor: int,
                 weight_init_fn: InitFn = None, bias_init_fn: InitFn = None):
        self.upsampling_factor = upsampling_factor
        self.upsample2d = Upsample2d(upsampling_factor)
        self.conv2d_stride1 = Conv2d_stride1(in_channels, out_channels, kernel_size, weight_init_fn, bias_init_fn)

    def forward(self, A: Any) -> np.ndarray:
        return self.conv2d_stride1.forward(self.upsample2d.forward(A))

    def backward(self, dLdZ: Any) -> np.ndarray:
        return self.upsample2d.backward(self.conv2d_stride1.backward(dLdZ))
