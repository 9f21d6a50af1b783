"""The pool of Python threads that runs the parts of a Python task (`threads.parallel_for`).

Compiled kernels are split by numba's TBB layer (`fast_split`); a task written in Python (the
convolution's chunks, which call BLAS; a test's function) runs here: `SpinPool(workers)` keeps
`workers` threads beside the caller, and `run(task, args, bounds)` runs the ranges between `bounds`
on the caller and those threads.

Parts are claimed, not assigned: the caller and every pool thread that is running take the next
unclaimed part until none is left, so a pool thread that comes late -- asleep, or on a core that
another process holds, or on this VM's second vCPU, which takes ~0.2-0.3 ms to wake after an idle
pause -- finds the caller has run its part already, and a split call is never much slower than
one thread. The caller waits only for the pool threads that joined the task.

The hand-off spins before it sleeps. Waking a thread that sleeps on a condition variable costs
~30-60 us on the development VM; a pool thread that has just finished a part instead polls a
shared word for `SPIN_SECONDS` in compiled code that releases the GIL (`fast_spin`) and sees the
next task within a microsecond; the caller waits for the parts the same way. After that the
thread sleeps (an idle process burns no core), and so does a caller whose pool threads are late
(a loaded machine). `nap()` sends the spinning threads to sleep at once: `threads.parallel_for`
calls it before TBB's workers need the cores.

Who sleeps is told through `sleepers` / `caller_sleeps`, read and written only while holding
the GIL, and so is every flags word a sleeping path posts or reads (`fast_spin.post`, `finish`,
`load` keep the GIL): a wake-up is never missed.
"""

from __future__ import annotations

import itertools
import threading
import time
from typing import Any, Callable, List

import numpy as np

from . import compiled

__all__ = ["SpinPool", "SPIN_SECONDS"]

# How long a pool thread polls for the next task after finishing a part, and a caller for the
# pool threads' parts, before sleeping.
SPIN_SECONDS = 100e-6

# The job while none runs (no arrays kept alive): (task, args, bounds, errors, claims, joined, generation).
_IDLE: tuple = (None, (), [0], [], itertools.count(), [], 0)


def _polls_per(seconds: float) -> int:
    """How many polls of `fast_spin`'s waits take about `seconds` on this CPU (timed once)."""
    spin = compiled.fast_spin
    flags = np.zeros(spin.WORD * 2, np.int64)
    trial = 2000
    spin.wait_posted(flags, 0, 0, trial)  # compiled (or loaded from the disk cache) before timing
    best = min(_timed(spin.wait_posted, flags, trial) for _ in range(3))
    return max(100, int(seconds / max(best / trial, 1e-10)))


def _timed(fn: Callable[..., Any], flags: np.ndarray, polls: int) -> float:
    start = time.perf_counter()
    fn(flags, 0, 0, polls)
    return time.perf_counter() - start


class SpinPool:
    """`workers` threads that run parts of one task at a time beside the caller (module docstring).

    Args:
        workers: pool threads (the caller runs the first part itself).
    """

    def __init__(self, workers: int) -> None:
        self.spin = compiled.fast_spin
        self.workers = workers
        self.flags = np.zeros(self.spin.WORD * (workers + 1), np.int64)
        self.polls = _polls_per(SPIN_SECONDS)
        self.generation = 0
        self.naps = 0
        self.last_run = 0.0  # time.perf_counter() when the last task ended
        self.job: tuple = _IDLE
        self.wake = threading.Condition(threading.Lock())
        self.sleepers = 0
        self.caller_sleeps = False
        self.busy = threading.Lock()  # one task at a time; another caller meanwhile runs serially
        for worker in range(workers):
            threading.Thread(target=self._serve, args=(worker,), name=f"minitorch-{worker}", daemon=True).start()

    def _serve(self, worker: int) -> None:
        spin, flags, seen = self.spin, self.flags, 0
        while True:
            generation = spin.wait_posted(flags, seen, self.naps, self.polls)
            if generation == seen:  # nothing came: sleep until a task does
                with self.wake:
                    self.sleepers += 1
                    while (generation := spin.load(flags, spin.GENERATION)) == seen:
                        self.wake.wait()
                    self.sleepers -= 1
            if generation < 0:  # closed
                return
            seen = generation
            done = self._parts(worker)
            if done:
                seen = max(seen, done)  # (the task may be newer than the word read: never join it twice)
                spin.finish(flags, worker, done)
                if self.caller_sleeps:
                    with self.wake:
                        self.wake.notify_all()

    def _parts(self, worker: int) -> int:
        """Run parts of the posted task until none is left unclaimed: the task's generation once
        this thread has joined it (then the caller waits for it), 0 when no task was posted.
        The task's references go when this returns."""
        task, args, bounds, errors, claims, joined, generation = self.job
        if task is None:
            return 0
        joined.append(worker)  # (before claiming: a caller that finds no part left sees it)
        parts = len(bounds) - 1
        while (part := next(claims)) < parts:
            try:
                task(*args, bounds[part], bounds[part + 1] - bounds[part])
            except BaseException as error:  # noqa: BLE001 - handed to the caller
                errors.append(error)
        return generation

    def run(self, task: Callable[..., None], args: tuple, bounds: List[int]) -> bool:
        """`task(*args, first, count)` over the ranges between `bounds` (at most workers + 1
        would run at once), claimed by the calling thread and the pool threads; the first
        exception raised is raised here once every part has ended. False (nothing run) while
        another caller's task runs."""
        if not self.busy.acquire(blocking=False):
            return False
        try:
            spin, flags = self.spin, self.flags
            errors: List[BaseException] = []
            claims = itertools.count()
            joined: List[int] = []
            self.generation += 1
            generation = self.generation
            self.job = (task, args, bounds, errors, claims, joined, generation)
            spin.post(flags, generation)
            if self.sleepers:
                with self.wake:
                    self.wake.notify_all()
            parts = len(bounds) - 1
            try:
                while (part := next(claims)) < parts:
                    task(*args, bounds[part], bounds[part + 1] - bounds[part])
            finally:
                self._wait(joined[:], generation)
                self.job = _IDLE
                self.last_run = time.perf_counter()
            if errors:
                raise errors[0]
            return True
        finally:
            self.busy.release()

    def _wait(self, joined: List[int], generation: int) -> None:
        """Until the pool threads in `joined` have finished task `generation`: polling, then asleep.
        (A pool thread that joins after the caller found no part left runs none.)"""
        spin, flags = self.spin, self.flags
        if all(spin.wait_done(flags, worker, generation, self.polls) for worker in joined):
            return
        with self.wake:
            self.caller_sleeps = True
            while any(spin.load(flags, spin.done_index(worker)) != generation for worker in joined):
                self.wake.wait()
            self.caller_sleeps = False

    def nap(self) -> None:
        """Send pool threads that poll for a task to sleep now (another pool needs the cores)."""
        if time.perf_counter() - self.last_run < SPIN_SECONDS:
            self.naps += 1
            self.spin.nap(self.flags, self.naps)

    def close(self) -> None:
        """Let the pool threads end (after the task they run, if any)."""
        with self.busy:
            self.spin.post(self.flags, -1)
            with self.wake:
                self.wake.notify_all()
