"""The native half of the thread pool's hand-off (`thread_pool.py`): waits that poll without the GIL.

Waking a thread that sleeps (a futex: `threading.Event`, a condition variable) costs ~50-60 us
on the development VM, as long as a 1M-element add. A pool thread that has just finished a task
instead keeps polling one shared word for a while -- here, in compiled code that holds no GIL, so
the thread handing out work runs on meanwhile -- and sees the next task within a microsecond.

The words live in one int64 array (`flags`, one cache line per word so that the threads polling
do not share lines): word `GENERATION` is the task number the caller posts, word `NAP` a count
of requests to stop polling early, word `done_index(worker)` the last task number that worker
finished. Loads are atomic acquires and stores atomic releases (`_load` / `_store`, LLVM's
atomic instructions through numba intrinsics: a plain load in a loop could be hoisted out of it
by the optimiser), and each poll runs the CPU's pause instruction on x86 (`_pause`), which
keeps a spinning core polite to its SMT sibling.

Every wait is bounded by a number of polls (`thread_pool.py` calibrates it to a time); when it
runs out the caller sleeps on a condition variable instead, so an idle process burns no core.
"""

from __future__ import annotations

import platform
import sys

from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic, register_jitable

__all__ = ["WORD", "GENERATION", "NAP", "done_index", "post", "nap", "wait_posted", "wait_done", "finish", "load"]

WORD = 8  # int64 words per cache line: one polled word per line
GENERATION = 0
NAP = 1  # (beside GENERATION: both polled by every pool thread, both rarely written)

_X86 = platform.machine().lower() in ("x86_64", "amd64", "i386", "i686")
_POSIX = sys.platform != "win32"


@register_jitable
def done_index(worker: int) -> int:
    """The flags word where pool thread `worker` (0, 1, ...) writes the last task it finished
    (from Python and from the compiled waits alike)."""
    return WORD * (worker + 1)


def _pointer(context, builder, array_type, array, index):  # pragma: no cover - numba
    view = context.make_array(array_type)(context, builder, array)
    return cgutils.get_item_pointer(context, builder, array_type, view, [index])


@intrinsic
def _load(typingctx, flags, index):  # pragma: no cover - numba
    """flags[index], an atomic load with acquire order (re-read on every call)."""

    def codegen(context, builder, signature, args):
        return builder.load_atomic(_pointer(context, builder, signature.args[0], *args), "acquire", 8)

    return types.int64(flags, index), codegen


@intrinsic
def _store(typingctx, flags, index, value):  # pragma: no cover - numba
    """flags[index] = value, an atomic store with release order."""

    def codegen(context, builder, signature, args):
        pointer = _pointer(context, builder, signature.args[0], args[0], args[1])
        builder.store_atomic(context.cast(builder, args[2], signature.args[2], types.int64), pointer, "release", 8)
        return context.get_dummy_value()

    return types.none(flags, index, value), codegen


@intrinsic
def _pause(typingctx):  # pragma: no cover - numba
    """The CPU's spin-wait hint (x86 `pause`), then `sched_yield()` (POSIX): a thread polling on
    the same CPU as the one it waits for lets that one run (a woken thread is often placed on
    its waker's CPU, and both would then share it for good)."""

    def codegen(context, builder, signature, args):
        if _X86:
            fn = cgutils.get_or_insert_function(builder.module, ir.FunctionType(ir.VoidType(), []), "llvm.x86.sse2.pause")
            builder.call(fn, [])
        if _POSIX:
            fn = cgutils.get_or_insert_function(builder.module, ir.FunctionType(ir.IntType(32), []), "sched_yield")
            builder.call(fn, [])
        return context.get_dummy_value()

    return types.none(), codegen


@njit(cache=True)
def post(flags, generation):  # pragma: no cover - numba
    """Publish task number `generation` (the caller holds the GIL: see thread_pool.py)."""
    _store(flags, GENERATION, generation)


@njit(cache=True)
def nap(flags, naps):  # pragma: no cover - numba
    """Ask polling pool threads to stop polling (the `naps`-th request)."""
    _store(flags, NAP, naps)


@njit(cache=True)
def finish(flags, worker, generation):  # pragma: no cover - numba
    """Pool thread `worker` finished task `generation` (its writes are visible first)."""
    _store(flags, done_index(worker), generation)


@njit(cache=True)
def load(flags, index):  # pragma: no cover - numba
    """flags[index], read atomically (for the sleeping paths, which hold the GIL)."""
    return _load(flags, index)


@njit(nogil=True, cache=True)
def wait_posted(flags, seen, naps, polls):  # pragma: no cover - numba
    """Poll until a task other than `seen` is posted, at most `polls` times or until a nap other
    than `naps` is requested: the task's number, or `seen` (none came)."""
    for _ in range(polls):
        generation = _load(flags, GENERATION)
        if generation != seen or _load(flags, NAP) != naps:
            return generation
        _pause()
    return _load(flags, GENERATION)


@njit(nogil=True, cache=True)
def wait_done(flags, worker, generation, polls):  # pragma: no cover - numba
    """Poll until pool thread `worker` has finished task `generation`, at most `polls` times:
    whether it has."""
    for _ in range(polls):
        if _load(flags, done_index(worker)) == generation:
            return True
        _pause()
    return False
