"""Learning-rate schedules: `StepLR` and `CosineAnnealingLR` (as `torch.optim.lr_scheduler`).

A scheduler records each group's starting "lr" as "initial_lr" (as PyTorch) and sets "lr" from
it and the epoch counter; call `scheduler.step()` once per epoch, after `optimizer.step()`.
"""

from __future__ import annotations

import math
from typing import Any, Dict, List

from .optimizer import Optimizer

__all__ = ["LRScheduler", "StepLR", "CosineAnnealingLR"]


class LRScheduler:
    """Base class: `step()` advances `last_epoch` and writes `lr_at(initial_lr, epoch)` into each group.

    Args:
        optimizer: the optimizer whose groups it drives.
        last_epoch: the index of the last epoch, default -1 (start; the constructor steps to 0).
    """

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__}: expected a minitorch Optimizer, got {type(optimizer).__name__}")
        self.optimizer = optimizer
        for group in optimizer.param_groups:
            if last_epoch == -1:
                group["initial_lr"] = group["lr"]  # a fresh schedule starts from the current lr
            elif "initial_lr" not in group:
                raise KeyError(
                    f"{type(self).__name__}: resuming at last_epoch={last_epoch} needs 'initial_lr' in every "
                    "param group; load the optimizer's state_dict first"
                )
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self.step()

    def lr_at(self, base_lr: float, epoch: int) -> float:
        raise NotImplementedError

    def step(self) -> None:
        """Advance one epoch and update the learning rates."""
        self.last_epoch += 1
        for group, base_lr in zip(self.optimizer.param_groups, self.base_lrs):
            group["lr"] = self.lr_at(base_lr, self.last_epoch)

    def get_last_lr(self) -> List[float]:
        """The learning rate of every group after the last step."""
        return [group["lr"] for group in self.optimizer.param_groups]

    def state_dict(self) -> Dict[str, Any]:
        """Everything but the optimizer."""
        return {k: v for k, v in self.__dict__.items() if k != "optimizer"}

    def load_state_dict(self, state_dict: Dict[str, Any]) -> None:
        """Restore a `state_dict()`."""
        self.__dict__.update(state_dict)


class StepLR(LRScheduler):
    """lr = initial_lr * gamma ** (epoch // step_size).

    Args:
        optimizer: the optimizer.
        step_size: epochs between decays.
        gamma: decay factor, default 0.1.
        last_epoch: default -1.

    Example:
        >>> from minitorch.nn import Linear
        >>> from minitorch.optim import SGD
        >>> scheduler = StepLR(SGD(Linear(2, 1).parameters(), lr=1.0), step_size=2, gamma=0.5)
    """

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1):
        if step_size < 1:
            raise ValueError(f"StepLR: step_size must be a positive int, got {step_size}")
        self.step_size, self.gamma = int(step_size), float(gamma)
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr: float, epoch: int) -> float:
        return base_lr * self.gamma ** (epoch // self.step_size)


class CosineAnnealingLR(LRScheduler):
    """lr = eta_min + (initial_lr - eta_min) (1 + cos(pi epoch / T_max)) / 2 (the closed form
    of PyTorch's schedule, without restarts).

    Args:
        optimizer: the optimizer.
        T_max: epochs of a half cosine period.
        eta_min: the lowest learning rate, default 0.
        last_epoch: default -1.
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1):
        if T_max < 1:
            raise ValueError(f"CosineAnnealingLR: T_max must be a positive int, got {T_max}")
        self.T_max, self.eta_min = int(T_max), float(eta_min)
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr: float, epoch: int) -> float:
        return self.eta_min + (base_lr - self.eta_min) * (1.0 + math.cos(math.pi * epoch / self.T_max)) / 2.0
