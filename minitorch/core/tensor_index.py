"""Tensor methods that read or write selected entries: `x[key]`, `x[key] = v`, `fill_`,
`zero_`, `copy_`, `normal_`, `uniform_`, gather / scatter_add / index_select / masked_select,
nonzero (a mixin of `Tensor`).

Sugar over `minitorch.ops.indexing`, reached through `core.dispatch.ops`. One int per dim
(`x[i, j]`) reads a Python number, as in the MiniTorch course; every other key follows
NumPy/PyTorch (see `core/indexing.py`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Literal, Optional, Self, Tuple, Union, overload

import numpy as np

from .dispatch import ops
from .indexing import parse_key, view_layout
from .random import default_generator
from .tensor_data import TensorData

if TYPE_CHECKING:
    from .tensor import Tensor

__all__ = ["IndexMethods"]


class IndexMethods:
    """Reading and writing entries of `Tensor`."""

    __slots__ = ()

    _tensor: TensorData
    history: Any
    _new: Callable[[TensorData], Any]

    def __getitem__(self, key: Any) -> Any:
        data = self._tensor
        parts = key if key.__class__ is tuple else (key,)
        layout = view_layout(parts, data._shape, data._strides)  # None unless ints, slices, None
        if layout is not None:
            offset, shape, strides, size = layout
            if not shape and len(parts) == data.dims and None not in parts:  # one int per dim
                return data._storage[offset].item()  # the course's t[i, j]: a Python number
            if self.history is None:  # a view, and no graph to record
                storage = data._storage
                return self._new(TensorData._trusted(storage[offset:] if offset else storage, shape, strides, size))
        return ops.getitem(self, key, parse_key(key, data._shape))

    def __setitem__(self, key: Any, value: Any) -> None:
        ops.setitem(self, key, value)

    def fill_(self, value: Any) -> Self:
        """Set every entry to `value` (in place; not while recording this tensor's gradient)."""
        ops.setitem(self, ..., value)
        return self

    def zero_(self) -> Self:
        """Set every entry to 0 (in place)."""
        return self.fill_(0)

    def copy_(self, src: Any) -> Self:
        """Copy `src` (broadcast to this shape, converted to this dtype) into this tensor."""
        ops.setitem(self, ..., src)
        return self

    def normal_(self, mean: float = 0.0, std: float = 1.0, *, generator: Optional[np.random.Generator] = None) -> Self:
        """Fill with normal draws (as `torch.Tensor.normal_`; from `generator`, default the seedable
        library generator; in place, as `copy_`)."""
        rng = generator if generator is not None else default_generator()
        return self.copy_(rng.standard_normal(self._tensor.shape) * std + mean)

    def uniform_(self, a: float = 0.0, b: float = 1.0, *, generator: Optional[np.random.Generator] = None) -> Self:
        """Fill with uniform draws in [a, b) (as `torch.Tensor.uniform_`; in place, as `copy_`)."""
        rng = generator if generator is not None else default_generator()
        return self.copy_(a + (b - a) * rng.random(self._tensor.shape))

    def gather(self, dim: int, index: "Tensor") -> "Tensor":
        return ops.gather(self, dim, index)

    def scatter_add(self, dim: int, index: "Tensor", src: "Tensor") -> "Tensor":
        return ops.scatter_add(self, dim, index, src)

    def index_select(self, dim: int, index: "Tensor") -> "Tensor":
        """The slices along `dim` that the int64 `index` names (as `torch.index_select`)."""
        return ops.index_select(self, dim, index)

    def masked_select(self, mask: "Tensor") -> "Tensor":
        """The entries where `mask` holds, as a 1-D tensor (as `torch.masked_select`)."""
        return ops.masked_select(self, mask)

    @overload
    def nonzero(self, *, as_tuple: Literal[False] = ...) -> "Tensor": ...
    @overload
    def nonzero(self, *, as_tuple: Literal[True]) -> Tuple["Tensor", ...]: ...
    @overload
    def nonzero(self, *, as_tuple: bool = ...) -> Union["Tensor", Tuple["Tensor", ...]]: ...

    def nonzero(self, *, as_tuple: bool = False) -> Union["Tensor", Tuple["Tensor", ...]]:
        """The indices of the non-zero entries (as `torch.nonzero`)."""
        return ops.nonzero(self, as_tuple=as_tuple)

    def argwhere(self) -> "Tensor":
        return ops.argwhere(self)
