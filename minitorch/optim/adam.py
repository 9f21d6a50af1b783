"""Adam and AdamW (decoupled weight decay), with optional AMSGrad."""

from __future__ import annotations

import math
from typing import Any, Dict, Iterable, Tuple

import numpy as np

from .optimizer import Optimizer

__all__ = ["Adam", "AdamW"]


class Adam(Optimizer):
    """Adam (as `torch.optim.Adam`).

    Per step t, with g the gradient and p the parameter:

        g = g + weight_decay * p                     (L2 penalty; AdamW decays p instead)
        m = beta1 m + (1 - beta1) g,   v = beta2 v + (1 - beta2) g^2
        v_max = max(v_max, v)                        (amsgrad; then v_max replaces v below)
        p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)

    Args:
        params: Parameters or parameter-group dicts.
        lr: learning rate, default 1e-3.
        betas: (beta1, beta2), default (0.9, 0.999).
        eps: default 1e-8.
        weight_decay: default 0.
        amsgrad: default False.

    Example:
        >>> from minitorch.nn import Linear
        >>> opt = Adam(Linear(2, 1).parameters(), lr=1e-2)
    """

    _decoupled = False

    def __init__(self, params: Iterable[Any], lr: float = 1e-3, betas: Tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0, amsgrad: bool = False):
        name = type(self).__name__
        if lr < 0 or eps < 0 or weight_decay < 0:
            raise ValueError(f"{name}: lr ({lr}), eps ({eps}) and weight_decay ({weight_decay}) must be >= 0")
        if not all(0.0 <= b < 1.0 for b in betas):
            raise ValueError(f"{name}: betas must lie in [0, 1), got {betas}")
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, amsgrad=amsgrad))

    def _update(self, group: Dict[str, Any], data: np.ndarray, grad: np.ndarray, state: Dict[str, Any]) -> None:
        lr, (beta1, beta2), weight_decay = group["lr"], group["betas"], group["weight_decay"]
        if not state:
            state["step"] = 0
            state["exp_avg"] = np.zeros_like(data)
            state["exp_avg_sq"] = np.zeros_like(data)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = np.zeros_like(data)
        if weight_decay != 0:
            if self._decoupled:
                data *= 1.0 - lr * weight_decay
            else:
                grad = grad + weight_decay * data
        state["step"] += 1
        step = state["step"]
        exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
        exp_avg *= beta1
        exp_avg += (1.0 - beta1) * grad
        exp_avg_sq *= beta2
        exp_avg_sq += (1.0 - beta2) * (grad * grad)
        if group["amsgrad"]:
            np.maximum(state["max_exp_avg_sq"], exp_avg_sq, out=state["max_exp_avg_sq"])
            exp_avg_sq = state["max_exp_avg_sq"]
        bias_correction1 = 1.0 - beta1**step
        bias_correction2_sqrt = math.sqrt(1.0 - beta2**step)
        denom = np.sqrt(exp_avg_sq)
        denom /= bias_correction2_sqrt
        denom += group["eps"]
        data -= (lr / bias_correction1) * (exp_avg / denom)


class AdamW(Adam):
    """Adam with decoupled weight decay (as `torch.optim.AdamW`): p = p (1 - lr weight_decay)
    before the Adam step, instead of adding weight_decay * p to the gradient.

    Args:
        params, lr (1e-3), betas ((0.9, 0.999)), eps (1e-8), amsgrad (False): as `Adam`.
        weight_decay: default 1e-2.
    """

    _decoupled = True

    def __init__(self, params: Iterable[Any], lr: float = 1e-3, betas: Tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2, amsgrad: bool = False):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad)
