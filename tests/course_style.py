"""Building blocks written the way the MiniTorch course's Module 4 scripts write them.

`RParam`, `Linear`, `Conv1d` and `Conv2d` as in the course's `run_mnist_multiclass.py` /
`run_sentiment.py` (our own code in their style, not a copy): `minitorch.Module` subclasses
holding `minitorch.Parameter(0.1 * (rand(shape) - 0.5))`, weights read through `.value`, the
course's same-size `minitorch.conv1d` / `conv2d`. Used by tests/test_course_programs.py and by
bench/bench_course.py.
"""

from __future__ import annotations

import minitorch

BACKEND = minitorch.TensorBackend(minitorch.FastOps)


def RParam(*shape):
    return minitorch.Parameter(0.1 * (minitorch.rand(shape, backend=BACKEND) - 0.5))


class Linear(minitorch.Module):
    def __init__(self, in_size, out_size):
        super().__init__()
        self.weights, self.bias, self.out_size = RParam(in_size, out_size), RParam(out_size), out_size

    def forward(self, x):
        batch, in_size = x.shape
        return (x.view(batch, in_size) @ self.weights.value.view(in_size, self.out_size)).view(
            batch, self.out_size) + self.bias.value


class Conv1d(minitorch.Module):
    def __init__(self, in_channels, out_channels, kernel_width):
        super().__init__()
        self.weights, self.bias = RParam(out_channels, in_channels, kernel_width), RParam(1, out_channels, 1)

    def forward(self, x):
        return minitorch.conv1d(x, self.weights.value) + self.bias.value


class Conv2d(minitorch.Module):
    def __init__(self, in_channels, out_channels, kh, kw):
        super().__init__()
        self.weights, self.bias = RParam(out_channels, in_channels, kh, kw), RParam(out_channels, 1, 1)

    def forward(self, x):
        return minitorch.conv2d(x, self.weights.value) + self.bias.value
