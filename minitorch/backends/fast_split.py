"""A compiled kernel's ranges run by numba's TBB threading layer: a hand-off of ~1-10 us.

minitorch's numba kernels take a range, `kernel(*args, first, count)` (`threads.parallel_for`).
`splitter(kernel)` compiles, once per kernel, a `parallel=True` function that runs `parts`
ranges of `0 .. total` under `prange`: numba's threading layer hands them to its worker threads.
On TBB (the `tbb` package, a dependency where wheels exist) that costs ~1 us while its workers are
awake and ~8 us after they went to sleep, against ~30-60 us for waking a pool thread that sleeps
on a condition variable (measured on the development VM, `threads.py`); TBB's workers sleep
within microseconds of running out of work (an idle process burns no core) and the caller
takes over ranges no worker has started (work stealing), so a slow wake-up costs little.

The kernel is compiled into the parallel function from its Python source (registered as
jitable, with the kernel's own fastmath and error model): numba's disk cache keys a closure on
its cells, and a Python function pickles the same in every process where a dispatcher does not,
so the parallel functions are cached on disk like the kernels.

Only TBB is used this way (`threads.py` checks that numba's layer is TBB): numba's OpenMP layer
spins ~8 ms after each call with libgomp's defaults, on a runtime PyTorch may share.
"""

from __future__ import annotations

import ctypes
import importlib
import warnings
from functools import lru_cache
from importlib import metadata
from typing import Any

import numba
from numba import njit, prange
from numba.core.errors import NumbaIRAssumptionWarning
from numba.np.ufunc import parallel

from .fast_walk import jitable

__all__ = ["splitter", "tbb_layer"]

# numba's SSA pass checks its own IR pedantically and warns ("variable ... is not in scope",
# "an internal pedantic check") when it compiles some kernels (gelu's tanh form, mish) inside
# parallel code; the code is right (tests compare it with the serial kernels): not the user's concern.
warnings.filterwarnings("ignore", category=NumbaIRAssumptionWarning)


@lru_cache(maxsize=None)
def splitter(kernel: Any) -> Any:
    """`run(args, total, parts)`: `kernel(*args, first, count)` over `parts` ranges of `0 ..
    total` that cover it once, on numba's threading layer. `kernel` is a numba dispatcher."""
    options = {name: kernel.targetoptions[name] for name in ("fastmath", "error_model") if name in kernel.targetoptions}
    body = jitable(kernel.py_func, **options)

    def run(args, total, parts):  # pragma: no cover - numba
        for part in prange(parts):
            first = total * part // parts
            body(*(args + (first, total * (part + 1) // parts - first)))

    return njit(parallel=True, nogil=True, cache=True, **options)(run)


def tbb_layer() -> bool:
    """Whether numba's threading layer is, or will be, TBB: the `tbb` package's library is made
    loadable first (pip puts it in the environment's lib folder, off the loader's path). False
    when the user chose another layer (NUMBA_THREADING_LAYER) or launched one already."""
    try:
        return bool(numba.threading_layer() == "tbb")  # launched already (the user's own code)
    except ValueError:
        pass
    if getattr(numba.config, "THREADING_LAYER") not in ("default", "tbb", "safe", "threadsafe", "forksafe"):
        return False
    try:
        for file in metadata.files("tbb") or ():
            if file.name == "libtbb.so.12":
                ctypes.CDLL(str(file.locate()), mode=ctypes.RTLD_GLOBAL)
    except (metadata.PackageNotFoundError, OSError):
        pass  # (conda's TBB, say, is on the loader's path already)
    try:
        parallel._check_tbb_version_compatible()
        importlib.import_module("numba.np.ufunc.tbbpool")
    except (ImportError, OSError, AttributeError):
        return False
    return True
