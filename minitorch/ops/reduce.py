"""Reductions along one dimension (the dim is kept with size 1, as in MiniTorch).

Shape:
    input (d_0, ..., d_k, ..., d_n), dim=k -> output (d_0, ..., 1, ..., d_n)
"""

from __future__ import annotations

from ..autodiff.function import Context, Function
from ..core.tensor import Tensor

__all__ = ["Sum", "All"]


class Sum(Function):
    """Sum along `dim`; its gradient broadcasts the upstream gradient back.

    Shape: (..., d, ...) -> (..., 1, ...).
    """

    @staticmethod
    def forward(ctx: Context, a: Tensor, dim: int) -> Tensor:
        return a.f.add_reduce(a, dim)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        return grad_output  # (.., 1, ..) broadcasts back to the input shape in the engine


class All(Function):
    """1.0 where every entry along `dim` is non-zero (no gradient).

    Shape: (..., d, ...) -> (..., 1, ...).
    """

    @staticmethod
    def forward(ctx: Context, a: Tensor, dim: int) -> Tensor:
        return a.f.mul_reduce(a.f.eq_zip(a.f.eq_zip(a, a._ensure_tensor(0.0)), a._ensure_tensor(0.0)), dim)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> None:
        return None
