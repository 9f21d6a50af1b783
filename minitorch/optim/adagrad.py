"""Adagrad: per-element learning rates from the running sum of squared gradients."""

from __future__ import annotations

from typing import Any, Dict, Iterable, Optional

from ..backends.namespace import array_namespace
from .optimizer import Optimizer, _array, _as_tensor, check_nonnegative

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """Adagrad (as `torch.optim.Adagrad`).

    Per step t, with g the gradient and p the parameter:

        g = g + weight_decay * p
        s = s + g^2                                  (s starts at initial_accumulator_value)
        p = p - lr / (1 + (t - 1) lr_decay) * g / (sqrt(s) + eps)

    As torch, the accumulators are made when the optimizer is (its `state_dict()` has them before
    the first step). Works on every backend through its array namespace; no fused kernel.

    Args:
        params: Parameters (e.g. `model.parameters()`) or parameter-group dicts.
        lr: learning rate, default 1e-2.
        lr_decay: default 0.
        weight_decay: L2 penalty, default 0.
        initial_accumulator_value: the sum's starting value, default 0.
        eps: added to the denominator, default 1e-10.
        foreach: accepted for torch's signature and ignored.
        maximize: ascend the objective (the gradient negated), default False.

    Raises:
        DomainError: lr, lr_decay, weight_decay, initial_accumulator_value or eps below 0.

    Example:
        >>> from minitorch.nn import Linear
        >>> opt = Adagrad(Linear(2, 1).parameters(), lr=0.1, lr_decay=1e-3)
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-2, lr_decay: float = 0.0, weight_decay: float = 0.0,
                 initial_accumulator_value: float = 0.0, eps: float = 1e-10, foreach: Optional[bool] = None, *,
                 maximize: bool = False):
        check_nonnegative("Adagrad", lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                          initial_accumulator_value=initial_accumulator_value, eps=eps)
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, eps=eps, foreach=foreach,
                                      maximize=maximize))
        for group in self.param_groups:
            for p in group["params"]:
                self.state[p] = _initial_state(group, _array(_as_tensor(p)))

    def _update(self, group: Dict[str, Any], data: Any, grad: Any, state: Dict[str, Any]) -> None:
        xp = array_namespace(data)  # numpy, or CuPy for a parameter on the GPU
        if not state:  # a group added after construction
            state.update(_initial_state(group, data))
        state["step"] += 1
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * data
        learning_rate = group["lr"] / (1.0 + (state["step"] - 1) * group["lr_decay"])
        state["sum"] += grad * grad
        data -= learning_rate * (grad / (xp.sqrt(state["sum"]) + group["eps"]))


def _initial_state(group: Dict[str, Any], data: Any) -> Dict[str, Any]:
    xp = array_namespace(data)
    return {"step": 0, "sum": xp.full(data.shape, group["initial_accumulator_value"], dtype=data.dtype)}
