"""A 1-D CNN for signals: the convolutional baseline of the MNIST-1D paper (Greydanus, 2020).

    conv 1->C k5 s2 p1, ReLU, conv C->C k3 s2 p1, ReLU, conv C->C k3 s2 p1, ReLU,
    flatten, Linear(C * L' -> classes) (logits).

For MNIST-1D (L = 40) the lengths go 40 -> 19 -> 10 -> 5; the paper uses C = 25 channels
and reports about 94% test accuracy.
"""

from __future__ import annotations

from minitorch import nn
from minitorch.core.tensor import Tensor

__all__ = ["SignalCNN"]


def _conv_length(length: int, kernel: int, stride: int, padding: int) -> int:
    return (length + 2 * padding - kernel) // stride + 1


class SignalCNN(nn.Module):
    """Three strided 1-D convolutions and a linear classifier; returns logits.

    Args:
        in_channels: signal channels. Default 1.
        length: L, the signal length. Default 40.
        num_classes: number of classes. Default 10.
        channels: C, width of every convolution. Default 25.

    Shape:
        input (N, in_channels, L) -> output (N, num_classes).

    Example:
        >>> SignalCNN()(minitorch.rand((2, 1, 40))).shape
        (2, 10)
    """

    def __init__(self, in_channels: int = 1, length: int = 40, num_classes: int = 10, channels: int = 25):
        super().__init__()
        self.conv1 = nn.Conv1d(in_channels, channels, 5, stride=2, padding=1)
        self.conv2 = nn.Conv1d(channels, channels, 3, stride=2, padding=1)
        self.conv3 = nn.Conv1d(channels, channels, 3, stride=2, padding=1)
        out_length = length
        for kernel in (5, 3, 3):
            out_length = _conv_length(out_length, kernel, 2, 1)
        if out_length < 1:
            raise ValueError(f"SignalCNN: signals of length {length} are too short for three stride-2 convolutions")
        self.relu = nn.ReLU()
        self.flatten = nn.Flatten()
        self.linear = nn.Linear(channels * out_length, num_classes)

    def feature_maps(self, x: Tensor) -> Tensor:
        """Activations after the first convolution: (N, C, L1)."""
        return self.relu(self.conv1(x))

    def forward(self, x: Tensor) -> Tensor:
        x = self.relu(self.conv2(self.feature_maps(x)))  # (N, C, L2)
        x = self.relu(self.conv3(x))  # (N, C, L3)
        return self.linear(self.flatten(x))  # (N, C * L3) -> (N, classes)
