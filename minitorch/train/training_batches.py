"""The training batches of an epoch as one rank computes them: its rows of every global batch.

Every rank walks the same global batches (the DataLoader's order of (seed, epoch)) and draws
the same augmentation for all of a batch's rows (one generator per (seed, epoch)), so the run
takes one process's steps whatever the number of ranks (minitorch.distributed). A rank then
gathers, converts and shifts only its own rows (`DataParallel.shard`; one compiled pass,
`tasks.shifted`): the shift's fill value, the whole batch's smallest value, is the minimum of
the chosen examples' minima, computed once per example. One process is the single rank of a
group of one: its rows are the whole batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterator, Optional

import numpy as np

import minitorch
from minitorch.data import ArrayDataset, DataLoader
from minitorch.distributed.data_parallel import Shard
from minitorch.train.tasks import TaskData, random_shifts, shifted, trim_padding

__all__ = ["RankBatch", "TrainingBatches"]


@dataclass
class RankBatch:
    """One step's data on this rank.

    Attributes:
        inputs: this rank's rows: a Tensor of images, or int64 token ids (text).
        targets: int64 labels of those rows.
        part: the rows of the global batch they are (`Shard`: rows, examples, weight).
        batch_ids: the whole global batch's token ids (text; None for images): which embedding
            rows get gradients on some rank.
    """

    inputs: Any
    targets: np.ndarray
    part: Shard
    batch_ids: Optional[np.ndarray] = None


class TrainingBatches:
    """The shuffled training batches of a task's data, epoch by epoch, as one rank computes them.

    Args:
        data: the task's arrays (`TaskData`; text tasks hold token ids).
        batch_size: the global batch size.
        is_text: inputs are token ids (a batch loses its all-padding columns; no shifts).
        dtype: "float32" or "float64" for image tensors.
        backend: the TensorBackend of the image tensors.
        max_shift: random translations by up to this many pixels per axis (0: none).
        seed: the run's seed (order and augmentation depend on (seed, epoch) only).
    """

    def __init__(self, data: TaskData, batch_size: int, is_text: bool, dtype: str, backend: Any, max_shift: int = 0,
                 seed: int = 0):
        self.x, self.y = data.x_train, data.y_train
        self.loader = DataLoader(ArrayDataset(self.x, self.y), batch_size=batch_size, shuffle=True, seed=seed)
        self.is_text, self.dtype, self.backend = is_text, np.dtype(dtype), backend
        self.max_shift = 0 if is_text else max_shift
        self.seed = seed
        # each example's smallest value: the fill of a shifted batch is the smallest of its examples'
        self.minima = self.x.reshape(len(self.x), -1).min(axis=1) if self.max_shift and len(self.x) else self.x[:0]

    def epoch(self, epoch: int, shard: Callable[[int], Shard]) -> Iterator[RankBatch]:
        """The batches of `epoch`; `shard(n)` gives this rank's rows of a global batch of n."""
        order, size = self.loader.indices(epoch), self.loader.batch_size
        augment_rng = np.random.default_rng([self.seed, epoch, 1])  # depends on (seed, epoch) only
        for start in range(0, len(order), size):
            chosen = order[start:start + size]
            part = shard(len(chosen))
            mine = chosen[part.rows]
            targets = self.y[mine].astype(np.int64)
            if self.is_text:
                ids = trim_padding(self.x[chosen].astype(np.int64))
                yield RankBatch(ids[part.rows], targets, part, ids)
                continue
            if self.max_shift:  # drawn for the whole batch, applied to this rank's rows
                shifts = random_shifts(augment_rng, len(chosen), self.max_shift)[part.rows]
                images = shifted(self.x, mine, shifts, self.minima[chosen].min(), self.dtype)
            else:
                images = self.x[mine].astype(self.dtype, copy=False)  # (a fresh gather)
            yield RankBatch(minitorch.from_numpy(images, backend=self.backend), targets, part)
