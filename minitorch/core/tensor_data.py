"""Strided storage: `TensorData`, a flat storage with the shape and strides that give it meaning.

A tensor's numbers live in a flat 1-D numpy array (its *storage*). The *shape* says how many
entries each dimension has and the *strides* how many storage positions one step along a
dimension moves (counted in elements, not bytes). Permuting dimensions only permutes shape
and strides, so many tensors can share one storage.

The index arithmetic (positions, row-major strides, broadcasting) is in `core/strides.py`;
it is re-exported here under the course's names (`minitorch.tensor_data.index_to_position`).
"""

from __future__ import annotations

import random
from typing import Iterable, Optional, Sequence, Tuple, Union

import numpy as np
import numpy.typing as npt

from ..errors import IndexingError
from .dtypes import SUPPORTED_DTYPES, as_dtype
from .indexing import is_row_major, view_layout
from .strides import (
    UserIndex,
    UserShape,
    UserStrides,
    broadcast_index,
    element_count,
    index_to_position,
    row_major,
    shape_broadcast,
    strides_from_shape,
    to_index,
)

__all__ = [
    "IndexingError",
    "UserIndex",
    "UserShape",
    "UserStrides",
    "Storage",
    "TensorData",
    "index_to_position",
    "to_index",
    "broadcast_index",
    "shape_broadcast",
    "strides_from_shape",
    "row_major",
    "SUPPORTED_DTYPES",
    "as_dtype",
]

Storage = npt.NDArray[np.generic]


def _storable(dtype: np.dtype) -> np.dtype:
    """The supported dtype an array of `dtype` is stored as (int64 for integers, else float64)."""
    if dtype.kind in "iu":
        return np.dtype(np.int64)
    if dtype.kind == "b":
        return np.dtype(np.bool_)
    return np.dtype(np.float64)


class TensorData:
    """A storage plus the shape and strides that give it meaning.

    Args:
        storage: a sequence of numbers (stored as float64, as in MiniTorch) or a 1-D array of
            a supported dtype (float64, float32, int64, bool; other numpy integer arrays are
            converted to int64, other floats to float64). A view starting inside a larger
            array is how a tensor sees part of another's storage (`x[1:]`): storage offsets
            are slices of the storage, so kernels always start at position 0.
        shape: the logical shape.
        strides: element strides; default row-major.

    Raises:
        IndexingError: when shape and strides differ in length or the storage is too small.
    """

    __slots__ = ("_storage", "_shape", "_strides", "dims", "size", "_view", "_contiguous")  # (made for every view)

    def __init__(
        self,
        storage: Union[Sequence[float], Storage],
        shape: UserShape,
        strides: Optional[UserStrides] = None,
    ) -> None:
        if isinstance(storage, np.ndarray):
            if storage.dtype not in SUPPORTED_DTYPES:
                storage = storage.astype(_storable(storage.dtype))
            self._storage = storage if storage.ndim == 1 else storage.reshape(-1)
        elif (hasattr(storage, "__array_namespace__") or hasattr(storage, "__cuda_array_interface__")) and (
            # a device array (the GPU backend's storage): no numpy type describes it, and mypy
            # cannot tell it from the Sequence[float] case by hasattr
            storage.dtype in SUPPORTED_DTYPES  # type: ignore[attr-defined]
        ):
            self._storage = storage  # type: ignore[assignment]
        else:
            self._storage = np.array(storage, dtype=np.float64).reshape(-1)
        self._shape = tuple(int(s) for s in shape)
        if strides is None:
            strides = strides_from_shape(self._shape)
        self._strides = tuple(int(s) for s in strides)
        if len(self._strides) != len(self._shape):
            raise IndexingError(f"TensorData: strides {self._strides} do not match shape {self._shape}")
        self.dims = len(self._shape)
        self.size = element_count(self._shape)
        self._view: Optional[np.ndarray] = None
        self._contiguous: Optional[bool] = None
        if self.size > 0:
            last = sum((s - 1) * st for s, st in zip(self._shape, self._strides))
            if last >= len(self._storage) or any(st < 0 for st in self._strides):
                raise IndexingError(
                    f"TensorData: storage of {len(self._storage)} elements is too small for shape "
                    f"{self._shape} with strides {self._strides}"
                )

    @classmethod
    def _trusted(
        cls, storage: Storage, shape: Tuple[int, ...], strides: Optional[Tuple[int, ...]] = None, size: Optional[int] = None
    ) -> "TensorData":
        """Construct without validation, for layouts the library itself computed (`size`, the
        product of `shape`, when the caller has it)."""
        data = cls.__new__(cls)
        data._storage = storage
        data._shape = shape
        data.dims = len(shape)
        data._view = None
        if strides is None:  # row-major: strides and size from a cache (every op's output asks again)
            data._strides, data.size = row_major(shape) if type(shape) is tuple else (strides_from_shape(shape), element_count(shape))
            data._contiguous = True
        else:
            data._strides = strides
            data.size = element_count(shape) if size is None else size
            data._contiguous = None
        return data

    @property
    def shape(self) -> Tuple[int, ...]:
        return self._shape

    @property
    def strides(self) -> Tuple[int, ...]:
        return self._strides

    @property
    def dtype(self) -> np.dtype:
        return self._storage.dtype


    def is_contiguous(self) -> bool:
        """True when the strides are row-major for the shape (storage order = index order)."""
        if self._contiguous is None:
            shape = self._shape
            row_major_strides = row_major(shape)[0] if type(shape) is tuple else strides_from_shape(shape)
            self._contiguous = self.size == 0 or self._strides == row_major_strides
            if not self._contiguous:  # size-1 dims may have any stride
                self._contiguous = is_row_major(shape, self._strides)
        return self._contiguous

    @staticmethod
    def shape_broadcast(shape_a: UserShape, shape_b: UserShape) -> Tuple[int, ...]:
        return shape_broadcast(shape_a, shape_b)

    def index(self, index: Union[int, UserIndex]) -> int:
        """Storage position of `index`, checked (the course's layout contract: no negatives).

        Raises:
            IndexingError: wrong number of indices, or one outside `0 <= i < size`
                (`get`/`set`, behind `Tensor[...]`, first resolve negative indices from the end).
        """
        if isinstance(index, (int, np.integer)):
            index = (int(index),)
        index = tuple(int(i) for i in index)
        if len(index) != len(self._shape):
            raise IndexingError(
                f"index {index} has {len(index)} entries but the tensor has shape {self._shape}"
            )
        for i, (value, size) in enumerate(zip(index, self._shape)):
            if not 0 <= value < size:
                raise IndexingError(f"index {index} is out of range for shape {self._shape} (dim {i})")
        return index_to_position(index, self._strides)

    def _from_end(self, key: Union[int, UserIndex]) -> UserIndex:
        """`key` with negative entries counted from the end of their dim, as in Python (`t[-1]`)."""
        key = (int(key),) if isinstance(key, (int, np.integer)) else tuple(int(v) for v in key)
        return tuple(v + size if v < 0 else v for v, size in zip(key, self._shape)) + key[len(self._shape):]

    def indices(self) -> Iterable[UserIndex]:
        """Every index of the shape, in row-major order."""
        index = np.zeros(len(self._shape), dtype=np.int64)
        for ordinal in range(self.size):
            to_index(ordinal, self._shape, index)
            yield tuple(int(i) for i in index)

    def sample(self) -> UserIndex:
        """A random valid index."""
        return tuple(random.randint(0, s - 1) for s in self._shape)

    def get(self, key: UserIndex) -> Union[float, int, bool]:
        """The entry at `key` as a Python number (float, int or bool, by dtype)."""
        return self._storage[self.index(self._from_end(key))].item()

    def set(self, key: UserIndex, val: float) -> None:
        self._storage[self.index(self._from_end(key))] = val

    def tuple(self) -> Tuple[Storage, Tuple[int, ...], Tuple[int, ...]]:
        """(storage, shape, strides): what kernels take."""
        return (self._storage, self._shape, self._strides)

    def select(self, entries: Sequence[object]) -> "TensorData":
        """The view that ints, slices and Nones select (see `core.indexing.view_layout`):
        the same storage from the view's first position, with the view's shape and strides.

        Example:
            >>> TensorData(list(range(6)), (2, 3)).select((slice(None), 1)).to_numpy_view().tolist()
            [1.0, 4.0]
        """
        layout = view_layout(entries, self._shape, self._strides)
        if layout is None:
            raise IndexingError(f"select: {entries} holds more than ints, slices and None")
        offset, shape, strides, size = layout
        storage = self._storage
        return TensorData._trusted(storage[offset:] if offset else storage, shape, strides, size)

    def narrow(self, dim: int, start: int, length: int) -> "TensorData":
        """The view of entries start..start + length - 1 along `dim` (a range inside the dim,
        checked by the caller): `select` for one slice, without reading a key.

        Example:
            >>> TensorData(list(range(6)), (3, 2)).narrow(0, 1, 2).to_numpy_view().tolist()
            [[2.0, 3.0], [4.0, 5.0]]
        """
        shape = self._shape
        whole = shape[dim]
        storage = self._storage
        data = TensorData._trusted(
            storage[start * self._strides[dim] :] if start and length else storage,
            shape[:dim] + (length,) + shape[dim + 1 :],
            self._strides,
            self.size // whole * length if whole else 0,
        )
        if dim == 0 and self._contiguous:  # rows of row-major data are row-major
            data._contiguous = True
        return data

    def expand(self, shape: Tuple[int, ...]) -> "TensorData":
        """The same storage seen broadcast to `shape` (a broadcast of this shape, checked by the
        caller): stride 0 along new leading dims and along dims grown from size 1."""
        lead = len(shape) - self.dims
        strides = (0,) * lead + tuple(stride if own == size else 0
                                      for size, own, stride in zip(shape[lead:], self._shape, self._strides))
        return TensorData._trusted(self._storage, shape, strides)

    def permute(self, *order: int) -> "TensorData":
        """The same storage seen with dimensions reordered.

        Raises:
            IndexingError: unless `order` is a permutation of range(dims).
        """
        if sorted(order) != list(range(len(self._shape))):
            raise IndexingError(
                f"permute: order {tuple(order)} is not a permutation of the {len(self._shape)} dims "
                f"of shape {self._shape}"
            )
        return TensorData._trusted(
            self._storage,
            tuple(self._shape[i] for i in order),
            tuple(self._strides[i] for i in order),
        )

    def to_numpy_view(self) -> np.ndarray:
        """A zero-copy numpy view with this shape and these strides (read and write; cached).

        For storage in device memory (a GPU tensor's CuPy array) it is a host copy instead,
        made on every call (`get()`, CuPy's copy to the host): writes to it do not reach the tensor.
        """
        view = self._view
        if view is None:
            storage = self._storage
            if not isinstance(storage, np.ndarray):
                return TensorData._trusted(storage.get(), self._shape, self._strides).to_numpy_view()
            if self.is_contiguous():  # row-major from the storage's start (a view's storage starts at it)
                view = (storage if self.size == storage.size else storage[: self.size]).reshape(self._shape)
            else:
                itemsize = storage.itemsize
                strides = tuple(s * itemsize for s in self._strides)
                if storage.flags.c_contiguous:  # ndarray over the storage's buffer: ~10x cheaper than as_strided
                    view = np.ndarray(self._shape, storage.dtype, storage, 0, strides)
                else:  # a strided 1-D array given as storage (TensorData(x[::2], ...))
                    view = np.lib.stride_tricks.as_strided(storage, shape=self._shape, strides=strides)
            self._view = view
        return view

    @staticmethod
    def from_numpy(array: np.ndarray) -> "TensorData":
        """Wrap an array of a supported dtype without copying where its layout allows.

        Other dtypes are converted (integers to int64, floats to float64). Arrays with
        negative strides or byte strides that are not whole elements are copied
        (contiguously) first; a view starting inside its base shares the base's memory.
        """
        if array.dtype not in SUPPORTED_DTYPES:
            array = array.astype(_storable(array.dtype))
        itemsize = array.itemsize
        if array.size == 0:
            return TensorData(np.zeros(0, dtype=array.dtype), array.shape)
        if array.flags.c_contiguous:
            return TensorData(array.reshape(-1), array.shape)
        strides_ok = all(s >= 0 and s % itemsize == 0 for s in array.strides)
        if strides_ok:
            element_strides = tuple(s // itemsize for s in array.strides)
            base = array
            # Find the flat buffer the view starts at: the view itself when it starts at the
            # first element of a 1-D-reshapeable base.
            while base.base is not None and isinstance(base.base, np.ndarray):
                base = base.base
            if base.flags.c_contiguous and base.dtype == array.dtype:
                offset = (array.__array_interface__["data"][0] - base.__array_interface__["data"][0])
                if offset >= 0 and offset % itemsize == 0:
                    return TensorData(base.reshape(-1)[offset // itemsize :], array.shape, element_strides)
        return TensorData(np.ascontiguousarray(array).reshape(-1), array.shape)

    def to_string(self) -> str:
        """A nested, bracketed rendering of the values (used by Tensor's repr)."""
        values = self.to_numpy_view()
        return np.array2string(values, precision=5, separator=", ", threshold=1000)
