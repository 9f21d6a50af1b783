"""Run by tests/test_distributed.py under `mpiexec -n N`: data-parallel steps against one process.

Every rank first trains a reference replica alone on whole batches, then the same model
data-parallel on its shards (minitorch.distributed.DataParallel), and checks that
- its parameters equal the reference's up to float64 rounding (mean losses over uneven shards,
  a last partial batch, ranks without rows, dropout and weight decay included),
- every replica is bitwise equal to rank 0's,
- a parameter no forward uses keeps no gradient and no optimizer state, as in one process,
- an embedding whose gradient travels as the global batch's rows only (`rows=`) ends equal too,
- the shared-memory sums (`SharedSumBuffer`, what `sum_buffer` gives ranks on one machine) equal
  the all-reduce's, step after step, with ranks arriving late in turn.
Prints one "ok" line per rank; any failure aborts the job with a non-zero status.
"""

from __future__ import annotations

import sys
import time

import numpy as np

import minitorch
from minitorch import nn, optim
from minitorch.core.random import manual_seed
from minitorch.distributed import DataParallel, world
from minitorch.distributed.sum_buffer import SharedSumBuffer, SumBuffer
from minitorch.distributed.worker import on_every_rank
import minitorch.nn.functional as F

BATCHES = (7, 5, 2, 1)  # uneven shards; with 3 ranks the last two batches leave ranks without rows
TOLERANCE = 1e-12


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(1, 3, 3)
        self.drop = nn.Dropout(0.5)
        self.fc = nn.Linear(3 * 4 * 4, 4)
        self.unused = nn.Linear(2, 2)  # never called: its parameters get no gradient

    def forward(self, x):
        x = self.conv(x).relu().view(x.shape[0], 3 * 4 * 4)  # (N, 3, 4, 4) -> (N, 48)
        return self.fc(self.drop(x))


def data():
    rng = np.random.default_rng(7)
    x = rng.standard_normal((sum(BATCHES), 1, 6, 6))
    y = rng.integers(0, 4, size=sum(BATCHES))
    starts = np.cumsum((0,) + BATCHES)
    return [(x[a:b], y[a:b]) for a, b in zip(starts[:-1], starts[1:])]


def build():
    manual_seed(3)
    model = Net()
    for p in model.parameters():
        p.update(minitorch.from_numpy(np.array(p.value.to_numpy(), dtype=np.float64)))
    return model, optim.AdamW(model.parameters(), lr=0.05, weight_decay=0.1)


def step(model, optimizer, x, y, parallel=None):
    part = parallel.shard(len(y)) if parallel is not None else None
    if part is not None:
        x, y = x[part.rows], y[part.rows]
    model.train()
    optimizer.zero_grad()
    if part is None:
        loss = F.cross_entropy(model(minitorch.from_numpy(x)), y)
    else:
        with part.random_rows():
            loss = F.cross_entropy(model(minitorch.from_numpy(np.ascontiguousarray(x))), y)
    loss.backward()
    if parallel is not None:
        parallel.reduce_gradients(part.weight)
    optimizer.step()


class Bag(nn.Module):
    """Token ids (N, L) -> an embedding bag -> classes; only the batch's rows get gradients."""

    def __init__(self) -> None:
        super().__init__()
        self.embedding = nn.Embedding(30, 5)
        self.fc = nn.Linear(5, 3)

    def forward(self, ids):
        return self.fc(self.embedding(ids).sum(1).view(len(ids), 5))  # (N, L, 5) -> (N, 1, 5) -> (N, 5)


def sparse_rows_equal_one_process(group) -> float:
    """reduce_gradients(rows=...) with the global batch's token ids sends only those embedding rows."""
    rng = np.random.default_rng(11)
    batches = [rng.integers(0, 30, size=(n, 6)) for n in BATCHES]
    labels = [rng.integers(0, 3, size=n) for n in BATCHES]
    models = []
    for parallel_run in (False, True):
        manual_seed(5)
        model = Bag()
        optimizer = optim.Adam(model.parameters(), lr=0.1)
        parallel = DataParallel(model, group) if parallel_run else None
        for ids, y in zip(batches, labels):
            part = parallel.shard(len(y)) if parallel else None
            rows = slice(None) if part is None else part.rows
            optimizer.zero_grad()
            F.cross_entropy(model(ids[rows]), y[rows]).backward()
            if parallel:
                parallel.reduce_gradients(part.weight, rows={model.embedding.weight: np.unique(ids)})
            optimizer.step()
        models.append(model)
    return max(float(np.max(np.abs(p.value.to_numpy() - q.value.to_numpy())))
               for p, q in zip(models[0].parameters(), models[1].parameters()))


def shared_sums_equal_all_reduce(group) -> None:
    """Twelve sums of different lengths through the shared buffer, with one rank reading late at each
    step (past the barrier, its partners run ahead and write the next step's numbers), against the
    all-reduce of the same numbers afterwards."""
    shared, plain = group.sum_buffer(50, np.float64), SumBuffer(group, 50, np.float64)
    if not isinstance(shared, SharedSumBuffer):
        raise AssertionError(f"ranks on one machine got a {type(shared).__name__}")
    rng = np.random.default_rng(group.rank)
    sent = [rng.standard_normal(50 - 3 * step) for step in range(12)]
    barrier, late = group.barrier, [False]

    def late_barrier(what="barrier"):
        barrier(what)
        if late[0]:
            time.sleep(0.02)

    group.barrier = late_barrier
    got = []
    for step, numbers in enumerate(sent):
        late[0] = step % group.size == group.rank
        shared.local[:len(numbers)] = numbers
        got.append(shared.sum_(len(numbers))[:len(numbers)].copy())
    del group.barrier
    for step, numbers in enumerate(sent):
        plain.local[:len(numbers)] = numbers
        expected = plain.sum_(len(numbers))[:len(numbers)]
        same = (got[step] == expected).all() if group.size == 2 else np.allclose(got[step], expected, rtol=1e-15)
        if not same:
            raise AssertionError(f"rank {group.rank}, step {step}: shared-memory sums differ from the all-reduce's")
    shared.close()


def main() -> int:
    group = world()
    shared_sums_equal_all_reduce(group)
    sparse = sparse_rows_equal_one_process(group)
    if not sparse <= TOLERANCE:
        raise AssertionError(f"rank {group.rank}: sparse embedding rows differ from one process's by {sparse:g}")
    batches = data()
    reference, reference_optimizer = build()
    for x, y in batches:
        step(reference, reference_optimizer, x, y)
    model, optimizer = build()
    parallel = DataParallel(model, group)
    parallel.broadcast_parameters()
    for x, y in batches:
        step(model, optimizer, x, y, parallel)
    worst = max(float(np.max(np.abs(p.value.to_numpy() - q.value.to_numpy())))
                for p, q in zip(model.parameters(), reference.parameters()))
    if not worst <= TOLERANCE:
        raise AssertionError(f"rank {group.rank}: data-parallel parameters differ from one process's by {worst:g}")
    parallel.check_equal(0.0)  # bitwise equal replicas
    if model.unused.weight.value.grad is not None or model.unused.weight in optimizer.state:
        raise AssertionError("a parameter without gradients on every rank was updated")
    print(f"ok rank {group.rank} of {group.size}: max difference from one process {worst:.3g} "
          f"(sparse embedding {sparse:.3g})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(on_every_rank(world(), main))
