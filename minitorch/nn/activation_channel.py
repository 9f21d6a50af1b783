"""Activation layers along a dimension (as `torch.nn`): `PReLU` (a learned slope), `GLU`,
`Softmin`, over `ops/activation_channel.py`."""

from __future__ import annotations

from typing import Any, Optional

from ..core.creation import full
from ..core.tensor import Tensor
from ..ops.activation_channel import glu, prelu, softmin
from .module import Module
from .parameter import Parameter

__all__ = ["PReLU", "GLU", "Softmin"]


class PReLU(Module):
    """x if x > 0 else a x with a learned slope a (as `torch.nn.PReLU`): one for every channel
    (dim 1) or one shared.

    Args:
        num_parameters: 1 (shared) or the input's channel count. Default 1.
        init: the slopes' first value. Default 0.25.
        dtype: the parameter's dtype (default float64, MiniTorch's).

    Attributes:
        weight: (num_parameters,), filled with `init`.

    Shape:
        (N, C, *) -> (N, C, *); any shape when num_parameters is 1.

    Example:
        >>> PReLU(3)
        PReLU(num_parameters=3)
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25, device: Any = None, dtype: Any = None,
                 backend: Any = None):
        super().__init__()
        self.num_parameters = num_parameters
        self.init = init
        self.weight = Parameter(full((num_parameters,), init, dtype=dtype, backend=backend))
        if device is not None:
            self.to(device)

    def forward(self, input: Tensor) -> Tensor:
        return prelu(input, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class GLU(Module):
    """a * sigmoid(b), a and b the halves of the input along `dim` (as `torch.nn.GLU`).

    Args:
        dim: the dim halved. Default -1.

    Shape:
        (*, 2K, *) -> (*, K, *) along dim.
    """

    def __init__(self, dim: int = -1):
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return glu(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Softmin(Module):
    """softmax(-x) along `dim` (as `torch.nn.Softmin`).

    Args:
        dim: the dim that sums to 1. Default None (PyTorch's legacy choice; pass it).

    Shape:
        (*) -> (*).
    """

    def __init__(self, dim: Optional[int] = None):
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return softmin(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"
