"""What HW2P1's convolution layers share: the stride-1 layer and the padded, strided wrapper.

`ConvStride1` holds `W` (C_out, C_in, K...) and `b` (C_out,), drawn as the handout draws them
(`np.random.normal(0, 1, W.shape)` and zeros, unless `weight_init_fn(C_out, C_in, K...)` /
`bias_init_fn(C_out)` are given), and computes minitorch's convolution through the engine;
`backward` sets `dLdW`, `dLdb` and returns `dLdA`. `Strided` pads with zeros, runs a stride-1
layer and downsamples by the stride -- the handout's decomposition, kept as sub-layers so a
student can compare every intermediate.
"""

from __future__ import annotations

from typing import Any, Callable, Optional, Tuple

import numpy as np

from ...errors import ShapeError
from ...nn import functional as F
from ..engine import Step, as_array, check_input, need_forward, run

__all__ = ["ConvStride1", "Strided"]

InitFn = Optional[Callable[..., Any]]
_LAYOUT = {1: "N, C_in, W", 2: "N, C_in, H, W"}


class ConvStride1:
    """A stride-1 convolution with the handout's attributes (subclasses fix `dims`)."""

    dims = 1

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, weight_init_fn: InitFn = None,
                 bias_init_fn: InitFn = None):
        self.in_channels, self.out_channels, self.kernel_size = in_channels, out_channels, kernel_size
        shape = (out_channels, in_channels) + (kernel_size,) * self.dims
        self.W = np.random.normal(0, 1.0, shape) if weight_init_fn is None else weight_init_fn(*shape)
        self.b = np.zeros(out_channels) if bias_init_fn is None else bias_init_fn(out_channels)
        self.dLdW = np.zeros(np.shape(self.W))
        self.dLdb = np.zeros(np.shape(self.b))
        self.A: Optional[np.ndarray] = None
        self._step: Optional[Step] = None

    def forward(self, A: Any) -> np.ndarray:
        """Z[n, o] = b[o] + sum_{c, k} W[o, c, k] A[n, c, i + k] (and over both axes in 2-D)."""
        name = type(self).__name__
        self.A = check_input(name, A, _LAYOUT[self.dims], self.in_channels, (self.kernel_size,) * self.dims)
        W, b = as_array(self.W), as_array(self.b).reshape(-1)
        if W.shape[:2] != (self.out_channels, self.in_channels) or b.shape != (self.out_channels,):
            raise ShapeError(f"{name}.forward: W {W.shape} / b {b.shape} do not fit out_channels="
                             f"{self.out_channels}, in_channels={self.in_channels}")
        conv = F.conv1d if self.dims == 1 else F.conv2d
        Z, self._step = run(name, lambda A, W, b: conv(A, W, b), A=self.A, W=W, b=b)
        return Z

    def backward(self, dLdZ: Any) -> np.ndarray:
        """Set dLdW (C_out, C_in, K...), dLdb (C_out,) and return dLdA (the input's shape)."""
        grads = need_forward(type(self).__name__, self._step).backward(dLdZ)
        self.dLdW, self.dLdb = grads["W"], grads["b"].reshape(np.shape(self.b))
        return grads["A"]


class Strided:
    """Zero-pad by `padding`, a stride-1 layer, then downsample by `stride` (the handout's Conv)."""

    dims = 1

    def __init__(self, stride: int, padding: int):
        if int(stride) != stride or stride < 1 or int(padding) != padding or padding < 0:
            raise ShapeError(f"{type(self).__name__}: stride must be >= 1 and padding >= 0 integers, "
                             f"got stride={stride}, padding={padding}")
        self.stride, self.pad = int(stride), int(padding)
        self._pad_step: Optional[Step] = None

    def _padded(self, A: Any) -> np.ndarray:
        A = check_input(type(self).__name__, A, _LAYOUT[self.dims])
        pads: Tuple[int, ...] = (self.pad,) * (2 * self.dims)
        Z, self._pad_step = run(type(self).__name__, lambda A: F.pad(A, pads), A=A)
        return Z

    def _unpadded(self, dLdZ: np.ndarray) -> np.ndarray:
        return need_forward(type(self).__name__, self._pad_step).backward(dLdZ)["A"]
