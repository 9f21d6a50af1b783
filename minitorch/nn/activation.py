"""Activation layers (as `torch.nn`): `ReLU`, `Tanh`, `Sigmoid`, `Softmax`, `LogSoftmax`, and the
elementwise `GELU`, `SiLU`, `Mish`, `ELU`, `CELU`, `SELU`, `LeakyReLU`, `Softplus`, `Hardtanh`,
`ReLU6`, `Hardswish`, `Hardsigmoid`, `LogSigmoid`, `Softsign`, `Tanhshrink` over the functions of
`ops/activation.py` (reprs as PyTorch's). `inplace=True` is accepted and shown in the repr as
PyTorch does; the result is always a new tensor."""

from __future__ import annotations

from typing import Callable, Optional

from ..core.tensor import Tensor
from ..errors import DomainError
from ..ops import activation as F
from ..ops.activation import tanh
from ..ops.activation_channel import legacy_softmax_dim
from ..ops.softmax import log_softmax, softmax
from .module import Module

__all__ = [
    "ReLU", "Tanh", "Sigmoid", "Softmax", "LogSoftmax", "GELU", "SiLU", "Mish", "ELU", "CELU", "SELU", "LeakyReLU",
    "Softplus", "Hardtanh", "ReLU6", "Hardswish", "Hardsigmoid", "LogSigmoid", "Softsign", "Tanhshrink",
]


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
        return softmax(input, self.dim if self.dim is not None else legacy_softmax_dim(input.dims))

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
        return log_softmax(input, self.dim if self.dim is not None else legacy_softmax_dim(input.dims))


class _Inplace(Module):
    """A parameter-free elementwise activation `function`; `inplace` as PyTorch's (shown when set)."""

    function: Callable[[Tensor], Tensor]

    def __init__(self, inplace: bool = False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return self.function(input)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


def _inplace_suffix(inplace: bool) -> str:
    return ", inplace=True" if inplace else ""


class GELU(Module):
    """x Phi(x) (as `torch.nn.GELU`); see `F.gelu`.

    Args:
        approximate: 'none' (erf) or 'tanh'.

    Shape:
        (*) -> (*).

    Example:
        >>> GELU(approximate='tanh')
        GELU(approximate='tanh')
    """

    def __init__(self, approximate: str = "none"):
        super().__init__()
        self.approximate = approximate

    def forward(self, input: Tensor) -> Tensor:
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class SiLU(_Inplace):
    """x sigmoid(x) (as `torch.nn.SiLU`). Shape: (*) -> (*)."""

    function = staticmethod(F.silu)


class Mish(_Inplace):
    """x tanh(softplus(x)) (as `torch.nn.Mish`). Shape: (*) -> (*)."""

    function = staticmethod(F.mish)


class Hardswish(_Inplace):
    """x relu6(x + 3) / 6 (as `torch.nn.Hardswish`; PyTorch's repr never shows inplace). Shape: (*) -> (*)."""

    function = staticmethod(F.hardswish)

    def extra_repr(self) -> str:
        return ""


class Hardsigmoid(Hardswish):
    """relu6(x + 3) / 6 (as `torch.nn.Hardsigmoid`). Shape: (*) -> (*)."""

    function = staticmethod(F.hardsigmoid)


class SELU(_Inplace):
    """scale elu(x, alpha) with PyTorch's constants (as `torch.nn.SELU`). Shape: (*) -> (*)."""

    function = staticmethod(F.selu)


class LogSigmoid(Module):
    """log sigmoid(x), stable (as `torch.nn.LogSigmoid`). Shape: (*) -> (*)."""

    def forward(self, input: Tensor) -> Tensor:
        return F.logsigmoid(input)


class Softsign(Module):
    """x / (1 + |x|) (as `torch.nn.Softsign`). Shape: (*) -> (*)."""

    def forward(self, input: Tensor) -> Tensor:
        return F.softsign(input)


class Tanhshrink(Module):
    """x - tanh(x) (as `torch.nn.Tanhshrink`). Shape: (*) -> (*)."""

    def forward(self, input: Tensor) -> Tensor:
        return F.tanhshrink(input)


class ELU(Module):
    """x if x > 0 else alpha (e^x - 1) (as `torch.nn.ELU`).

    Args:
        alpha: the negative saturation value. Default 1.0.
        inplace: accepted (shown in the repr); the result is a new tensor.

    Shape:
        (*) -> (*).

    Example:
        >>> ELU(alpha=0.5)
        ELU(alpha=0.5)
    """

    function = staticmethod(F.elu)

    def __init__(self, alpha: float = 1.0, inplace: bool = False):
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return self.function(input, self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}{_inplace_suffix(self.inplace)}"


class CELU(ELU):
    """x if x > 0 else alpha (e^(x / alpha) - 1) (as `torch.nn.CELU`). Shape: (*) -> (*)."""

    function = staticmethod(F.celu)


class LeakyReLU(Module):
    """x if x > 0 else negative_slope x (as `torch.nn.LeakyReLU`).

    Args:
        negative_slope: the slope for x <= 0. Default 0.01.
        inplace: accepted (shown in the repr); the result is a new tensor.

    Shape:
        (*) -> (*).

    Example:
        >>> LeakyReLU(0.2)
        LeakyReLU(negative_slope=0.2)
    """

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False):
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.leaky_relu(input, self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}{_inplace_suffix(self.inplace)}"


class Softplus(Module):
    """log(1 + e^(beta x)) / beta, x past the threshold (as `torch.nn.Softplus`).

    Args:
        beta: Default 1.0. threshold: beta x above it gives x. Default 20.0.

    Shape:
        (*) -> (*).

    Example:
        >>> Softplus()
        Softplus(beta=1.0, threshold=20.0)
    """

    def __init__(self, beta: float = 1.0, threshold: float = 20.0):
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, input: Tensor) -> Tensor:
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class Hardtanh(Module):
    """x clamped to [min_val, max_val] (as `torch.nn.Hardtanh`).

    Args:
        min_val: Default -1.0. max_val: Default 1.0 (must exceed min_val).
        inplace: accepted (shown in the repr); the result is a new tensor.

    Raises:
        DomainError: max_val <= min_val.

    Shape:
        (*) -> (*).

    Example:
        >>> Hardtanh(-2.0, 2.0)
        Hardtanh(min_val=-2.0, max_val=2.0)
    """

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False):
        super().__init__()
        if not max_val > min_val:
            raise DomainError(f"Hardtanh: max_val ({max_val}) must be greater than min_val ({min_val})")
        self.min_val = min_val
        self.max_val = max_val
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.hardtanh(input, self.min_val, self.max_val)

    def extra_repr(self) -> str:
        return f"min_val={self.min_val}, max_val={self.max_val}{_inplace_suffix(self.inplace)}"


class ReLU6(Hardtanh):
    """min(max(x, 0), 6) (as `torch.nn.ReLU6`). Shape: (*) -> (*).

    Example:
        >>> ReLU6()
        ReLU6()
    """

    def __init__(self, inplace: bool = False):
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""
