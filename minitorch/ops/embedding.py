"""Embedding lookup: rows of a weight matrix chosen by integer indices.

Shape:
    indices (*) of ints in [0, V), weight (V, D) -> output (*, D)
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..autodiff.function import Context, Function
from ..core.tensor import Tensor
from ..core.tensor_data import TensorData
from ..errors import DTypeError, IndexingError, ShapeError

__all__ = ["Embedding", "embedding"]


class Embedding(Function):
    """weight[indices]; the weight gradient scatter-adds each output row's gradient."""

    @staticmethod
    def forward(ctx: Context, weight: Tensor, indices: np.ndarray, padding_idx: Optional[int]) -> Tensor:
        rows = np.ascontiguousarray(weight.to_numpy()[indices])  # (*, D)
        ctx.indices, ctx.padding_idx, ctx.weight_shape = indices, padding_idx, weight.shape
        return weight._new(TensorData._trusted(rows.reshape(-1), tuple(rows.shape)))

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        vocabulary, width = ctx.weight_shape
        grad = np.zeros((vocabulary, width), dtype=grad_output.dtype)
        rows = grad_output.to_numpy().reshape(-1, width)  # (*, D) -> (M, D)
        np.add.at(grad, ctx.indices.reshape(-1), rows)  # repeated indices accumulate
        if ctx.padding_idx is not None:
            grad[ctx.padding_idx] = 0.0
        return grad_output._new(TensorData._trusted(grad.reshape(-1), (vocabulary, width)))


def _indices(input: Any, vocabulary: int) -> np.ndarray:
    """Integer indices from an int array, a list, or a tensor holding whole numbers."""
    values = input.to_numpy() if isinstance(input, Tensor) else np.asarray(input)
    if values.dtype.kind == "f":
        if not np.all(np.isfinite(values)) or not np.all(values == np.round(values)):
            raise DTypeError("embedding: indices must be whole numbers; got fractional or non-finite values")
    elif values.dtype.kind not in "iu":
        raise DTypeError(f"embedding: indices must be integers, got dtype {values.dtype}")
    indices = values.astype(np.int64)
    if indices.size and (indices.min() < 0 or indices.max() >= vocabulary):
        raise IndexingError(
            f"embedding: index out of range: indices span [{indices.min()}, {indices.max()}] but the weight "
            f"has {vocabulary} rows; use indices in [0, {vocabulary - 1}]"
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
    return Embedding.apply(weight, _indices(input, vocabulary), padding_idx)
