"""Tensors and their backend's arrays: the one door through which ops reach data.

An op reads a tensor as an array of its backend's namespace (`array`: a zero-copy strided
view; numpy for the CPU backends, a device array for a GPU one), computes with that namespace
(`namespace`) and the backend's named kernels (`t.backend.ops`), and wraps the result as a
tensor on the same backend (`from_array`). No op imports numpy: the same op code runs on
every backend (tests/test_architecture.py checks it).
"""

from __future__ import annotations

import numbers
from typing import Any, ContextManager, Optional, Sequence, Tuple, TypeGuard, Union, cast

from ..core.tensor import Tensor
from ..core.tensor_data import TensorData

__all__ = ["array", "from_array", "int_tuple", "is_int", "namespace", "quiet"]


def namespace(t: Tensor) -> Any:
    """The array namespace of `t`'s backend (`xp`)."""
    return t.backend.xp


def array(t: Tensor) -> Any:
    """A zero-copy array of `t`'s backend over `t`'s data (its shape and strides; writes go through)."""
    return t.backend.ops.array(t._tensor)


def from_array(like: Tensor, values: Any, shape: Optional[Sequence[int]] = None) -> Tensor:
    """A tensor on `like`'s backend holding `values` (an array of its namespace), viewed as
    `shape` (default: the array's shape); copied only when not C-contiguous."""
    shape = tuple(values.shape) if shape is None else tuple(int(s) for s in shape)  # first: 0-d stays 0-d
    values = like.backend.xp.ascontiguousarray(values)
    return like._new(TensorData._trusted(values.reshape(-1), shape))  # flat storage, given shape


def quiet(t: Tensor) -> ContextManager[Any]:
    """A context in which `t`'s backend raises no floating-point warnings (inf, NaN are results)."""
    return t.backend.ops.quiet()


def is_int(value: Any) -> TypeGuard[int]:
    """Whether `value` is an integer (a Python or numpy int) -- for argument checks."""
    return type(value) is int or isinstance(value, numbers.Integral)  # the common case first (ABC checks are slow)


def int_tuple(value: Union[int, Sequence[int]], n: int) -> Tuple[int, ...]:
    """An int repeated n times, or a sequence as a tuple (its entries checked by the caller)."""
    return (int(value),) * n if is_int(value) else tuple(cast(Sequence[int], value))
