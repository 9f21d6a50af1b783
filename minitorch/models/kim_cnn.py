"""The sentence CNN of Kim (2014), "Convolutional Neural Networks for Sentence Classification".

    token ids (N, L) -> embedding (N, L, E) -> (N, E, L)
    for each width k in (3, 4, 5): Conv1d(E -> 100, k), ReLU, max over time -> (N, 100)
    concatenate -> (N, 300), dropout 0.5, Linear(300 -> classes) (logits).

With randomly initialised embeddings this is Kim's "CNN-rand" (82.7% on SST-2). For
"CNN-non-static", copy pretrained vectors into `model.embedding.weight` (e.g. from
`minitorch.data.load_glove`) before training.
"""

from __future__ import annotations

from typing import Any, Sequence

from minitorch import nn
from minitorch.core.tensor import Tensor
from minitorch.nn import functional as F
from minitorch.ops.concat import cat

__all__ = ["KimCNN"]


class KimCNN(nn.Module):
    """Embedding, parallel convolutions of several widths, max over time, dropout, linear.

    Args:
        vocab_size: number of token ids (index 0 is padding).
        num_classes: number of classes. Default 2.
        embedding_dim: E. Default 300.
        kernel_sizes: convolution widths. Default (3, 4, 5).
        num_filters: filters per width. Default 100.
        dropout: dropout probability before the classifier. Default 0.5.
        padding_idx: the padding token id (its embedding stays zero). Default 0.

    Shape:
        input (N, L) int64 token ids with L >= max(kernel_sizes) -> output (N, num_classes).

    Example:
        >>> KimCNN(vocab_size=50)(np.array([[2, 3, 4, 5, 0]])).shape
        (1, 2)
    """

    def __init__(self, vocab_size: int, num_classes: int = 2, embedding_dim: int = 300,
                 kernel_sizes: Sequence[int] = (3, 4, 5), num_filters: int = 100, dropout: float = 0.5,
                 padding_idx: int = 0):
        super().__init__()
        self.kernel_sizes = tuple(int(k) for k in kernel_sizes)
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=padding_idx)
        for k in self.kernel_sizes:  # registered as conv3, conv4, conv5
            setattr(self, f"conv{k}", nn.Conv1d(embedding_dim, num_filters, k))
        self.relu = nn.ReLU()
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(num_filters * len(self.kernel_sizes), num_classes)

    @property
    def convs(self) -> list:
        """The convolutions, one per width, in `kernel_sizes` order."""
        return [getattr(self, f"conv{k}") for k in self.kernel_sizes]

    def _embed(self, tokens: Any) -> Tensor:
        length = tokens.shape[1]
        if length < max(self.kernel_sizes):
            raise ValueError(f"KimCNN: sentences of length {length} are shorter than the widest filter "
                             f"({max(self.kernel_sizes)}); pad the batch to at least that length")
        # (N, L, E) -> (N, E, L): channels first for Conv1d
        return self.embedding(tokens).permute(0, 2, 1).contiguous()

    def feature_maps(self, tokens: Any) -> Tensor:
        """Activations of the first width's convolution: (N, num_filters, L - k + 1)."""
        return self.relu(self.convs[0](self._embed(tokens)))

    def forward(self, tokens: Any) -> Tensor:
        embedded = self._embed(tokens)  # (N, E, L)
        pooled = []
        for conv in self.convs:
            maps = self.relu(conv(embedded))  # (N, F, L - k + 1)
            pooled.append(F.max_pool1d(maps, maps.shape[2]))  # max over time: (N, F, 1)
        features = cat(pooled, dim=1)  # (N, F * widths, 1)
        features = features.view(features.shape[0], features.shape[1])  # (N, F * widths)
        return self.fc(self.dropout(features))

