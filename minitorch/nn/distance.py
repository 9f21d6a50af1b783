"""`CosineSimilarity` and `PairwiseDistance` (as `torch.nn`), over `ops/distance.py`."""

from __future__ import annotations

from ..core.tensor import Tensor
from ..ops.distance import cosine_similarity, pairwise_distance
from .module import Module

__all__ = ["CosineSimilarity", "PairwiseDistance"]


class CosineSimilarity(Module):
    """x1 . x2 / (max(||x1||, eps) max(||x2||, eps)) along `dim` (as `torch.nn.CosineSimilarity`).

    Args:
        dim: the vectors' dim. Default 1. eps: the smallest norm. Default 1e-8.

    Shape:
        x1 (*, D, *), x2 broadcastable -> the broadcast shape without dim.
    """

    def __init__(self, dim: int = 1, eps: float = 1e-8):
        super().__init__()
        self.dim, self.eps = dim, eps

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        return cosine_similarity(x1, x2, self.dim, self.eps)


class PairwiseDistance(Module):
    """||x1 - x2 + eps||_p over the last dim (as `torch.nn.PairwiseDistance`).

    Args:
        p: the norm's order. Default 2. eps: added to the difference. Default 1e-6.
        keepdim: keep the last dim with size 1. Default False.

    Shape:
        (N, D), (N, D) -> (N,), or (N, 1) with keepdim.
    """

    def __init__(self, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False):
        super().__init__()
        self.norm, self.eps, self.keepdim = p, eps, keepdim

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        return pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)
