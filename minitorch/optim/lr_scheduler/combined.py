"""Schedulers made of schedulers: `SequentialLR` (one after another at milestones) and
`ChainedScheduler` (all at once, their factors multiplied), as `torch.optim.lr_scheduler`."""

from __future__ import annotations

from bisect import bisect_right
from typing import Any, Dict, List, Optional, Sequence

from ...errors import DomainError, DTypeError
from ..optimizer import Optimizer
from .base import LRScheduler, group_values
from .plateau import ReduceLROnPlateau

__all__ = ["SequentialLR", "ChainedScheduler"]


def _check_members(name: str, optimizer: Optimizer, schedulers: Sequence[Any]) -> None:
    if len(schedulers) < 1:
        raise DomainError(f"{name}: expects at least one scheduler, got none")
    for i, scheduler in enumerate(schedulers):
        if not hasattr(scheduler, "optimizer"):
            raise DTypeError(f"{name}: the scheduler at index {i} ({type(scheduler).__name__}) has no optimizer")
        if isinstance(scheduler, ReduceLROnPlateau):
            raise DomainError(f"{name}: ReduceLROnPlateau (index {i}) cannot be combined, its step() needs the "
                              "metric; step it yourself beside this one")
        if scheduler.optimizer is not optimizer:
            raise DomainError(f"{name}: the scheduler at index {i} ({type(scheduler).__name__}) drives another "
                              "optimizer; make every scheduler over the same one")


class _Combined(LRScheduler):
    """State dicts that hold the members' state dicts (the members are rebuilt by the caller)."""

    _schedulers: List[LRScheduler]

    def state_dict(self) -> Dict[str, Any]:
        state = {key: value for key, value in self.__dict__.items() if key not in ("optimizer", "_schedulers")}
        state["_schedulers"] = [scheduler.state_dict() for scheduler in self._schedulers]
        return state

    def load_state_dict(self, state_dict: Dict[str, Any]) -> None:
        state = dict(state_dict)
        members = state.pop("_schedulers")
        self.__dict__.update(state)
        for scheduler, saved in zip(self._schedulers, members):
            scheduler.load_state_dict(saved)


class SequentialLR(_Combined):
    """Run `schedulers[0]` until `milestones[0]`, then `schedulers[1]` (restarted at its epoch 0),
    and so on.

    Args:
        optimizer: the optimizer all the schedulers drive.
        schedulers: the schedules, in order (made before this one, over `optimizer`).
        milestones: the epochs at which the next one takes over (one fewer than schedulers).
        last_epoch: default -1.

    Example (linear warm-up, then exponential decay):
        >>> from minitorch.nn import Linear
        >>> from minitorch.optim import SGD
        >>> from minitorch.optim.lr_scheduler import ExponentialLR, LinearLR
        >>> opt = SGD(Linear(2, 1).parameters(), lr=1.0)
        >>> warmup, decay = LinearLR(opt, start_factor=0.5, total_iters=2), ExponentialLR(opt, gamma=0.5)
        >>> scheduler = SequentialLR(opt, [warmup, decay], milestones=[2])
        >>> lrs = []
        >>> for _ in range(4):
        ...     scheduler.step(); lrs += scheduler.get_last_lr()
        >>> lrs
        [0.75, 1.0, 0.5, 0.25]
    """

    def __init__(self, optimizer: Optimizer, schedulers: List[LRScheduler], milestones: List[int], last_epoch: int = -1):
        _check_members("SequentialLR", optimizer, schedulers)
        if len(milestones) != len(schedulers) - 1:
            raise DomainError(f"SequentialLR: needs one milestone fewer than schedulers, got {len(schedulers)} "
                              f"schedulers and {len(milestones)} milestones")
        self._schedulers = list(schedulers)
        self._milestones = list(milestones)
        self.last_epoch = last_epoch + 1
        self.optimizer = optimizer
        for group in optimizer.param_groups:  # undo what the members' constructors did
            group["lr"] = group["initial_lr"]
        for scheduler in self._schedulers:
            _undo_step(scheduler)
        first = self._schedulers[bisect_right(self._milestones, 0)]
        first._initial_step()
        self._last_lr = first.get_last_lr()

    def step(self) -> None:  # type: ignore[override]
        """Advance one epoch in the scheduler whose turn it is (restarting it at its milestone)."""
        self.last_epoch += 1
        index = bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[index]
        if index > 0 and self._milestones[index - 1] == self.last_epoch:
            scheduler._update_lr(0)
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()


def _undo_step(scheduler: Any) -> None:
    """Take back the step a scheduler's constructor took (recursively into combined ones)."""
    if hasattr(scheduler, "_schedulers"):
        for member in scheduler._schedulers:
            _undo_step(member)
    elif hasattr(scheduler, "last_epoch"):
        scheduler.last_epoch -= 1


class ChainedScheduler(_Combined):
    """Step every scheduler in turn each epoch, so their (chainable) factors multiply.

    Args:
        schedulers: the schedulers, all over one optimizer.
        optimizer: that optimizer, default the first scheduler's.

    Example:
        >>> from minitorch.nn import Linear
        >>> from minitorch.optim import SGD
        >>> from minitorch.optim.lr_scheduler import ConstantLR, ExponentialLR
        >>> opt = SGD(Linear(2, 1).parameters(), lr=1.0)
        >>> scheduler = ChainedScheduler([ConstantLR(opt, factor=0.5, total_iters=2), ExponentialLR(opt, gamma=0.5)])
        >>> scheduler.step(); scheduler.get_last_lr()
        [0.25]
    """

    def __init__(self, schedulers: Sequence[LRScheduler], optimizer: Optional[Optimizer] = None):
        if len(schedulers) < 1:
            raise DomainError("ChainedScheduler: expects at least one scheduler, got none")
        optimizer = optimizer or schedulers[0].optimizer
        _check_members("ChainedScheduler", optimizer, schedulers)
        self._schedulers = list(schedulers)
        self.optimizer = optimizer
        self._last_lr = group_values(optimizer, "lr")

    def step(self) -> None:  # type: ignore[override]
        """Step every scheduler once."""
        for scheduler in self._schedulers:
            scheduler.step()
        self._last_lr = group_values(self.optimizer, "lr")
