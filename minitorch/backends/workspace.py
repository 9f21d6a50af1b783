"""Reused memory for large arrays: a caching allocator for the fast backend's big buffers.

A training step allocates the same large arrays every time -- activations, gradients,
unrolled convolution matrices, pooling indices -- and frees them when the step's graph goes.
With glibc's default settings the heap then shrinks back to the OS and grows again on the next
step, so every page is faulted in and zeroed anew: about 1,900 page faults per LeNet-5 step,
which made a plain process 1.6x slower than one with the allocator tuned (issue 15). Like
PyTorch's caching allocators, `Workspace` keeps freed blocks and hands them out again:

* `empty(shape, dtype)` of at least `MIN_BYTES` takes a free block of its size class (sizes
  rounded up to 5/8, 6/8, 7/8 or 8/8 of the next power of two: at most 25% unused, and batches of
  varying size -- trimmed text batches -- still find blocks) or allocates one; smaller requests
  go to numpy as they are;
* the block is a `bytearray`, and the array is made over it (`numpy.ndarray(buffer=block)`):
  an array whose base is not an array is where numpy stops collapsing the bases of views, so
  every view, slice or transpose of it keeps that array alive, and the block returns to the
  free list exactly when the last array using it is gone (a weak-reference callback on the
  array handed out). Each call costs about a microsecond above `numpy.empty` (the caller's
  dtype and shape are used as given when they already are a dtype and a tuple);
* at most `limit` bytes of free blocks are kept (a sixteenth of memory, at most 1 GiB);
  `clear()` drops them.

The fast backend's namespace (`FastOps.xp`) is numpy with these `empty`, `zeros`, `empty_like`
and `zeros_like`: ops allocate through `t.backend.xp`, so they use the workspace unchanged.
"""

from __future__ import annotations

import math
import os
import threading
import weakref
from collections import defaultdict
from functools import lru_cache
from typing import Any, Dict, List, Literal

import numpy as np

__all__ = ["Workspace", "MIN_BYTES", "default_limit", "size_class"]

MIN_BYTES = 1 << 16  # smaller arrays come from numpy's own allocator (cheap, no page faults)
_PAGE = 4096


def default_limit() -> int:
    """Bytes of free blocks kept: a sixteenth of the machine's memory, at most 1 GiB."""
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - not POSIX
        memory = 8 << 30
    return min(1 << 30, memory // 16)


@lru_cache(maxsize=4096)  # a program asks for few distinct sizes, again and again
def size_class(nbytes: int) -> int:
    """The block size serving `nbytes`: a page multiple of 5/8, 6/8, 7/8 or 8/8 of the next power of two."""
    size = max(int(nbytes), _PAGE)
    step = max((1 << (size - 1).bit_length()) // 8, _PAGE)
    return -(-size // step) * step


class _InUse(weakref.ref):
    """A weak reference to an array handed out, holding the block it lives in."""

    __slots__ = ("block",)
    block: bytearray


class Workspace:
    """A cache of large memory blocks (see the module docstring).

    Args:
        limit: most bytes of free blocks kept for reuse (default `default_limit()`).
    """

    def __init__(self, limit: int | None = None):
        self.limit = default_limit() if limit is None else int(limit)
        self._free: Dict[int, List[bytearray]] = defaultdict(list)  # block bytes -> blocks
        self._in_use: Dict[int, _InUse] = {}  # id(reference) -> reference to an array handed out
        self._lock = threading.RLock()  # a release can run inside `empty` (a GC pass frees an array)
        self._released = self._release  # one bound method for every callback
        self.free_bytes = 0
        self.hits = 0
        self.misses = 0
        if hasattr(os, "register_at_fork"):  # another thread may hold the lock at a fork
            os.register_at_fork(after_in_child=self._after_fork)

    def _after_fork(self) -> None:
        self._lock = threading.RLock()

    def empty(self, shape: Any, dtype: Any = float, order: Literal["C", "F"] = "C") -> np.ndarray:
        """`numpy.empty`, from a reused block when the array is at least MIN_BYTES."""
        if not isinstance(dtype, np.dtype):  # (numpy's dtypes are subclasses of np.dtype)
            dtype = np.dtype(dtype)
        if shape.__class__ is int and shape * dtype.itemsize < MIN_BYTES and order == "C":
            return np.empty(shape, dtype)  # a small flat array (every small op's output): numpy's at once
        if type(shape) is not tuple:
            shape = (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(int(s) for s in shape)
        nbytes = math.prod(shape) * dtype.itemsize
        if nbytes < MIN_BYTES or order != "C" or dtype.hasobject:
            return np.empty(shape, dtype=dtype, order=order)
        size = size_class(nbytes)
        with self._lock:
            blocks = self._free.get(size)
            if blocks:
                block = blocks.pop()
                self.free_bytes -= size
                self.hits += 1
            else:
                block = None
                self.misses += 1
        if block is None:
            block = bytearray(size)
        array = np.ndarray(shape, dtype, block)  # (positional: half the cost of keywords)
        ref = _InUse(array, self._released)
        ref.block = block
        self._in_use[id(ref)] = ref
        return array

    def zeros(self, shape: Any, dtype: Any = float, order: Literal["C", "F"] = "C") -> np.ndarray:
        """`numpy.zeros` through `empty`."""
        array = self.empty(shape, dtype, order)
        array.fill(0)
        return array

    def empty_like(self, prototype: Any, dtype: Any = None) -> np.ndarray:
        return self.empty(np.shape(prototype), np.result_type(prototype) if dtype is None else dtype)

    def zeros_like(self, prototype: Any, dtype: Any = None) -> np.ndarray:
        return self.zeros(np.shape(prototype), np.result_type(prototype) if dtype is None else dtype)

    def _release(self, ref: _InUse) -> None:
        """The last array on a block is gone: keep the block for reuse (within `limit`)."""
        del self._in_use[id(ref)]
        block = ref.block
        size = len(block)
        with self._lock:
            if self.free_bytes + size <= self.limit:
                self._free[size].append(block)
                self.free_bytes += size

    def clear(self) -> None:
        """Drop every free block (arrays in use keep theirs)."""
        with self._lock:
            self._free.clear()
            self.free_bytes = 0
