"""Activation layers: `ReLU`, `Tanh`, `Sigmoid`, `Softmax`, `LogSoftmax` (as `torch.nn`)."""

from __future__ import annotations

from typing import Optional

from ..core.tensor import Tensor
from ..ops.activation import tanh
from ..ops.softmax import log_softmax, softmax
from .module import Module

__all__ = ["ReLU", "Tanh", "Sigmoid", "Softmax", "LogSoftmax"]


class ReLU(Module):
    """max(x, 0) elementwise (as `torch.nn.ReLU`); the gradient at 0 is 0.

    Args:
        inplace: accepted for PyTorch compatibility; the result is always a new tensor.

    Shape:
        (*) -> (*).

    Example:
        >>> ReLU()(minitorch.tensor([-1.0, 2.0])).to_numpy().tolist() == [0.0, 2.0]
        True
    """

    def __init__(self, inplace: bool = False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return input.relu()

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class Tanh(Module):
    """tanh(x) elementwise (as `torch.nn.Tanh`).

    Shape:
        (*) -> (*).
    """

    def forward(self, input: Tensor) -> Tensor:
        return tanh(input)


class Sigmoid(Module):
    """1 / (1 + e^-x) elementwise (as `torch.nn.Sigmoid`), stable in both tails.

    Shape:
        (*) -> (*).
    """

    def forward(self, input: Tensor) -> Tensor:
        return input.sigmoid()


def _legacy_dim(dims: int) -> int:
    """PyTorch's choice when `dim` is not given: 0 for 0-, 1- and 3-D inputs, else 1."""
    return 0 if dims in (0, 1, 3) else 1


class Softmax(Module):
    """exp(x_i) / sum_j exp(x_j) along `dim` (as `torch.nn.Softmax`), max-shifted for stability.

    Args:
        dim: the dimension that sums to 1. Default None (PyTorch's legacy choice; pass it).

    Shape:
        (*) -> (*).

    Example:
        >>> Softmax(dim=1)(minitorch.zeros((2, 4))).to_numpy()[0].tolist()
        [0.25, 0.25, 0.25, 0.25]
    """

    def __init__(self, dim: Optional[int] = None):
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return softmax(input, self.dim if self.dim is not None else _legacy_dim(input.dims))

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Softmax):
    """x_i - log sum_j exp(x_j) along `dim` (as `torch.nn.LogSoftmax`), stable.

    Args:
        dim: the dimension normalised over. Default None (PyTorch's legacy choice).

    Shape:
        (*) -> (*).
    """

    def forward(self, input: Tensor) -> Tensor:
        return log_softmax(input, self.dim if self.dim is not None else _legacy_dim(input.dims))
