"""HW2P1 `CNN`: Conv1d layers with activations, a Flatten and a Linear, trained by plain SGD.

Built from the handout's constructor arguments; `forward(A)` keeps the output in `self.Z`,
`backward(labels)` computes `self.loss` with the criterion and backpropagates, `step()` moves
every W and b by -lr times its gradient, `zero_grads()` clears them.

Shape:
    (N, num_input_channels, input_width) -> (N, num_linear_neurons)
"""

from __future__ import annotations

from typing import Any, Callable, List, Sequence

import numpy as np

from ..flatten import Flatten
from ..nn.Conv1d import Conv1d
from ..nn.linear import Linear

__all__ = ["CNN"]


class CNN:
    """The handout's CNN (see the module docstring)."""

    def __init__(self, input_width: int, num_input_channels: int, num_channels: Sequence[int],
                 kernel_sizes: Sequence[int], strides: Sequence[int], num_linear_neurons: int,
                 activations: Sequence[Any], conv_weight_init_fn: Callable[..., Any], bias_init_fn: Callable[..., Any],
                 linear_weight_init_fn: Callable[..., Any], criterion: Any, lr: float):
        self.train_mode = True
        self.nlayers = len(num_channels)
        self.activations = list(activations)
        self.criterion = criterion
        self.lr = lr
        self.convolutional_layers: List[Conv1d] = []
        width, channels = input_width, num_input_channels
        for out, kernel, stride in zip(num_channels, kernel_sizes, strides):
            self.convolutional_layers.append(Conv1d(channels, out, kernel, stride, weight_init_fn=conv_weight_init_fn,
                                                    bias_init_fn=bias_init_fn))
            width, channels = (width - kernel) // stride + 1, out
        self.flatten = Flatten()
        self.linear_layer = Linear(width * channels, num_linear_neurons, weight_init_fn=linear_weight_init_fn,
                                   bias_init_fn=bias_init_fn)

    def forward(self, A: Any) -> np.ndarray:
        """Z (N, num_linear_neurons), also kept as `self.Z` for `backward`."""
        Z = A
        for conv, activation in zip(self.convolutional_layers, self.activations):
            Z = activation.forward(conv.forward(Z))
        self.Z = self.linear_layer.forward(self.flatten.forward(Z))
        return self.Z

    def backward(self, labels: Any) -> np.ndarray:
        """Loss of the last forward against `labels` (one-hot, (N, classes)) into `self.loss`;
        returns dLdA (N, num_input_channels, input_width)."""
        self.loss = self.criterion.forward(self.Z, labels).sum()
        grad = self.flatten.backward(self.linear_layer.backward(self.criterion.backward()))
        for conv, activation in zip(self.convolutional_layers[::-1], self.activations[::-1]):
            grad = conv.backward(activation.backward(grad))
        return grad

    def zero_grads(self) -> None:
        for conv in self.convolutional_layers:
            conv.conv1d_stride1.dLdW.fill(0.0)
            conv.conv1d_stride1.dLdb.fill(0.0)
        self.linear_layer.dLdW.fill(0.0)
        self.linear_layer.dLdb.fill(0.0)

    def step(self) -> None:
        for conv in self.convolutional_layers:
            layer = conv.conv1d_stride1
            layer.W = layer.W - self.lr * layer.dLdW
            layer.b = layer.b - self.lr * layer.dLdb
        self.linear_layer.W = self.linear_layer.W - self.lr * self.linear_layer.dLdW
        self.linear_layer.b = self.linear_layer.b - self.lr * self.linear_layer.dLdb

    def train(self) -> None:
        self.train_mode = True

    def eval(self) -> None:
        self.train_mode = False
