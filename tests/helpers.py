"""Shared test helpers: backends by name, tensors from numpy in contiguous or permuted layout, the
points where the course's test functions jump."""

from __future__ import annotations

from typing import Any, Callable, Dict

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


# Where a course test function (minitorch.testing.MathTestVariable) jumps, bends or has a pole,
# central differences measure the jump, not the derivative (hypothesis does find a = 0.0, b = 1.2
# for `a + 1.2 > b`): derivative tests skip those points.
KINKS: Dict[str, Callable[..., Any]] = {
    "relu": lambda a: a + 5.5,
    "complex": lambda a: a * 10 + 7,
    "inv": lambda a: a + 3.5,
    "gt2": lambda a, b: a + 1.2 - b,
    "lt2": lambda a, b: a + 1.2 - b,
    "eq2": lambda a, b: a - (b + 5.5),
    "div2": lambda a, b: b + 5.5,
}


def near_kink(name: str, *values: Any) -> bool:
    """Whether the function `name` jumps within 1e-3 of its arguments `values` (numbers, or arrays
    that broadcast together: then anywhere among their elements)."""
    return name in KINKS and bool(np.any(np.abs(KINKS[name](*(np.asarray(v, dtype=np.float64) for v in values))) < 1e-3))
