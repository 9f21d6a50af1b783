"""`ReduceLROnPlateau`: cut the learning rate when a metric stops improving (as torch's)."""

from __future__ import annotations

import math
from typing import Any, Dict, List, Optional, Sequence, Union, cast
import warnings

from ...errors import DomainError
from ..optimizer import Optimizer
from .base import EPOCH_DEPRECATION, LRScheduler, check_optimizer, group_values, per_group

__all__ = ["ReduceLROnPlateau"]


class ReduceLROnPlateau(LRScheduler):
    """Multiply every group's lr by `factor` (down to `min_lr`) once the metric passed to
    `step(metric)` has not improved for more than `patience` epochs; then wait `cooldown` epochs.

    "Improved" means, for mode "min": metric < best * (1 - threshold) (threshold_mode "rel") or
    metric < best - threshold ("abs"); for "max" the mirror images. A reduction smaller than `eps`
    is skipped.

    Args:
        optimizer: the optimizer.
        mode: "min" (default) or "max".
        factor: the multiplier, < 1, default 0.1.
        patience: epochs without improvement tolerated, default 10.
        threshold: default 1e-4.
        threshold_mode: "rel" (default) or "abs".
        cooldown: epochs after a reduction during which bad epochs are not counted, default 0.
        min_lr: the lowest lr, one number or one per group, default 0.
        eps: the smallest reduction applied, default 1e-8.

    Example:
        >>> from minitorch.nn import Linear
        >>> from minitorch.optim import SGD
        >>> scheduler = ReduceLROnPlateau(SGD(Linear(2, 1).parameters(), lr=1.0), patience=1)
        >>> for loss in [1.0, 1.0, 1.0]: scheduler.step(loss)
        >>> scheduler.get_last_lr()
        [0.1]
    """

    def __init__(self, optimizer: Optimizer, mode: str = "min", factor: float = 0.1, patience: int = 10,
                 threshold: float = 1e-4, threshold_mode: str = "rel", cooldown: int = 0,
                 min_lr: Union[float, Sequence[float]] = 0, eps: float = 1e-8):
        if factor >= 1.0:
            raise DomainError(f"ReduceLROnPlateau: factor must be < 1.0, got {factor}")
        check_optimizer("ReduceLROnPlateau", optimizer)
        self.factor = factor
        self.optimizer = optimizer
        self.min_lrs: List[float] = per_group("ReduceLROnPlateau", "min_lr", optimizer, min_lr)
        self.default_min_lr: Optional[float] = None if isinstance(min_lr, (list, tuple)) else cast(float, min_lr)
        self.patience, self.cooldown, self.eps = patience, cooldown, eps
        self.last_epoch = 0
        self._last_lr = group_values(optimizer, "lr")
        self._init_is_better(mode, threshold, threshold_mode)
        self._reset()

    def _init_is_better(self, mode: str, threshold: float, threshold_mode: str) -> None:
        if mode not in ("min", "max"):
            raise DomainError(f"ReduceLROnPlateau: mode must be 'min' or 'max', got {mode!r}")
        if threshold_mode not in ("rel", "abs"):
            raise DomainError(f"ReduceLROnPlateau: threshold_mode must be 'rel' or 'abs', got {threshold_mode!r}")
        self.mode, self.threshold, self.threshold_mode = mode, threshold, threshold_mode
        self.mode_worse = math.inf if mode == "min" else -math.inf

    def _reset(self) -> None:
        self.best = self.mode_worse
        self.cooldown_counter = 0
        self.num_bad_epochs = 0

    @property
    def in_cooldown(self) -> bool:
        return self.cooldown_counter > 0

    def _is_better(self, a: float, best: float) -> bool:
        """Whether metric `a` improves on `best` by the threshold."""
        if self.mode == "min":
            return a < (best * (1.0 - self.threshold) if self.threshold_mode == "rel" else best - self.threshold)
        return a > (best * (self.threshold + 1.0) if self.threshold_mode == "rel" else best + self.threshold)

    def step(self, metrics: Any, epoch: Optional[int] = None) -> None:  # type: ignore[override]
        """Record this epoch's metric (a number, or a one-element tensor) and cut the lr if due."""
        current = float(metrics.item() if hasattr(metrics, "item") else metrics)
        if epoch is None:
            epoch = self.last_epoch + 1
        else:
            warnings.warn(EPOCH_DEPRECATION, UserWarning, stacklevel=2)
        self.last_epoch = epoch
        if self._is_better(current, self.best):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.in_cooldown:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            self._reduce_lr()
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = group_values(self.optimizer, "lr")

    def _reduce_lr(self) -> None:
        if len(self.optimizer.param_groups) != len(self.min_lrs):
            if self.default_min_lr is None:
                raise DomainError(
                    f"ReduceLROnPlateau: the optimizer has {len(self.optimizer.param_groups)} param groups, "
                    f"min_lr gave {len(self.min_lrs)}; set scheduler.min_lrs to one value per group"
                )
            self.min_lrs = [self.default_min_lr] * len(self.optimizer.param_groups)
        for group, min_lr in zip(self.optimizer.param_groups, self.min_lrs):
            old_lr = float(group["lr"])
            new_lr = max(old_lr * self.factor, min_lr)
            if old_lr - new_lr > self.eps:
                group["lr"] = new_lr

    def load_state_dict(self, state_dict: Dict[str, Any]) -> None:
        """Restore a `state_dict()`."""
        self.__dict__.update(state_dict)
        self._init_is_better(self.mode, self.threshold, self.threshold_mode)
