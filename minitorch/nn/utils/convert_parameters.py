"""Parameters as one flat vector and back: `parameters_to_vector`, `vector_to_parameters`
(as `torch.nn.utils`)."""

from __future__ import annotations

from typing import Any, Iterable

from ...autodiff.graph import no_grad
from ...core.tensor import Tensor
from ...errors import DTypeError, ShapeError
from ...ops.concat import cat
from .clip_grad import parameter_tensors

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def parameters_to_vector(parameters: Iterable[Any]) -> Tensor:
    """Every parameter flattened and concatenated, in order (differentiable, as torch's).

    Args:
        parameters: `model.parameters()` or an iterable of tensors.

    Shape:
        parameters of n_1, ..., n_k elements -> (n_1 + ... + n_k,).

    Example:
        >>> from minitorch.nn import Linear
        >>> parameters_to_vector(Linear(3, 2).parameters()).shape  # 6 weights, 2 biases
        (8,)
    """
    return cat([p.reshape(-1) for p in parameter_tensors(parameters, "parameters_to_vector")])


def vector_to_parameters(vec: Tensor, parameters: Iterable[Any]) -> None:
    """Copy consecutive slices of `vec` into the parameters, in place (no gradient is recorded).

    Args:
        vec: a 1-d tensor with as many elements as the parameters together.
        parameters: `model.parameters()` or an iterable of tensors.

    Raises:
        DTypeError: `vec` is not a Tensor. ShapeError: `vec` is not 1-d, or its length is not
            the parameters' total number of elements.

    Shape:
        vec (n_1 + ... + n_k,) -> parameters of n_1, ..., n_k elements.

    Example:
        >>> from minitorch.nn import Linear
        >>> layer = Linear(3, 2)
        >>> vector_to_parameters(minitorch.zeros((8,)), layer.parameters())
        >>> layer.bias.tolist()
        [0.0, 0.0]
    """
    if not isinstance(vec, Tensor):
        raise DTypeError(f"vector_to_parameters: expected a minitorch Tensor as vec, got {type(vec).__name__}")
    tensors = parameter_tensors(parameters, "vector_to_parameters")
    sizes = [p.numel() for p in tensors]
    if vec.dim() != 1 or vec.shape[0] != sum(sizes):
        raise ShapeError(
            f"vector_to_parameters: vec has shape {vec.shape}, the parameters need ({sum(sizes)},) "
            f"({len(tensors)} tensors); make it with parameters_to_vector over the same parameters"
        )
    offset = 0
    with no_grad():
        for p, size in zip(tensors, sizes):
            p.copy_(vec[offset:offset + size].reshape(p.shape))
            offset += size
