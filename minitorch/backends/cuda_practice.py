"""The course's two CUDA warm-ups (MiniTorch Tasks 3.3 and 3.4): `sum_practice`, `mm_practice`.

Both are small, fixed-shape kernels that teach the two patterns the real kernels use:

* `sum_practice(a)`: every block of 32 threads copies its 32 values of a 1-D tensor into
  shared memory and folds them pairwise with halving strides; output cell b holds the sum of
  a[32 b : 32 b + 32].
* `mm_practice(a, b)`: one 32 x 32 block multiplies two square (size < 32) row-major
  matrices: both are first copied to shared memory (each global value read once), and each
  thread writes one output value once.

They return `TensorData` whose storage lives on the device, as in the course (the course's
tests read `out._storage[i]`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.tensor_data import TensorData
from ..errors import ShapeError
from .cuda import require_device

__all__ = ["sum_practice", "mm_practice"]


def _device_zeros(size: int, dtype: Any) -> Any:
    from .cuda_device import to_device

    return to_device(np.zeros(size, dtype=dtype))


def sum_practice(a: Any) -> TensorData:
    """Block sums of a 1-D CUDA tensor: cell b holds the sum of a[32 b : 32 b + 32].

    Shape:
        a: (n,); output: (max(2, ceil(n / 32)),) (two cells at least, as the course allocates).
    """
    from .cuda_device import kernel_array
    from .cuda_kernels import PRACTICE_BLOCK, sum_practice_kernel

    require_device()
    if a.dims != 1:
        raise ShapeError(f"sum_practice: needs a 1-D tensor, got shape {a.shape}")
    a = a.contiguous()
    (size,) = a.shape
    blocks = max(1, (size + PRACTICE_BLOCK - 1) // PRACTICE_BLOCK)
    cells = max(2, blocks)
    out = TensorData._trusted(_device_zeros(cells, a.dtype), (cells,))
    sum_practice_kernel[blocks, PRACTICE_BLOCK](kernel_array(out._storage), kernel_array(a._tensor._storage), size)
    return out


def mm_practice(a: Any, b: Any) -> TensorData:
    """a @ b for two square row-major CUDA tensors of the same size (at most 32), in one block.

    Shape:
        a, b: (size, size), size <= 32; output: (size, size).
    """
    from .cuda_device import kernel_array
    from .cuda_kernels import PRACTICE_BLOCK, mm_practice_kernel

    require_device()
    if a.dims != 2 or a.shape != b.shape or a.shape[0] != a.shape[1] or a.shape[0] > PRACTICE_BLOCK:
        raise ShapeError(
            f"mm_practice: needs two square matrices of the same size <= {PRACTICE_BLOCK}, got {a.shape} and {b.shape}"
        )
    a, b = a.contiguous(), b.contiguous()
    size = a.shape[0]
    out = TensorData._trusted(_device_zeros(size * size, a.dtype), (size, size))
    mm_practice_kernel[1, (PRACTICE_BLOCK, PRACTICE_BLOCK)](
        kernel_array(out._storage), kernel_array(a._tensor._storage), kernel_array(b._tensor._storage), size
    )
    return out
