"""`Flatten` and `Unflatten`: merge a range of dims into one, or split one dim (no copy when
contiguous)."""

from __future__ import annotations

from typing import Sequence

from ..core.tensor import Tensor
from ..ops.flatten import flatten, unflatten
from .module import Module

__all__ = ["Flatten", "Unflatten"]


class Flatten(Module):
    """Merge dims `start_dim`..`end_dim` into one (as `torch.nn.Flatten`; note the batch dim
    is kept by the default start_dim=1).

    Args:
        start_dim: first dim to merge, default 1.
        end_dim: last dim to merge, default -1.

    Shape:
        (N, *d) -> (N, prod(d)) with the defaults.

    Example:
        >>> Flatten()(minitorch.zeros((2, 3, 4, 5))).shape
        (2, 60)
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, input: Tensor) -> Tensor:
        return flatten(input, self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Split dim `dim` into `unflattened_size` (as `torch.nn.Unflatten`).

    Args:
        dim: the dim to split.
        unflattened_size: the new sizes; their product equals the size of `dim` (one may be -1).

    Shape:
        (*a, S, *b) -> (*a, *unflattened_size, *b).

    Example:
        >>> Unflatten(1, (3, 4))(minitorch.zeros((2, 12))).shape
        (2, 3, 4)
    """

    def __init__(self, dim: int, unflattened_size: Sequence[int]):
        super().__init__()
        self.dim, self.unflattened_size = dim, tuple(unflattened_size)

    def forward(self, input: Tensor) -> Tensor:
        return unflatten(input, self.dim, self.unflattened_size)

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
