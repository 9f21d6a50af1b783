"""HW2P1 pooling: `MaxPool2d_stride1`, `MaxPool2d`, `MeanPool2d_stride1`, `MeanPool2d`.

The stride-1 layers pool every K x K window (max: the gradient goes to each window's maximum,
accumulating where windows overlap; mean: 1 / K^2 to every entry of every window); the strided
ones downsample a stride-1 result, as the handout decomposes them.

Shape:
    *_stride1: (N, C, H, W) -> (N, C, H - K + 1, W - K + 1)
    strided:   (N, C, H, W) -> (N, C, (H - K) // stride + 1, (W - K) // stride + 1)
"""

from __future__ import annotations

from typing import Any, Callable, Optional

import numpy as np

from ...core.tensor import Tensor
from ...errors import ShapeError
from ...nn import functional as F
from ..engine import Step, check_input, need_forward, run
from .resampling import Downsample2d

__all__ = ["MaxPool2d_stride1", "MeanPool2d_stride1", "MaxPool2d", "MeanPool2d"]


class _PoolStride1:
    pool: Callable[..., Tensor] = staticmethod(F.max_pool2d)

    def __init__(self, kernel: int):
        if int(kernel) != kernel or kernel < 1:
            raise ShapeError(f"{type(self).__name__}: kernel must be a positive integer, got {kernel}")
        self.kernel = int(kernel)
        self._step: Optional[Step] = None

    def forward(self, A: Any) -> np.ndarray:
        name = type(self).__name__
        A = check_input(name, A, "N, C, H, W", minimum=(self.kernel, self.kernel))
        Z, self._step = run(name, lambda A: type(self).pool(A, self.kernel, stride=1), A=A)
        return Z

    def backward(self, dLdZ: Any) -> np.ndarray:
        return need_forward(type(self).__name__, self._step).backward(dLdZ)["A"]


class MaxPool2d_stride1(_PoolStride1):
    """Max over every K x K window."""


class MeanPool2d_stride1(_PoolStride1):
    """Mean over every K x K window."""

    pool = staticmethod(F.avg_pool2d)


class MaxPool2d:
    """`maxpool2d_stride1` then `downsample2d`."""

    def __init__(self, kernel: int, stride: int):
        self.kernel, self.stride = kernel, stride
        self.maxpool2d_stride1 = MaxPool2d_stride1(kernel)
        self.downsample2d = Downsample2d(stride)

    def forward(self, A: Any) -> np.ndarray:
        return self.downsample2d.forward(self.maxpool2d_stride1.forward(A))

    def backward(self, dLdZ: Any) -> np.ndarray:
        return self.maxpool2d_stride1.backward(self.downsample2d.backward(dLdZ))


class MeanPool2d:
    """`meanpool2d_stride1` then `downsample2d`."""

    def __init__(self, kernel: int, stride: int):
        self.kernel, self.stride = kernel, stride
        self.meanpool2d_stride1 = MeanPool2d_stride1(kernel)
        self.downsample2d = Downsample2d(stride)

    def forward(self, A: Any) -> np.ndarray:
        return self.downsample2d.forward(self.meanpool2d_stride1.forward(A))

    def backward(self, dLdZ: Any) -> np.ndarray:
        return self.meanpool2d_stride1.backward(self.downsample2d.backward(dLdZ))
