"""Where CUDA tensors live: the device's array module, copies across, views for kernels.

On a machine with an NVIDIA GPU and CuPy (`pip install "minitorch-cnn[gpu]"`), a CUDA
tensor's storage is a 1-D CuPy array in device memory: CuPy's ufuncs, reductions and cuBLAS
work on it directly, and numba kernels read it without a copy through
`__cuda_array_interface__`. Under numba's CUDA simulator (`NUMBA_ENABLE_CUDASIM=1`, how CI
runs the GPU code without a GPU) CuPy is absent and the "device" arrays are numpy arrays, as
the simulator's own device arrays are. On a GPU without CuPy the storage stays in host numpy
arrays and every numba launch copies its arguments across (the course's own behaviour:
correct, slow).

Nothing here runs at `import minitorch`: this module, numba.cuda and CuPy load on first use.
Loading it applies `numpy_compat_for_numba_cuda()` (below), before any numba CUDA compile.
"""

from __future__ import annotations

import functools
import os
from typing import Any, Tuple

import numpy as np

from ..core.tensor_data import strides_from_shape

__all__ = [
    "numpy_compat_for_numba_cuda",
    "simulator_enabled",
    "gpu_available",
    "array_module",
    "uses_cupy",
    "to_device",
    "to_host",
    "kernel_array",
    "strided_view",
    "synchronize",
]


def numpy_compat_for_numba_cuda() -> bool:
    """Give numpy back the one alias numba-cuda still needs; True when it was missing.

    numba-cuda 0.30.x (`numba_cuda/numba/cuda/np/arrayobj.py`) registers
    `overload(np.row_stack)` unguarded while loading its typing registries, i.e. at the first
    kernel compile; numpy 2.5 removed `row_stack` (an alias of `vstack`, deprecated in 2.0), so
    with numba-cuda 0.30.4 and numpy 2.5.2 no CUDA kernel compiles at all (AttributeError).
    The alias is put back only when numpy lacks it, only when the CUDA backend first loads
    (this module), and as `vstack` itself -- what numpy 2.0-2.4 had under that name. Its other
    removed names (`trapz`, `in1d`, ...) numba-cuda already guards by numpy version.
    """
    if hasattr(np, "row_stack"):
        return False
    setattr(np, "row_stack", np.vstack)  # (numpy 2.5 stubs lack the name)
    return True


numpy_compat_for_numba_cuda()


def simulator_enabled() -> bool:
    """True when numba runs CUDA kernels in its Python simulator (NUMBA_ENABLE_CUDASIM=1)."""
    import numba

    return bool(int(getattr(numba.config, "ENABLE_CUDASIM", 0) or 0)) or os.environ.get(
        "NUMBA_ENABLE_CUDASIM", "0"
    ) not in ("", "0")


@functools.lru_cache(maxsize=None)
def gpu_available() -> bool:
    """True when numba can launch CUDA kernels (a real GPU, or the simulator)."""
    from numba import cuda

    try:
        return bool(cuda.is_available())
    except Exception:  # a broken driver install reports as "no GPU", not as a crash
        return False


@functools.lru_cache(maxsize=None)
def array_module() -> Any:
    """CuPy on a real GPU where it is installed and works; numpy otherwise (the simulator)."""
    if simulator_enabled() or not gpu_available():
        return np
    try:
        import cupy

        cupy.cuda.runtime.getDeviceCount()
    except Exception:
        return np
    return cupy


def uses_cupy() -> bool:
    """True when CUDA tensors hold CuPy device arrays."""
    return array_module() is not np


def to_device(array: np.ndarray) -> Any:
    """A device copy of a host array (a fresh numpy copy under the simulator)."""
    xp = array_module()
    if xp is np:
        return np.array(array, copy=True)
    return xp.asarray(array)


def to_host(array: Any) -> np.ndarray:
    """A host (numpy) copy of a device array; numpy arrays pass through unchanged."""
    if isinstance(array, np.ndarray):
        return array
    return array.get()


def kernel_array(array: Any) -> Any:
    """What to pass a numba kernel for a storage array.

    A CuPy array becomes a numba device array over the same memory, without the stream
    synchronisation numba would otherwise do on every launch (CuPy and numba both launch on
    the legacy default stream, which orders them already). Under the simulator a numpy array
    becomes the simulator's device array over the same memory (the simulator would copy it,
    and refuses to copy a strided view); on a GPU without CuPy numpy arrays pass through
    (numba copies them over and back).
    """
    if isinstance(array, np.ndarray):
        return _simulator_array(array) if simulator_enabled() else array
    from numba import cuda

    try:
        return cuda.as_cuda_array(array, sync=False)
    except TypeError:  # older numba: no `sync` argument
        return cuda.as_cuda_array(array)


def _simulator_array(array: np.ndarray) -> Any:
    from numba.cuda.simulator.cudadrv.devicearray import FakeCUDAArray

    return FakeCUDAArray(array) if array.ndim else array


def strided_view(storage: Any, shape: Tuple[int, ...], strides: Tuple[int, ...], size: int) -> Any:
    """An array of the storage's module seeing `storage` with element `strides` (no copy)."""
    if size == len(storage) and strides == strides_from_shape(shape):
        return storage.reshape(shape)
    xp = np if isinstance(storage, np.ndarray) else array_module()
    itemsize = storage.dtype.itemsize
    return xp.lib.stride_tricks.as_strided(storage, shape=shape, strides=tuple(s * itemsize for s in strides))


def synchronize() -> None:
    """Wait for every kernel launched so far (timing, and before handing memory to the host)."""
    if uses_cupy():
        array_module().cuda.runtime.deviceSynchronize()
        return
    from numba import cuda

    if not simulator_enabled() and gpu_available():
        cuda.synchronize()
