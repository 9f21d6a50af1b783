"""Stochastic gradient descent with momentum, dampening, Nesterov and weight decay."""

from __future__ import annotations

from typing import Any, Dict, Iterable, Optional

import numpy as np

from ..backends.namespace import array_namespace
from ..errors import DomainError
from .optimizer import Optimizer, check_nonnegative

__all__ = ["SGD"]


class SGD(Optimizer):
    """Stochastic gradient descent (as `torch.optim.SGD`).

    Per step, with g the gradient and p the parameter:

        g = g + weight_decay * p
        b = g (first step), else b = momentum * b + (1 - dampening) * g   (if momentum != 0)
        g = g + momentum * b (nesterov) or g = b                          (if momentum != 0)
        p = p - lr * g

    Args:
        params: Parameters (e.g. `model.parameters()`) or parameter-group dicts.
        lr: learning rate, default 1e-3.
        momentum: default 0.
        dampening: default 0.
        weight_decay: L2 penalty, default 0.
        nesterov: Nesterov momentum (needs momentum > 0 and dampening 0), default False.
        maximize: ascend the objective (the gradient negated), default False.
        foreach: accepted for torch's signature and ignored (every update is one pass per parameter).

    Raises:
        DomainError: lr, momentum or weight_decay below 0; nesterov without momentum or with dampening.

    Example:
        >>> from minitorch.nn import Linear
        >>> opt = SGD(Linear(2, 1).parameters(), lr=0.1, momentum=0.9)
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-3, momentum: float = 0.0, dampening: float = 0.0,
                 weight_decay: float = 0.0, nesterov: bool = False, *, maximize: bool = False,
                 foreach: Optional[bool] = None):
        check_nonnegative("SGD", lr=lr, momentum=momentum, weight_decay=weight_decay)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise DomainError("SGD: nesterov momentum requires momentum > 0 and dampening = 0")
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                                      nesterov=nesterov, maximize=maximize, foreach=foreach))

    def _update(self, group: Dict[str, Any], data: np.ndarray, grad: np.ndarray, state: Dict[str, Any]) -> None:
        weight_decay, momentum = group["weight_decay"], group["momentum"]
        if not isinstance(data, np.ndarray):  # a parameter on the GPU: one fused kernel
            _device_update(group, data, grad, state)
            return
        if weight_decay != 0:
            grad = grad + weight_decay * data
        if momentum != 0:
            buffer = state.get("momentum_buffer")
            if buffer is None:
                buffer = state["momentum_buffer"] = np.array(grad, dtype=data.dtype)
            else:
                buffer *= momentum
                buffer += (1.0 - group["dampening"]) * grad
            grad = grad + momentum * buffer if group["nesterov"] else buffer
        data -= group["lr"] * grad


def _device_update(group: Dict[str, Any], data: Any, grad: Any, state: Dict[str, Any]) -> None:
    """The same update for device arrays, in the CUDA backend's fused kernel (the same arithmetic)."""
    from ..backends.cuda_optim import sgd_step

    xp = array_namespace(data)
    param = data.reshape(-1)  # a copy when data is not contiguous (written back below)
    buffer = state.get("momentum_buffer")
    first = buffer is None
    if group["momentum"] != 0:
        if first:
            buffer = state["momentum_buffer"] = xp.empty(data.shape, dtype=data.dtype)
        buffer = state["momentum_buffer"] = xp.ascontiguousarray(buffer, dtype=data.dtype)
    sgd_step(
        param,
        xp.ascontiguousarray(grad, dtype=data.dtype).reshape(-1),
        param if buffer is None else buffer.reshape(-1),
        first=first,
        lr=group["lr"],
        momentum=group["momentum"],
        dampening=group["dampening"],
        weight_decay=group["weight_decay"],
        nesterov=group["nesterov"],
    )
    if not data.flags.c_contiguous:
        data[...] = param.reshape(data.shape)
