"""Pooling kernels compiled with numba: the loops of `simple_pool.py`, compiled once.

Same contract as `simple_pool.py` (planes (P, S), gather tables (T, O)). The wrappers hand
numba C-contiguous arrays only, so each kernel compiles once per dtype.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from minitorch.backends import simple_pool

__all__ = [
    "max_pool_forward",
    "max_pool_backward",
    "avg_pool_forward",
    "avg_pool_backward",
]

_max_pool_forward = njit(cache=True)(simple_pool.max_pool_forward)
_max_pool_backward = njit(cache=True)(simple_pool.max_pool_backward)
_avg_pool_forward = njit(cache=True)(simple_pool.avg_pool_forward)
_avg_pool_backward = njit(cache=True)(simple_pool.avg_pool_backward)


def max_pool_forward(x, taps, counts, out, indices):
    """See `simple_pool.max_pool_forward`; `out` and `indices` must be C-contiguous."""
    _max_pool_forward(np.ascontiguousarray(x), taps, counts, out, indices)


def max_pool_backward(grad_out, indices, grad_in):
    """See `simple_pool.max_pool_backward`; `grad_in` must be C-contiguous."""
    _max_pool_backward(np.ascontiguousarray(grad_out), np.ascontiguousarray(indices), grad_in)


def avg_pool_forward(x, taps, counts, scale, out):
    """See `simple_pool.avg_pool_forward`; `out` must be C-contiguous."""
    _avg_pool_forward(np.ascontiguousarray(x), taps, counts, scale, out)


def avg_pool_backward(grad_out, taps, counts, scale, grad_in):
    """See `simple_pool.avg_pool_backward`; `grad_in` must be C-contiguous."""
    _avg_pool_backward(np.ascontiguousarray(grad_out), taps, counts, scale, grad_in)
