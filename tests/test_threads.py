"""The process's one thread policy (`backends/threads.py`): the count reaches numba and BLAS,
BLAS runs on one thread inside parallel regions and for mid-size products, work is split into
ranges that cover it once, errors come back, regions do not nest."""

from __future__ import annotations

import threading

import numba
import numpy as np
import pytest
from threadpoolctl import threadpool_info

import minitorch
from minitorch.backends import threads as policy


def _blas_threads() -> set:
    return {lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"}


@pytest.mark.parametrize("threads", [1, 2], indirect=True)
def test_the_count_reaches_numba_and_blas(threads):
    assert minitorch.get_num_threads() == threads
    assert numba.get_num_threads() == min(threads, numba.config.NUMBA_NUM_THREADS)
    assert _blas_threads() == {threads}


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "2"])
def test_a_bad_count_is_refused(bad):
    with pytest.raises(ValueError, match="positive int"):
        minitorch.set_num_threads(bad)


def test_the_environment_sets_the_default(monkeypatch):
    monkeypatch.setenv(policy.ENV_VAR, "3")
    assert policy.default_threads() == 3
    monkeypatch.setenv(policy.ENV_VAR, "many")
    with pytest.raises(ValueError, match="MINITORCH_NUM_THREADS='many'"):
        policy.default_threads()
    monkeypatch.delenv(policy.ENV_VAR)
    assert 1 <= policy.default_threads() <= (len(__import__("os").sched_getaffinity(0)))


@pytest.mark.parametrize("threads", [2], indirect=True)
def test_blas_runs_on_one_thread_inside_serial_blocks(threads):
    with policy.serial_blas():
        assert _blas_threads() == {1}
        with policy.serial_blas():  # nested: still one, and the outer block restores
            assert _blas_threads() == {1}
        assert _blas_threads() == {1}
    assert _blas_threads() == {2}


@pytest.mark.parametrize("threads", [2], indirect=True)
def test_matmul_gives_blas_threads_only_to_large_products(threads, monkeypatch):
    seen = []
    monkeypatch.setattr(policy.np, "matmul", lambda a, b, out=None, **kw: seen.append(_blas_threads().pop()) or a @ b)
    a = np.ones((64, 64))
    policy.matmul(a, a)  # 64^3 = 2^18 multiply-adds: OpenBLAS would thread it, too small to pay
    policy.matmul(np.ones((8, 8)), np.ones((8, 8)))  # never threaded by OpenBLAS: left alone
    monkeypatch.setattr(policy, "BLAS_THREADS_MIN", 1 << 18)
    policy.matmul(a, a)
    assert seen == [1, 2, 2]


@pytest.mark.parametrize("threads", [3], indirect=True)
def test_parallel_for_covers_the_range_once_on_several_threads(threads):
    ranges, names = [], set()

    def task(out, first, count):
        names.add(threading.current_thread().name)
        out.append((first, count, _blas_threads().pop()))

    policy.parallel_for(task, (ranges,), 10, work=10, grain=1)
    # three ranges, BLAS on one thread inside the region
    assert sorted(ranges) == [(0, 3, 1), (3, 3, 1), (6, 4, 1)] and len(names) >= 2
    ranges.clear()
    policy.parallel_for(task, (ranges,), 10, work=10, grain=4)  # 10 // 4: two ranges
    assert sorted(ranges) == [(0, 5, 1), (5, 5, 1)]
    ranges.clear()
    policy.parallel_for(task, (ranges,), 10, work=10, grain=11)  # below the grain: one call
    assert ranges == [(0, 10, 3)]
    assert _blas_threads() == {3}


@pytest.mark.parametrize("threads", [2], indirect=True)
def test_parallel_regions_do_not_nest_and_errors_come_back(threads):
    calls = []

    def inner(first, count):
        calls.append((threading.current_thread().name, first, count))

    def outer(first, count):
        policy.parallel_for(inner, (), 4, work=4, grain=1)  # inside a region: serial
        if first:
            raise RuntimeError("worker failed")

    with pytest.raises(RuntimeError, match="worker failed"):
        policy.parallel_for(outer, (), 2, work=2, grain=1)
    assert sorted((first, count) for _, first, count in calls) == [(0, 4), (0, 4)]
    assert policy._state["serial_depth"] == 0 and _blas_threads() == {2}


def test_a_late_pool_thread_leaves_its_part_to_the_caller():
    """Parts are claimed: when the pool thread comes late (asleep on a slow core, say), the caller
    runs every part itself and returns without waiting for it; the late thread then runs none."""
    import threading
    import time

    from minitorch.backends.thread_pool import SpinPool

    class LatePool(SpinPool):
        def _serve(self, worker):
            time.sleep(0.5)  # not running yet when the first task comes
            super()._serve(worker)

    pool = LatePool(1)
    ran = []
    try:
        start = time.perf_counter()
        assert pool.run(lambda first, count: ran.append((first, threading.get_ident())), (), [0, 1, 2])
        assert time.perf_counter() - start < 0.25
        assert sorted(ran) == [(0, threading.get_ident()), (1, threading.get_ident())]
        time.sleep(0.7)  # the late thread is running now, and found no task
        assert len(ran) == 2 and pool.job[0] is None
        ran.clear()
        assert pool.run(lambda first, count: ran.append(first), (), [0, 5, 10]) and sorted(ran) == [0, 5]
    finally:
        pool.close()


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs fork")
@pytest.mark.parametrize("threads", [2], indirect=True)
def test_a_forked_child_splits_work_on_its_own_pool(threads):
    """The parent's pool threads do not exist in a child: it must start its own, not hang."""
    import os

    seen = []
    policy.parallel_for(lambda first, count: seen.append(count), (), 4, 4, 1)  # the parent's pool exists
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        import signal

        signal.alarm(20)  # a hang (the old behaviour) ends the child with SIGALRM, failing the test
        ranges = []
        policy.parallel_for(lambda first, count: ranges.append((first, count)), (), 4, 4, 1)
        os._exit(0 if sorted(ranges) == [(0, 2), (2, 2)] else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0  # -14 (SIGALRM) when the child hung


def _mark(out, first, count):  # (compiled by the tests below)
    for i in range(first, first + count):
        out[i] += 1.0


def _tbb_installed() -> bool:
    from importlib import metadata

    try:
        metadata.version("tbb")
    except metadata.PackageNotFoundError:
        return False
    return True


@pytest.mark.parametrize("threads", [3], indirect=True)
def test_a_compiled_kernel_is_split_by_numbas_tbb_layer_once_over_its_range(threads, monkeypatch):
    kernel = numba.njit(nogil=True)(_mark)
    out = np.zeros(1000)
    from minitorch.backends import fast_split

    split, real_splitter = [], fast_split.splitter
    monkeypatch.setattr(fast_split, "splitter", lambda task: split.append(task) or real_splitter(task))
    for _ in range(policy.HOT_CALLS):  # a cold kernel: split on the pool (no wrapper to compile)
        policy.parallel_for(kernel, (out,), 1000, work=1000, grain=1)
    assert (out == policy.HOT_CALLS).all() and not split
    out[:] = 0
    policy.parallel_for(kernel, (out,), 1000, work=1000, grain=1)  # hot now: TBB's turn
    assert (out == 1).all()
    if _tbb_installed():  # (a dependency where TBB has wheels; else the pool below runs it)
        assert policy._state["tbb"] is True and numba.threading_layer() == "tbb" and split == [kernel]
    out[:] = 0
    policy.parallel_for(kernel, (out,), 7, work=1000, grain=1)  # fewer rows than threads
    assert out[:7].tolist() == [1] * 7 and not out[7:].any()


@pytest.mark.parametrize("threads", [3], indirect=True)
def test_without_tbb_a_compiled_kernel_runs_on_the_pool(threads, monkeypatch):
    monkeypatch.setitem(policy._state, "tbb", False)
    kernel = numba.njit(nogil=True)(_mark)
    out = np.zeros(10)
    policy.parallel_for(kernel, (out,), 10, work=10, grain=1)
    assert (out == 1).all() and policy._pool[0] is not None


def test_the_spin_pool_wakes_its_sleeping_threads_and_a_sleeping_caller():
    """Pool threads poll for SPIN_SECONDS after a part, then sleep; a caller whose pool threads are
    late sleeps too; nap() puts polling threads to sleep at once. Every path still runs every part."""
    import time

    from minitorch.backends.thread_pool import SPIN_SECONDS, SpinPool

    pool = SpinPool(2)
    seen = []

    def task(late, first, count):
        if first and late:
            time.sleep(late)  # the caller polls for SPIN_SECONDS, then sleeps until this part ends
        seen.append((first, count))

    def settles(condition):
        deadline = time.perf_counter() + 5
        while not condition() and time.perf_counter() < deadline:
            time.sleep(0.001)
        return condition()

    try:
        for late in (0.0, 50 * SPIN_SECONDS, 0.0):
            seen.clear()
            assert settles(lambda: pool.sleepers == 2)  # both asleep: the task must wake them
            assert pool.run(task, (late,), [0, 3, 6, 10]) and sorted(seen) == [(0, 3), (3, 3), (6, 4)]
        pool.run(task, (0.0,), [0, 5, 10])  # two parts: the third thread has none, and still ends
        pool.nap()
        assert settles(lambda: pool.sleepers == 2)
        assert not pool.caller_sleeps and pool.job[0] is None  # no arrays kept alive by the pool
    finally:
        pool.close()


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs fork")
@pytest.mark.parametrize("threads", [2], indirect=True)
def test_a_forked_child_splits_compiled_kernels_too(threads, monkeypatch):
    import os

    monkeypatch.setattr(policy, "HOT_CALLS", 0)  # TBB at once

    kernel = numba.njit(nogil=True)(_mark)
    out = np.zeros(100)
    policy.parallel_for(kernel, (out,), 100, 100, 1)  # the parent's TBB workers (or pool) exist
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        import signal

        signal.alarm(20)  # a hang ends the child with SIGALRM, failing the test
        policy.parallel_for(kernel, (out,), 100, 100, 1)
        os._exit(0 if (out == 2).all() else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
