"""HW2P1 2-D convolution: `Conv2d_stride1` and `Conv2d` (stride, zero padding), square kernels.

Shape:
    Conv2d_stride1: (N, C_in, H, W) -> (N, C_out, H - K + 1, W - K + 1)
    Conv2d:         (N, C_in, H, W) -> (N, C_out, (H + 2 padding - K) // stride + 1, same for W)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .conv_base import ConvStride1, InitFn, Strided
from .resampling import Downsample2d

__all__ = ["Conv2d_stride1", "Conv2d"]


class Conv2d_stride1(ConvStride1):
    """W (C_out, C_in, K, K), b (C_out,); forward(A) -> Z, backward(dLdZ) -> dLdA (sets dLdW, dLdb)."""

    dims = 2


class Conv2d(Strided):
    """`conv2d_stride1` then `downsample2d`, after zero padding of `padding` on every side."""

    dims = 2

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, stride: int = 1, padding: int = 0,
                 weight_init_fn: InitFn = None, bias_init_fn: InitFn = None):
        super().__init__(stride, padding)
        self.conv2d_stride1 = Conv2d_stride1(in_channels, out_channels, kernel_size, weight_init_fn, bias_init_fn)
        self.downsample2d = Downsample2d(stride)

    def forward(self, A: Any) -> np.ndarray:
        """(N, C_in, H, W) -> (N, C_out, H_out, W_out)."""
        return self.downsample2d.forward(self.conv2d_stride1.forward(self._padded(A)))

    def backward(self, dLdZ: Any) -> np.ndarray:
        """dLdA (N, C_in, H, W); the sub-layer holds dLdW and dLdb."""
        return self._unpadded(self.conv2d_stride1.backward(self.downsample2d.backward(dLdZ)))
