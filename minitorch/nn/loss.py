"""Loss layers (as `torch.nn`): `CrossEntropyLoss`, `NLLLoss`, `BCELoss`, `BCEWithLogitsLoss`,
`MSELoss`, `L1Loss`, `SmoothL1Loss`, `HuberLoss`, `KLDivLoss`. Each stores its settings and calls the fused functional loss; see
`minitorch.ops.loss` and `minitorch.ops.loss_elementwise` for the math and shapes.

Example:
    >>> criterion = CrossEntropyLoss(label_smoothing=0.1)
    >>> loss = criterion(minitorch.zeros((4, 10)), [1, 2, 3, 4])
"""

from __future__ import annotations

from typing import Any, Optional

from ..core.tensor import Tensor
from ..ops.loss import cross_entropy, nll_loss
from ..ops.loss_elementwise import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    huber_loss,
    kl_div,
    l1_loss,
    mse_loss,
    smooth_l1_loss,
)
from ..ops.loss_reduce import check_reduction
from .module import Module

__all__ = [
    "CrossEntropyLoss", "NLLLoss", "BCELoss", "BCEWithLogitsLoss", "MSELoss", "L1Loss", "SmoothL1Loss", "HuberLoss",
    "KLDivLoss",
]


class _Loss(Module):
    def __init__(self, reduction: str = "mean"):
        super().__init__()
        check_reduction(type(self).__name__, reduction)
        self.reduction = reduction


class CrossEntropyLoss(_Loss):
    """`cross_entropy(input, target, weight, ignore_index, reduction, label_smoothing)`.

    Args: weight (None), ignore_index (-100), reduction ("mean"), label_smoothing (0.0).
    Shape: input (N, C, *d) logits, target (N, *d) class indices -> (1,) or (N, *d).
    """

    def __init__(self, weight: Optional[Any] = None, ignore_index: int = -100, reduction: str = "mean",
                 label_smoothing: float = 0.0):
        super().__init__(reduction)
        self.weight, self.ignore_index, self.label_smoothing = weight, ignore_index, label_smoothing

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return cross_entropy(input, target, self.weight, self.ignore_index, self.reduction, self.label_smoothing)


class NLLLoss(_Loss):
    """`nll_loss(input, target, weight, ignore_index, reduction)` on log-probabilities.

    Args: weight (None), ignore_index (-100), reduction ("mean").
    Shape: input (N, C, *d), target (N, *d) -> (1,) or (N, *d).
    """

    def __init__(self, weight: Optional[Any] = None, ignore_index: int = -100, reduction: str = "mean"):
        super().__init__(reduction)
        self.weight, self.ignore_index = weight, ignore_index

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return nll_loss(input, target, self.weight, self.ignore_index, self.reduction)


class BCELoss(_Loss):
    """`binary_cross_entropy(input, target, weight, reduction)` on probabilities.

    Args: weight (None), reduction ("mean").
    Shape: (*), (*) -> (1,) or (*).
    """

    def __init__(self, weight: Optional[Any] = None, reduction: str = "mean"):
        super().__init__(reduction)
        self.weight = weight

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return binary_cross_entropy(input, target, self.weight, self.reduction)


class BCEWithLogitsLoss(_Loss):
    """`binary_cross_entropy_with_logits(input, target, weight, reduction, pos_weight)`, stable.

    Args: weight (None), reduction ("mean"), pos_weight (None).
    Shape: (*), (*) -> (1,) or (*).
    """

    def __init__(self, weight: Optional[Any] = None, reduction: str = "mean", pos_weight: Optional[Any] = None):
        super().__init__(reduction)
        self.weight, self.pos_weight = weight, pos_weight

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return binary_cross_entropy_with_logits(input, target, self.weight, self.reduction, self.pos_weight)


class MSELoss(_Loss):
    """`mse_loss(input, target, reduction)`.

    Args: reduction ("mean").
    Shape: (*), (*) -> (1,) or (*).
    """

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return mse_loss(input, target, self.reduction)


class L1Loss(_Loss):
    """`l1_loss(input, target, reduction)`: mean absolute error.

    Args: reduction ("mean").
    Shape: (*), (*) -> (1,) or (*).
    """

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return l1_loss(input, target, self.reduction)


class SmoothL1Loss(_Loss):
    """`smooth_l1_loss(input, target, reduction, beta)`: quadratic below beta, linear above.

    Args: reduction ("mean"), beta (1.0).
    Shape: (*), (*) -> (1,) or (*).
    """

    def __init__(self, reduction: str = "mean", beta: float = 1.0):
        super().__init__(reduction)
        self.beta = beta

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return smooth_l1_loss(input, target, self.reduction, self.beta)


class HuberLoss(_Loss):
    """`huber_loss(input, target, reduction, delta)`: quadratic below delta, delta-sloped above.

    Args: reduction ("mean"), delta (1.0).
    Shape: (*), (*) -> (1,) or (*).
    """

    def __init__(self, reduction: str = "mean", delta: float = 1.0):
        super().__init__(reduction)
        self.delta = delta

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return huber_loss(input, target, self.reduction, self.delta)


class KLDivLoss(Module):
    """`kl_div(input, target, reduction, log_target)` with log-probability inputs.

    Args: reduction ("mean"; "batchmean" is the KL divergence per sample), log_target (False).
    Shape: (N, *), (N, *) -> (1,) or (N, *).
    """

    def __init__(self, reduction: str = "mean", log_target: bool = False):
        super().__init__()
        if reduction not in ("batchmean", "mean", "sum", "none"):
            raise ValueError(f"KLDivLoss: reduction must be one of ('none', 'batchmean', 'mean', 'sum'), got {reduction!r}")
        self.reduction, self.log_target = reduction, log_target

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return kl_div(input, target, self.reduction, self.log_target)
