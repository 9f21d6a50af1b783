"""One thread policy for the whole process: how many cores minitorch's kernels and BLAS use.

`set_num_threads(n)` sets it once for everything minitorch runs: numba's thread count, the BLAS
libraries' (through threadpoolctl, for every BLAS loaded), and the pool that splits minitorch's
own work. The starting value comes from the environment variable `MINITORCH_NUM_THREADS`, else
the machine's physical cores (`default_threads`).

Two kinds of worker threads could fight over the cores: BLAS's (OpenBLAS's workers keep
spinning for a while after each threaded call) and whoever runs minitorch's kernels. On a
2-core machine the two spinning at once made a LeNet-5 step 2.8x slower at 2 threads than at 1
(issue 15). So:

* minitorch's kernels take a range of rows, `task(*args, first, count)`, and release the GIL;
  `parallel_for` splits a call above its `grain` into one range per thread. A numba kernel's
  ranges go to numba's TBB threading layer (`fast_split`: ~1 us while TBB's workers are awake,
  ~8 us after they slept; they sleep within microseconds of running out of work) once the
  kernel is hot (`HOT_CALLS`); a task written in Python, a kernel's first split calls, or any
  task where TBB is missing, to `thread_pool.SpinPool`, Python
  threads that poll for the next task for 100 us after each part, in compiled code without
  the GIL, then sleep (~11 us a hand-off while they poll, ~30 us after). Neither spins for
  long (no OpenMP workers spinning beside BLAS's), and the pool's threads are sent to sleep
  before TBB's run;
* inside a pool region BLAS runs on one thread (`serial_blas`): each thread's BLAS call is
  part of the split, not a second level of threads;
* outside them, `matmul` gives BLAS its threads only for products of at least
  `BLAS_THREADS_MIN` multiply-adds per matrix (where threads pay for their start and their
  spinning afterwards); smaller ones run on one thread, and OpenBLAS's workers stay asleep.

Work below the `grain` a caller passes stays on the calling thread; so does work inside a
region (regions do not nest).
"""

from __future__ import annotations

import contextlib
import os
import threading
from types import ModuleType
from typing import Any, Callable, List, Optional

import numpy as np

from . import compiled
from .thread_pool import SpinPool

__all__ = [
    "set_num_threads",
    "get_num_threads",
    "default_threads",
    "parallel_for",
    "parallel_parts",
    "serial_blas",
    "matmul",
    "ENV_VAR",
    "BLAS_THREADS_MIN",
]

ENV_VAR = "MINITORCH_NUM_THREADS"

# Products of at least this many multiply-adds per matrix get BLAS's threads (measured, see
# bench/bench_threads.py); below it BLAS runs on the calling thread.
BLAS_THREADS_MIN = 1 << 24
# OpenBLAS itself threads a product only from m * n * k >= 65536 * 4 (interface/gemm.c).
_OPENBLAS_THREADS_FROM = 1 << 18

# A numba kernel's ranges go to TBB from its HOT_CALLS-th split call on; before, to the pool. TBB
# runs a kernel through a parallel wrapper compiled for it (`fast_split.splitter`): 0.4-0.7 s each
# on an empty numba cache (a fresh install), milliseconds from a warm one. Compiling only the
# kernels a program keeps calling keeps those seconds out of a fresh process's first training step
# (LeNet-5 at 2 threads: 4.4 s -> ~2.5 s; they come a few steps later instead, once per install).
HOT_CALLS = 32

_state: dict = {"threads": 0, "serial_depth": 0, "tbb": None}
_split_calls: dict = {}  # numba kernel TBB could run -> how many times parallel_for split it on the pool
_pool: List[Optional[SpinPool]] = [None]
_lock = threading.Lock()
_blas: List[Callable[[int], Any]] = []  # a thread-count setter per loaded BLAS library (see _find_blas)


def _after_fork_in_child() -> None:
    """A forked child has none of the parent's pool threads (and maybe a lock some other thread
    held): start from a fresh lock and no pool."""
    global _lock
    _lock = threading.Lock()
    _pool[0] = None
    _state["serial_depth"] = 0


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def default_threads() -> int:
    """`MINITORCH_NUM_THREADS` when set, else the number of physical cores (threads sharing a
    core through SMT help memory-bound kernels little and slow BLAS down).

    Raises:
        ValueError: when the variable is not a positive whole number.
    """
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


def _find_blas() -> List[Callable[[int], Any]]:
    """Look up the BLAS libraries loaded now (numba's first compile loads scipy's own, for one):
    a thread-count setter for each."""
    from threadpoolctl import ThreadpoolController

    _blas[:] = [_setter(controller) for controller in ThreadpoolController().select(user_api="blas").lib_controllers]
    return _blas


def _setter(controller: Any) -> Callable[[int], Any]:
    """How to set the thread count of threadpoolctl's `controller`'s library: OpenBLAS's own
    function on its pthreads build (a ctypes call, ~0.1 us), else threadpoolctl's method (~1 us:
    it also checks which Python thread controls the library). `serial_blas` sets it twice around
    every pool region and medium-sized product (a 16x392 @ 392x64 product takes 9 us)."""
    if getattr(controller, "internal_api", None) == "openblas" and getattr(controller, "threading_layer", None) == "pthreads":
        try:
            function = controller._get_symbol("openblas_set_num_threads")
        except AttributeError:  # pragma: no cover - another threadpoolctl
            function = None
        if function is not None:
            return function
    return controller.set_num_threads


def set_num_threads(threads: int) -> None:
    """Use `threads` CPU threads in minitorch's kernels, numba's parallel code and BLAS.

    Raises:
        ValueError: unless `threads` is a positive whole number.
    """
    if isinstance(threads, bool) or not isinstance(threads, (int, np.integer)) or threads < 1:
        raise ValueError(f"set_num_threads: threads must be a positive int, got {threads!r}")
    threads = int(threads)
    with _lock:
        _state["threads"] = threads
        _blas_follow(threads)
        pool, _pool[0] = _pool[0], None
    if pool is not None:
        pool.close()
    compiled.with_numba(_numba_threads)


def _numba_threads(numba: ModuleType) -> None:
    """numba's own thread count (its `parallel=True` code, the user's) follows the policy: set
    now if numba is imported, else when it is (`compiled.with_numba`)."""
    numba.set_num_threads(min(_state["threads"], getattr(numba.config, "NUMBA_NUM_THREADS")))


def get_num_threads() -> int:
    """The thread count set by `set_num_threads` (or taken from the environment at first use)."""
    if not _state["threads"]:
        set_num_threads(default_threads())
    return _state["threads"]


class _SerialBlas:
    """The context manager `serial_blas()` returns (a class: about half the cost of a generator's)."""

    __slots__ = ()

    def __enter__(self) -> None:
        threads = _state["threads"] or get_num_threads()
        with _lock:
            _state["serial_depth"] += 1
            if _state["serial_depth"] == 1 and threads > 1:
                for set_threads in _blas:
                    set_threads(1)

    def __exit__(self, *exc: Any) -> None:
        with _lock:
            _state["serial_depth"] -= 1
            if _state["serial_depth"] == 0 and _state["threads"] > 1:
                for set_threads in _blas:
                    set_threads(_state["threads"])


_SERIAL_BLAS = _SerialBlas()


def serial_blas() -> _SerialBlas:
    """BLAS on one thread inside the `with` block (nested blocks are free); the policy's count after."""
    return _SERIAL_BLAS


def matmul(a: Any, b: Any, out: Any = None, **kwargs: Any) -> Any:
    """`numpy.matmul`, with BLAS's threads only for products of at least BLAS_THREADS_MIN
    multiply-adds per matrix (see the module docstring)."""
    if (_state["threads"] or get_num_threads()) > 1 and not _state["serial_depth"]:  # (1 thread: straight to numpy)
        m = a.shape[-2] if np.ndim(a) > 1 else 1
        n = b.shape[-1] if np.ndim(b) > 1 else 1
        size = m * n * (a.shape[-1] if np.ndim(a) else 1)
        if _OPENBLAS_THREADS_FROM <= size < BLAS_THREADS_MIN:
            with serial_blas():
                return np.matmul(a, b, out=out, **kwargs)
    return np.matmul(a, b, out=out, **kwargs)


def _workers(threads: int) -> SpinPool:
    with _lock:
        pool = _pool[0]
        if pool is None:
            pool = _pool[0] = SpinPool(threads - 1)
            _blas_follow(threads)  # (the pool's first kernels may have loaded one more BLAS)
        return pool


def _blas_follow(threads: int) -> None:
    """Give every BLAS loaded now the policy's count (numba's first compile loads scipy's)."""
    for set_threads in _find_blas():
        set_threads(threads)


def parallel_parts(work: int, grain: int) -> int:
    """Into how many ranges `parallel_for` splits `work` elements (given enough rows)."""
    if _state["serial_depth"] or _state["threads"] == 1:
        return 1
    return max(1, min(get_num_threads(), work // grain if grain else get_num_threads()))


def _hot(kernel: Any) -> bool:
    """Whether `kernel` has been split HOT_CALLS times already (counting this call)."""
    calls = _split_calls.get(kernel, 0)
    if calls >= HOT_CALLS:
        return True
    _split_calls[kernel] = calls + 1
    return False


def parallel_for(task: Callable[..., None], args: tuple, total: int, work: int, grain: int) -> None:
    """`task(*args, first, count)` over `0 <= first < total`, split into one contiguous range
    per thread when `work` (elements touched) is at least twice `grain`, more than one thread
    is set and no parallel region is running already (see the module docstring for who runs the
    ranges). A Python task's first exception comes back here once every range has ended, and
    BLAS runs on one thread meanwhile; a numba kernel split by TBB must not raise (numba's
    parallel code drops exceptions: minitorch's kernels check their inputs before)."""
    if work < 2 * grain or _state["threads"] == 1:  # the common case, before any bookkeeping
        task(*args, 0, total)
        return
    parts = min(parallel_parts(work, grain), total)
    if parts < 2:
        task(*args, 0, total)
        return
    compiled_task = hasattr(task, "py_func")  # a numba kernel
    if compiled_task and _state["tbb"] is not False and not any(type(arg) is tuple for arg in args) and _hot(task):
        if _state["tbb"] is None:  # (numba's parallel code takes arrays and numbers, no tuples)
            _state["tbb"] = compiled.fast_split.tbb_layer()
            _blas_follow(get_num_threads())
        if _state["tbb"]:
            if _pool[0] is not None:
                _pool[0].nap()
            compiled.fast_split.splitter(task)(args, total, parts)
            return
    bounds = [total * i // parts for i in range(parts + 1)]
    pool = _workers(get_num_threads())
    with contextlib.nullcontext() if compiled_task else serial_blas():  # (kernels call no BLAS)
        if not pool.run(task, args, bounds):
            task(*args, 0, total)
