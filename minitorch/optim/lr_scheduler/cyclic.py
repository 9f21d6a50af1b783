"""Cyclical schedules that move the momentum against the learning rate: `OneCycleLR` and
`CyclicLR` (as `torch.optim.lr_scheduler`). Both are stepped once per batch.

With `cycle_momentum` (the default), they set SGD's / RMSprop's "momentum", or Adam's /
AdamW's beta1 (the first of "betas"), in every group: high while the lr is low.
"""

from __future__ import annotations

import math
import types
from typing import Any, Callable, Dict, List, Optional, Sequence, Union

from ...errors import DomainError
from ..optimizer import Optimizer
from .base import LRScheduler, check_optimizer, per_group

__all__ = ["OneCycleLR", "CyclicLR"]

Floats = Union[float, Sequence[float]]


def _momentum_key(scheduler: str, optimizer: Optimizer) -> bool:
    """True when the optimizer's momentum is beta1 (Adam's "betas"), False for "momentum"."""
    if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
        raise DomainError(f"{scheduler}: cycle_momentum needs an optimizer with momentum or betas "
                          f"({type(optimizer).__name__} has neither); pass cycle_momentum=False")
    return "betas" in optimizer.defaults


def _set_momentum(group: Dict[str, Any], use_beta1: bool, momentum: float) -> None:
    if use_beta1:
        group["betas"] = (momentum, *group["betas"][1:])
    else:
        group["momentum"] = momentum


class OneCycleLR(LRScheduler):
    """The 1cycle policy: the lr rises from max_lr / div_factor to max_lr over the first
    `pct_start` of `total_steps`, then anneals to initial_lr / final_div_factor (with
    three_phase, back to initial_lr first); the momentum moves the opposite way between
    max_momentum and base_momentum.

    Args:
        optimizer: the optimizer.
        max_lr: the peak lr, one number or one per group.
        total_steps: the number of steps; or give epochs and steps_per_epoch.
        epochs, steps_per_epoch: total_steps = epochs * steps_per_epoch.
        pct_start: the fraction of the cycle spent rising, a float, default 0.3.
        anneal_strategy: "cos" (default) or "linear".
        cycle_momentum: default True.
        base_momentum: default 0.85. max_momentum: default 0.95 (one number or one per group each).
        div_factor: initial_lr = max_lr / div_factor, default 25.
        final_div_factor: min_lr = initial_lr / final_div_factor, default 1e4.
        three_phase: default False.
        last_epoch: the number of the last batch, default -1.

    Raises:
        DomainError: bad counts, pct_start outside [0, 1], an unknown strategy, stepping past
            total_steps, or cycle_momentum with an optimizer without momentum.

    Example:
        >>> from minitorch.nn import Linear
        >>> from minitorch.optim import SGD
        >>> opt = SGD(Linear(2, 1).parameters(), lr=0.1, momentum=0.9)
        >>> scheduler = OneCycleLR(opt, max_lr=1.0, total_steps=10)
        >>> round(scheduler.get_last_lr()[0], 6), opt.param_groups[0]["momentum"]  # 1.0 / div_factor
        (0.04, 0.95)
    """

    def __init__(self, optimizer: Optimizer, max_lr: Floats, total_steps: Optional[int] = None,
                 epochs: Optional[int] = None, steps_per_epoch: Optional[int] = None, pct_start: float = 0.3,
                 anneal_strategy: str = "cos", cycle_momentum: bool = True, base_momentum: Floats = 0.85,
                 max_momentum: Floats = 0.95, div_factor: float = 25.0, final_div_factor: float = 1e4,
                 three_phase: bool = False, last_epoch: int = -1):
        check_optimizer("OneCycleLR", optimizer)
        if total_steps is not None:
            if not isinstance(total_steps, int) or total_steps <= 0:
                raise DomainError(f"OneCycleLR: total_steps must be a positive int, got {total_steps!r}")
            self.total_steps = total_steps
        elif epochs is not None and steps_per_epoch is not None:
            for name, value in (("epochs", epochs), ("steps_per_epoch", steps_per_epoch)):
                if not isinstance(value, int) or value <= 0:
                    raise DomainError(f"OneCycleLR: {name} must be a positive int, got {value!r}")
            self.total_steps = epochs * steps_per_epoch
        else:
            raise DomainError("OneCycleLR: give total_steps, or epochs and steps_per_epoch")
        if not isinstance(pct_start, float) or not 0 <= pct_start <= 1:
            raise DomainError(f"OneCycleLR: pct_start must be a float in [0, 1], got {pct_start!r}")
        if anneal_strategy not in ("cos", "linear"):
            raise DomainError(f"OneCycleLR: anneal_strategy must be 'cos' or 'linear', got {anneal_strategy!r}")
        self._anneal_func_type = anneal_strategy
        rise = float(pct_start * self.total_steps) - 1
        self._schedule_phases: List[Dict[str, Any]]  # end_step (a float) and the group keys to anneal between
        if three_phase:
            self._schedule_phases = [
                dict(end_step=rise, start_lr="initial_lr", end_lr="max_lr", start_momentum="max_momentum",
                     end_momentum="base_momentum"),
                dict(end_step=float(2 * pct_start * self.total_steps) - 2, start_lr="max_lr", end_lr="initial_lr",
                     start_momentum="base_momentum", end_momentum="max_momentum"),
                dict(end_step=self.total_steps - 1, start_lr="initial_lr", end_lr="min_lr",
                     start_momentum="max_momentum", end_momentum="max_momentum"),
            ]
        else:
            self._schedule_phases = [
                dict(end_step=rise, start_lr="initial_lr", end_lr="max_lr", start_momentum="max_momentum",
                     end_momentum="base_momentum"),
                dict(end_step=self.total_steps - 1, start_lr="max_lr", end_lr="min_lr",
                     start_momentum="base_momentum", end_momentum="max_momentum"),
            ]
        max_lrs = per_group("OneCycleLR", "max_lr", optimizer, max_lr)
        if last_epoch == -1:
            for group, peak in zip(optimizer.param_groups, max_lrs):
                group["initial_lr"] = peak / div_factor
                group["max_lr"] = peak
                group["min_lr"] = group["initial_lr"] / final_div_factor
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            self.use_beta1 = _momentum_key("OneCycleLR", optimizer)
            highs = per_group("OneCycleLR", "max_momentum", optimizer, max_momentum)
            lows = per_group("OneCycleLR", "base_momentum", optimizer, base_momentum)
            if last_epoch == -1:
                for group, high, low in zip(optimizer.param_groups, highs, lows):
                    _set_momentum(group, self.use_beta1, high)
                    group["max_momentum"], group["base_momentum"] = high, low
        super().__init__(optimizer, last_epoch)

    def _anneal(self, start: float, end: float, pct: float) -> float:
        if self._anneal_func_type == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def get_lr(self) -> List[float]:
        step = self.last_epoch
        if step > self.total_steps:
            raise DomainError(f"OneCycleLR: stepped {step} times, past total_steps={self.total_steps}; "
                              "make the scheduler with the number of optimizer steps you take")
        lrs = []
        for group in self.optimizer.param_groups:
            start_step = 0.0
            for i, phase in enumerate(self._schedule_phases):
                end_step = phase["end_step"]
                if step <= end_step or i == len(self._schedule_phases) - 1:
                    pct = (step - start_step) / (end_step - start_step)
                    lrs.append(self._anneal(group[phase["start_lr"]], group[phase["end_lr"]], pct))
                    if self.cycle_momentum:
                        momentum = self._anneal(group[phase["start_momentum"]], group[phase["end_momentum"]], pct)
                        _set_momentum(group, self.use_beta1, momentum)
                    break
                start_step = phase["end_step"]
        return lrs


class CyclicLR(LRScheduler):
    """The lr cycles between base_lr and max_lr (a triangle of step_size_up + step_size_down
    steps), scaled per cycle ("triangular2": halved each cycle) or per step ("exp_range":
    gamma ** step), or by your `scale_fn`; the momentum cycles the opposite way.

    Args:
        optimizer: the optimizer.
        base_lr, max_lr: the cycle's bounds, one number or one per group.
        step_size_up: steps rising, default 2000. step_size_down: steps falling, default step_size_up.
        mode: "triangular" (default), "triangular2" or "exp_range".
        gamma: exp_range's base, default 1.
        scale_fn: a custom scale of x (then `mode` is ignored); scale_mode: "cycle" (default) or
            "iterations", what x counts.
        cycle_momentum: default True. base_momentum: default 0.8. max_momentum: default 0.9.
        last_epoch: default -1.
    """

    def __init__(self, optimizer: Optimizer, base_lr: Floats, max_lr: Floats, step_size_up: int = 2000,
                 step_size_down: Optional[int] = None, mode: str = "triangular", gamma: float = 1.0,
                 scale_fn: Optional[Callable[[float], float]] = None, scale_mode: str = "cycle",
                 cycle_momentum: bool = True, base_momentum: Floats = 0.8, max_momentum: Floats = 0.9,
                 last_epoch: int = -1):
        check_optimizer("CyclicLR", optimizer)
        base_lrs = per_group("CyclicLR", "base_lr", optimizer, base_lr)
        if last_epoch == -1:
            for group, lr in zip(optimizer.param_groups, base_lrs):
                group["lr"] = lr
        self.max_lrs = per_group("CyclicLR", "max_lr", optimizer, max_lr)
        up = float(step_size_up)
        down = float(step_size_down) if step_size_down is not None else up
        self.total_size = up + down
        self.step_ratio = up / self.total_size
        if mode not in ("triangular", "triangular2", "exp_range") and scale_fn is None:
            raise DomainError(f"CyclicLR: mode must be 'triangular', 'triangular2' or 'exp_range' (or give scale_fn), "
                              f"got {mode!r}")
        self.mode, self.gamma = mode, gamma
        self._scale_fn_custom = scale_fn
        self.scale_mode = scale_mode if scale_fn is not None else ("iterations" if mode == "exp_range" else "cycle")
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            self.use_beta1 = _momentum_key("CyclicLR", optimizer)
            self.base_momentums = per_group("CyclicLR", "base_momentum", optimizer, base_momentum)
            self.max_momentums = per_group("CyclicLR", "max_momentum", optimizer, max_momentum)
            if last_epoch == -1:
                for group, high, low in zip(optimizer.param_groups, self.max_momentums, self.base_momentums):
                    _set_momentum(group, self.use_beta1, high)
                    group["max_momentum"], group["base_momentum"] = high, low
        super().__init__(optimizer, last_epoch)
        self.base_lrs = base_lrs

    def scale_fn(self, x: float) -> float:
        """The cycle's height factor at x (a cycle number or a step, per `scale_mode`)."""
        if self._scale_fn_custom is not None:
            return self._scale_fn_custom(x)
        if self.mode == "triangular2":
            return 1 / (2.0 ** (x - 1))
        if self.mode == "exp_range":
            return self.gamma**x
        return 1.0

    def get_lr(self) -> List[float]:
        cycle = math.floor(1 + self.last_epoch / self.total_size)
        x = 1.0 + self.last_epoch / self.total_size - cycle
        scale_factor = x / self.step_ratio if x <= self.step_ratio else (x - 1) / (self.step_ratio - 1)
        scale = self.scale_fn(cycle if self.scale_mode == "cycle" else self.last_epoch)
        lrs = [base_lr + (max_lr - base_lr) * scale_factor * scale for base_lr, max_lr in zip(self.base_lrs, self.max_lrs)]
        if self.cycle_momentum:
            for group, low, high in zip(self.optimizer.param_groups, self.base_momentums, self.max_momentums):
                _set_momentum(group, self.use_beta1, high - (high - low) * scale_factor * scale)
        return lrs

    def state_dict(self) -> Dict[str, Any]:
        """As the base's, with a custom scale_fn's attributes (None for a plain function)."""
        state = super().state_dict()
        fn = state.pop("_scale_fn_custom")
        state["_scale_fn_custom"] = None if fn is None or isinstance(fn, types.FunctionType) else dict(fn.__dict__)
        return state

    def load_state_dict(self, state_dict: Dict[str, Any]) -> None:
        """Restore a `state_dict()` (the custom scale_fn stays this scheduler's own)."""
        state = dict(state_dict)
        attributes = state.pop("_scale_fn_custom")
        super().load_state_dict(state)
        if attributes is not None and self._scale_fn_custom is not None:
            self._scale_fn_custom.__dict__.update(attributes)
