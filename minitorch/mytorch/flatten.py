"""HW2P1 `Flatten`: (N, C, W...) -> (N, C * W ...) and back."""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..errors import ShapeError
from ..nn import functional as F
from .engine import Step, as_array, need_forward, run

__all__ = ["Flatten"]


class Flatten:
    """Keep the batch dim, flatten the rest (row-major, as numpy's reshape)."""

    def __init__(self) -> None:
        self._step: Optional[Step] = None

    def forward(self, A: Any) -> np.ndarray:
        A = as_array(A)
        if A.ndim < 2:
            raise ShapeError(f"Flatten.forward: A must have a batch dim and at least one more, got shape {A.shape}")
        Z, self._step = run("Flatten", lambda A: F.flatten(A, 1), A=A)
        return Z

    def backward(self, dLdZ: Any) -> np.ndarray:
        return need_forward("Flatten", self._step).backward(dLdZ)["A"]
