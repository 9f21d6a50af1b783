"""Tensor methods that read or write selected entries: `x[key]`, `x[key] = v`, `fill_`,
`zero_`, `copy_` (a mixin of `Tensor`).

Sugar over `minitorch.ops.indexing`, reached through `core.dispatch.ops`. One int per dim
(`x[i, j]`) reads a Python number, as in the MiniTorch course; every other key follows
NumPy/PyTorch (see `core/indexing.py`).
"""

from __future__ import annotations

from typing import Any, Self

from .dispatch import ops
from .indexing import parse_key
from .tensor_data import TensorData

__all__ = ["IndexMethods"]


class IndexMethods:
    """Reading and writing entries of `Tensor`."""

    _tensor: TensorData

    def __getitem__(self, key: Any) -> Any:
        plan = parse_key(key, self._tensor.shape)
        if plan.kind == "element":  # the course's t[i, j]: a Python number
            return self._tensor.get(plan.entries)
        return ops.getitem(self, key, plan)

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
