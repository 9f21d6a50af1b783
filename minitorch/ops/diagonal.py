"""Diagonals and triangles of matrices: `diagonal` (a view), `diag`, `trace`, `triu`, `tril`
(as PyTorch).

The diagonal of dims (dim1, dim2) is a strided view: one step along it moves both indices,
so its stride is stride1 + stride2, and the offset-th diagonal starts offset entries along
dim2 (below the main diagonal: -offset along dim1). Its gradient is g written into that view
of zeros. triu/tril keep the entries on and above (below) a diagonal; their gradient is g
with the same entries kept.

Shape:
    diagonal: (.., n1 (dim1), .., n2 (dim2), ..) -> (.. without dim1, dim2 .., L) with
        L = max(0, min(n1, n2 - offset)) for offset >= 0, max(0, min(n1 + offset, n2)) below.
    diag: (n,) -> (n + |k|, n + |k|); (n1, n2) -> (L,).
    triu, tril: (*, m, n) -> (*, m, n).
"""

from __future__ import annotations

from typing import Tuple

from ..autodiff.function import Context, Function
from ..core.tensor import Tensor
from ..core.tensor_data import TensorData
from ..errors import ShapeError
from .arrays import array, from_array, namespace
from .rows import normalise_dims

__all__ = ["Diagonal", "DiagEmbed", "Triangle", "diagonal", "diag", "trace", "triu", "tril"]


def _diagonal_view(t: Tensor, offset: int, dim1: int, dim2: int) -> Tensor:
    """The offset-th diagonal of dims (dim1, dim2) of `t`, as a view moved to the last dim."""
    data = t._tensor
    shape, strides = data.shape, data.strides
    n1, n2 = shape[dim1], shape[dim2]
    length = max(0, min(n1, n2 - offset) if offset >= 0 else min(n1 + offset, n2))
    start = (offset * strides[dim2] if offset >= 0 else -offset * strides[dim1]) if length else 0
    kept = [d for d in range(len(shape)) if d not in (dim1, dim2)]
    storage = data._storage
    view = TensorData._trusted(
        storage[start:] if start else storage,
        tuple(shape[d] for d in kept) + (length,),
        tuple(strides[d] for d in kept) + (strides[dim1] + strides[dim2],),
    )
    return t._new(view)


class Diagonal(Function):
    """A diagonal as a view; the gradient is g written into that diagonal of zeros."""

    @staticmethod
    def forward(ctx: Context, a: Tensor, offset: int, dim1: int, dim2: int) -> Tensor:
        ctx.geometry, ctx.shape = (offset, dim1, dim2), a.shape
        return _diagonal_view(a, offset, dim1, dim2)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        grad = from_array(grad_output, namespace(grad_output).zeros(ctx.shape, dtype=grad_output.dtype))
        array(_diagonal_view(grad, *ctx.geometry))[...] = array(grad_output)
        return grad


def _two_dims(op: str, input: Tensor, dim1: int, dim2: int) -> Tuple[int, int]:
    if input.dims < 2:
        raise ShapeError(f"{op}: needs at least 2 dims, got shape {input.shape}")
    d1, d2 = normalise_dims(op, (dim1, dim2), input.dims)  # IndexingError for the same dim twice
    return d1, d2


def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The `offset`-th diagonal of the matrices in dims (dim1, dim2), as a view moved to the
    last dim (as `torch.diagonal`); offset > 0 above the main diagonal, < 0 below.

    out[..., i] = input[..., i, ..., i + offset, ...] (offset >= 0).

    Shape:
        (.., n1, .., n2, ..) -> (.. other dims .., L), L the diagonal's length.

    Example:
        >>> x = minitorch.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> diagonal(x).tolist(), diagonal(x, 1).tolist()
        ([1.0, 4.0], [2.0])
    """
    d1, d2 = _two_dims("diagonal", input, dim1, dim2)
    return Diagonal.apply(input, int(offset), d1, d2)


def diag(input: Tensor, diagonal: int = 0) -> Tensor:
    """A square matrix with `input` (1-D) on its `diagonal`-th diagonal, or the diagonal of a
    matrix (2-D) as a copy (as `torch.diag`).

    Raises:
        ShapeError: input with other than 1 or 2 dims.

    Shape:
        (n,) -> (n + |k|, n + |k|); (n1, n2) -> (L,).

    Example:
        >>> diag(minitorch.tensor([1.0, 2.0])).tolist()
        [[1.0, 0.0], [0.0, 2.0]]
    """
    k = int(diagonal)
    if input.dims == 2:
        return Diagonal.apply(input, k, 0, 1).contiguous()
    if input.dims != 1:
        raise ShapeError(f"diag: needs a 1-D or 2-D tensor, got shape {input.shape}; use diagonal() or diag_embed-style stacking")
    n = input.shape[0] + abs(k)
    return DiagEmbed.apply(input, k, n)


class DiagEmbed(Function):
    """An (n, n) matrix of zeros with the vector on its k-th diagonal; the gradient is g's diagonal."""

    @staticmethod
    def forward(ctx: Context, a: Tensor, k: int, n: int) -> Tensor:
        ctx.k = k
        out = from_array(a, namespace(a).zeros((n, n), dtype=a.dtype))
        array(_diagonal_view(out, k, 0, 1))[...] = array(a)
        return out

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        return _diagonal_view(grad_output, ctx.k, 0, 1).contiguous()


def trace(input: Tensor) -> Tensor:
    """The sum of the main diagonal of a matrix, 0-d (as `torch.trace`).

    Shape:
        (n1, n2) -> ().

    Example:
        >>> trace(minitorch.tensor([[1.0, 2.0], [3.0, 4.0]])).item()
        5.0
    """
    if input.dims != 2:
        raise ShapeError(f"trace: needs a 2-D tensor, got shape {input.shape}")
    return diagonal(input).sum(keepdim=False)


class Triangle(Function):
    """The entries on and above (`upper`) or on and below the k-th diagonal of the last two
    dims, zeros elsewhere; the gradient keeps the same entries of g."""

    @staticmethod
    def forward(ctx: Context, a: Tensor, k: int, upper: bool) -> Tensor:
        ctx.k, ctx.upper = k, upper
        xp = namespace(a)
        return from_array(a, (xp.triu if upper else xp.tril)(array(a), k))

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        xp = namespace(grad_output)
        return from_array(grad_output, (xp.triu if ctx.upper else xp.tril)(array(grad_output), ctx.k))


def _triangle(op: str, input: Tensor, diagonal: int, upper: bool) -> Tensor:
    if input.dims < 2:
        raise ShapeError(f"{op}: needs at least 2 dims (a matrix or a batch of them), got shape {input.shape}")
    return Triangle.apply(input, int(diagonal), upper)


def triu(input: Tensor, diagonal: int = 0) -> Tensor:
    """The upper triangle of the last two dims: entries with j - i >= diagonal kept, the rest 0
    (as `torch.triu`).

    Shape:
        (*, m, n) -> (*, m, n).

    Example:
        >>> triu(minitorch.tensor([[1.0, 2.0], [3.0, 4.0]])).tolist()
        [[1.0, 2.0], [0.0, 4.0]]
    """
    return _triangle("triu", input, diagonal, True)


def tril(input: Tensor, diagonal: int = 0) -> Tensor:
    """The lower triangle of the last two dims: entries with j - i <= diagonal kept, the rest 0
    (as `torch.tril`).

    Shape:
        (*, m, n) -> (*, m, n).

    Example:
        >>> tril(minitorch.tensor([[1.0, 2.0], [3.0, 4.0]])).tolist()
        [[1.0, 0.0], [3.0, 4.0]]
    """
    return _triangle("tril", input, diagonal, False)
