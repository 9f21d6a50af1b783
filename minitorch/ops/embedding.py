"""Embedding lookup: rows of a weight matrix chosen by integer indices.

Shape:
    indices (*) of ints in [0, V), weight (V, D) -> output (*, D)
"""

from __future__ import annotations

from typing import Any, Optional

from ..autodiff.function import Context, Function
from ..core.tensor import Tensor
from ..errors import DTypeError, IndexingError, ShapeError
from .arrays import array, from_array, namespace

__all__ = ["Embedding", "embedding"]


class Embedding(Function):
    """weight[indices]; the weight gradient scatter-adds each output row's gradient."""

    @staticmethod
    def forward(ctx: Context, weight: Tensor, indices: Any, padding_idx: Optional[int]) -> Tensor:
        rows = array(weight)[indices]  # (*, D)
        ctx.indices, ctx.padding_idx, ctx.weight_shape = indices, padding_idx, weight.shape
        return from_array(weight, rows)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        vocabulary, width = ctx.weight_shape
        grad = namespace(grad_output).zeros((vocabulary, width), dtype=grad_output.dtype)
        rows = array(grad_output).reshape(-1, width)  # (*, D) -> (M, D)
        grad_output.backend.ops.index_add(grad, ctx.indices.reshape(-1), rows)  # repeated indices accumulate
        if ctx.padding_idx is not None:
            grad[ctx.padding_idx] = 0.0
        return from_array(grad_output, grad)


def _indices(input: Any, weight: Tensor) -> Any:
    """Integer indices (an int64 array of `weight`'s backend) from an int array, a list, or a
    tensor holding whole numbers."""
    xp, vocabulary = namespace(weight), weight.shape[0]
    values = array(input) if isinstance(input, Tensor) else xp.asarray(input)
    if values.dtype.kind == "f":
        if not bool(xp.all(xp.isfinite(values))) or not bool(xp.all(values == xp.round(values))):
            raise DTypeError("embedding: indices must be whole numbers; got fractional or non-finite values")
    elif values.dtype.kind not in "iu":
        raise DTypeError(f"embedding: indices must be integers, got dtype {values.dtype}")
    indices = values.astype(xp.int64)
    if indices.size and (int(indices.min()) < 0 or int(indices.max()) >= vocabulary):
        raise IndexingError(
            f"embedding: index out of range: indices span [{int(indices.min())}, {int(indices.max())}] but the "
            f"weight has {vocabulary} rows; use indices in [0, {vocabulary - 1}]"
        )
    return indices


def embedding(input: Any, weight: Tensor, padding_idx: Optional[int] = None) -> Tensor:
    """Look up rows of `weight` (as `torch.nn.functional.embedding`).

    out[i..., :] = weight[input[i...], :]. The weight gradient adds up the output gradients of
    every position that picked the row (repeated indices accumulate); row `padding_idx`
    gets no gradient.

    Args:
        input: indices: an int numpy array, a list, or a tensor of whole numbers in [0, V).
        weight: (V, D) tensor.
        padding_idx: a row that receives no gradient (negative counts from the end). Default None.

    Shape:
        input (*), weight (V, D) -> (*, D).

    Example:
        >>> w = minitorch.tensor([[0.0, 0.0], [1.0, 2.0]])
        >>> embedding([1, 1, 0], w).to_numpy().tolist()
        [[1.0, 2.0], [1.0, 2.0], [0.0, 0.0]]
    """
    if not isinstance(weight, Tensor):
        raise DTypeError(f"embedding: weight must be a minitorch Tensor, got {type(weight).__name__}")
    if weight.dims != 2:
        raise ShapeError(f"embedding: weight must have shape (V, D), got {weight.shape}")
    vocabulary = weight.shape[0]
    if padding_idx is not None:
        if not -vocabulary <= padding_idx < vocabulary:
            raise IndexingError(f"embedding: padding_idx {padding_idx} is out of range for {vocabulary} rows")
        padding_idx = padding_idx % vocabulary
    return Embedding.apply(weight, _indices(input, weight), padding_idx)
