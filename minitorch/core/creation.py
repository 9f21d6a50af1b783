"""Tensor constructors: from nested lists, numpy arrays, constants, ranges and random draws.

Every constructor takes `backend` (default: the fast CPU backend), `requires_grad` and
`dtype` ("float64", the MiniTorch default, "float32", "int64" or "bool"). Shapes are given
as MiniTorch does, `zeros((2, 3))`, or as PyTorch does, `zeros(2, 3)`.
"""

from __future__ import annotations

import math
from typing import Any, Optional, Tuple

import numpy as np

from ..errors import DTypeError, ShapeError
from .dtypes import as_dtype, as_float_dtype, get_default_dtype
from .random import default_generator
from .tensor import Tensor
from .tensor_data import TensorData

__all__ = [
    "tensor",
    "zeros",
    "ones",
    "full",
    "empty",
    "eye",
    "rand",
    "randn",
    "arange",
    "linspace",
    "zeros_like",
    "ones_like",
    "full_like",
    "rand_like",
    "randn_like",
    "from_numpy",
    "tensor_from_numpy",
]


def _shape(size: Tuple[Any, ...], backend: Any) -> Tuple[Tuple[int, ...], Any]:
    """(shape, backend) from `f((2, 3))`, `f(2, 3)` or MiniTorch's positional `f(shape, backend)`."""
    if size and not isinstance(size[-1], (int, np.integer, tuple, list)) and backend is None:
        size, backend = size[:-1], size[-1]  # f(shape, backend)
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    if not all(isinstance(s, (int, np.integer)) and s >= 0 for s in size):
        raise ShapeError(f"shape: sizes must be non-negative ints, got {size}")
    return tuple(int(s) for s in size), backend


def _finish(data: TensorData, backend: Any, requires_grad: bool) -> Tensor:
    out = Tensor(data, backend=backend)
    if requires_grad:
        out.requires_grad_(True)
    return out


def _filled(shape: Tuple[int, ...], values: np.ndarray, backend: Any, requires_grad: bool) -> Tensor:
    return _finish(TensorData(values.reshape(-1), shape), backend, requires_grad)


def tensor(ls: Any, backend: Any = None, requires_grad: bool = False, dtype: Any = None) -> Tensor:
    """A tensor from a (nested) list of numbers, a number, or a numpy array (copied).

    The default dtype is float64 even for integer data (MiniTorch's rule; PyTorch would
    infer int64): pass `dtype="int64"` or `dtype="bool"` for those.

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


def full(size: Any, fill_value: float, backend: Any = None, requires_grad: bool = False, dtype: Any = None) -> Tensor:
    """A tensor of shape `size` filled with `fill_value` (as `torch.full`).

    Example:
        >>> full((2,), 7.0).tolist()
        [7.0, 7.0]
    """
    shape, backend = _shape((size,), backend)
    return _filled(shape, np.full(math.prod(shape), fill_value, dtype=as_dtype(dtype)), backend, requires_grad)


def zeros(*size: Any, backend: Any = None, requires_grad: bool = False, dtype: Any = None) -> Tensor:
    """A tensor of zeros: `zeros((2, 3))` or `zeros(2, 3)`."""
    shape, backend = _shape(size, backend)
    return _filled(shape, np.zeros(math.prod(shape), dtype=as_dtype(dtype)), backend, requires_grad)


def ones(*size: Any, backend: Any = None, requires_grad: bool = False, dtype: Any = None) -> Tensor:
    """A tensor of ones: `ones((2, 3))` or `ones(2, 3)`."""
    shape, backend = _shape(size, backend)
    return _filled(shape, np.ones(math.prod(shape), dtype=as_dtype(dtype)), backend, requires_grad)


def empty(*size: Any, backend: Any = None, requires_grad: bool = False, dtype: Any = None) -> Tensor:
    """A tensor whose entries are not initialised (as `torch.empty`)."""
    shape, backend = _shape(size, backend)
    return _filled(shape, np.empty(math.prod(shape), dtype=as_dtype(dtype)), backend, requires_grad)


def eye(n: int, m: Optional[int] = None, backend: Any = None, requires_grad: bool = False, dtype: Any = None) -> Tensor:
    """The n x m identity matrix (m defaults to n; as `torch.eye`).

    Example:
        >>> eye(2).tolist()
        [[1.0, 0.0], [0.0, 1.0]]
    """
    m = n if m is None else m
    shape, backend = _shape((n, m), backend)
    return _filled(shape, np.eye(n, m, dtype=as_dtype(dtype)), backend, requires_grad)


def _random(draw: str, size: Tuple[Any, ...], backend: Any, requires_grad: bool, dtype: Any,
            generator: Optional[np.random.Generator]) -> Tensor:
    shape, backend = _shape(size, backend)
    rng = generator if generator is not None else default_generator()
    values = getattr(rng, draw)(math.prod(shape)).astype(as_float_dtype(dtype, draw.replace("standard_normal", "randn")))
    return _filled(shape, values, backend, requires_grad)


def rand(*size: Any, backend: Any = None, requires_grad: bool = False, dtype: Any = None,
         generator: Optional[np.random.Generator] = None) -> Tensor:
    """Uniform draws in [0, 1) from `generator` (default: the seedable library generator)."""
    return _random("random", size, backend, requires_grad, dtype, generator)


def randn(*size: Any, backend: Any = None, requires_grad: bool = False, dtype: Any = None,
          generator: Optional[np.random.Generator] = None) -> Tensor:
    """Standard normal draws (from `generator`, default: the seedable library generator)."""
    return _random("standard_normal", size, backend, requires_grad, dtype, generator)


def arange(start: float, end: Optional[float] = None, step: float = 1, backend: Any = None,
           requires_grad: bool = False, dtype: Any = None) -> Tensor:
    """Evenly spaced values in [start, end) (as `torch.arange`): int64 when start, end and step
    are all ints, else the default float dtype.

    Example:
        >>> arange(3).tolist(), arange(0, 1, 0.5).tolist()
        ([0, 1, 2], [0.0, 0.5])
    """
    if end is None:
        start, end = 0, start
    integral = all(isinstance(v, (int, np.integer)) for v in (start, end, step))
    if step == 0:
        raise ShapeError("arange: step must not be 0")
    resolved = as_dtype(dtype) if dtype is not None else (np.dtype(np.int64) if integral else get_default_dtype())
    values = np.arange(start, end, step, dtype=resolved)
    return _filled(values.shape, values, backend, requires_grad)


def linspace(start: float, end: float, steps: int, backend: Any = None, requires_grad: bool = False,
             dtype: Any = None) -> Tensor:
    """`steps` evenly spaced values from start to end, both included (as `torch.linspace`).

    Example:
        >>> linspace(0, 1, 3).tolist()
        [0.0, 0.5, 1.0]
    """
    if not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ShapeError(f"linspace: steps must be a non-negative int, got {steps!r}")
    values = np.linspace(start, end, int(steps), dtype=as_float_dtype(dtype, "linspace"))
    return _filled(values.shape, values, backend, requires_grad)


def _like(input: Tensor, dtype: Any) -> Tuple[Tuple[int, ...], np.dtype]:
    if not isinstance(input, Tensor):
        raise DTypeError(f"*_like: input must be a minitorch Tensor, got {type(input).__name__}")
    return input.shape, input.dtype if dtype is None else as_dtype(dtype)


def full_like(input: Tensor, fill_value: float, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of input's shape, dtype and backend filled with `fill_value`."""
    shape, resolved = _like(input, dtype)
    return full(shape, fill_value, backend=input.backend, requires_grad=requires_grad, dtype=resolved)


def zeros_like(input: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Zeros of input's shape, dtype and backend (as `torch.zeros_like`)."""
    return full_like(input, 0, dtype, requires_grad)


def ones_like(input: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Ones of input's shape, dtype and backend (as `torch.ones_like`)."""
    return full_like(input, 1, dtype, requires_grad)


def rand_like(input: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Uniform draws in [0, 1) of input's shape, dtype and backend (as `torch.rand_like`)."""
    shape, resolved = _like(input, dtype)
    return rand(shape, backend=input.backend, requires_grad=requires_grad, dtype=resolved)


def randn_like(input: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Standard normal draws of input's shape, dtype and backend (as `torch.randn_like`)."""
    shape, resolved = _like(input, dtype)
    return randn(shape, backend=input.backend, requires_grad=requires_grad, dtype=resolved)


def from_numpy(array: np.ndarray, backend: Any = None, requires_grad: bool = False) -> Tensor:
    """Wrap a numpy array without copying where its layout allows.

    float32, float64, int64 and bool arrays keep their dtype and share memory when their
    strides are non-negative multiples of the item size (C order, transposes, slices); other
    integer dtypes are converted to int64 and other floats to float64 (a copy).
    """
    return _finish(TensorData.from_numpy(np.asarray(array)), backend, requires_grad)


def tensor_from_numpy(array: np.ndarray, backend: Any = None) -> Tensor:
    """MiniTorch's name for `from_numpy`."""
    return from_numpy(array, backend=backend)
