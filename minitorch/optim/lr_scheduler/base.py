"""`LRScheduler`: the epoch counter, the chainable `step()`, `get_last_lr` and state dicts.

PyTorch's contract, kept exactly so that sequences (and chains of schedulers) equal torch's:
a scheduler made with `last_epoch=-1` records each group's "lr" as "initial_lr" (unless a
scheduler before it already did), takes its `base_lrs` from there and steps once to epoch 0.
`step()` advances `last_epoch` and writes `get_lr()` into every group; most `get_lr`s are
*chainable*: they scale the group's current lr (so two schedulers on one optimizer compose),
and `_get_closed_form_lr()` gives the same value from `base_lrs` and the epoch alone (what the
deprecated `step(epoch)` uses). Call `scheduler.step()` after `optimizer.step()`.
"""

from __future__ import annotations

import warnings
from typing import Any, Dict, List, Optional, Sequence

from ...errors import DomainError, DTypeError
from ..optimizer import Optimizer

__all__ = ["LRScheduler", "check_optimizer", "group_values", "per_group"]

EPOCH_DEPRECATION = (
    "scheduler.step(epoch) is deprecated (as in PyTorch): call scheduler.step() once per epoch; with an "
    "epoch given, the closed form of the schedule is used where it has one"
)


def group_values(optimizer: Optimizer, key: str) -> List[Any]:
    """`group[key]` of every parameter group, in order."""
    return [group[key] for group in optimizer.param_groups]


def per_group(scheduler: str, name: str, optimizer: Optimizer, value: Any) -> List[Any]:
    """`value` once per parameter group: a list or tuple as given (its length checked), else repeated."""
    groups = len(optimizer.param_groups)
    if isinstance(value, (list, tuple)):
        if len(value) != groups:
            raise DomainError(f"{scheduler}: {name} has {len(value)} values but the optimizer has {groups} "
                              "param groups; give one per group, or a single value for all")
        return list(value)
    return [value] * groups


def check_optimizer(scheduler: str, optimizer: Any) -> None:
    if not isinstance(optimizer, Optimizer):
        raise DTypeError(f"{scheduler}: expected a minitorch.optim Optimizer, got {type(optimizer).__name__}")


class LRScheduler:
    """Base class of the epoch-driven schedules (as `torch.optim.lr_scheduler.LRScheduler`).

    Args:
        optimizer: the optimizer whose param groups' "lr" it sets.
        last_epoch: the index of the last epoch done, default -1 (a fresh schedule); a value >= 0
            resumes and needs "initial_lr" in every group (load the optimizer's state_dict first).

    Attributes:
        base_lrs: every group's "initial_lr". last_epoch: the epoch counter.

    Subclasses implement `get_lr()` (reading `self.last_epoch`, `self.base_lrs` and the groups),
    and `_get_closed_form_lr()` where the schedule has one.
    """

    _is_initial: bool = False  # True during the step the constructor takes

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1):
        check_optimizer(type(self).__name__, optimizer)
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])  # a scheduler made before this one keeps its start
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(
                        f"{type(self).__name__}: resuming at last_epoch={last_epoch} needs 'initial_lr' in "
                        f"param_groups[{i}]; load the optimizer's state_dict first (or start at last_epoch=-1)"
                    )
        self.base_lrs: List[float] = group_values(optimizer, "initial_lr")
        self.last_epoch = last_epoch
        self._initial_step()

    def _initial_step(self) -> None:
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    def get_lr(self) -> List[float]:
        """Every group's lr at `self.last_epoch` (called by `step`; use `get_last_lr()` to read it)."""
        raise NotImplementedError

    def step(self, epoch: Optional[int] = None) -> None:
        """Advance one epoch and set every group's lr (`epoch`, deprecated: jump to that epoch)."""
        self._step_count += 1
        if epoch is not None:
            warnings.warn(EPOCH_DEPRECATION, UserWarning, stacklevel=2)
        self._update_lr(epoch)

    def _update_lr(self, epoch: Optional[int] = None) -> None:
        if epoch is None:
            self.last_epoch += 1
            values = self.get_lr()
        else:
            self.last_epoch = epoch
            closed_form = getattr(self, "_get_closed_form_lr", None)
            values = closed_form() if closed_form is not None else self.get_lr()
        for group, lr in zip(self.optimizer.param_groups, values):
            group["lr"] = lr
        self._last_lr = group_values(self.optimizer, "lr")

    def get_last_lr(self) -> List[float]:
        """The learning rate of every group as the last `step()` set it."""
        return self._last_lr

    def state_dict(self) -> Dict[str, Any]:
        """Everything but the optimizer (numbers, lists, dicts: `minitorch.save` stores it)."""
        return {key: value for key, value in self.__dict__.items() if key != "optimizer"}

    def load_state_dict(self, state_dict: Dict[str, Any]) -> None:
        """Restore a `state_dict()`."""
        self.__dict__.update(state_dict)

