"""The fast backend's workspace (`backends/workspace.py`): large blocks are reused, but never
while any array still uses them, and a training step in a plain process stops faulting pages."""

from __future__ import annotations

import sys

import numpy as np
import pytest

import minitorch
from minitorch import optim
from minitorch.backends import fast
from minitorch.models import LeNet5
from minitorch.nn import functional as F
from minitorch.backends.workspace import MIN_BYTES, Workspace, size_class

BIG = (256, 256)  # 256 KiB of float32


def test_a_block_comes_back_only_when_its_last_view_is_gone():
    ws = Workspace()
    a = ws.empty(BIG, np.float32)
    views = [a[::2].T, a.reshape(-1)[5:], np.lib.stride_tricks.as_strided(a, (10, 10), (8, 4))]
    address = a.ctypes.data
    del a
    for view in views:  # each alone keeps the block in use
        b = ws.empty(BIG, np.float32)
        assert not np.shares_memory(b, view) and b.ctypes.data != address
        del b
    del view
    views.clear()
    again = ws.empty(BIG, np.float32)
    assert again.ctypes.data == address  # now reused
    assert ws.hits >= 1


def test_values_written_to_a_block_stay_until_it_is_released():
    ws = Workspace()
    a = ws.zeros(BIG, np.float64)
    assert not a.any()
    a[:] = 7.0
    b = ws.empty(BIG, np.float64)  # a different block while a lives
    b[:] = 1.0
    np.testing.assert_array_equal(a, 7.0)
    del a, b
    np.testing.assert_array_equal(ws.zeros(BIG, np.float64), 0.0)  # a reused block, zeroed


def test_size_classes_waste_at_most_a_quarter():
    sizes = [MIN_BYTES, MIN_BYTES + 1, 300_000, 1_204_224, 1_204_225, 10**8 + 7]
    for nbytes in sizes:
        block = size_class(nbytes)
        assert nbytes <= block <= nbytes * 1.25 + 4096 and block % 4096 == 0
    assert size_class(1_200_000) == size_class(1_204_224)  # nearby batch sizes share a class


def test_small_requests_and_the_limit():
    ws = Workspace(limit=MIN_BYTES * 2)
    small = ws.empty(8, np.float32)
    assert small.flags.owndata  # plain numpy below MIN_BYTES
    first, second = ws.empty((MIN_BYTES,), np.uint8), ws.empty((MIN_BYTES * 2,), np.uint8)
    del first, second
    assert ws.free_bytes <= ws.limit  # the second block did not fit and was dropped
    ws.clear()
    assert ws.free_bytes == 0


def test_the_fast_namespace_is_numpy_with_the_workspace_allocating():
    xp = minitorch.FastOps.xp
    assert xp.add is np.add and xp.float32 is np.float32 and xp.errstate is np.errstate
    served = fast.WORKSPACE.hits + fast.WORKSPACE.misses
    big = xp.zeros_like(np.ones((123, 457), np.float32))
    assert big.dtype == np.float32 and not big.any()
    assert fast.WORKSPACE.hits + fast.WORKSPACE.misses == served + 1  # a block of the workspace
    assert not big.flags.owndata
    assert xp.empty_like(big).shape == big.shape


def _lenet_step():
    model = LeNet5().float()
    opt = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x = minitorch.from_numpy(np.random.default_rng(0).standard_normal((32, 1, 28, 28)).astype(np.float32))
    y = np.random.default_rng(1).integers(0, 10, 32)

    def step():
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()

    return step


def test_training_steps_reuse_the_same_blocks():
    step = _lenet_step()
    for _ in range(3):
        step()
    misses = fast.WORKSPACE.misses
    for _ in range(3):
        step()
    assert fast.WORKSPACE.misses == misses  # every large array of a step came from the cache


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="page-fault counts from getrusage (Linux)")
def test_a_steady_training_step_faults_few_pages():
    """Without the workspace a LeNet-5 step faulted ~1,900 pages in a plain process (the heap
    shrinking to the OS and growing back every step), 1.6x its time."""
    import resource

    step = _lenet_step()
    for _ in range(5):
        step()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(10):
        step()
    assert (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 10 < 100


def test_threads_allocating_and_releasing_at_once_never_share_a_block():
    """Blocks are taken under the lock and released from weak-reference callbacks that may run
    on any thread: no block is ever handed to two live arrays, and the accounting adds up."""
    import threading

    ws = Workspace()
    errors = []

    def work(value: float) -> None:
        try:
            for _ in range(300):
                arrays = [ws.empty(BIG, np.float32) for _ in range(3)]
                for a in arrays:
                    a.fill(value)
                views = [a[1:] for a in arrays]  # a view keeps its block after the array is gone
                del arrays
                for v in views:
                    if not (v == value).all():
                        errors.append(value)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(float(i),)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert not ws._in_use  # every block came back
    assert ws.free_bytes == sum(size * len(blocks) for size, blocks in ws._free.items())
