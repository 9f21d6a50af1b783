"""Adam and AdamW (decoupled weight decay), with optional AMSGrad."""

from __future__ import annotations

import math
from typing import Any, Dict, Iterable, List, Optional, Tuple

import numpy as np

from ..backends import compiled
from ..backends.namespace import array_namespace
from .optimizer import Optimizer, check_betas, check_nonnegative

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
        maximize: ascend the objective (the gradient negated), default False.
        foreach: accepted for torch's signature and ignored (host parameters are always updated several
            per kernel call, one pass over each; the numbers are those of one at a time).

    Raises:
        DomainError: lr, eps or weight_decay below 0, or a beta outside [0, 1).

    Example:
        >>> from minitorch.nn import Linear
        >>> opt = Adam(Linear(2, 1).parameters(), lr=1e-2)
    """

    _decoupled = False

    def __init__(self, params: Iterable[Any], lr: float = 1e-3, betas: Tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0, amsgrad: bool = False, *,
                 foreach: Optional[bool] = None, maximize: bool = False):
        name = type(self).__name__
        check_nonnegative(name, lr=lr, eps=eps, weight_decay=weight_decay)
        check_betas(name, betas)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                                      foreach=foreach, maximize=maximize))

    def _update_group(self, group: Dict[str, Any], items: List[Tuple[Any, Any, Any]]) -> None:
        """Host (numpy) parameters of one dtype take one multi-tensor kernel call per few tensors
        (`fast_optim.adam_steps`); a parameter on the GPU takes the device kernel."""
        host: Dict[Any, List[Tuple[np.ndarray, np.ndarray, Dict[str, Any]]]] = {}
        written_back = []
        for p, data, grad in items:
            state = self.state.setdefault(p, {})
            if type(data) is not np.ndarray:
                self._device_update(group, data, grad, state)
                continue
            self._advance(group, data, state, np)
            param = data.reshape(-1)  # a copy when data is not row-major (written back below)
            if not data.flags.c_contiguous:
                written_back.append((data, param))
            host.setdefault(data.dtype, []).append((param, np.ascontiguousarray(grad).reshape(-1), state))
        for entries in host.values():
            self._host_step(group, entries)
        for data, param in written_back:
            data[...] = param.reshape(data.shape)

    def _device_update(self, group: Dict[str, Any], data: Any, grad: Any, state: Dict[str, Any]) -> None:
        """One parameter on the GPU: the CUDA backend's fused kernel."""
        xp = array_namespace(data)
        self._advance(group, data, state, xp)
        step_size, bias_correction2_sqrt = _corrections(group, state["step"])
        param = data.reshape(-1)  # a copy when data is not contiguous (written back below)
        _device_adam_step()(
            param, xp.ascontiguousarray(grad, dtype=data.dtype).reshape(-1), state["exp_avg"].reshape(-1),
            state["exp_avg_sq"].reshape(-1), state["max_exp_avg_sq"].reshape(-1) if group["amsgrad"] else param[:0],
            step_size=step_size, bias_correction2_sqrt=bias_correction2_sqrt, amsgrad=group["amsgrad"],
            **self._scalars(group),
        )
        if not data.flags.c_contiguous:
            data[...] = param.reshape(data.shape)

    @staticmethod
    def _advance(group: Dict[str, Any], data: Any, state: Dict[str, Any], xp: Any) -> None:
        """Count the step in `state`, making its moments (zeros, row-major, `data`'s dtype) if needed."""
        if not state:
            state["step"] = 0
            state["exp_avg"] = xp.zeros(data.shape, dtype=data.dtype)
            state["exp_avg_sq"] = xp.zeros(data.shape, dtype=data.dtype)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = xp.zeros(data.shape, dtype=data.dtype)
        for name in _MOMENTS[group["amsgrad"]]:  # the kernels update flat views: keep the state row-major
            state[name] = xp.ascontiguousarray(state[name], dtype=data.dtype)
        state["step"] += 1

    def _host_step(self, group: Dict[str, Any], entries: List[Tuple[np.ndarray, np.ndarray, Dict[str, Any]]]) -> None:
        """One update of flat numpy (parameter, gradient, state) entries of one dtype."""
        corrections = [_corrections(group, state["step"]) for _, _, state in entries]
        compiled.fast_optim.adam_steps(
            [param for param, _, _ in entries],
            [grad for _, grad, _ in entries],
            [state["exp_avg"].reshape(-1) for _, _, state in entries],
            [state["exp_avg_sq"].reshape(-1) for _, _, state in entries],
            [state["max_exp_avg_sq"].reshape(-1) for _, _, state in entries] if group["amsgrad"] else None,
            step_sizes=[step_size for step_size, _ in corrections],
            bias_corrections2_sqrt=[correction for _, correction in corrections],
            **self._scalars(group),
        )

    def _scalars(self, group: Dict[str, Any]) -> Dict[str, float]:
        """The kernels' per-group numbers: betas, eps, the L2 term (Adam) or the decay factor (AdamW)."""
        lr, (beta1, beta2), weight_decay = group["lr"], group["betas"], group["weight_decay"]
        return dict(beta1=beta1, beta2=beta2, eps=group["eps"], weight_decay=0.0 if self._decoupled else weight_decay,
                    decay=1.0 - lr * weight_decay if self._decoupled and weight_decay != 0 else 1.0)


def _corrections(group: Dict[str, Any], step: int) -> Tuple[float, float]:
    """(step size lr / (1 - beta1^t), sqrt(1 - beta2^t)): the bias corrections of step t."""
    lr, (beta1, beta2) = group["lr"], group["betas"]
    return lr / (1.0 - beta1**step), math.sqrt(1.0 - beta2**step)


_MOMENTS = {False: ("exp_avg", "exp_avg_sq"), True: ("exp_avg", "exp_avg_sq", "max_exp_avg_sq")}


def _device_adam_step() -> Any:
    """The CUDA backend's fused Adam kernel, for parameters on the GPU (loads numba.cuda)."""
    from ..backends.cuda_optim import adam_step as device_adam_step

    return device_adam_step


class AdamW(Adam):
    """Adam with decoupled weight decay (as `torch.optim.AdamW`): p = p (1 - lr weight_decay)
    before the Adam step, instead of adding weight_decay * p to the gradient.

    Args:
        params, lr (1e-3), betas ((0.9, 0.999)), eps (1e-8), amsgrad (False), maximize, foreach: as `Adam`.
        weight_decay: default 1e-2.
    """

    _decoupled = True

    def __init__(self, params: Iterable[Any], lr: float = 1e-3, betas: Tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2, amsgrad: bool = False, *, maximize: bool = False,
                 foreach: Optional[bool] = None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach, maximize=maximize)
