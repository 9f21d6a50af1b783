"""The element types a tensor can hold, and how mixed types combine.

Four dtypes, as numpy dtypes: `float64` (the default, as in MiniTorch), `float32`, `int64`
(indices: argmax, max(dim) indices, pooling indices) and `bool` (comparison masks).
Gradients flow only through the float dtypes.

Mixing dtypes follows PyTorch's categories, bool < int64 < float: the result has the higher
category, and a float operand's own precision (a Python number never widens a tensor:
`float32_tensor * 2.0` stays float32, `int64_tensor * 0.5` becomes the default float).
Two float tensors of different precision give float64 (PyTorch raises only for matmul/conv;
here every op promotes, see README "Differences from PyTorch").
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import DTypeError

__all__ = [
    "float32",
    "float64",
    "int64",
    "bool_",
    "SUPPORTED_DTYPES",
    "FLOAT_DTYPES",
    "as_dtype",
    "as_float_dtype",
    "is_floating",
    "result_type",
    "scalar_dtype",
    "get_default_dtype",
    "set_default_dtype",
]

float64 = np.dtype(np.float64)
float32 = np.dtype(np.float32)
int64 = np.dtype(np.int64)
bool_ = np.dtype(np.bool_)

FLOAT_DTYPES = (float64, float32)
SUPPORTED_DTYPES = (float64, float32, int64, bool_)

_NAMES = {
    "float": float64,
    "double": float64,
    "float64": float64,
    "float32": float32,
    "long": int64,
    "int64": int64,
    "bool": bool_,
}
_KIND_RANK = {"b": 0, "i": 1, "f": 2}


class _Defaults:
    float_dtype = float64


_defaults = _Defaults()


def get_default_dtype() -> np.dtype:
    """The float dtype of new tensors when none is given (float64, as in MiniTorch)."""
    return _defaults.float_dtype


def set_default_dtype(dtype: Any) -> None:
    """Make `dtype` ("float32" or "float64") the float dtype of new tensors and layers when none
    is given (as `torch.set_default_dtype`); the course's code expects the float64 default.

    Raises:
        DTypeError: for a dtype that is not a float dtype.

    Example:
        >>> set_default_dtype("float32"); minitorch.zeros((1,)).dtype
        dtype('float32')
        >>> set_default_dtype("float64")
    """
    resolved = as_dtype(dtype)
    if resolved not in FLOAT_DTYPES:
        raise DTypeError(f"set_default_dtype: the default must be float32 or float64, got {resolved}")
    _defaults.float_dtype = resolved


def as_dtype(dtype: Any) -> np.dtype:
    """Normalise a dtype argument: None -> the default float dtype; "float32", "float64",
    "int64" (or "long"), "bool"; numpy dtypes and types; Python `float`, `int`, `bool`.

    Raises:
        DTypeError: for anything else.

    Example:
        >>> as_dtype("long")
        dtype('int64')
    """
    if dtype is None:
        return _defaults.float_dtype
    if isinstance(dtype, np.dtype) and dtype in SUPPORTED_DTYPES:  # the common case, fast
        return dtype
    if dtype is float:
        return float64
    if dtype is int:
        return int64
    if dtype is bool:
        return bool_
    name = getattr(dtype, "name", dtype)
    resolved: Any = _NAMES.get(name) if isinstance(name, str) else None
    if resolved is None:
        try:
            resolved = np.dtype(dtype)
        except TypeError as error:
            raise DTypeError(f"dtype: {dtype!r} is not a dtype; use 'float32', 'float64', 'int64' or 'bool'") from error
    if resolved not in SUPPORTED_DTYPES:
        raise DTypeError(f"dtype: {resolved} is not supported; use 'float32', 'float64', 'int64' or 'bool'")
    return np.dtype(resolved)


def as_float_dtype(dtype: Any, op: str) -> np.dtype:
    """`as_dtype` for ops that make only floats (rand, randn, linspace, ...).

    Raises:
        DTypeError: for int64 and bool.
    """
    resolved = as_dtype(dtype)
    if resolved.kind != "f":
        raise DTypeError(f"{op}: dtype {resolved} is not a float dtype; use 'float32' or 'float64'")
    return resolved


def is_floating(dtype: np.dtype) -> bool:
    """True for float32 and float64."""
    return dtype.kind == "f"


def result_type(a: np.dtype, b: np.dtype) -> np.dtype:
    """The dtype of an op on tensors of dtypes `a` and `b` (bool < int64 < float; floats widen).

    Example:
        >>> result_type(np.dtype("int64"), np.dtype("float32"))
        dtype('float32')
    """
    if a == b:
        return a
    rank_a, rank_b = _KIND_RANK[a.kind], _KIND_RANK[b.kind]
    if rank_a == rank_b:
        return np.promote_types(a, b)
    return a if rank_a > rank_b else b


def scalar_dtype(tensor_dtype: np.dtype, value: Any) -> np.dtype:
    """The dtype a Python number takes beside a tensor of `tensor_dtype`: the tensor's own,
    unless the number is of a higher category (a float beside an int64 tensor takes the
    default float dtype; an int beside a bool tensor takes int64)."""
    kind = tensor_dtype.kind
    if isinstance(value, (bool, np.bool_)):
        return tensor_dtype
    if isinstance(value, (int, np.integer)):
        return int64 if kind == "b" else tensor_dtype
    return tensor_dtype if kind == "f" else _defaults.float_dtype
