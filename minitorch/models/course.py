"""The MiniTorch course's image network (module 4): two small convolutions, pooling, an MLP.

    conv 1->4 3x3, ReLU, conv 4->8 3x3, ReLU, 4x4 average pooling, flatten,
    Linear(8 * H/4 * W/4 -> 64), ReLU, dropout 0.25, Linear(64 -> classes), log-softmax.

The convolutions keep the image size (padding 1), so a 28x28 MNIST image gives the course's
8 x 7 x 7 = 392 features; an 8x8 digit gives 8 x 2 x 2 = 32. Dropout is active only in
training mode (`model.train()`), off after `model.eval()`.
"""

from __future__ import annotations

from typing import Tuple

from minitorch import nn
from minitorch.core.tensor import Tensor

__all__ = ["CourseNetwork"]


class CourseNetwork(nn.Module):
    """The course CNN; returns log-probabilities.

    Args:
        in_channels: image channels. Default 1.
        image_size: (H, W) of the input, each divisible by 4. Default (28, 28).
        num_classes: number of classes. Default 10.
        hidden: width of the hidden linear layer. Default 64.
        dropout: dropout probability before the last layer. Default 0.25.

    Shape:
        input (N, in_channels, H, W) -> output (N, num_classes) log-probabilities.

    Example:
        >>> model = CourseNetwork()
        >>> model(minitorch.rand((2, 1, 28, 28))).shape
        (2, 10)
    """

    returns_log_probs = True

    def __init__(self, in_channels: int = 1, image_size: Tuple[int, int] = (28, 28), num_classes: int = 10,
                 hidden: int = 64, dropout: float = 0.25):
        super().__init__()
        height, width = image_size
        if height % 4 or width % 4:
            raise ValueError(f"CourseNetwork: image_size {image_size} must be divisible by 4 (4x4 pooling)")
        self.conv1 = nn.Conv2d(in_channels, 4, 3, padding=1)
        self.conv2 = nn.Conv2d(4, 8, 3, padding=1)
        self.pool = nn.AvgPool2d(4)
        self.flatten = nn.Flatten()
        self.linear1 = nn.Linear(8 * (height // 4) * (width // 4), hidden)
        self.dropout = nn.Dropout(dropout)
        self.linear2 = nn.Linear(hidden, num_classes)
        self.relu = nn.ReLU()
        self.log_softmax = nn.LogSoftmax(dim=1)

    def feature_maps(self, x: Tensor) -> Tensor:
        """Activations after the first convolution: (N, 4, H, W)."""
        return self.relu(self.conv1(x))

    def forward(self, x: Tensor) -> Tensor:
        x = self.relu(self.conv2(self.feature_maps(x)))  # (N, 8, H, W)
        x = self.flatten(self.pool(x))  # (N, 8, H/4, W/4) -> (N, 8 * H/4 * W/4)
        x = self.dropout(self.relu(self.linear1(x)))  # (N, hidden)
        return self.log_softmax(self.linear2(x))  # (N, classes)
