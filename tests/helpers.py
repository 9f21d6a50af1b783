"""Shared test helpers: backends by name, tensors from numpy in contiguous or permuted layout."""

from __future__ import annotations

from typing import Any

import numpy as np

import minitorch

BACKENDS = {"simple": minitorch.SimpleBackend, "fast": minitorch.FastBackend}


def make_tensor(array: np.ndarray, backend: Any, permuted: bool = False, requires_grad: bool = False) -> minitorch.Tensor:
    """A minitorch tensor with the values of `array`.

    permuted=True stores the data with reversed dimension order and permutes it back, so the
    tensor has the same values but non-contiguous strides.
    """
    array = np.asarray(array, dtype=np.float64)
    if permuted and array.ndim >= 2:
        order = tuple(reversed(range(array.ndim)))
        stored = np.ascontiguousarray(array.transpose(order))
        t = minitorch.Tensor.make(stored.reshape(-1).copy(), stored.shape, backend=backend).permute(*order)
        assert not t._tensor.is_contiguous() or min(array.shape) <= 1
    else:
        t = minitorch.Tensor.make(np.ascontiguousarray(array).reshape(-1).copy(), array.shape, backend=backend)
    if requires_grad:
        t.requires_grad_(True)
    return t


def to_numpy(t: minitorch.Tensor) -> np.ndarray:
    return np.array(t.to_numpy(), copy=True)
