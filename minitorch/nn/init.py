"""Weight initialisation, in place (PyTorch's `torch.nn.init` names and formulas).

Every function takes a Tensor (or a `Parameter`, whose `.value` is used), fills its storage
in place without recording a graph, and returns it. Random draws come from `generator`
(a `numpy.random.Generator`), default the library generator that `minitorch.manual_seed`
seeds.

Fans: for a weight of shape (out, in, *kernel), fan_in = in * prod(kernel) and
fan_out = out * prod(kernel); a Linear weight (out, in) has fan_in = in.

Example:
    >>> w = minitorch.zeros((4, 3))
    >>> _ = kaiming_uniform_(w, a=5 ** 0.5)  # PyTorch's default for Linear and Conv weights
"""

from __future__ import annotations

import math
from typing import Any, Optional, Tuple, TypeVar, Union

import numpy as np

from ..core.random import default_generator
from ..core.tensor import Tensor
from ..errors import ShapeError

__all__ = [
    "calculate_gain",
    "calculate_fan_in_and_fan_out",
    "uniform_",
    "normal_",
    "constant_",
    "zeros_",
    "ones_",
    "kaiming_uniform_",
    "kaiming_normal_",
    "xavier_uniform_",
    "xavier_normal_",
]

T = TypeVar("T")  # a Tensor, or a Parameter holding one: the fill functions return what they are given


def _tensor(t: Any) -> Tensor:
    tensor = getattr(t, "value", t)  # a Parameter holds its tensor in .value
    if not isinstance(tensor, Tensor):
        raise TypeError(f"init: expected a Tensor or a Parameter holding one, got {type(t).__name__}")
    return tensor


def _fill(t: T, values: Union[np.ndarray, float]) -> T:
    _tensor(t).to_numpy()[...] = values
    return t


def _rng(generator: Optional[np.random.Generator]) -> np.random.Generator:
    return generator if generator is not None else default_generator()


def calculate_gain(nonlinearity: str, param: Optional[float] = None) -> float:
    """The recommended gain for a nonlinearity (as `torch.nn.init.calculate_gain`).

    linear/conv/sigmoid: 1, tanh: 5/3, relu: sqrt(2), leaky_relu: sqrt(2 / (1 + slope^2))
    (slope = param, default 0.01), selu: 3/4.
    """
    if nonlinearity in ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                        "conv_transpose3d", "sigmoid"):
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3.0
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else float(param)
        return math.sqrt(2.0 / (1.0 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4.0
    raise ValueError(f"calculate_gain: unsupported nonlinearity {nonlinearity!r}")


def calculate_fan_in_and_fan_out(t: Any) -> Tuple[int, int]:
    """(fan_in, fan_out) of a weight (out, in, *kernel); needs at least 2 dims."""
    shape = _tensor(t).shape
    if len(shape) < 2:
        raise ShapeError(f"init: fan in and fan out need a weight with at least 2 dims, got shape {shape}")
    receptive = int(np.prod(shape[2:])) if len(shape) > 2 else 1
    return shape[1] * receptive, shape[0] * receptive


def uniform_(t: T, a: float = 0.0, b: float = 1.0, generator: Optional[np.random.Generator] = None) -> T:
    """Fill with draws from U(a, b)."""
    return _fill(t, _rng(generator).uniform(a, b, _tensor(t).shape))


def normal_(t: T, mean: float = 0.0, std: float = 1.0, generator: Optional[np.random.Generator] = None) -> T:
    """Fill with draws from N(mean, std^2)."""
    return _fill(t, _rng(generator).normal(mean, std, _tensor(t).shape))


def constant_(t: T, val: float) -> T:
    """Fill with `val`."""
    return _fill(t, val)


def zeros_(t: T) -> T:
    """Fill with 0."""
    return _fill(t, 0.0)


def ones_(t: T) -> T:
    """Fill with 1."""
    return _fill(t, 1.0)


def _kaiming_std(t: Any, a: float, mode: str, nonlinearity: str) -> float:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"kaiming init: mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = calculate_fan_in_and_fan_out(t)
    fan = fan_in if mode == "fan_in" else fan_out
    return calculate_gain(nonlinearity, a) / math.sqrt(fan) if fan > 0 else 0.0


def kaiming_uniform_(
    t: T,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: Optional[np.random.Generator] = None,
) -> T:
    """He initialisation: U(-bound, bound) with bound = gain * sqrt(3 / fan).

    With a = sqrt(5) (what PyTorch's layers use) the bound is 1 / sqrt(fan_in).
    """
    bound = math.sqrt(3.0) * _kaiming_std(t, a, mode, nonlinearity)
    return uniform_(t, -bound, bound, generator)


def kaiming_normal_(
    t: T,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: Optional[np.random.Generator] = None,
) -> T:
    """He initialisation: N(0, std^2) with std = gain / sqrt(fan)."""
    return normal_(t, 0.0, _kaiming_std(t, a, mode, nonlinearity), generator)


def xavier_uniform_(t: T, gain: float = 1.0, generator: Optional[np.random.Generator] = None) -> T:
    """Glorot initialisation: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out))."""
    fan_in, fan_out = calculate_fan_in_and_fan_out(t)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(t, -bound, bound, generator)


def xavier_normal_(t: T, gain: float = 1.0, generator: Optional[np.random.Generator] = None) -> T:
    """Glorot initialisation: N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out))."""
    fan_in, fan_out = calculate_fan_in_and_fan_out(t)
    return normal_(t, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), generator)
