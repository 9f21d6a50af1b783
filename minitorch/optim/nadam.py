"""NAdam: Adam with Nesterov momentum (and momentum decay)."""

from __future__ import annotations

from typing import Any, Dict, Iterable, Optional, Tuple

from ..backends.namespace import array_namespace
from .optimizer import Optimizer, check_betas, check_nonnegative

__all__ = ["NAdam"]


class NAdam(Optimizer):
    """NAdam (as `torch.optim.NAdam`).

    Per step t, with g the gradient and p the parameter:

        p = p (1 - lr weight_decay)   (decoupled_weight_decay)   or   g = g + weight_decay * p
        mu_t = beta1 (1 - 0.96^(t momentum_decay) / 2),   M_t = mu_1 ... mu_t
        m = m + (1 - beta1) (g - m),   v = beta2 v + (1 - beta2) g^2
        d = sqrt(v / (1 - beta2^t)) + eps
        p = p - lr (1 - mu_t) / (1 - M_t) g / d - lr mu_{t+1} / (1 - M_t mu_{t+1}) m / d

    Works on every backend through its array namespace; no fused kernel.

    Args:
        params: Parameters (e.g. `model.parameters()`) or parameter-group dicts.
        lr: learning rate, default 2e-3.
        betas: (beta1, beta2), default (0.9, 0.999).
        eps: default 1e-8.
        weight_decay: default 0.
        momentum_decay: default 4e-3.
        decoupled_weight_decay: decay the parameter as AdamW (NAdamW) instead of adding an L2
            term to the gradient, default False.
        foreach: accepted for torch's signature and ignored.
        maximize: ascend the objective (the gradient negated), default False.

    Raises:
        DomainError: lr, eps, weight_decay or momentum_decay below 0, or a beta outside [0, 1).

    Example:
        >>> from minitorch.nn import Linear
        >>> opt = NAdam(Linear(2, 1).parameters(), lr=1e-2)
    """

    def __init__(self, params: Iterable[Any], lr: float = 2e-3, betas: Tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False, *, foreach: Optional[bool] = None, maximize: bool = False):
        check_nonnegative("NAdam", lr=lr, eps=eps, weight_decay=weight_decay, momentum_decay=momentum_decay)
        check_betas("NAdam", betas)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      momentum_decay=momentum_decay, decoupled_weight_decay=decoupled_weight_decay,
                                      foreach=foreach, maximize=maximize))

    def _update(self, group: Dict[str, Any], data: Any, grad: Any, state: Dict[str, Any]) -> None:
        xp = array_namespace(data)  # numpy, or CuPy for a parameter on the GPU
        lr, (beta1, beta2), weight_decay, momentum_decay = group["lr"], group["betas"], group["weight_decay"], \
            group["momentum_decay"]
        if not state:
            state["step"] = 0
            state["mu_product"] = 1.0
            state["exp_avg"] = xp.zeros(data.shape, dtype=data.dtype)
            state["exp_avg_sq"] = xp.zeros(data.shape, dtype=data.dtype)
        state["step"] += 1
        step = state["step"]
        if weight_decay != 0:
            if group["decoupled_weight_decay"]:
                data *= 1.0 - lr * weight_decay
            else:
                grad = grad + weight_decay * data
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * momentum_decay))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * momentum_decay))
        state["mu_product"] *= mu
        mu_product = state["mu_product"]
        exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
        exp_avg += (1.0 - beta1) * (grad - exp_avg)  # torch's lerp_(grad, 1 - beta1)
        exp_avg_sq *= beta2
        exp_avg_sq += (1.0 - beta2) * grad * grad
        denominator = xp.sqrt(exp_avg_sq / (1.0 - beta2**step)) + group["eps"]
        data += (-lr * (1.0 - mu) / (1.0 - mu_product)) * (grad / denominator)
        data += (-lr * mu_next / (1.0 - mu_product * mu_next)) * (exp_avg / denominator)
