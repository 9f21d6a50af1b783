"""The MiniTorch course's optimizer face: `minitorch.Optimizer` and `minitorch.SGD`.

The course's SGD *replaces* each parameter's value (`p.update(p.value - lr * grad)`), so the
new value is a fresh leaf and gradients never carry over between steps, even in the course's
Module 4 scripts, which never call `zero_grad()`. `minitorch.optim.SGD` (PyTorch's face)
updates in place and lets gradients accumulate until `zero_grad()`; aliasing it here would
silently change the course's training. Both faces share the update p <- p - lr * g.

Parameters may hold Scalars (Module 1, through `.derivative`) or Tensors (through `.grad`);
for a `minitorch.nn.Parameter` (a Tensor) `update` copies in place and forgets the gradient,
which is the same thing observed through the parameter.

Example:
    >>> p = minitorch.Parameter(minitorch.Scalar(1.0))
    >>> (p.value * 3.0).backward()
    >>> SGD([p], lr=0.5).step(); p.value.data, p.value.derivative
    (-0.5, None)
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..autodiff.scalar import Scalar
from ..core.tensor import Tensor
from ..core.tensor_data import TensorData

__all__ = ["Optimizer", "SGD"]


class Optimizer:
    """The course's optimizer base: holds the parameter list as `self.parameters`."""

    def __init__(self, parameters: Sequence[Any]):
        self.parameters = parameters


class SGD(Optimizer):
    """The course's stochastic gradient descent: p.value <- p.value - lr * gradient, replaced.

    Args:
        parameters: the course's `Parameter`s (e.g. `model.parameters()`).
        lr: learning rate, default 1.0 (the course's default).
    """

    def __init__(self, parameters: Sequence[Any], lr: float = 1.0):
        super().__init__(parameters)
        self.lr = lr

    def zero_grad(self) -> None:
        """Forget every parameter's derivative (Scalars) or gradient (Tensors)."""
        for p in self.parameters:
            value = p.value
            if isinstance(value, Scalar):
                value.derivative = None
            elif isinstance(value, Tensor):
                value.grad = None

    def step(self) -> None:
        """Replace every parameter that has a gradient by p - lr * gradient (a fresh leaf)."""
        for p in self.parameters:
            value = p.value
            if isinstance(value, Scalar):
                if value.derivative is not None:
                    p.update(Scalar(value.data - self.lr * value.derivative))
            elif isinstance(value, Tensor) and value.grad is not None:
                p.update(_sgd_value(value, value.grad, self.lr))


def _sgd_value(value: Tensor, gradient: Tensor, lr: float) -> Tensor:
    """p - lr * g as a new tensor, computed on the arrays (no graph to record).

    On host storage the result goes into one buffer of the backend's namespace (the fast
    backend's workspace: no fresh pages every step) as p + g * (-lr), which rounds exactly as
    p - lr * g does."""
    data, grad = value.to_numpy(), gradient.to_numpy().astype(value.dtype, copy=False)
    if value.backend.cuda or not isinstance(value._tensor._storage, np.ndarray):
        new = data - np.asarray(lr, dtype=data.dtype) * grad
        return Tensor(TensorData.from_numpy(new), backend=value.backend)
    new = value.backend.xp.empty(data.shape, dtype=data.dtype)
    np.multiply(grad, -np.asarray(lr, dtype=data.dtype), out=new)
    np.add(data, new, out=new)
    return value._new(TensorData._trusted(new.reshape(-1), value.shape))
