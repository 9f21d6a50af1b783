"""Data parallelism: every rank holds a replica and computes a shard of every global batch.

One step with global batch x of n rows on `size` ranks:

1. Rank r takes the contiguous rows start_r:stop_r (sizes differ by at most one; `shard`).
2. It computes the mean loss of its b_r rows and its gradient g_r = d/dw (1/b_r) sum_i l_i.
3. `reduce_gradients` sums (b_r / n) g_r over the ranks, which is d/dw (1/n) sum_i l_i: the
   gradient of the whole batch's mean loss, as one process computes it (mean-reduced losses
   over uneven shards and a last partial batch included).
4. Every rank takes the same optimizer step, so the replicas stay equal.

Randomness stays the single process's: every rank draws from the same seeded generator, the
data order and augmentation are drawn for the whole global batch, and dropout masks are drawn
for the whole batch with each rank keeping its rows (`core.random.batch_rows`). With more ranks
than rows (a last batch of n < size rows), a rank without rows computes row 0 with weight 0 so
that its generator still advances as everyone else's.
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple

import numpy as np

import minitorch
from minitorch.core.random import batch_rows
from minitorch.distributed.group import DistributedError, ProcessGroup
from minitorch.distributed.sum_buffer import SumBuffer

__all__ = ["Shard", "shard", "DataParallel"]


@dataclass
class _Layout:
    """The dense gradients' places in `DataParallel`'s buffer (parameter indices, starts, stops,
    their end) and the gradient tensors made over those places."""

    dense: List[int]
    starts: List[int]
    stops: List[int]
    end: int
    grads: Dict[int, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Shard:
    """Rank's part of a global batch: rows start:stop of `total`, counted with `weight`.

    `examples` is the number of rows that count (0 for a rank without rows, which computes
    row 0 with weight 0); weight = examples / total.
    """

    start: int
    stop: int
    total: int
    examples: int

    @property
    def rows(self) -> slice:
        return slice(self.start, self.stop)

    @property
    def weight(self) -> float:
        return self.examples / self.total if self.total else 0.0

    @contextmanager
    def random_rows(self) -> Iterator[None]:
        """Per-example random draws (dropout) inside are this shard's rows of the whole batch's."""
        if self.start == 0 and self.stop == self.total:  # the whole batch: plain draws
            yield
            return
        with batch_rows(self.start, self.stop, self.total):
            yield


def shard(total: int, rank: int, size: int) -> Shard:
    """Rank `rank`'s contiguous rows of a batch of `total` split `size` ways (as numpy.array_split).

    Example:
        >>> [(s.start, s.stop) for s in (shard(10, r, 3) for r in range(3))]
        [(0, 4), (4, 7), (7, 10)]
    """
    if not 0 <= rank < size:
        raise ValueError(f"shard: rank {rank} outside a group of {size}")
    base, extra = divmod(int(total), size)
    start = rank * base + min(rank, extra)
    stop = start + base + (1 if rank < extra else 0)
    if stop == start and total > 0:  # more ranks than rows: compute row 0, count nothing
        return Shard(0, 1, total, 0)
    return Shard(start, stop, total, stop - start)


class DataParallel:
    """Keeps the replicas of `model` on the ranks of `group` equal, step by step.

    Args:
        model: a Module whose parameters every rank holds.
        group: the ranks (`minitorch.distributed.world()`); a group of one makes every
            method a no-op apart from bookkeeping.

    Example (in every rank of `mpiexec -n 2 python train.py`):
        >>> group = world()  # doctest: +SKIP
        >>> parallel = DataParallel(model, group)  # doctest: +SKIP
        >>> parallel.broadcast_parameters()  # doctest: +SKIP
        >>> part = parallel.shard(len(y))  # doctest: +SKIP
        >>> with part.random_rows():  # doctest: +SKIP
        ...     loss = F.cross_entropy(model(x[part.rows]), y[part.rows])  # doctest: +SKIP
        >>> optimizer.zero_grad(); loss.backward()  # doctest: +SKIP
        >>> parallel.reduce_gradients(part.weight)  # doctest: +SKIP
        >>> optimizer.step()  # doctest: +SKIP
    """

    def __init__(self, model: Any, group: ProcessGroup):
        self.group = group
        self.parameters = [p for p in model.parameters()]
        dtypes = {np.dtype(p.value.to_numpy().dtype) for p in self.parameters}
        self.dtype = dtypes.pop() if len(dtypes) == 1 else np.dtype(np.float64)
        self.sizes = [p.value.size for p in self.parameters]
        self.offsets = np.concatenate([[0], np.cumsum(self.sizes)]).astype(np.int64)
        # reused: the dense gradients, the rows of the sparse ones, one flag per parameter, the extras
        self._sums: Optional[SumBuffer] = None
        self._layouts: Dict[Tuple[int, ...], _Layout] = {}  # by the indices of the sparse parameters

    @property
    def enabled(self) -> bool:
        return self.group.size > 1

    def shard(self, total: int) -> Shard:
        """This rank's part of a global batch of `total` rows."""
        return shard(total, self.group.rank, self.group.size)

    def _buffer_for(self, extras: int) -> SumBuffer:
        """The reused buffer, large enough for every gradient in full, one flag per parameter and `extras`
        (collective when it grows: every rank gets there at the same step)."""
        length = int(self.offsets[-1]) + len(self.parameters) + extras
        if self._sums is None or self._sums.capacity < length:
            if self._sums is not None:
                self._sums.close()
            self._sums = self.group.sum_buffer(max(length, int(self.offsets[-1]) + len(self.parameters) + 8),
                                               self.dtype)
            self._layouts.clear()  # their gradient tensors view the old buffer
        return self._sums

    def _layout(self, sparse: Tuple[int, ...]) -> "_Layout":
        """Where each dense gradient lives in the buffer when the parameters at `sparse` send rows:
        the dense ones first, at offsets that do not change from step to step."""
        layout = self._layouts.get(sparse)
        if layout is None:
            dense = [i for i in range(len(self.parameters)) if i not in sparse]
            stops = np.cumsum([self.sizes[i] for i in dense], dtype=np.int64)
            layout = self._layouts[sparse] = _Layout(dense, [int(s) for s in stops - np.take(self.sizes, dense)],
                                                     [int(s) for s in stops], int(stops[-1]) if len(stops) else 0)
        return layout

    def broadcast_parameters(self, root: int = 0) -> None:
        """Copy rank `root`'s parameter values into every rank's replica."""
        if not self.enabled:
            return
        flat = np.empty(int(self.offsets[-1]), dtype=self.dtype)
        for p, start, stop in zip(self.parameters, self.offsets[:-1], self.offsets[1:]):
            flat[start:stop] = p.value.to_numpy().reshape(-1)
        self.group.broadcast_(flat, root)
        for p, start, stop in zip(self.parameters, self.offsets[:-1], self.offsets[1:]):
            target = p.value.to_numpy()
            target[...] = flat[start:stop].reshape(target.shape)

    def reduce_gradients(self, weight: float, extras: Sequence[float] = (),
                         rows: Optional[Mapping[Any, np.ndarray]] = None) -> np.ndarray:
        """Replace every gradient by the sum over ranks of weight_r * gradient_r; sum `extras` too.

        A parameter keeps no gradient (None, skipped by the optimizer) only when it has none on
        every rank. Returns the summed extras (e.g. loss sums and correct counts) as an array.
        One sum over the ranks carries everything (`group.sum_buffer`: an all-reduce, or a
        shared-memory window when every rank runs on this machine). The dense gradients handed
        back are views of one reused buffer (as PyTorch DDP's bucket views): the next call
        overwrites them.

        Args:
            weight: this rank's share of the global batch, b_r / n (`Shard.weight`).
            extras: numbers to sum over the ranks along with the gradients.
            rows: {parameter: row indices} for gradients that are zero outside those rows (dim 0)
                on every rank, such as an embedding's outside the global batch's token ids: only
                those rows travel. Default None (every gradient in full).
        """
        if not self.enabled:
            return np.asarray(extras, dtype=np.float64)
        parameters, count = self.parameters, len(self.parameters)
        sums = self._buffer_for(len(extras))
        buffer = sums.local  # this rank's numbers; the sums come back in sums.sum_()'s array
        sparse = {}
        if rows:
            index = {id(p): i for i, p in enumerate(parameters)}
            sparse = {index[id(p)]: np.asarray(r, dtype=np.int64) for p, r in rows.items()}
        layout = self._layout(tuple(sorted(sparse)))
        # [dense gradients][rows of the sparse ones][one flag per parameter][extras]
        start = layout.end
        sparse_parts = {}
        for i, index_rows in sorted(sparse.items()):
            shape = parameters[i].value.shape
            stop = start + len(index_rows) * (self.sizes[i] // max(shape[0], 1))
            sparse_parts[i] = (start, stop)
            start = stop
        end = start
        flags = buffer[end:end + count]
        for i, start, stop in zip(layout.dense, layout.starts, layout.stops):
            grad = parameters[i].value.grad
            if grad is None:
                flags[i] = 0.0
                buffer[start:stop] = 0.0
            else:
                flags[i] = 1.0
                np.multiply(grad.to_numpy().reshape(-1), weight, out=buffer[start:stop], casting="unsafe")
        for i, (start, stop) in sparse_parts.items():
            grad = parameters[i].value.grad
            flags[i] = 0.0 if grad is None else 1.0
            if grad is None:
                buffer[start:stop] = 0.0
            else:
                part = buffer[start:stop]
                part[...] = grad.to_numpy()[sparse[i]].reshape(-1)  # (k, *) rows
                part *= weight
        total = end + count + len(extras)
        buffer[end + count:total] = extras
        buffer = sums.sum_(total)
        flags = buffer[end:end + count]
        for i, start, stop in zip(layout.dense, layout.starts, layout.stops):
            value = parameters[i].value
            if flags[i] == 0:
                value.grad = None
                continue
            grad = layout.grads.get(i)  # a tensor over its part of the buffer, made once
            if grad is None or grad.backend is not value.backend:
                grad = layout.grads[i] = minitorch.from_numpy(buffer[start:stop].reshape(value.shape),
                                                              backend=value.backend)
            value.grad = grad
        for i, (start, stop) in sparse_parts.items():
            value = parameters[i].value
            if flags[i] == 0:
                value.grad = None
                continue
            if value.grad is None:  # the other rows are zero everywhere: write the summed rows in place
                value.grad = minitorch.from_numpy(np.zeros(value.shape, dtype=self.dtype), backend=value.backend)
            index_rows = sparse[i]
            value.grad.to_numpy()[index_rows] = buffer[start:stop].reshape((len(index_rows),) + tuple(value.shape[1:]))
        return np.array(buffer[end + count:total], dtype=np.float64)

    def reduce_sum(self, values: Sequence[float]) -> np.ndarray:
        """The sums over ranks of a few numbers (float64)."""
        array = np.array(values, dtype=np.float64)
        return self.group.all_reduce_(array) if self.enabled else array

    def evaluate(self, evaluate: Callable[[np.ndarray, np.ndarray], Tuple[float, float, np.ndarray]],
                 x: np.ndarray, y: np.ndarray) -> Tuple[float, float, np.ndarray]:
        """(mean loss, accuracy, predictions (N,)) of a whole test set, each rank evaluating a shard.

        Args:
            evaluate: (x part, y part) -> (mean loss, accuracy, predictions) of the replica,
                e.g. `minitorch.train.inference.evaluate` with the model bound.
        """
        if not self.enabled:
            return evaluate(x, y)
        part = shard(len(y), self.group.rank, self.group.size)
        rows = slice(part.start, part.start + part.examples)
        loss, _, predicted = evaluate(x[rows], y[rows])
        totals = np.zeros(len(y) + 1, dtype=np.float64)  # predictions in place, then the loss sum
        totals[rows] = predicted
        totals[-1] = loss * part.examples if part.examples else 0.0
        self.group.all_reduce_(totals)
        predicted_all = totals[:-1].astype(np.int64)
        accuracy = float(np.mean(predicted_all == y)) if len(y) else float("nan")
        return float(totals[-1]) / max(len(y), 1), accuracy, predicted_all

    def check_equal(self, tolerance: float = 0.0) -> float:
        """The largest difference between this rank's parameters and rank 0's (raises above `tolerance`)."""
        if not self.enabled:
            return 0.0
        flat = np.concatenate([p.value.to_numpy().reshape(-1).astype(np.float64) for p in self.parameters])
        root = self.group.broadcast_(flat.copy(), 0)
        worst = float(np.max(np.abs(flat - root))) if len(flat) else 0.0
        worst = float(self.group.all_reduce_(np.array([worst]))[0])
        if not worst <= tolerance or math.isnan(worst):
            raise DistributedError(f"the replicas differ by up to {worst:g} (allowed {tolerance:g})")
        return worst
