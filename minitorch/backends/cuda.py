"""CudaOps: the GPU backend (numba CUDA kernels, CuPy arrays and cuBLAS).

How each raw kernel runs:

* with CuPy holding the storage (a real GPU): the scalar functions of `minitorch.operators`
  run as CuPy ufuncs / elementwise kernels over strided views, reductions as CuPy's, matmul
  as `cupy.matmul` (cuBLAS) -- see `cuda_array_ops.py`;
* any other scalar function (the user's own), and everything under numba's simulator or on
  a GPU without CuPy, runs in the course's numba kernels (`cuda_kernels.py`): map, zip, the
  shared-memory block reduction and the tiled shared-memory matmul.

`CudaNumbaOps` is the same backend with the numba kernels only (the course's reference,
and what the tests compare the CuPy paths against on a GPU).

Neither numba nor `numba.cuda` loads at `import minitorch` (each costs ~0.2 s): the kernel
modules load at the first launch; the course's tests call `numba.cuda.is_available()` after
`import numba` and `import minitorch`, which works because `compiled.py` gives numba a lazy
`cuda` attribute whenever numba is imported.
"""

from __future__ import annotations

import importlib
import warnings
from typing import Any, Callable, Dict, Optional, Tuple

import numpy as np

from ..core.tensor_data import TensorData
from . import compiled  # noqa: F401  (numba.cuda, loaded at its first read: see above)
from .base import TensorOps

__all__ = ["CudaOps", "CudaNumbaOps", "CudaUnavailableError"]


class CudaUnavailableError(RuntimeError):
    """Raised when a CUDA kernel is launched on a machine without a usable GPU."""


def require_device() -> None:
    from .cuda_device import gpu_available

    if not gpu_available():
        raise CudaUnavailableError(
            "CUDA: no usable GPU (numba.cuda.is_available() is False); run on a machine with an "
            "NVIDIA GPU and driver, set NUMBA_ENABLE_CUDASIM=1 for numba's simulator, or use "
            "the CPU backend (minitorch.FastBackend)"
        )


def launch_1d(size: int) -> Tuple[int, int]:
    """(blocks, threads) for a grid-stride kernel over `size` items.

    A GPU gets one thread per item (up to 2^20 blocks); the simulator, where every thread
    is a Python thread, gets two blocks of 8 (still two blocks, so grid-stride and
    block-boundary logic are exercised).
    """
    from .cuda_device import simulator_enabled

    if simulator_enabled():
        return 2, 8
    threads = 256
    return max(1, min((size + threads - 1) // threads, 1 << 20)), threads


def _reduce_threads(length: int) -> int:
    """Threads of the block reduction: a power of two up to REDUCE_THREADS (8 in the simulator)."""
    from .cuda_device import simulator_enabled
    from .cuda_kernels import REDUCE_THREADS

    cap = 8 if simulator_enabled() else REDUCE_THREADS
    threads = 1
    while threads < min(length, cap):
        threads *= 2
    return threads


def _layout(data: TensorData) -> Tuple[Tuple[int, ...], Tuple[int, ...]]:
    """(shape, strides) as kernel arguments; a 0-dim tensor is seen as shape (1,)."""
    return (data.shape, data.strides) if data.dims else ((1,), (1,))


# Reduced dims at least this long get a thread block per output position; shorter ones one thread.
BLOCK_REDUCE_MIN = 64


def numba_map(fn: Callable[[float], float]) -> Callable[..., None]:
    """Raw map kernel for any scalar function: `kernel(out, a)`, a broadcast to out."""
    from .cuda_device import kernel_array
    from .cuda_kernels import tensor_map

    compiled = tensor_map(fn)

    def kernel(out: TensorData, a: TensorData) -> None:
        require_device()
        if out.size == 0:
            return
        blocks, threads = launch_1d(out.size)
        compiled[blocks, threads](
            kernel_array(out._storage), *_layout(out), out.size, kernel_array(a._storage), *_layout(a)
        )

    return kernel


def numba_zip(fn: Callable[[float, float], float]) -> Callable[..., None]:
    """Raw zip kernel for any scalar function: `kernel(out, a, b)`, a and b broadcast to out."""
    from .cuda_device import kernel_array
    from .cuda_kernels import tensor_zip

    compiled = tensor_zip(fn)

    def kernel(out: TensorData, a: TensorData, b: TensorData) -> None:
        require_device()
        if out.size == 0:
            return
        blocks, threads = launch_1d(out.size)
        compiled[blocks, threads](
            kernel_array(out._storage), *_layout(out), out.size,
            kernel_array(a._storage), *_layout(a), kernel_array(b._storage), *_layout(b),
        )

    return kernel


def numba_reduce(fn: Callable[[float, float], float], start: float) -> Callable[..., None]:
    """Raw reduce kernel: `kernel(out, a, dim)` writes the fold of `start` and a along `dim`.

    `start` is folded in once (it need not be an identity of `fn`); `fn` should be
    associative and commutative, as the block folds in a tree.
    """
    from .cuda_device import kernel_array, simulator_enabled
    from .cuda_kernels import tensor_reduce, tensor_reduce_short

    block_kernel = tensor_reduce(fn)
    short_kernel = tensor_reduce_short(fn)

    def kernel(out: TensorData, a: TensorData, dim: int) -> None:
        require_device()
        if out.size == 0:
            return
        length = a.shape[dim] if a.dims else 1
        dim = dim if a.dims else 0
        args = (kernel_array(out._storage), *_layout(out), out.size, kernel_array(a._storage), *_layout(a), dim, float(start))
        if length >= BLOCK_REDUCE_MIN:
            blocks = min(out.size, 2 if simulator_enabled() else 1 << 20)
            block_kernel[blocks, _reduce_threads(length)](*args)
        else:
            blocks, threads = launch_1d(out.size)
            short_kernel[blocks, threads](*args)

    return kernel


def numba_matrix_multiply(out: TensorData, a: TensorData, b: TensorData) -> None:
    """Batched matmul with broadcast leading dims in numba kernels: the register-tiled kernel
    (`cuda_gemm.py`) for large products of one float dtype over at most one batch dim, the
    course's tiled shared-memory kernel otherwise."""
    require_device()
    if out.size == 0:
        return
    operands = _gemm_operands(out, a, b)
    if operands is not None:
        from .cuda_gemm import batched_gemm

        batched_gemm(*operands)
        return
    course_matrix_multiply(out, a, b)


def _gemm_operands(out: TensorData, a: TensorData, b: TensorData) -> Optional[Tuple[Any, Any, Any]]:
    """(out, a, b) as 3-D arrays (B, M, N), (1 or B, M, K), (1 or B, K, N) for the register-tiled
    kernel, or None when the product is small, mixed-dtype, or broadcasts over several batch dims."""
    from .cuda_device import strided_view
    from .cuda_gemm import BK, BM, BN

    rows, cols, inner = out.shape[-2], out.shape[-1], a.shape[-1]
    if rows * cols * inner < BM * BN * BK * 8 or not (out.dtype == a.dtype == b.dtype) or out.dtype.kind != "f":
        return None
    if not out.is_contiguous():
        return None
    batch = out.shape[:-2]
    batches = out.size // (rows * cols)
    if batches > 65535:
        return None
    views = []
    for data in (a, b):
        own = data.shape[:-2]
        if all(size == 1 for size in own):
            count = 1
        elif tuple(own) == tuple(batch):
            count = batches
        else:
            return None
        view = strided_view(data._storage, data.shape, data.strides, data.size)
        views.append(view.reshape(count, *data.shape[-2:]))  # a copy only for a layout reshape cannot view
    out_view = strided_view(out._storage, out.shape, out.strides, out.size).reshape(batches, rows, cols)
    return out_view, views[0], views[1]


def course_matrix_multiply(out: TensorData, a: TensorData, b: TensorData) -> None:
    """The course's tiled shared-memory matmul, batched with broadcast leading dims."""
    from .cuda_device import kernel_array, simulator_enabled
    from .cuda_kernels import TILE, tensor_matrix_multiply

    require_device()
    if out.size == 0:
        return
    shape = out.shape
    rows, cols, inner = shape[-2], shape[-1], a.shape[-1]
    batches = out.size // (rows * cols)
    blocks = ((cols + TILE - 1) // TILE, (rows + TILE - 1) // TILE, min(batches, 2 if simulator_enabled() else 65535))
    tensor_matrix_multiply[blocks, (TILE, TILE)](
        kernel_array(out._storage), out.strides,
        kernel_array(a._storage), _batch_aligned(shape, a),
        kernel_array(b._storage), _batch_aligned(shape, b),
        shape, inner,
    )


def _batch_aligned(out_shape: Tuple[int, ...], data: TensorData) -> Tuple[int, ...]:
    """`data`'s strides aligned to out's dims: its batch strides (0 where missing or broadcast)
    and then its own last two strides."""
    batch = len(out_shape) - 2
    own = data.shape[:-2]
    offset = batch - len(own)
    strides = [0] * batch
    for i, size in enumerate(own):
        if size != 1:
            strides[offset + i] = data.strides[i]
    return tuple(strides) + data.strides[-2:]


def _deferred(module: str, name: str) -> Any:
    """A named kernel of `module` (cuda_window, cuda_rows), which loads numba.cuda on first call.

    Should numba fail to build or launch it on this machine (a GPU without libNVVM, say), the
    backend warns once and uses the generic kernel of `TensorOps` -- the same contract written
    with the array module (CuPy) -- from then on.
    """
    generic = getattr(TensorOps, name)
    chosen: Dict[str, Callable[..., Any]] = {}

    def kernel(*args: Any) -> Any:
        impl = chosen.get("impl")
        if impl is not None:
            return impl(*args)
        numba_kernel = getattr(importlib.import_module(f"{__package__}.{module}"), name)
        try:
            result = numba_kernel(*args)
        except Exception as error:
            if not type(error).__module__.startswith("numba") or not _array_library_present():
                raise
            warnings.warn(
                f"CudaOps.{name}: numba could not run its CUDA kernel ({type(error).__name__}: {error}); "
                f"using the generic CuPy version from now on",
                RuntimeWarning,
                stacklevel=2,
            )
            chosen["impl"] = generic
            return generic(*args)
        chosen["impl"] = numba_kernel
        return result

    kernel.__name__ = name
    kernel.__doc__ = f"`minitorch.backends.{module}.{name}` (loaded on first use; the generic kernel if numba cannot run it)."
    return staticmethod(kernel)


def _array_library_present() -> bool:
    from .cuda_device import uses_cupy

    return uses_cupy()


class _DeviceNamespace(type):
    """Gives CudaOps a lazy `xp`: the device array module is looked up (CuPy imported) on first use."""

    @property
    def xp(cls) -> Any:
        from .cuda_device import array_module

        return array_module()


class CudaOps(TensorOps, metaclass=_DeviceNamespace):
    """The GPU backend: CuPy (ufuncs, reductions, cuBLAS) where it holds the storage, the
    numba CUDA kernels for everything else. Use as `minitorch.TensorBackend(minitorch.CudaOps)`.
    """

    cuda = True
    name = "cuda"
    # "auto": CuPy's kernels for the functions it has, numba's for the rest; "numba": numba only.
    kernels = "auto"
    # Convolution unrolls whole batches (up to 2^27 elements, 512 MB in float32) at once: one
    # kernel and one batched GEMM per layer, where the CPU works in cache-sized chunks.
    conv_chunk_elements = 1 << 27

    @classmethod
    def adopt(cls, data: TensorData) -> TensorData:
        """`data` with its storage in device memory: itself when it is there already (or when
        the device module is numpy, under the simulator), else a copy there (same layout)."""
        from .cuda_device import to_device

        storage = data._storage
        if not isinstance(storage, np.ndarray) or cls.xp is np:
            return data
        return TensorData._trusted(to_device(storage), data.shape, data.strides)

    _constants: Dict[Tuple[Any, ...], Any] = {}

    @classmethod
    def constant(cls, value: Any, dtype: np.dtype) -> Any:
        """The number `value` as a one-element device array, the same array for the same number
        and dtype (up to 4096 of them): `cupy.full` costs more than the op it feeds (`x * 2.0`:
        47 us against 14 us for `x * y` on the H100). NaN is never shared; -0.0 is not 0.0."""
        key = (dtype, type(value), value, bool(np.signbit(value)) if isinstance(value, (float, np.floating)) else False)
        array = cls._constants.get(key)
        if array is None:
            array = cls.xp.full(1, value, dtype=dtype)
            if value == value and len(cls._constants) < 4096:
                cls._constants[key] = array
        return array

    @staticmethod
    def array(data: TensorData) -> Any:
        """A zero-copy array of the device module over `data` (its shape and strides)."""
        from .cuda_device import strided_view

        return strided_view(data._storage, data.shape, data.strides, data.size)

    unfold = _deferred("cuda_window", "unfold")
    fold = _deferred("cuda_window", "fold")
    max_pool_forward = _deferred("cuda_window", "max_pool_forward")
    max_pool_backward = _deferred("cuda_window", "max_pool_backward")
    avg_pool_forward = _deferred("cuda_window", "avg_pool_forward")
    avg_pool_backward = _deferred("cuda_window", "avg_pool_backward")
    index_add = _deferred("cuda_window", "index_add")
    softmax_forward = _deferred("cuda_rows", "softmax_forward")
    softmax_backward = _deferred("cuda_rows", "softmax_backward")
    log_softmax_forward = _deferred("cuda_rows", "log_softmax_forward")
    log_softmax_backward = _deferred("cuda_rows", "log_softmax_backward")
    logsumexp_forward = _deferred("cuda_rows", "logsumexp_forward")
    row_max_forward = _deferred("cuda_rows", "row_max_forward")

    @classmethod
    def _array_ops(cls) -> Optional[Any]:
        """The CuPy kernel table (cuda_array_ops) when this backend may use it, else None."""
        if cls.kernels != "auto":
            return None
        from .cuda_device import uses_cupy

        if not uses_cupy():
            return None
        from . import cuda_array_ops

        return cuda_array_ops

    @classmethod
    def map_kernel(cls, fn: Callable[[float], float]) -> Callable[..., None]:
        return _first_of(cls, "map", fn) or numba_map(fn)

    @classmethod
    def zip_kernel(cls, fn: Callable[[float, float], float]) -> Callable[..., None]:
        return _first_of(cls, "zip", fn) or numba_zip(fn)

    @classmethod
    def reduce_kernel(cls, fn: Callable[[float, float], float], start: float = 0.0) -> Callable[..., None]:
        return _first_of(cls, "reduce", fn, start) or numba_reduce(fn, start)

    @classmethod
    def reduce(cls, fn: Callable[[float, float], float], start: float = 0.0) -> Callable[..., Any]:
        """Reduce one dimension with `fn` starting from `start` (folded in once); the dim keeps size 1."""
        kernel = cls.reduce_kernel(fn, start)

        def apply(a: Any, dim: int) -> Any:
            out_shape = list(a.shape)
            out_shape[dim] = 1
            out = a._new_empty(tuple(out_shape), a.dtype)
            kernel(out._tensor, a._tensor, dim)
            return out

        return apply

    @classmethod
    def matmul_kernel(cls, out: TensorData, a: TensorData, b: TensorData) -> None:
        array_ops = cls._array_ops()
        if array_ops is not None:
            array_ops.matrix_multiply(out, a, b)
        else:
            numba_matrix_multiply(out, a, b)


def _first_of(cls: Any, kind: str, fn: Callable, *args: Any) -> Optional[Callable[..., None]]:
    array_ops = cls._array_ops()
    if array_ops is None:
        return None
    return array_ops.kernel_for(kind, fn, *args)


class CudaNumbaOps(CudaOps):
    """The GPU backend with the course's numba kernels only (no CuPy kernels, no cuBLAS)."""

    name = "cuda-numba"
    kernels = "numba"
