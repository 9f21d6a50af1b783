"""HW2P1 activations: `Identity`, `Sigmoid`, `Tanh`, `ReLU`.

`forward(Z)` returns A = f(Z); `backward(dLdA)` returns dLdZ = dLdA * f'(Z) (the S24 handout).
Called with no argument, `backward()` returns f'(Z) itself (the older handouts' contract, where
the model multiplies). Both come from minitorch's autodiff: f'(Z) is the gradient for an
upstream of ones.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

import numpy as np

from ...core.tensor import Tensor
from ...nn import functional as F
from ..engine import Step, as_array, need_forward, run

__all__ = ["Identity", "Sigmoid", "Tanh", "ReLU"]


class _Activation:
    fn: Callable[[Tensor], Tensor] = staticmethod(lambda Z: Z * 1.0)

    def __init__(self) -> None:
        self._step: Optional[Step] = None
        self.A: Optional[np.ndarray] = None

    def forward(self, Z: Any) -> np.ndarray:
        self.A, self._step = run(type(self).__name__, lambda Z: type(self).fn(Z), Z=as_array(Z))
        return self.A

    def backward(self, dLdA: Any = None) -> np.ndarray:
        step = need_forward(type(self).__name__, self._step)
        upstream = np.ones(step.output.shape) if dLdA is None else dLdA
        return step.backward(upstream)["Z"]


class Identity(_Activation):
    """A = Z."""


class Sigmoid(_Activation):
    """A = 1 / (1 + exp(-Z))."""

    fn = staticmethod(F.sigmoid)


class Tanh(_Activation):
    """A = tanh(Z)."""

    fn = staticmethod(F.tanh)


class ReLU(_Activation):
    """A = max(Z, 0)."""

    fn = staticmethod(F.relu)
