"""SimpleOps: the readable reference backend, plain Python loops over index math.

Its window and row kernels are the generic array code every backend inherits from `TensorOps`.

Slow by design; every other backend is tested against the same oracle it is.
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from ..core.tensor_data import (
    TensorData,
    broadcast_index,
    index_to_position,
    to_index,
)
from .base import TensorBackend, TensorOps

__all__ = ["SimpleOps", "SimpleBackend"]


def _size(shape: Sequence[int]) -> int:
    total = 1
    for s in shape:
        total *= s
    return total


def tensor_map(fn: Callable[[float], float]) -> Callable[..., None]:
    """Raw map: out[i] = fn(a[broadcast(i)]) for every index i of out."""

    def kernel(out_data: TensorData, in_data: TensorData) -> None:
        out, out_shape, out_strides = out_data.tuple()
        in_storage, in_shape, in_strides = in_data.tuple()
        out_index = np.zeros(len(out_shape), dtype=np.int64)
        in_index = np.zeros(len(in_shape), dtype=np.int64)
        for ordinal in range(_size(out_shape)):
            to_index(ordinal, out_shape, out_index)
            broadcast_index(out_index, out_shape, in_shape, in_index)
            value = in_storage[index_to_position(in_index, in_strides)]
            out[index_to_position(out_index, out_strides)] = fn(float(value))

    return kernel


def tensor_zip(fn: Callable[[float, float], float]) -> Callable[..., None]:
    """Raw zip: out[i] = fn(a[broadcast(i)], b[broadcast(i)])."""

    def kernel(out_data: TensorData, a_data: TensorData, b_data: TensorData) -> None:
        out, out_shape, out_strides = out_data.tuple()
        a, a_shape, a_strides = a_data.tuple()
        b, b_shape, b_strides = b_data.tuple()
        out_index = np.zeros(len(out_shape), dtype=np.int64)
        a_index = np.zeros(len(a_shape), dtype=np.int64)
        b_index = np.zeros(len(b_shape), dtype=np.int64)
        for ordinal in range(_size(out_shape)):
            to_index(ordinal, out_shape, out_index)
            broadcast_index(out_index, out_shape, a_shape, a_index)
            broadcast_index(out_index, out_shape, b_shape, b_index)
            a_value = float(a[index_to_position(a_index, a_strides)])
            b_value = float(b[index_to_position(b_index, b_strides)])
            out[index_to_position(out_index, out_strides)] = fn(a_value, b_value)

    return kernel


def tensor_reduce(fn: Callable[[float, float], float]) -> Callable[..., None]:
    """Raw reduce along `dim`: out (dim of size 1) already holds the start value."""

    def kernel(out_data: TensorData, a_data: TensorData, dim: int) -> None:
        out, out_shape, out_strides = out_data.tuple()
        a, a_shape, a_strides = a_data.tuple()
        out_index = np.zeros(len(out_shape), dtype=np.int64)
        for ordinal in range(_size(out_shape)):
            to_index(ordinal, out_shape, out_index)
            position = index_to_position(out_index, out_strides)
            accumulator = float(out[position])
            a_index = out_index.copy()
            for j in range(a_shape[dim]):
                a_index[dim] = j
                accumulator = fn(accumulator, float(a[index_to_position(a_index, a_strides)]))
            out[position] = accumulator

    return kernel


def tensor_matrix_multiply(out_data: TensorData, a_data: TensorData, b_data: TensorData) -> None:
    """Raw batched matmul: out[..., i, j] = sum_k a[..., i, k] * b[..., k, j] (batch dims broadcast)."""
    out, out_shape, out_strides = out_data.tuple()
    a, a_shape, a_strides = a_data.tuple()
    b, b_shape, b_strides = b_data.tuple()
    out_index = np.zeros(len(out_shape), dtype=np.int64)
    a_index = np.zeros(len(a_shape), dtype=np.int64)
    b_index = np.zeros(len(b_shape), dtype=np.int64)
    inner = a_shape[-1]
    for ordinal in range(_size(out_shape)):
        to_index(ordinal, out_shape, out_index)
        broadcast_index(out_index, out_shape, a_shape, a_index)
        broadcast_index(out_index, out_shape, b_shape, b_index)
        total = 0.0
        for k in range(inner):
            a_index[-2] = out_index[-2]
            a_index[-1] = k
            b_index[-2] = k
            b_index[-1] = out_index[-1]
            total += float(a[index_to_position(a_index, a_strides)]) * float(
                b[index_to_position(b_index, b_strides)]
            )
        out[index_to_position(out_index, out_strides)] = total


class SimpleOps(TensorOps):
    """Pure-Python kernels: the reference backend."""

    name = "simple"
    map_kernel = staticmethod(tensor_map)
    zip_kernel = staticmethod(tensor_zip)
    reduce_kernel = staticmethod(tensor_reduce)
    matmul_kernel = staticmethod(tensor_matrix_multiply)
    # window and row kernels: the generic ones of TensorOps (array code over numpy)


SimpleBackend = TensorBackend(SimpleOps)
