"""Matrix multiply (batched over leading dims, which broadcast), and PyTorch's `matmul`
(1-D sides too), `mm`, `bmm`.

Shape:
    a (*, n, m) @ b (*, m, p) -> (*, n, p)
"""

from __future__ import annotations

from typing import Tuple

from ..autodiff.function import Context, Function
from ..core.tensor import Tensor
from ..core.tensor_data import TensorData
from ..errors import ShapeError

__all__ = ["MatMul", "matmul", "mm", "bmm"]


def _transpose_last(t: Tensor) -> Tensor:
    """t with its last two dims swapped (a view; t has at least 2 dims)."""
    data = t._tensor
    shape, strides = data.shape, data.strides
    swapped = TensorData._trusted(data._storage, (*shape[:-2], shape[-1], shape[-2]), (*strides[:-2], strides[-1], strides[-2]))
    return t._new(swapped)


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


def matmul(input: Tensor, other: Tensor) -> Tensor:
    """input @ other (as `torch.matmul`): matrix products batched over leading dims, which
    broadcast; a 1-D side is a row (left) or column (right) vector whose dim is then dropped.

    Raises:
        ShapeError: a 0-d side, or inner sizes that differ.

    Shape:
        (*, n, m) @ (*, m, p) -> (*, n, p); (m,) @ (*, m, p) -> (*, p); (*, n, m) @ (m,) -> (*, n).

    Example:
        >>> matmul(minitorch.ones((2, 3)), minitorch.ones((3, 4))).shape, matmul(minitorch.ones((2, 3)), minitorch.ones(3)).shape
        ((2, 4), (2,))
    """
    if input.dims >= 2 and other.dims >= 2:
        return MatMul.apply(input, other)
    if input.dims == 0 or other.dims == 0:
        raise ShapeError(f"matmul: both sides need at least 1 dim, got shapes {input.shape} and {other.shape}; use * for a scalar")
    out = MatMul.apply(input.unsqueeze(0) if input.dims == 1 else input, other.unsqueeze(-1) if other.dims == 1 else other)
    if input.dims == 1:
        out = out.squeeze(-2)  # (*, 1, p) -> (*, p)
    return out.squeeze(-1) if other.dims == 1 else out  # (*, n, 1) -> (*, n)


def mm(input: Tensor, mat2: Tensor) -> Tensor:
    """The product of two matrices (as `torch.mm`; 2-D only). Shape: (n, m), (m, p) -> (n, p)."""
    return input.mm(mat2)


def bmm(input: Tensor, mat2: Tensor) -> Tensor:
    """Batched matrix products (as `torch.bmm`; 3-D only). Shape: (B, n, m), (B, m, p) -> (B, n, p)."""
    return input.bmm(mat2)
