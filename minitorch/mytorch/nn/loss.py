"""HW2P1 `CrossEntropyLoss`: L = mean over the batch of -sum_c Y log softmax(A), Y one-hot (or
any distribution); `backward()` gives dL/dA = (softmax(A) - Y) / N through minitorch's autodiff.

Shape:
    A, Y (N, C) -> L a float64 scalar.
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ...errors import ShapeError
from ...nn import functional as F
from ..engine import Step, check_input, need_forward, run

__all__ = ["CrossEntropyLoss"]


class CrossEntropyLoss:
    """The handout's softmax cross-entropy criterion."""

    def __init__(self) -> None:
        self._step: Optional[Step] = None

    def forward(self, A: Any, Y: Any) -> np.floating:
        A, Y = check_input("CrossEntropyLoss", A, "N, C"), np.asarray(Y, dtype=np.float64)
        if Y.shape != A.shape:
            raise ShapeError(f"CrossEntropyLoss.forward: Y has shape {Y.shape} but A has {A.shape}; "
                             "Y holds one row of class probabilities (one-hot) per row of A")
        self.A, self.Y, self.N = A, Y, A.shape[0]
        L, self._step = run("CrossEntropyLoss", lambda A, Y: -(Y * F.log_softmax(A, 1)).sum() / A.shape[0], A=A, Y=Y)
        return np.float64(L.reshape(-1)[0])

    def backward(self) -> np.ndarray:
        """dLdA (N, C)."""
        return need_forward("CrossEntropyLoss", self._step).backward(np.ones(1))["A"]
