"""`Embedding`: a lookup table of learnable vectors, one row per index."""

from __future__ import annotations

from typing import Any, Optional

from ..core.creation import from_numpy, zeros
from ..core.tensor import Tensor
from ..ops.embedding import embedding
from . import init
from .module import Module
from .parameter import Parameter

__all__ = ["Embedding"]


class Embedding(Module):
    """Rows of a (num_embeddings, embedding_dim) table picked by integer indices (as `torch.nn.Embedding`).

    Args:
        num_embeddings: V, the vocabulary size.
        embedding_dim: D, the vector size.
        padding_idx: a row initialised to zeros that receives no gradient (negative counts
            from the end). Default None.
        dtype, backend: of the weight (default float64, fast backend).

    Attributes:
        weight: (V, D), drawn from N(0, 1) as PyTorch (row `padding_idx` zero).

    Shape:
        (*) integer indices -> (*, D).

    Example:
        >>> Embedding(10, 3)([[1, 2, 4], [4, 3, 9]]).shape
        (2, 3, 3)
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: Optional[int] = None,
                 dtype: Any = None, backend: Any = None):
        super().__init__()
        self.num_embeddings, self.embedding_dim = int(num_embeddings), int(embedding_dim)
        if padding_idx is not None:
            if not -self.num_embeddings <= padding_idx < self.num_embeddings:
                raise ValueError(
                    f"Embedding: padding_idx {padding_idx} is outside [-{num_embeddings}, {num_embeddings})"
                )
            padding_idx = padding_idx % self.num_embeddings
        self.padding_idx = padding_idx
        self.weight = Parameter(zeros((self.num_embeddings, self.embedding_dim), backend=backend, dtype=dtype))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """N(0, 1) entries; the padding row zero."""
        init.normal_(self.weight)
        if self.padding_idx is not None:
            self.weight.value.to_numpy()[self.padding_idx] = 0.0

    @classmethod
    def from_pretrained(cls, embeddings: Any, freeze: bool = True, padding_idx: Optional[int] = None) -> "Embedding":
        """An Embedding holding a copy of `embeddings` (V, D) (e.g. GloVe vectors).

        Args:
            embeddings: a Tensor or numpy array (V, D).
            freeze: when True (default) the weight gets no gradient, so optimizers leave it alone.
            padding_idx: as in the constructor (the row is kept as given).
        """
        table = embeddings.to_numpy() if isinstance(embeddings, Tensor) else embeddings
        weights = from_numpy(table)
        layer = cls(weights.shape[0], weights.shape[1], padding_idx, dtype=weights.dtype)
        layer.weight.value.to_numpy()[...] = weights.to_numpy()
        if freeze:
            layer.weight.value.requires_grad_(False)
        return layer

    def forward(self, input: Any) -> Tensor:
        return embedding(input, self.weight.value, self.padding_idx)

    def extra_repr(self) -> str:
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        return s + (f", padding_idx={self.padding_idx}" if self.padding_idx is not None else "")
