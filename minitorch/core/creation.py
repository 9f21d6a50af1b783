"""Tensor constructors: from nested lists, numpy arrays, constants and random draws.

Every constructor takes `backend` (default: the fast CPU backend), `requires_grad` and
`dtype` ("float64", the MiniTorch default, or "float32").
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..errors import ShapeError
from .random import default_generator
from .tensor import Tensor
from .tensor_data import TensorData, UserShape, as_dtype

__all__ = ["tensor", "zeros", "ones", "rand", "randn", "arange", "from_numpy", "tensor_from_numpy", "full"]


def _finish(data: TensorData, backend: Any, requires_grad: bool) -> Tensor:
    out = Tensor(data, backend=backend)
    if requires_grad:
        out.requires_grad_(True)
    return out


def tensor(
    ls: Any,
    backend: Any = None,
    requires_grad: bool = False,
    dtype: Any = None,
) -> Tensor:
    """A tensor from a (nested) list of numbers, a number, or a numpy array (copied).

    Raises:
        ShapeError: for ragged nested lists.

    Example:
        >>> tensor([[1.0, 2.0], [3.0, 4.0]]).shape
        (2, 2)
    """
    try:
        array = np.array(ls, dtype=as_dtype(dtype))
    except ValueError as error:
        raise ShapeError(
            f"tensor: the nested list is ragged or not numeric ({error}); every row needs the same length"
        ) from error
    if array.ndim == 0:
        array = array.reshape(1)
    return _finish(TensorData(array.reshape(-1).copy(), array.shape), backend, requires_grad)


def full(shape: UserShape, value: float, backend: Any = None, requires_grad: bool = False, dtype: Any = None) -> Tensor:
    """A tensor of `shape` filled with `value`."""
    shape = tuple(int(s) for s in shape)
    size = int(np.prod(shape)) if shape else 1
    return _finish(TensorData(np.full(size, value, dtype=as_dtype(dtype)), shape), backend, requires_grad)


def zeros(shape: UserShape, backend: Any = None, requires_grad: bool = False, dtype: Any = None) -> Tensor:
    """A tensor of zeros."""
    return full(shape, 0.0, backend, requires_grad, dtype)


def ones(shape: UserShape, backend: Any = None, requires_grad: bool = False, dtype: Any = None) -> Tensor:
    """A tensor of ones."""
    return full(shape, 1.0, backend, requires_grad, dtype)


def _random(
    draw: str,
    shape: UserShape,
    backend: Any,
    requires_grad: bool,
    dtype: Any,
    generator: Optional[np.random.Generator],
) -> Tensor:
    shape = tuple(int(s) for s in shape)
    rng = generator if generator is not None else default_generator()
    size = int(np.prod(shape)) if shape else 1
    values = getattr(rng, draw)(size).astype(as_dtype(dtype))
    return _finish(TensorData(values, shape), backend, requires_grad)


def rand(
    shape: UserShape,
    backend: Any = None,
    requires_grad: bool = False,
    dtype: Any = None,
    generator: Optional[np.random.Generator] = None,
) -> Tensor:
    """Uniform draws in [0, 1) from `generator` (default: the seedable library generator)."""
    return _random("random", shape, backend, requires_grad, dtype, generator)


def randn(
    shape: UserShape,
    backend: Any = None,
    requires_grad: bool = False,
    dtype: Any = None,
    generator: Optional[np.random.Generator] = None,
) -> Tensor:
    """Standard normal draws (from `generator`, default: the seedable library generator)."""
    return _random("standard_normal", shape, backend, requires_grad, dtype, generator)


def arange(
    start: float,
    stop: Optional[float] = None,
    step: float = 1.0,
    backend: Any = None,
    requires_grad: bool = False,
    dtype: Any = None,
) -> Tensor:
    """Evenly spaced values in [start, stop) (as numpy.arange / torch.arange)."""
    values = np.arange(start, stop, step, dtype=as_dtype(dtype)) if stop is not None else np.arange(start, dtype=as_dtype(dtype))
    return _finish(TensorData(values, values.shape), backend, requires_grad)


def from_numpy(array: np.ndarray, backend: Any = None, requires_grad: bool = False) -> Tensor:
    """Wrap a numpy array without copying where its layout allows.

    float32 and float64 arrays keep their dtype and share memory when their strides are
    non-negative multiples of the item size (C order, transposes, every-k-th slices); other
    dtypes are converted to float64 (a copy).
    """
    array = np.asarray(array)
    if array.dtype not in (np.float32, np.float64):
        array = array.astype(np.float64)
    return _finish(TensorData.from_numpy(array), backend, requires_grad)


def tensor_from_numpy(array: np.ndarray, backend: Any = None) -> Tensor:
    """MiniTorch's name for `from_numpy`."""
    return from_numpy(array, backend=backend)
