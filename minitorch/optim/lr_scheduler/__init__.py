"""Learning-rate schedules (as `torch.optim.lr_scheduler`): the same names, arguments, defaults
and sequences, chainable forms included.

Call `scheduler.step()` once per epoch after `optimizer.step()` (OneCycleLR and CyclicLR: once
per batch; ReduceLROnPlateau: `step(metric)`); `get_last_lr()` reads the current rates, and
`state_dict()` / `load_state_dict()` resume a schedule (`minitorch.save` stores them).
"""

from .base import LRScheduler
from .combined import ChainedScheduler, SequentialLR
from .cosine import CosineAnnealingLR, CosineAnnealingWarmRestarts
from .cyclic import CyclicLR, OneCycleLR
from .multiplicative import (
    ConstantLR,
    ExponentialLR,
    LambdaLR,
    LinearLR,
    MultiplicativeLR,
    MultiStepLR,
    PolynomialLR,
    StepLR,
)
from .plateau import ReduceLROnPlateau

__all__ = [
    "LRScheduler",
    "LambdaLR",
    "MultiplicativeLR",
    "StepLR",
    "MultiStepLR",
    "ConstantLR",
    "LinearLR",
    "ExponentialLR",
    "PolynomialLR",
    "SequentialLR",
    "ChainedScheduler",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "ReduceLROnPlateau",
    "CyclicLR",
    "OneCycleLR",
]
