"""LeNet-5 (LeCun, Bottou, Bengio and Haffner, 1998), with today's usual ReLU and max pooling.

    conv 1->6 5x5 (padding 2 for 28x28 input, as the paper's 32x32 frame), ReLU, 2x2 max pool,
    conv 6->16 5x5, ReLU, 2x2 max pool, flatten (16 x 5 x 5 = 400),
    Linear 400->120, ReLU, Linear 120->84, ReLU, Linear 84->classes (logits).

`activation="tanh", pool="avg"` gives the paper's squashing units and subsampling layers
(without the trainable subsampling coefficients and the RBF output layer).
"""

from __future__ import annotations

from typing import Tuple

from minitorch import nn
from minitorch.core.tensor import Tensor

__all__ = ["LeNet5"]

_ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh}
_POOLS = {"max": nn.MaxPool2d, "avg": nn.AvgPool2d}


class LeNet5(nn.Module):
    """LeNet-5; returns logits.

    Args:
        in_channels: image channels. Default 1.
        image_size: (H, W); the first convolution pads to the paper's 32x32 frame, so any
            size from 28 to 32 works. Default (28, 28).
        num_classes: number of classes. Default 10.
        activation: "relu" or "tanh". Default "relu".
        pool: "max" or "avg". Default "max".

    Shape:
        input (N, in_channels, H, W) -> output (N, num_classes).

    Example:
        >>> LeNet5()(minitorch.rand((2, 1, 28, 28))).shape
        (2, 10)
    """

    def __init__(self, in_channels: int = 1, image_size: Tuple[int, int] = (28, 28), num_classes: int = 10,
                 activation: str = "relu", pool: str = "max"):
        super().__init__()
        if activation not in _ACTIVATIONS or pool not in _POOLS:
            raise ValueError(f"LeNet5: activation must be one of {sorted(_ACTIVATIONS)} and pool one of "
                             f"{sorted(_POOLS)}, got {activation!r}, {pool!r}")
        height, width = image_size
        if not (28 <= height <= 32 and 28 <= width <= 32):
            raise ValueError(f"LeNet5: image_size {image_size} must lie between 28x28 and 32x32; "
                             "use the 'course' or 'cnn' model for other sizes")
        padding = (32 - min(height, width)) // 2  # 28x28 -> 2: the paper's 32x32 input frame
        self.conv1 = nn.Conv2d(in_channels, 6, 5, padding=padding)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.pool = _POOLS[pool](2)
        self.act = _ACTIVATIONS[activation]()
        self.flatten = nn.Flatten()
        side_h = ((height + 2 * padding - 4) // 2 - 4) // 2
        side_w = ((width + 2 * padding - 4) // 2 - 4) // 2
        self.fc1 = nn.Linear(16 * side_h * side_w, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, num_classes)

    def feature_maps(self, x: Tensor) -> Tensor:
        """Activations after the first convolution: (N, 6, H', W')."""
        return self.act(self.conv1(x))

    def forward(self, x: Tensor) -> Tensor:
        x = self.pool(self.feature_maps(x))  # (N, 6, 14, 14)
        x = self.pool(self.act(self.conv2(x)))  # (N, 16, 5, 5)
        x = self.flatten(x)  # (N, 16, 5, 5) -> (N, 400)
        x = self.act(self.fc1(x))
        x = self.act(self.fc2(x))
        return self.fc3(x)
