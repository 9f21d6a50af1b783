"""The course's CUDA kernels (MiniTorch Tasks 3.3 and 3.4) on numba's CUDA target.

Any scalar function -- one of `minitorch.operators` or the user's own -- is compiled as a
CUDA device function and lifted to a kernel over strided, broadcast tensors:

* `tensor_map(fn)`    out[i] = fn(a[broadcast(i)])
* `tensor_zip(fn)`    out[i] = fn(a[broadcast(i)], b[broadcast(i)])
* `tensor_reduce(fn)` out[j] = fn-fold of a along one dim, one thread block per output
  position: each thread folds a strided slice into a register, then the block folds its
  registers in shared memory (a tree of halving strides, one `syncthreads` per level)
* `tensor_reduce_short(fn)` the same fold with one thread per output position, for reduced
  dims too short to keep a block busy
* `sum_practice_kernel`, `mm_practice_kernel` the course's warm-ups for the two
  (see `cuda_practice.py`)
* `tensor_matrix_multiply` the tiled shared-memory matmul: each block loads TILE x TILE
  tiles of a and b into shared memory, every element of a and b is read from global memory
  once per tile pass and every output written once.

The index math is `minitorch.core.tensor_data`'s (`to_index`, `broadcast_index`,
`index_to_position`), compiled here as device functions from the same source. Shapes and
strides travel as tuples (passed by value, so a launch copies no index arrays to the
device); storages are device arrays (CuPy or numba) or, under `NUMBA_ENABLE_CUDASIM=1`,
numpy arrays. Every kernel loops grid-stride, so any launch size covers any tensor (the
simulator launches a few threads; a GPU launches one per element).

Compiling a CUDA kernel takes numba about a second: the module-level kernels here (and in
cuda_window, cuda_rows, cuda_optim, cuda_gemm) are cached on disk (`cache=True`), so a second
process loads them; the kernels made from a scalar function are compiled once per process.
"""

from __future__ import annotations

from typing import Any, Callable, Dict

import numba
from numba import cuda

from ..core.tensor_data import broadcast_index, index_to_position, to_index
from .cuda_device import simulator_enabled

__all__ = [
    "MAX_DIMS",
    "TILE",
    "device_function",
    "tensor_map",
    "tensor_zip",
    "tensor_reduce",
    "tensor_reduce_short",
    "tensor_matrix_multiply",
    "PRACTICE_BLOCK",
    "sum_practice_kernel",
    "mm_practice_kernel",
]

# Local index buffers are fixed-size arrays in registers/local memory: tensors up to this many dims.
MAX_DIMS = 16
# Threads per block of the block reduction (a power of two; its shared buffer has this size).
REDUCE_THREADS = 256
# The tiled matmul's tile edge: blocks of TILE x TILE threads, two TILE x TILE shared tiles.
# The simulator runs every thread as a Python thread: there, 8 x 8 tiles (more tile passes on
# small test shapes, the same code) keep a launch fast.
TILE = 8 if simulator_enabled() else 32

_device_to_index = cuda.jit(device=True)(to_index)
_device_broadcast_index = cuda.jit(device=True)(broadcast_index)
_device_index_to_position = cuda.jit(device=True)(index_to_position)

_DEVICE_FUNCTIONS: Dict[Callable, Any] = {}


def device_function(fn: Callable) -> Any:
    """`fn` compiled as a CUDA device function (cached per function object)."""
    compiled = _DEVICE_FUNCTIONS.get(fn)
    if compiled is None:
        compiled = _DEVICE_FUNCTIONS[fn] = cuda.jit(device=True)(fn)
    return compiled


def tensor_map(fn: Callable[[float], float]) -> Any:
    """A kernel `(out, out_shape, out_strides, out_size, a, a_shape, a_strides)` applying `fn`."""
    scalar = device_function(fn)
    to_index_, broadcast_, position_ = _device_to_index, _device_broadcast_index, _device_index_to_position

    def _map(out, out_shape, out_strides, out_size, a, a_shape, a_strides):  # pragma: no cover - device code
        out_index = cuda.local.array(MAX_DIMS, numba.int64)
        a_index = cuda.local.array(MAX_DIMS, numba.int64)
        i = cuda.grid(1)
        step = cuda.gridsize(1)
        while i < out_size:
            to_index_(i, out_shape, out_index)
            broadcast_(out_index, out_shape, a_shape, a_index)
            out[position_(out_index, out_strides)] = scalar(a[position_(a_index, a_strides)])
            i += step

    return cuda.jit(_map)


def tensor_zip(fn: Callable[[float, float], float]) -> Any:
    """A kernel `(out, out_shape, out_strides, out_size, a, a_shape, a_strides, b, b_shape,
    b_strides)` applying `fn` pairwise with broadcasting."""
    scalar = device_function(fn)
    to_index_, broadcast_, position_ = _device_to_index, _device_broadcast_index, _device_index_to_position

    def _zip(out, out_shape, out_strides, out_size, a, a_shape, a_strides, b, b_shape, b_strides):  # pragma: no cover
        out_index = cuda.local.array(MAX_DIMS, numba.int64)
        a_index = cuda.local.array(MAX_DIMS, numba.int64)
        b_index = cuda.local.array(MAX_DIMS, numba.int64)
        i = cuda.grid(1)
        step = cuda.gridsize(1)
        while i < out_size:
            to_index_(i, out_shape, out_index)
            broadcast_(out_index, out_shape, a_shape, a_index)
            broadcast_(out_index, out_shape, b_shape, b_index)
            out[position_(out_index, out_strides)] = scalar(
                a[position_(a_index, a_strides)], b[position_(b_index, b_strides)]
            )
            i += step

    return cuda.jit(_zip)


def tensor_reduce(fn: Callable[[float, float], float]) -> Any:
    """A kernel `(out, out_shape, out_strides, out_size, a, a_shape, a_strides, dim, start)`:
    one block per output position (grid-stride over positions), a shared-memory fold inside.

    `out` has a's shape with size 1 along `dim`; each of its entries becomes
    fn(start, fold of a along dim). Thread t folds elements t, t + threads, ... into a
    register and leaves it in shared memory; then halving strides fold the shared values
    pairwise (only threads that hold a value take part, so `start` is folded in exactly
    once and need not be an identity of fn). Launch with a power-of-two block of at most
    REDUCE_THREADS threads.
    """
    scalar = device_function(fn)
    to_index_, position_ = _device_to_index, _device_index_to_position

    def _reduce(out, out_shape, out_strides, out_size, a, a_shape, a_strides, dim, start):  # pragma: no cover
        cache = cuda.shared.array(REDUCE_THREADS, numba.float64)
        out_index = cuda.local.array(MAX_DIMS, numba.int64)
        pos = cuda.threadIdx.x
        threads = cuda.blockDim.x
        length = a_shape[dim]
        step = a_strides[dim]
        block = cuda.blockIdx.x
        while block < out_size:  # the same trip count for every thread of the block
            to_index_(block, out_shape, out_index)
            base = position_(out_index, a_strides)  # out_index[dim] == 0: the slice's first element
            if pos < length:
                acc = a[base + pos * step]
                j = pos + threads
                while j < length:
                    acc = scalar(acc, a[base + j * step])
                    j += threads
                cache[pos] = acc
            cuda.syncthreads()
            half = threads // 2
            while half > 0:
                if pos < half and pos + half < length:
                    cache[pos] = scalar(cache[pos], cache[pos + half])
                cuda.syncthreads()
                half //= 2
            if pos == 0:
                if length > 0:
                    out[position_(out_index, out_strides)] = scalar(start, cache[0])
                else:
                    out[position_(out_index, out_strides)] = start
            cuda.syncthreads()  # cache[0] is read before the next position overwrites it
            block += cuda.gridDim.x

    return cuda.jit(_reduce)


def tensor_reduce_short(fn: Callable[[float, float], float]) -> Any:
    """Like `tensor_reduce`, but one thread folds one whole output position (no shared memory)."""
    scalar = device_function(fn)
    to_index_, position_ = _device_to_index, _device_index_to_position

    def _reduce(out, out_shape, out_strides, out_size, a, a_shape, a_strides, dim, start):  # pragma: no cover
        out_index = cuda.local.array(MAX_DIMS, numba.int64)
        length = a_shape[dim]
        step = a_strides[dim]
        i = cuda.grid(1)
        while i < out_size:
            to_index_(i, out_shape, out_index)
            base = position_(out_index, a_strides)
            acc = start
            for j in range(length):
                acc = scalar(acc, a[base + j * step])
            out[position_(out_index, out_strides)] = acc
            i += cuda.gridsize(1)

    return cuda.jit(_reduce)


def _tensor_matrix_multiply(out, out_strides, a, a_strides, b, b_strides, shape, inner):  # pragma: no cover
    """out[..., i, j] = sum_k a[..., i, k] b[..., k, j], one TILE x TILE output tile per block.

    `shape` is out's shape (batch dims..., rows, cols); `out_strides` are out's strides and
    `a_strides` / `b_strides` the inputs' strides aligned to out's dims (0 on a broadcast
    batch dim). Grid: (column tiles, row tiles, batch blocks); blockIdx.z walks the batch
    grid-stride and unravels it over the batch dims.
    """
    a_tile = cuda.shared.array((TILE, TILE), numba.float64)
    b_tile = cuda.shared.array((TILE, TILE), numba.float64)
    nd = len(shape)
    rows = shape[nd - 2]
    cols = shape[nd - 1]
    tx = cuda.threadIdx.x  # the column within the tile: consecutive threads, consecutive columns
    ty = cuda.threadIdx.y
    j = cuda.blockIdx.x * TILE + tx
    i = cuda.blockIdx.y * TILE + ty
    batches = 1
    for d in range(nd - 2):
        batches *= shape[d]
    batch = cuda.blockIdx.z
    while batch < batches:  # the same trip count for every thread of the block
        a_pos = i * a_strides[nd - 2]
        b_pos = j * b_strides[nd - 1]
        out_pos = i * out_strides[nd - 2] + j * out_strides[nd - 1]
        remaining = batch
        for d in range(nd - 3, -1, -1):
            idx = remaining % shape[d]
            remaining = remaining // shape[d]
            a_pos += idx * a_strides[d]
            b_pos += idx * b_strides[d]
            out_pos += idx * out_strides[d]
        acc = 0.0
        for start in range(0, inner, TILE):
            k = start + tx
            if i < rows and k < inner:
                a_tile[ty, tx] = a[a_pos + k * a_strides[nd - 1]]
            else:
                a_tile[ty, tx] = 0.0
            k = start + ty
            if k < inner and j < cols:
                b_tile[ty, tx] = b[b_pos + k * b_strides[nd - 2]]
            else:
                b_tile[ty, tx] = 0.0
            cuda.syncthreads()
            for kk in range(TILE):
                acc += a_tile[ty, kk] * b_tile[kk, tx]
            cuda.syncthreads()
        if i < rows and j < cols:
            out[out_pos] = acc
        batch += cuda.gridDim.z


tensor_matrix_multiply = cuda.jit(cache=True)(_tensor_matrix_multiply)


# The practice kernels' block edge (the course's BLOCK_DIM).
PRACTICE_BLOCK = 32


@cuda.jit(cache=True)
def sum_practice_kernel(out, a, size):  # pragma: no cover - device code
    """out[block] = sum of a[32 block : 32 block + 32]: a shared-memory fold per block of 32."""
    cache = cuda.shared.array(PRACTICE_BLOCK, numba.float64)
    i = cuda.blockIdx.x * cuda.blockDim.x + cuda.threadIdx.x
    pos = cuda.threadIdx.x
    cache[pos] = a[i] if i < size else 0.0
    cuda.syncthreads()
    stride = PRACTICE_BLOCK // 2
    while stride > 0:
        if pos < stride:
            cache[pos] += cache[pos + stride]
        cuda.syncthreads()
        stride //= 2
    if pos == 0:
        out[cuda.blockIdx.x] = cache[0]


@cuda.jit(cache=True)
def mm_practice_kernel(out, a, b, size):  # pragma: no cover - device code
    """out = a @ b for square row-major (size, size) matrices, size <= 32, in one 32 x 32 block:
    both copied to shared memory first (every global value read once), each output written once."""
    a_shared = cuda.shared.array((PRACTICE_BLOCK, PRACTICE_BLOCK), numba.float64)
    b_shared = cuda.shared.array((PRACTICE_BLOCK, PRACTICE_BLOCK), numba.float64)
    i = cuda.threadIdx.y
    j = cuda.threadIdx.x
    if i < size and j < size:
        a_shared[i, j] = a[i * size + j]
        b_shared[i, j] = b[i * size + j]
    cuda.syncthreads()
    if i < size and j < size:
        total = 0.0
        for k in range(size):
            total += a_shared[i, k] * b_shared[k, j]
        out[i * size + j] = total
