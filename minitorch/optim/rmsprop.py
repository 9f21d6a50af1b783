"""RMSprop, plain or centered, with momentum and weight decay."""

from __future__ import annotations

from typing import Any, Dict, Iterable, Optional

from ..backends.namespace import array_namespace
from .optimizer import Optimizer, check_nonnegative

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """RMSprop (as `torch.optim.RMSprop`).

    Per step, with g the gradient and p the parameter:

        g = g + weight_decay * p
        v = alpha v + (1 - alpha) g^2
        m = m + (1 - alpha) (g - m);   d = sqrt(v - m^2) + eps      (centered)
        d = sqrt(v) + eps                                            (otherwise)
        b = momentum b + g / d;        p = p - lr b                  (momentum > 0)
        p = p - lr g / d                                             (otherwise)

    Works on every backend through its array namespace (numpy, or CuPy on the GPU), a few array
    passes per parameter; there is no fused kernel as for SGD and Adam.

    Args:
        params: Parameters (e.g. `model.parameters()`) or parameter-group dicts.
        lr: learning rate, default 1e-2.
        alpha: smoothing constant of the squared-gradient average, default 0.99.
        eps: added to the denominator, default 1e-8.
        weight_decay: L2 penalty, default 0.
        momentum: default 0.
        centered: divide by an estimate of the gradient's variance instead of its second moment,
            default False.
        foreach: accepted for torch's signature and ignored.
        maximize: ascend the objective (the gradient negated), default False.

    Raises:
        DomainError: lr, alpha, eps, weight_decay or momentum below 0.

    Example:
        >>> from minitorch.nn import Linear
        >>> opt = RMSprop(Linear(2, 1).parameters(), lr=1e-3, momentum=0.9, centered=True)
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0.0, momentum: float = 0.0, centered: bool = False,
                 foreach: Optional[bool] = None, maximize: bool = False):
        check_nonnegative("RMSprop", lr=lr, eps=eps, momentum=momentum, weight_decay=weight_decay, alpha=alpha)
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum,
                                      centered=centered, foreach=foreach, maximize=maximize))

    def _update(self, group: Dict[str, Any], data: Any, grad: Any, state: Dict[str, Any]) -> None:
        xp = array_namespace(data)  # numpy, or CuPy for a parameter on the GPU
        alpha, momentum = group["alpha"], group["momentum"]
        if not state:
            state["step"] = 0
            state["square_avg"] = xp.zeros(data.shape, dtype=data.dtype)
            if momentum > 0:
                state["momentum_buffer"] = xp.zeros(data.shape, dtype=data.dtype)
            if group["centered"]:
                state["grad_avg"] = xp.zeros(data.shape, dtype=data.dtype)
        state["step"] += 1
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * data
        square_avg = state["square_avg"]
        square_avg *= alpha
        square_avg += (1.0 - alpha) * grad * grad
        if group["centered"]:
            grad_avg = state["grad_avg"]
            grad_avg += (1.0 - alpha) * (grad - grad_avg)  # torch's lerp_(grad, 1 - alpha)
            denominator = xp.sqrt(square_avg - grad_avg * grad_avg)
        else:
            denominator = xp.sqrt(square_avg)
        denominator += group["eps"]
        if momentum > 0:
            buffer = state["momentum_buffer"]
            buffer *= momentum
            buffer += grad / denominator
            data -= group["lr"] * buffer
        else:
            data -= group["lr"] * (grad / denominator)
