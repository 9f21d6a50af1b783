"""CudaOps: the GPU backend's place in the contract.

This build ships no CUDA kernels yet. `CudaOps` is importable everywhere (so code naming it
loads on a machine without a GPU) and raises a clear error when a kernel is asked for.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable, NoReturn

import numba

from .base import TensorOps


def _numba_lazy_attribute(name: str) -> Any:
    """Load `numba.cuda` on first access instead of at import (it costs ~0.2 s).

    The course's tests call `numba.cuda.is_available()` after `import minitorch`, which works
    only when something has loaded the subpackage; this module-level `__getattr__` on numba
    (PEP 562; numba defines none) loads it when first asked for.
    """
    if name == "cuda":
        return importlib.import_module("numba.cuda")
    raise AttributeError(f"module 'numba' has no attribute {name!r}")


if "__getattr__" not in vars(numba):
    numba.__getattr__ = _numba_lazy_attribute

__all__ = ["CudaOps", "CudaUnavailableError"]


class CudaUnavailableError(RuntimeError):
    """Raised when a CUDA kernel is requested from this CPU-only build."""


def _unavailable(*args: Any, **kwargs: Any) -> NoReturn:
    raise CudaUnavailableError(
        "CudaOps: this minitorch build has no CUDA kernels yet; use "
        "minitorch.TensorBackend(minitorch.FastOps) for the fast CPU backend"
    )


class CudaOps(TensorOps):
    """Placeholder GPU backend: every kernel raises `CudaUnavailableError`."""

    cuda = True
    name = "cuda"

    @staticmethod
    def map_kernel(fn: Callable[[float], float]) -> Callable[..., None]:
        return _unavailable

    @staticmethod
    def zip_kernel(fn: Callable[[float, float], float]) -> Callable[..., None]:
        return _unavailable

    @staticmethod
    def reduce_kernel(fn: Callable[[float, float], float]) -> Callable[..., None]:
        return _unavailable

    matmul_kernel = staticmethod(_unavailable)
    unfold = fold = staticmethod(_unavailable)
    max_pool_forward = max_pool_backward = avg_pool_forward = avg_pool_backward = staticmethod(_unavailable)
    softmax_forward = softmax_backward = index_add = staticmethod(_unavailable)
    log_softmax_forward = log_softmax_backward = logsumexp_forward = row_max_forward = staticmethod(_unavailable)
