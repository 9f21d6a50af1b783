"""Fully connected layers: `Linear` (y = x W^T + b) and `Identity`."""

from __future__ import annotations

import math
from typing import Any

from ..core.creation import zeros
from ..core.tensor import Tensor
from ..ops.linear import linear
from . import init
from .module import Module
from .parameter import Parameter

__all__ = ["Linear", "Identity"]


class Linear(Module):
    """Affine map y = x W^T + b (as `torch.nn.Linear`), one fused BLAS call.

    Args:
        in_features: size of each input sample.
        out_features: size of each output sample.
        bias: learn an additive bias. Default True.
        dtype: parameter dtype, "float64" (default, MiniTorch's) or "float32".
        backend: the TensorBackend of the parameters (default: the fast CPU backend).

    Attributes:
        weight: (out_features, in_features), Kaiming-uniform with a = sqrt(5), i.e.
            U(-1/sqrt(in_features), 1/sqrt(in_features)) as PyTorch.
        bias: (out_features,), U(-1/sqrt(in_features), 1/sqrt(in_features)); None without bias.

    Shape:
        (*, in_features) -> (*, out_features).

    Example:
        >>> layer = Linear(20, 30)
        >>> layer(minitorch.rand((128, 20))).shape
        (128, 30)
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, dtype: Any = None, backend: Any = None):
        super().__init__()
        self.in_features, self.out_features = int(in_features), int(out_features)
        self.weight = Parameter(zeros((self.out_features, self.in_features), backend=backend, dtype=dtype))
        self.bias = Parameter(zeros((self.out_features,), backend=backend, dtype=dtype)) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """PyTorch's default initialisation (see the class docstring)."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1.0 / math.sqrt(self.in_features) if self.in_features > 0 else 0.0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input: Tensor) -> Tensor:
        return linear(input, self.weight.value, None if self.bias is None else self.bias.value)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Identity(Module):
    """Returns its input unchanged (a placeholder layer, as `torch.nn.Identity`).

    Shape:
        (*) -> (*).
    """

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__()

    def forward(self, input: Tensor) -> Tensor:
        return input
