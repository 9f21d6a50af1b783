"""Adamax: Adam with the infinity norm in place of the second moment."""

from __future__ import annotations

from typing import Any, Dict, Iterable, Optional, Tuple

from ..backends.namespace import array_namespace
from .optimizer import Optimizer, check_betas, check_nonnegative

__all__ = ["Adamax"]


class Adamax(Optimizer):
    """Adamax (as `torch.optim.Adamax`).

    Per step t, with g the gradient and p the parameter:

        g = g + weight_decay * p
        m = m + (1 - beta1) (g - m)
        u = max(beta2 u, |g| + eps)
        p = p - lr / (1 - beta1^t) * m / u

    Works on every backend through its array namespace; no fused kernel.

    Args:
        params: Parameters (e.g. `model.parameters()`) or parameter-group dicts.
        lr: learning rate, default 2e-3.
        betas: (beta1, beta2), default (0.9, 0.999).
        eps: default 1e-8.
        weight_decay: L2 penalty, default 0.
        foreach: accepted for torch's signature and ignored.
        maximize: ascend the objective (the gradient negated), default False.

    Raises:
        DomainError: lr, eps or weight_decay below 0, or a beta outside [0, 1).

    Example:
        >>> from minitorch.nn import Linear
        >>> opt = Adamax(Linear(2, 1).parameters(), lr=1e-2)
    """

    def __init__(self, params: Iterable[Any], lr: float = 2e-3, betas: Tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0, foreach: Optional[bool] = None, *, maximize: bool = False):
        check_nonnegative("Adamax", lr=lr, eps=eps, weight_decay=weight_decay)
        check_betas("Adamax", betas)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, foreach=foreach,
                                      maximize=maximize))

    def _update(self, group: Dict[str, Any], data: Any, grad: Any, state: Dict[str, Any]) -> None:
        xp = array_namespace(data)  # numpy, or CuPy for a parameter on the GPU
        beta1, beta2 = group["betas"]
        if not state:
            state["step"] = 0
            state["exp_avg"] = xp.zeros(data.shape, dtype=data.dtype)
            state["exp_inf"] = xp.zeros(data.shape, dtype=data.dtype)
        state["step"] += 1
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * data
        exp_avg, exp_inf = state["exp_avg"], state["exp_inf"]
        exp_avg += (1.0 - beta1) * (grad - exp_avg)  # torch's lerp_(grad, 1 - beta1)
        exp_inf *= beta2
        xp.maximum(exp_inf, xp.abs(grad) + group["eps"], out=exp_inf)
        data -= (group["lr"] / (1.0 - beta1 ** state["step"])) * (exp_avg / exp_inf)
