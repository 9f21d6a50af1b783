"""`Dropout`: zero entries with probability p during training (scaled by 1 / (1 - p));
`Dropout1d/2d/3d`: zero whole channels."""

from __future__ import annotations

from typing import Optional

import numpy as np

from ..core.tensor import Tensor
from ..ops.dropout import dropout, dropout1d, dropout2d, dropout3d
from .module import Module

__all__ = ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d"]


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
            raise ValueError(f"{type(self).__name__}: p must lie in [0, 1], got {p}")
        self.p, self.inplace, self.generator = float(p), inplace, generator

    function = staticmethod(dropout)

    def forward(self, input: Tensor) -> Tensor:
        return self.function(input, self.p, self.training, generator=self.generator)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout1d(Dropout):
    """Zero whole channels with probability `p` in training mode (as `torch.nn.Dropout1d`); the
    identity after `eval()`. Args as `Dropout`.

    Shape:
        (N, C, L) -> (N, C, L); (C, L) -> (C, L).
    """

    function = staticmethod(dropout1d)


class Dropout2d(Dropout):
    """Zero whole channels of 2-D feature maps (as `torch.nn.Dropout2d`). Args as `Dropout`.

    Shape:
        (N, C, H, W) -> (N, C, H, W).
    """

    function = staticmethod(dropout2d)


class Dropout3d(Dropout):
    """Zero whole channels of 3-D feature maps (as `torch.nn.Dropout3d`). Args as `Dropout`.

    Shape:
        (N, C, D, H, W) -> (N, C, D, H, W); (C, D, H, W) -> (C, D, H, W).
    """

    function = staticmethod(dropout3d)
