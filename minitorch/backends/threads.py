"""One thread policy for the whole process: how many cores minitorch's kernels and BLAS use.

`set_num_threads(n)` sets it once for everything minitorch runs: numba's thread count, the
BLAS library's (through threadpoolctl, for every BLAS numpy loaded), and the pool that splits
the fast backend's kernels. The starting value comes from the environment variable
`MINITORCH_NUM_THREADS`, else the machine's physical cores (see `default_threads`).

The fast backend's numba kernels take a range of rows and release the GIL (`nogil=True`), so
`parallel_for` splits a large kernel call into one range per thread and runs them on a small
pool of Python threads that *sleep* between calls. Neither numba's OpenMP workers nor a second
spinning pool compete with BLAS's own threads: a kernel and a BLAS call never overlap (both
are called from the thread running the model), and work below `grain` elements stays on the
calling thread (starting threads would cost more than it saves).
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Callable, List, Optional

__all__ = ["set_num_threads", "get_num_threads", "default_threads", "parallel_for", "ENV_VAR"]

ENV_VAR = "MINITORCH_NUM_THREADS"

_state = {"threads": 0}
_pool: List[Optional[ThreadPoolExecutor]] = [None]
_lock = threading.Lock()


def default_threads() -> int:
    """`MINITORCH_NUM_THREADS` when set, else the number of physical cores (threads sharing a
    core through SMT help memory-bound kernels little and slow BLAS down)."""
    value = os.environ.get(ENV_VAR)
    if value:
        try:
            threads = int(value)
        except ValueError:
            threads = 0
        if threads < 1:
            raise ValueError(f"{ENV_VAR}={value!r}: give a positive whole number of threads")
        return threads
    return _physical_cores()


def _physical_cores() -> int:
    """Cores this process may run on, counting SMT siblings once (Linux sysfs; else cpu count)."""
    try:
        available = sorted(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)
    cores = set()
    for cpu in available:
        try:
            with open(f"/sys/devices/system/cpu/cpu{cpu}/topology/thread_siblings_list") as f:
                cores.add(f.read().strip())
        except OSError:
            cores.add(str(cpu))
    return max(1, len(cores))


def set_num_threads(threads: int) -> None:
    """Use `threads` CPU threads in minitorch's kernels, numba's parallel code and BLAS.

    Raises:
        ValueError: unless `threads` is a positive whole number.
    """
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ValueError(f"set_num_threads: threads must be a positive int, got {threads!r}")
    import numba

    with _lock:
        _state["threads"] = threads
        numba.set_num_threads(min(threads, getattr(numba.config, "NUMBA_NUM_THREADS")))
        try:
            from threadpoolctl import threadpool_limits
        except ImportError:  # pragma: no cover - declared dependency
            pass
        else:
            threadpool_limits(threads, user_api="blas")
        pool, _pool[0] = _pool[0], None
    if pool is not None:
        pool.shutdown(wait=False)


def get_num_threads() -> int:
    """The thread count set by `set_num_threads` (or taken from the environment at first use)."""
    if not _state["threads"]:
        set_num_threads(default_threads())
    return _state["threads"]


def _workers(threads: int) -> ThreadPoolExecutor:
    with _lock:
        pool = _pool[0]
        if pool is None:
            pool = _pool[0] = ThreadPoolExecutor(max_workers=threads - 1, thread_name_prefix="minitorch")
        return pool


def parallel_for(kernel: Callable[..., Any], args: tuple, total: int, work: int, grain: int) -> None:
    """`kernel(*args, first, count)` over `0 <= first < total` rows, split into one range per
    thread when `work` (elements touched) is at least `grain` and more than one thread is set."""
    threads = get_num_threads()
    if threads == 1 or work < grain or total < 2:
        kernel(*args, 0, total)
        return
    parts = min(threads, total)
    bounds = [total * i // parts for i in range(parts + 1)]
    pool = _workers(threads)
    futures: List[Future] = [pool.submit(kernel, *args, bounds[i], bounds[i + 1] - bounds[i]) for i in range(1, parts)]
    kernel(*args, 0, bounds[1])
    for future in futures:
        future.result()
