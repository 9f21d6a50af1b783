"""A register-tiled matmul on numba's CUDA target: the numba path for large products.

The course's tiled kernel (`cuda_kernels.tensor_matrix_multiply`) computes one output per
thread, so every multiply-add needs two shared-memory reads. Here each block computes a
BM x BN output tile with BM/TM x BN/TN threads, each thread a TM x TN sub-tile held in
registers: per step along k it reads TM values of a and TN of b from shared memory and does
TM * TN multiply-adds (8 x 8: 64 FMAs per 16 reads). Thread (tx, ty) owns rows ty + i * (BM/TM)
and columns tx + j * (BN/TN), so a warp's shared reads hit distinct banks (or broadcast) and its
stores to `out` are coalesced; the a tile is stored transposed with 4 columns of padding, so
its shared writes do not conflict either. Products broadcast over one batch dim (grid z).

It stands beside the course's kernel and is tested against it (tests/cuda). Under the
simulator the tile is shrunk (same code) so that a launch stays cheap.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numba
from numba import cuda

from .cuda_device import simulator_enabled

__all__ = ["BM", "BN", "gemm_kernel", "batched_gemm"]

if simulator_enabled():
    BM, BN, BK, TM, TN = 8, 8, 4, 2, 2
else:
    BM, BN, BK, TM, TN = 128, 128, 8, 8, 8
THREADS_X, THREADS_Y = BN // TN, BM // TM  # 16 x 16 = 256 threads on a GPU
THREADS = THREADS_X * THREADS_Y
A_COLS = BM + 4  # the transposed a tile's row, padded (a constant: numba sizes shared arrays from constants only)
A_LOADS = BM * BK // THREADS  # tile elements each thread copies to shared memory
B_LOADS = BK * BN // THREADS


@lru_cache(maxsize=None)
def gemm_kernel(dtype_name: str) -> Any:
    """The kernel for one dtype ("float32", "float64"): computes in that precision."""
    dtype = getattr(numba, dtype_name)

    def _gemm(out, a, b):  # pragma: no cover - device code
        a_tile = cuda.shared.array((BK, A_COLS), dtype)  # a transposed: a_tile[k, m]
        b_tile = cuda.shared.array((BK, BN), dtype)
        acc = cuda.local.array((TM, TN), dtype)
        a_frag = cuda.local.array(TM, dtype)
        b_frag = cuda.local.array(TN, dtype)
        rows, cols, inner = out.shape[1], out.shape[2], a.shape[2]
        tid = cuda.threadIdx.x
        tx = tid % THREADS_X
        ty = tid // THREADS_X
        row0 = cuda.blockIdx.y * BM
        col0 = cuda.blockIdx.x * BN
        batch = cuda.blockIdx.z
        a_batch = batch if a.shape[0] > 1 else 0
        b_batch = batch if b.shape[0] > 1 else 0
        for i in range(TM):
            for j in range(TN):
                acc[i, j] = 0
        for k0 in range(0, inner, BK):
            for load in range(A_LOADS):
                index = tid + load * THREADS
                m = index // BK
                k = index % BK
                if row0 + m < rows and k0 + k < inner:
                    a_tile[k, m] = a[a_batch, row0 + m, k0 + k]
                else:
                    a_tile[k, m] = 0
            for load in range(B_LOADS):
                index = tid + load * THREADS
                k = index // BN
                n = index % BN
                if k0 + k < inner and col0 + n < cols:
                    b_tile[k, n] = b[b_batch, k0 + k, col0 + n]
                else:
                    b_tile[k, n] = 0
            cuda.syncthreads()
            for k in range(BK):
                for i in range(TM):
                    a_frag[i] = a_tile[k, ty + i * THREADS_Y]
                for j in range(TN):
                    b_frag[j] = b_tile[k, tx + j * THREADS_X]
                for i in range(TM):
                    for j in range(TN):
                        acc[i, j] += a_frag[i] * b_frag[j]
            cuda.syncthreads()
        for i in range(TM):
            row = row0 + ty + i * THREADS_Y
            if row < rows:
                for j in range(TN):
                    col = col0 + tx + j * THREADS_X
                    if col < cols:
                        out[batch, row, col] = acc[i, j]

    return cuda.jit(cache=True)(_gemm)  # (cached on disk per dtype: the closure holds only it)


def batched_gemm(out: Any, a: Any, b: Any) -> None:
    """out[z] = a[z or 0] @ b[z or 0] for 3-D arrays (B, M, N), (1 or B, M, K), (1 or B, K, N)
    of one float dtype (device arrays of the numba kernel's kind)."""
    from .cuda_device import kernel_array

    batches, rows, cols = out.shape
    if out.size == 0:
        return
    grid = ((cols + BN - 1) // BN, (rows + BM - 1) // BM, batches)
    gemm_kernel(str(out.dtype))[grid, THREADS](kernel_array(out), kernel_array(a), kernel_array(b))
