"""Matrix multiply (batched over leading dims, which broadcast).

Shape:
    a (*, n, m) @ b (*, m, p) -> (*, n, p)
"""

from __future__ import annotations

from typing import Tuple

from ..autodiff.function import Context, Function
from ..core.tensor import Tensor

__all__ = ["MatMul"]


def _transpose_last(t: Tensor) -> Tensor:
    order = list(range(t.dims))
    order[-2], order[-1] = order[-1], order[-2]
    return t._new(t._tensor.permute(*order))


class MatMul(Function):
    """a @ b; gradients grad @ b^T and a^T @ grad (summed over broadcast batch dims by the engine).

    Shape: (*, n, m) @ (*, m, p) -> (*, n, p).
    """

    @staticmethod
    def forward(ctx: Context, a: Tensor, b: Tensor) -> Tensor:
        ctx.save_for_backward(a, b)
        return a.f.matrix_multiply(a, b)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tuple[Tensor, Tensor]:
        a, b = ctx.saved_values
        mm = grad_output.f.matrix_multiply
        return mm(grad_output, _transpose_last(b)), mm(_transpose_last(a), grad_output)
