"""Pooling layers: `MaxPool1d/2d`, `AvgPool1d/2d`, `AdaptiveAvgPool1d/2d`, `AdaptiveMaxPool1d/2d`
(PyTorch's arguments).

`stride` defaults to `kernel_size`. The arithmetic is in `minitorch.ops.pool`.
"""

from __future__ import annotations

from typing import Callable, Optional, Sequence, Tuple, Union

from ..core.tensor import Tensor
from ..ops.adaptive_pool import adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_max_pool1d, adaptive_max_pool2d
from ..ops.pool import MaxPoolResult, avg_pool1d, avg_pool2d, max_pool1d, max_pool2d
from .module import Module

__all__ = ["MaxPool1d", "MaxPool2d", "AvgPool1d", "AvgPool2d", "AdaptiveAvgPool1d", "AdaptiveAvgPool2d",
           "AdaptiveMaxPool1d", "AdaptiveMaxPool2d"]

IntOrTuple = Union[int, Sequence[int]]


def _single(value: IntOrTuple) -> Tuple[int, ...]:
    return (value,) if isinstance(value, int) else tuple(value)


class _MaxPoolNd(Module):
    def __init__(self, kernel_size: IntOrTuple, stride: Optional[IntOrTuple] = None, padding: IntOrTuple = 0,
                 dilation: IntOrTuple = 1, return_indices: bool = False, ceil_mode: bool = False):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.dilation = padding, dilation
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class MaxPool1d(_MaxPoolNd):
    """1-D max pooling (as `torch.nn.MaxPool1d`); see `ops.pool.max_pool1d` for the math.

    Args:
        kernel_size: K. stride: S, default K. padding: P, default 0. dilation: D, default 1.
        return_indices: also return argmax positions, default False. ceil_mode: default False.

    Shape:
        (N, C, L) -> (N, C, L_out), L_out = floor((L + 2P - D (K - 1) - 1) / S) + 1.

    Example:
        >>> MaxPool1d(2)(minitorch.rand((1, 3, 8))).shape
        (1, 3, 4)
    """

    def forward(self, input: Tensor) -> MaxPoolResult:
        return max_pool1d(input, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode,
                          self.return_indices)


class MaxPool2d(_MaxPoolNd):
    """2-D max pooling (as `torch.nn.MaxPool2d`); arguments as `MaxPool1d`, ints or (h, w) pairs.

    Shape:
        (N, C, H, W) -> (N, C, H_out, W_out), each size as in `MaxPool1d`.

    Example:
        >>> MaxPool2d(2)(minitorch.rand((1, 6, 28, 28))).shape
        (1, 6, 14, 14)
    """

    def forward(self, input: Tensor) -> MaxPoolResult:
        return max_pool2d(input, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode,
                          self.return_indices)


class AvgPool1d(Module):
    """1-D average pooling (as `torch.nn.AvgPool1d`); see `ops.pool.avg_pool1d`.

    Args:
        kernel_size: K. stride: S, default K. padding: P, default 0. ceil_mode: default False.
        count_include_pad: divide by the padded window size, default True.

    Shape:
        (N, C, L) -> (N, C, L_out), L_out = floor((L + 2P - K) / S) + 1.

    Example:
        >>> AvgPool1d(2)(minitorch.rand((1, 3, 8))).shape
        (1, 3, 4)
    """

    def __init__(self, kernel_size: IntOrTuple, stride: Optional[IntOrTuple] = None, padding: IntOrTuple = 0,
                 ceil_mode: bool = False, count_include_pad: bool = True):
        super().__init__()
        # PyTorch keeps 1-tuples here (and shows them); AvgPool2d keeps what it is given
        self.kernel_size: IntOrTuple = _single(kernel_size)
        self.stride: IntOrTuple = _single(stride if stride is not None else kernel_size)
        self.padding: IntOrTuple = _single(padding)
        self.ceil_mode, self.count_include_pad = ceil_mode, count_include_pad

    def forward(self, input: Tensor) -> Tensor:
        return avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool2d(AvgPool1d):
    """2-D average pooling (as `torch.nn.AvgPool2d`); arguments as `AvgPool1d` plus
    `divisor_override` (divide by this instead, default None).

    Shape:
        (N, C, H, W) -> (N, C, H_out, W_out).

    Example:
        >>> AvgPool2d(2)(minitorch.rand((1, 6, 28, 28))).shape
        (1, 6, 14, 14)
    """

    def __init__(self, kernel_size: IntOrTuple, stride: Optional[IntOrTuple] = None, padding: IntOrTuple = 0,
                 ceil_mode: bool = False, count_include_pad: bool = True, divisor_override: Optional[int] = None):
        Module.__init__(self)
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.ceil_mode, self.count_include_pad = padding, ceil_mode, count_include_pad
        self.divisor_override = divisor_override

    def forward(self, input: Tensor) -> Tensor:
        return avg_pool2d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad,
                          self.divisor_override)


class AdaptiveAvgPool1d(Module):
    """Average pooling to a fixed output length (as `torch.nn.AdaptiveAvgPool1d`).

    Window i covers [floor(i L / O), ceil((i + 1) L / O)).

    Args:
        output_size: O.

    Shape:
        (N, C, L) -> (N, C, O).

    Example:
        >>> AdaptiveAvgPool1d(4)(minitorch.rand((1, 3, 10))).shape
        (1, 3, 4)
    """

    def __init__(self, output_size: IntOrTuple):
        super().__init__()
        self.output_size = output_size

    def forward(self, input: Tensor) -> Tensor:
        return adaptive_avg_pool1d(input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveAvgPool2d(AdaptiveAvgPool1d):
    """Average pooling to a fixed output size (as `torch.nn.AdaptiveAvgPool2d`).

    Args:
        output_size: O or (O_h, O_w); None in a position keeps that input size.

    Shape:
        (N, C, H, W) -> (N, C, O_h, O_w).

    Example:
        >>> AdaptiveAvgPool2d((1, 1))(minitorch.rand((2, 8, 5, 7))).shape
        (2, 8, 1, 1)
    """

    def forward(self, input: Tensor) -> Tensor:
        return adaptive_avg_pool2d(input, self.output_size)


class AdaptiveMaxPool1d(Module):
    """Max pooling to a fixed output length (as `torch.nn.AdaptiveMaxPool1d`); windows as
    `AdaptiveAvgPool1d`.

    Args:
        output_size: O.
        return_indices: also return argmax positions, default False.

    Shape:
        (N, C, L) -> (N, C, O).

    Example:
        >>> AdaptiveMaxPool1d(2)(minitorch.tensor([[[1.0, 5.0, 3.0, 0.0]]])).to_numpy().tolist()
        [[[5.0, 3.0]]]
    """

    _function: Callable[..., MaxPoolResult] = staticmethod(adaptive_max_pool1d)

    def __init__(self, output_size: IntOrTuple, return_indices: bool = False):
        super().__init__()
        self.output_size, self.return_indices = output_size, return_indices

    def forward(self, input: Tensor) -> MaxPoolResult:
        return self._function(input, self.output_size, self.return_indices)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveMaxPool2d(AdaptiveMaxPool1d):
    """Max pooling to a fixed output size (as `torch.nn.AdaptiveMaxPool2d`); windows as
    `AdaptiveAvgPool2d`.

    Args:
        output_size: O or (O_h, O_w).
        return_indices: also return argmax positions, default False.

    Shape:
        (N, C, H, W) -> (N, C, O_h, O_w).

    Example:
        >>> AdaptiveMaxPool2d(1)(minitorch.rand((2, 3, 4, 5))).shape
        (2, 3, 1, 1)
    """

    _function = staticmethod(adaptive_max_pool2d)
