"""HW2P1 1-D convolution: `Conv1d_stride1` and `Conv1d` (stride, zero padding).

Shape:
    Conv1d_stride1: (N, C_in, W) -> (N, C_out, W - K + 1)
    Conv1d:         (N, C_in, W) -> (N, C_out, (W + 2 padding - K) // stride + 1)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .conv_base import ConvStride1, InitFn, Strided
from .resampling import Downsample1d

__all__ = ["Conv1d_stride1", "Conv1d"]


class Conv1d_stride1(ConvStride1):
    """W (C_out, C_in, K), b (C_out,); forward(A) -> Z, backward(dLdZ) -> dLdA (sets dLdW, dLdb)."""

    dims = 1


class Conv1d(Strided):
    """`conv1d_stride1` then `downsample1d`, after zero padding of `padding` on both sides."""

    dims = 1

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, stride: int = 1, padding: int = 0,
                 weight_init_fn: InitFn = None, bias_init_fn: InitFn = None):
        super().__init__(stride, padding)
        self.conv1d_stride1 = Conv1d_stride1(in_channels, out_channels, kernel_size, weight_init_fn, bias_init_fn)
        self.downsample1d = Downsample1d(stride)

    def forward(self, A: Any) -> np.ndarray:
        """(N, C_in, W) -> (N, C_out, W_out)."""
        return self.downsample1d.forward(self.conv1d_stride1.forward(self._padded(A)))

    def backward(self, dLdZ: Any) -> np.ndarray:
        """dLdA (N, C_in, W); the sub-layer holds dLdW and dLdb."""
        return self._unpadded(self.conv1d_stride1.backward(self.downsample1d.backward(dLdZ)))
