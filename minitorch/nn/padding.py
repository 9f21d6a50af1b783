"""Padding layers under PyTorch's names: Zero/Constant/Reflection/Replication/CircularPad{1,2,3}d.

Each is `minitorch.ops.pad.pad` with a fixed mode and padding; the padding is an int (the
same on every side) or (left, right[, top, bottom[, front, back]]), the last dim first.
"""

from __future__ import annotations

from typing import Sequence, Tuple, Union

from ..core.tensor import Tensor
from ..errors import ShapeError
from ..ops.pad import pad
from .module import Module

__all__ = [
    "CircularPad1d",
    "CircularPad2d",
    "CircularPad3d",
    "ConstantPad1d",
    "ConstantPad2d",
    "ConstantPad3d",
    "ReflectionPad1d",
    "ReflectionPad2d",
    "ReflectionPad3d",
    "ReplicationPad1d",
    "ReplicationPad2d",
    "ReplicationPad3d",
    "ZeroPad1d",
    "ZeroPad2d",
    "ZeroPad3d",
]


class _PadNd(Module):
    """Pads the last `_dims` dims by `padding` in `_mode` (see the module docstring).

    Shape:
        (*, d_k, ..., d_1) -> (*, d_k + front + back, ..., d_1 + left + right), k = 1, 2 or 3.
    """

    _dims = 0
    _mode = "constant"

    def __init__(self, padding: Union[int, Sequence[int]], value: float = 0.0):
        super().__init__()
        name, n = type(self).__name__, self._dims
        pads = (padding,) * (2 * n) if isinstance(padding, int) else tuple(padding)
        if len(pads) != 2 * n or not all(isinstance(p, int) for p in pads):
            raise ShapeError(f"{name}: padding must be an int or a tuple of {2 * n} ints, got {padding!r}")
        self.padding: Tuple[int, ...] = pads
        self.value = float(value)

    def forward(self, input: Tensor) -> Tensor:
        return pad(input, self.padding, mode=self._mode, value=self.value)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    def __init__(self, padding: Union[int, Sequence[int]], value: float):
        super().__init__(padding, value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class _ModePadNd(_PadNd):
    """A padding layer without a `value` argument (zeros, or a mode that reads the input)."""

    def __init__(self, padding: Union[int, Sequence[int]]):
        super().__init__(padding, 0.0)


class ConstantPad1d(_ConstantPadNd):
    """Pad the last dim with `value` (as `torch.nn.ConstantPad1d`).

    Example:
        >>> ConstantPad1d((1, 2), 3.5)(minitorch.zeros((1, 2, 4))).shape
        (1, 2, 7)
    """

    _dims = 1


class ConstantPad2d(_ConstantPadNd):
    """Pad the last two dims with `value` (as `torch.nn.ConstantPad2d`)."""

    _dims = 2


class ConstantPad3d(_ConstantPadNd):
    """Pad the last three dims with `value` (as `torch.nn.ConstantPad3d`)."""

    _dims = 3


class ZeroPad1d(_ModePadNd):
    """Pad the last dim with zeros (as `torch.nn.ZeroPad1d`)."""

    _dims = 1


class ZeroPad2d(_ModePadNd):
    """Pad the last two dims with zeros (as `torch.nn.ZeroPad2d`).

    Example:
        >>> ZeroPad2d(1)(minitorch.ones((1, 1, 2, 2))).to_numpy()[0, 0].tolist()[0]
        [0.0, 0.0, 0.0, 0.0]
    """

    _dims = 2


class ZeroPad3d(_ModePadNd):
    """Pad the last three dims with zeros (as `torch.nn.ZeroPad3d`)."""

    _dims = 3


class ReflectionPad1d(_ModePadNd):
    """Mirror the last dim at its ends, the edge not repeated (as `torch.nn.ReflectionPad1d`).

    Example:
        >>> ReflectionPad1d(2)(minitorch.tensor([[[1.0, 2.0, 3.0]]])).to_numpy().tolist()
        [[[3.0, 2.0, 1.0, 2.0, 3.0, 2.0, 1.0]]]
    """

    _dims = 1
    _mode = "reflect"


class ReflectionPad2d(_ModePadNd):
    """Mirror the last two dims (as `torch.nn.ReflectionPad2d`); pads < each dim's size."""

    _dims = 2
    _mode = "reflect"


class ReflectionPad3d(_ModePadNd):
    """Mirror the last three dims (as `torch.nn.ReflectionPad3d`)."""

    _dims = 3
    _mode = "reflect"


class ReplicationPad1d(_ModePadNd):
    """Repeat the edge values of the last dim (as `torch.nn.ReplicationPad1d`)."""

    _dims = 1
    _mode = "replicate"


class ReplicationPad2d(_ModePadNd):
    """Repeat the edge values of the last two dims (as `torch.nn.ReplicationPad2d`)."""

    _dims = 2
    _mode = "replicate"


class ReplicationPad3d(_ModePadNd):
    """Repeat the edge values of the last three dims (as `torch.nn.ReplicationPad3d`)."""

    _dims = 3
    _mode = "replicate"


class CircularPad1d(_ModePadNd):
    """Wrap the last dim around (as `torch.nn.CircularPad1d`); pads <= its size."""

    _dims = 1
    _mode = "circular"


class CircularPad2d(_ModePadNd):
    """Wrap the last two dims around (as `torch.nn.CircularPad2d`)."""

    _dims = 2
    _mode = "circular"


class CircularPad3d(_ModePadNd):
    """Wrap the last three dims around (as `torch.nn.CircularPad3d`)."""

    _dims = 3
    _mode = "circular"
