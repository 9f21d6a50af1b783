"""HW2P1 scanning MLPs as CNNs: `CNN_SimpleScanningMLP` and `CNN_DistributedScanningMLP`.

The MLP reads 8 time steps of 24 features, 4 steps apart, through layers of 8, 16 and 4 neurons
(the handout's sizes). The simple CNN is Conv1d(24, 8, 8, 4), Conv1d(8, 16, 1, 1),
Conv1d(16, 4, 1, 1); the distributed one, whose MLP shares small sub-networks, is
Conv1d(24, 2, 2, 2), Conv1d(2, 8, 2, 2), Conv1d(8, 4, 2, 1). `init_weights((w1, w2, w3))` takes
the MLP's (in, out) matrices -- for the distributed MLP with NaN for unconnected entries, as the
homework's weight file has them -- and loads the convolutions through `minitorch.nn.scanning`
(the same conversion, checks and errors as the PyTorch-facing API).

Shape:
    (N, 24, T) -> (N, 4 * T_out), T_out = (T - 8) // 4 + 1 (the final Flatten); 128 steps -> 31.
"""

from __future__ import annotations

from typing import Any, List, Sequence

import numpy as np

from ...nn import Conv1d as TorchConv1d
from ...nn.scanning import distributed_mlp_to_conv1d, linear_to_conv_weight
from ..flatten import Flatten
from ..nn.activation import ReLU
from ..nn.Conv1d import Conv1d

__all__ = ["CNN_SimpleScanningMLP", "CNN_DistributedScanningMLP"]

WINDOW, STRIDE, CHANNELS = 8, 4, 24


class _Scanning:
    def __init__(self, convs: List[Conv1d]):
        self.conv1, self.conv2, self.conv3 = convs
        self.layers: List[Any] = [self.conv1, ReLU(), self.conv2, ReLU(), self.conv3, Flatten()]

    def __call__(self, A: Any) -> np.ndarray:
        return self.forward(A)

    def forward(self, A: Any) -> np.ndarray:
        """(N, 24, T) -> (N, 4 * T_out)."""
        Z = A
        for layer in self.layers:
            Z = layer.forward(Z)
        return Z

    def backward(self, dLdZ: Any) -> np.ndarray:
        """dLdA (N, 24, T); every convolution's sub-layer holds its dLdW and dLdb."""
        dLdA = dLdZ
        for layer in self.layers[::-1]:
            dLdA = layer.backward(dLdA)
        return dLdA


class CNN_SimpleScanningMLP(_Scanning):
    """The MLP applied to every window, as Conv1d(24, 8, 8, 4) -> Conv1d(8, 16, 1) -> Conv1d(16, 4, 1)."""

    def __init__(self) -> None:
        super().__init__([Conv1d(CHANNELS, 8, WINDOW, STRIDE), Conv1d(8, 16, 1, 1), Conv1d(16, 4, 1, 1)])

    def init_weights(self, weights: Sequence[Any]) -> None:
        """Load the MLP's (192, 8), (8, 16), (16, 4) matrices."""
        w1, w2, w3 = (np.asarray(w, dtype=np.float64) for w in weights)
        self.conv1.conv1d_stride1.W = linear_to_conv_weight(w1, CHANNELS, WINDOW)
        self.conv2.conv1d_stride1.W = linear_to_conv_weight(w2, 8, 1)
        self.conv3.conv1d_stride1.W = linear_to_conv_weight(w3, 16, 1)


class CNN_DistributedScanningMLP(_Scanning):
    """The weight-shared MLP as Conv1d(24, 2, 2, 2) -> Conv1d(2, 8, 2, 2) -> Conv1d(8, 4, 2, 1)."""

    kernels, strides = (2, 2, 2), (2, 2, 1)

    def __init__(self) -> None:
        super().__init__([Conv1d(CHANNELS, 2, 2, 2), Conv1d(2, 8, 2, 2), Conv1d(8, 4, 2, 1)])

    def init_weights(self, weights: Sequence[Any]) -> None:
        """Load the MLP's (192, 8), (8, 16), (16, 4) matrices (NaN where not connected).

        Raises:
            ValueError: the matrices are not shared in this plan (naming the layer and block).
        """
        stack = distributed_mlp_to_conv1d(list(weights), WINDOW, STRIDE, self.kernels, self.strides)
        convs = [m for m in stack.modules() if isinstance(m, TorchConv1d)]
        for mine, converted in zip((self.conv1, self.conv2, self.conv3), convs):
            mine.conv1d_stride1.W = np.array(converted.weight.to_numpy(), dtype=np.float64)
