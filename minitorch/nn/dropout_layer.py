"""`Dropout`: zero entries with probability p during training (scaled by 1 / (1 - p))."""

from __future__ import annotations

from typing import Optional

import numpy as np

from ..core.tensor import Tensor
from ..ops.dropout import dropout
from .module import Module

__all__ = ["Dropout"]


class Dropout(Module):
    """Randomly zero entries with probability `p` in training mode (as `torch.nn.Dropout`).

    out = x * m / (1 - p), m ~ Bernoulli(1 - p) per entry; the identity after `eval()`.

    Args:
        p: drop probability in [0, 1], default 0.5.
        inplace: accepted for PyTorch compatibility; the result is always a new tensor.
        generator: numpy Generator for the masks, default the library generator.

    Shape:
        (*) -> (*).

    Example:
        >>> layer = Dropout(0.5).eval()
        >>> layer(minitorch.ones((2, 2))).to_numpy().tolist()
        [[1.0, 1.0], [1.0, 1.0]]
    """

    def __init__(self, p: float = 0.5, inplace: bool = False, generator: Optional[np.random.Generator] = None):
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"Dropout: p must lie in [0, 1], got {p}")
        self.p, self.inplace, self.generator = float(p), inplace, generator

    def forward(self, input: Tensor) -> Tensor:
        return dropout(input, self.p, self.training, generator=self.generator)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"
