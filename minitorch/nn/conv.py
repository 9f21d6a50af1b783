"""Convolution layers: `Conv1d`, `Conv2d`, `Conv3d`, `ConvTranspose1d`, `ConvTranspose2d`, `ConvTranspose3d`.

PyTorch's constructor arguments, weight layouts and default initialisation:
weight (C_out, C_in / groups, *kernel) for convolutions and (C_in, C_out / groups, *kernel)
for transposed ones, Kaiming-uniform with a = sqrt(5) (bound 1 / sqrt(fan_in)), bias
U(-1 / sqrt(fan_in), 1 / sqrt(fan_in)), where fan_in = weight.shape[1] * prod(kernel).
The arithmetic is in `minitorch.ops.conv` / `ops.conv_transpose`.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Optional, Sequence, Tuple, Union

from ..core.creation import zeros
from ..core.tensor import Tensor
from ..ops.conv import conv1d, conv2d, conv3d, resolve_padding
from ..ops.conv_transpose import conv_transpose1d, conv_transpose2d, conv_transpose3d
from ..ops.pad import pad
from . import init
from .module import Module
from .parameter import Parameter

__all__ = ["Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d"]

IntOrTuple = Union[int, Sequence[int]]

# 'zeros' pads inside the convolution; the others pad the input first with `ops.pad`
# ('reflect', 'replicate', 'circular' are its modes).
PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def _tuple(value: IntOrTuple, n: int) -> Tuple[int, ...]:
    return (int(value),) * n if isinstance(value, int) else tuple(int(v) for v in value)


class _ConvNd(Module):
    """Shared parameters, initialisation and printing of the convolution layers."""

    _dims = 0
    _transposed = False

    def __init__(self, in_channels: int, out_channels: int, kernel_size: IntOrTuple, stride: IntOrTuple,
                 padding: Union[str, IntOrTuple], dilation: IntOrTuple, groups: int, bias: bool,
                 padding_mode: str, output_padding: IntOrTuple, dtype: Any, backend: Any):
        super().__init__()
        name = type(self).__name__
        if groups < 1 or in_channels % groups or out_channels % groups:
            raise ValueError(
                f"{name}: in_channels ({in_channels}) and out_channels ({out_channels}) must both be "
                f"divisible by groups ({groups})"
            )
        if padding_mode not in PADDING_MODES:
            raise ValueError(f"{name}: padding_mode must be one of {PADDING_MODES}, got {padding_mode!r}")
        if padding_mode != "zeros" and self._transposed:
            raise ValueError(f"{name}: only padding_mode='zeros' is supported for transposed convolutions (as in PyTorch)")
        n = self._dims
        self.in_channels, self.out_channels, self.groups = int(in_channels), int(out_channels), int(groups)
        self.kernel_size, self.stride = _tuple(kernel_size, n), _tuple(stride, n)
        self.padding = padding if isinstance(padding, str) else _tuple(padding, n)
        self.dilation, self.output_padding = _tuple(dilation, n), _tuple(output_padding, n)
        self.padding_mode = padding_mode
        if self._transposed:
            shape = (self.in_channels, self.out_channels // self.groups) + self.kernel_size
        else:
            shape = (self.out_channels, self.in_channels // self.groups) + self.kernel_size
        self.weight = Parameter(zeros(shape, backend=backend, dtype=dtype))
        self.bias = Parameter(zeros((self.out_channels,), backend=backend, dtype=dtype)) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """PyTorch's default initialisation (see the module docstring)."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init.calculate_fan_in_and_fan_out(self.weight)
            bound = 1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0
            init.uniform_(self.bias, -bound, bound)

    def _bias(self) -> Optional[Tensor]:
        return None if self.bias is None else self.bias.value

    def extra_repr(self) -> str:
        n = self._dims
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,) * n:
            s += f", padding={self.padding}"
        if self.dilation != (1,) * n:
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * n:
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class _Conv(_ConvNd):
    _function: Callable[..., Tensor]

    def __init__(self, in_channels: int, out_channels: int, kernel_size: IntOrTuple, stride: IntOrTuple = 1,
                 padding: Union[str, IntOrTuple] = 0, dilation: IntOrTuple = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", dtype: Any = None, backend: Any = None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode, 0, dtype, backend)

    def forward(self, input: Tensor) -> Tensor:
        conv = type(self)._function
        padding: Union[str, IntOrTuple] = self.padding
        if self.padding_mode != "zeros":
            input, padding = self._pad_input(input), 0
        return conv(input, self.weight.value, self._bias(), self.stride, padding, self.dilation, self.groups)

    def _pad_input(self, input: Tensor) -> Tensor:
        """The input padded by `padding` in `padding_mode` (as PyTorch does before a padding-0 conv)."""
        name, n = type(self).__name__, self._dims
        low, high = resolve_padding(
            name, self.padding, n, self.kernel_size, self.stride, self.dilation, (input.shape, self.weight.value.shape)
        )
        # (left, right) pairs, the last dim first: F.pad's order
        pairs = tuple(p for dim in reversed(range(n)) for p in (low[dim], high[dim]))
        return pad(input, pairs, mode=self.padding_mode)


class Conv1d(_Conv):
    """1-D convolution layer (as `torch.nn.Conv1d`).

    out[n, o, l] = b[o] + sum_{c, k} W[o, c, k] x[n, g * C_in/G + c, l * S - P + k * D] over
    the channels c of group g of output channel o.

    Args:
        in_channels, out_channels: C_in, C_out (both divisible by `groups`).
        kernel_size: K.
        stride: S, default 1.
        padding: P (int or tuple), or 'valid' / 'same'. Default 0.
        dilation: D, default 1.
        groups: G, default 1.
        bias: learn a bias, default True.
        padding_mode: 'zeros' (default), or 'reflect', 'replicate', 'circular' (the input is
            first padded with `F.pad` in that mode, then convolved with no padding).
        dtype, backend: of the parameters (default float64, fast backend).

    Shape:
        (N, C_in, L) -> (N, C_out, L_out), L_out = floor((L + 2P - D (K - 1) - 1) / S) + 1.

    Example:
        >>> Conv1d(16, 33, 3, stride=2)(minitorch.rand((20, 16, 50))).shape
        (20, 33, 24)
    """

    _dims = 1
    _function = staticmethod(conv1d)


class Conv2d(_Conv):
    """2-D convolution layer (as `torch.nn.Conv2d`); the 2-D form of `Conv1d`.

    Args: as `Conv1d`, with K, S, P, D ints or (h, w) pairs.

    Shape:
        (N, C_in, H, W) -> (N, C_out, H_out, W_out), each spatial size as in `Conv1d`.

    Example:
        >>> Conv2d(1, 6, 5)(minitorch.rand((2, 1, 32, 32))).shape
        (2, 6, 28, 28)
    """

    _dims = 2
    _function = staticmethod(conv2d)


class Conv3d(_Conv):
    """3-D convolution layer (as `torch.nn.Conv3d`); the 3-D form of `Conv1d`.

    Shape:
        (N, C_in, D, H, W) -> (N, C_out, D_out, H_out, W_out).

    Example:
        >>> Conv3d(2, 4, 3)(minitorch.rand((1, 2, 5, 5, 5))).shape
        (1, 4, 3, 3, 3)
    """

    _dims = 3
    _function = staticmethod(conv3d)


class _ConvTranspose(_ConvNd):
    _transposed = True
    _function: Callable[..., Tensor]

    def __init__(self, in_channels: int, out_channels: int, kernel_size: IntOrTuple, stride: IntOrTuple = 1,
                 padding: IntOrTuple = 0, output_padding: IntOrTuple = 0, groups: int = 1, bias: bool = True,
                 dilation: IntOrTuple = 1, padding_mode: str = "zeros", dtype: Any = None, backend: Any = None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode, output_padding, dtype, backend)

    def forward(self, input: Tensor) -> Tensor:
        conv = type(self)._function
        return conv(input, self.weight.value, self._bias(), self.stride, self.padding, self.output_padding,
                    self.groups, self.dilation)


class ConvTranspose1d(_ConvTranspose):
    """1-D transposed convolution layer (as `torch.nn.ConvTranspose1d`), the adjoint of Conv1d.

    Args:
        in_channels, out_channels, kernel_size, stride (default 1), padding (default 0),
        output_padding (extra size on the high side, < S or < D; default 0), groups (1),
        bias (True), dilation (1), padding_mode ('zeros' only), dtype, backend.

    Shape:
        (N, C_in, L) -> (N, C_out, L_out), L_out = (L - 1) S - 2P + D (K - 1) + output_padding + 1.

    Example:
        >>> ConvTranspose1d(4, 2, 3, stride=2)(minitorch.rand((1, 4, 5))).shape
        (1, 2, 11)
    """

    _dims = 1
    _function = staticmethod(conv_transpose1d)


class ConvTranspose2d(_ConvTranspose):
    """2-D transposed convolution layer (as `torch.nn.ConvTranspose2d`).

    Shape:
        (N, C_in, H, W) -> (N, C_out, H_out, W_out), each size as in `ConvTranspose1d`.

    Example:
        >>> ConvTranspose2d(4, 2, 2, stride=2)(minitorch.rand((1, 4, 5, 5))).shape
        (1, 2, 10, 10)
    """

    _dims = 2
    _function = staticmethod(conv_transpose2d)


class ConvTranspose3d(_ConvTranspose):
    """3-D transposed convolution layer (as `torch.nn.ConvTranspose3d`).

    Shape:
        (N, C_in, D, H, W) -> (N, C_out, D_out, H_out, W_out), each size as in `ConvTranspose1d`.

    Example:
        >>> ConvTranspose3d(2, 1, 2, stride=2)(minitorch.rand((1, 2, 3, 3, 3))).shape
        (1, 1, 6, 6, 6)
    """

    _dims = 3
    _function = staticmethod(conv_transpose3d)
