"""The backend contract: `TensorOps` (an array namespace and raw kernels in, tensor functions
out) and `TensorBackend` (the named kernels built from it).

Ops (`minitorch/ops`) compute only through a tensor's backend, so the same op code runs on
every backend. A backend supplies:

* `xp`, its array namespace: the module whose functions compute on its arrays (numpy for the
  CPU backends; a device library with numpy's API for a GPU). Ops use the subset listed in
  docs/ARCHITECTURE.md.
* `array(data)`: a zero-copy strided array (of `xp`) over a `TensorData`, and `quiet()`, a
  context silencing `xp`'s floating-point warnings.
* four raw kernels on `TensorData`, writing into an output the frontend allocated:
  `map_kernel(fn)(out, a)` (out may be a broadcast shape of a), `zip_kernel(fn)(out, a, b)`,
  `reduce_kernel(fn)(out, a, dim)` (out has size 1 along dim and holds the start value),
  `matmul_kernel(out, a, b)` (batched over broadcast leading dims);
* `parallel_for(task, args, total, work, grain)` and `parallel_parts(work, grain)`: how ops may
  split independent work (conv's batch chunks) over the backend's threads (serial by default);
* named window, row and normalization kernels on arrays of `xp` (`unfold`, `fold`, pooling,
  softmax rows, `row_max_forward`, `index_add`, `group_norm_forward/backward`): `TensorOps`
  provides generic versions written once over `xp` (`window_kernels.py`, `row_kernels.py`,
  `norm_kernels.py`), which a backend may replace with faster ones.

Everything else -- allocating outputs, broadcasting shapes, dtype promotion, validating
matmul shapes -- is written once here, in `TensorOps`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, ContextManager, Optional, Type

import numpy as np

from .. import operators
from ..core.tensor_data import TensorData, shape_broadcast
from ..errors import ShapeError
from . import norm_kernels, row_kernels, window_kernels
from .namespace import quiet

if TYPE_CHECKING:
    from ..core.tensor import Tensor

__all__ = ["TensorOps", "TensorBackend", "MapProto"]

MapProto = Callable[..., "Tensor"]


def _result_dtype(a: "Tensor", b: "Tensor") -> np.dtype:
    if a.dtype == b.dtype:
        return a.dtype
    return np.promote_types(a.dtype, b.dtype)


class TensorOps:
    """Shared frontend logic over a backend's raw kernels. Subclasses set the kernels."""

    cuda = False
    name = "base"
    xp: Any = np

    @staticmethod
    def array(data: TensorData) -> Any:
        """A zero-copy array of `xp` with the shape and strides of `data` (read and write)."""
        return data.to_numpy_view()

    @classmethod
    def quiet(cls) -> ContextManager[Any]:
        """A context in which `xp` raises no floating-point warnings (inf and NaN are results)."""
        return quiet(cls.xp)

    # Named window, row and normalization kernels: generic versions over `xp`; a backend may override each.
    unfold = staticmethod(window_kernels.unfold)
    fold = staticmethod(window_kernels.fold)
    max_pool_forward = staticmethod(window_kernels.max_pool_forward)
    max_pool_backward = staticmethod(window_kernels.max_pool_backward)
    avg_pool_forward = staticmethod(window_kernels.avg_pool_forward)
    avg_pool_backward = staticmethod(window_kernels.avg_pool_backward)
    tile_forward = staticmethod(window_kernels.tile_forward)
    tile_backward = staticmethod(window_kernels.tile_backward)
    index_add = staticmethod(window_kernels.index_add)
    softmax_forward = staticmethod(row_kernels.softmax_forward)
    softmax_backward = staticmethod(row_kernels.softmax_backward)
    log_softmax_forward = staticmethod(row_kernels.log_softmax_forward)
    log_softmax_backward = staticmethod(row_kernels.log_softmax_backward)
    logsumexp_forward = staticmethod(row_kernels.logsumexp_forward)
    row_max_forward = staticmethod(row_kernels.row_max_forward)
    group_norm_forward = staticmethod(norm_kernels.group_norm_forward)
    group_norm_backward = staticmethod(norm_kernels.group_norm_backward)

    @staticmethod
    def parallel_parts(work: int, grain: int) -> int:
        """Into how many ranges `parallel_for` would split `work` elements (1: it runs serially)."""
        return 1

    @staticmethod
    def parallel_for(task: Callable[..., None], args: tuple, total: int, work: int, grain: int) -> None:
        """`task(*args, first, count)` over `0 <= first < total`; a backend may split the range
        over threads when `work` (elements touched) is large enough. Serial here."""
        task(*args, 0, total)

    @classmethod
    def constant(cls, value: Any, dtype: np.dtype) -> Any:
        """A one-element array of `xp` holding the number `value` as `dtype`: what a Python number
        becomes beside a tensor (`x * 2.0`). Read-only by contract: a backend may hand out one
        array again for the same number (the GPU backend does: allocating and filling it costs
        more than the op)."""
        return cls.xp.full(1, value, dtype=dtype)

    @staticmethod
    def map_kernel(fn: Callable[[float], float]) -> Callable[..., None]:
        raise NotImplementedError

    @staticmethod
    def zip_kernel(fn: Callable[[float, float], float]) -> Callable[..., None]:
        raise NotImplementedError

    @staticmethod
    def reduce_kernel(fn: Callable[[float, float], float]) -> Callable[..., None]:
        raise NotImplementedError

    @staticmethod
    def matmul_kernel(*args: Any) -> None:
        raise NotImplementedError

    @classmethod
    def map(cls, fn: Callable[[float], float]) -> MapProto:
        """Elementwise `fn` over a tensor; `out` (optional) may have a broadcast shape of `a`."""
        kernel = cls.map_kernel(fn)

        def apply(a: "Tensor", out: Optional["Tensor"] = None) -> "Tensor":
            data = a._tensor
            if out is None:
                out = a._new_empty(data._shape, data._storage.dtype)
            kernel(out._tensor, data)
            return out

        return apply

    @classmethod
    def zip(cls, fn: Callable[[float, float], float]) -> Callable[["Tensor", "Tensor"], "Tensor"]:
        """Elementwise `fn` over two tensors, broadcasting them to a common shape."""
        kernel = cls.zip_kernel(fn)

        def apply(a: "Tensor", b: "Tensor") -> "Tensor":
            da, db = a._tensor, b._tensor  # (every elementwise op passes here: fields read once)
            shape = da._shape if da._shape == db._shape else shape_broadcast(da._shape, db._shape)
            dtype = da._storage.dtype
            if dtype != db._storage.dtype:
                dtype = np.promote_types(dtype, db._storage.dtype)
            out = a._new_empty(shape, dtype)
            kernel(out._tensor, da, db)
            return out

        return apply

    @classmethod
    def reduce(cls, fn: Callable[[float, float], float], start: float = 0.0) -> Callable[["Tensor", int], "Tensor"]:
        """Reduce one dimension with `fn` starting from `start`; the dim keeps size 1."""
        return cls.reduce_with(cls.reduce_kernel(fn), start)

    @staticmethod
    def reduce_with(kernel: Callable[..., None], start: float) -> Callable[["Tensor", int], "Tensor"]:
        """`reduce` over a given raw reduce kernel: out allocated, filled with `start`, reduced into."""

        def apply(a: "Tensor", dim: int) -> "Tensor":
            out_shape = list(a.shape)
            out_shape[dim] = 1
            out = a._new_empty(tuple(out_shape), a.dtype)
            out._tensor._storage.fill(start)
            kernel(out._tensor, a._tensor, dim)
            return out

        return apply

    @classmethod
    def matrix_multiply(cls, a: "Tensor", b: "Tensor") -> "Tensor":
        """Batched matrix product of the last two dims; leading dims broadcast.

        Raises:
            ShapeError: when the inner sizes differ or either side has fewer than 2 dims.
        """
        if a.dims < 2 or b.dims < 2:
            raise ShapeError(
                f"matmul: both sides need at least 2 dims, got {a.shape} @ {b.shape}; "
                f"use view(1, n) or view(n, 1)"
            )
        if a.shape[-1] != b.shape[-2]:
            raise ShapeError(
                f"matmul: shapes {a.shape} @ {b.shape} do not align "
                f"({a.shape[-1]} != {b.shape[-2]}); the last dim of the left must equal the "
                f"second-to-last of the right"
            )
        batch = shape_broadcast(a.shape[:-2], b.shape[:-2])
        out = a._new_empty(tuple(batch) + (a.shape[-2], b.shape[-1]), _result_dtype(a, b))
        cls.matmul_kernel(out._tensor, a._tensor, b._tensor)
        return out


class TensorBackend:
    """The named kernels of one backend, built once from its ops class.

    Args:
        ops: a `TensorOps` subclass such as `SimpleOps` or `FastOps`.

    Example:
        >>> from minitorch.backends.simple import SimpleOps
        >>> backend = TensorBackend(SimpleOps)
    """

    def __deepcopy__(self, memo: Any) -> "TensorBackend":
        return self  # a backend is a shared table of kernels: copies of tensors and models share it

    def __init__(self, ops: Type[TensorOps]):
        self.ops = ops
        self.xp = ops.xp
        self.cuda = ops.cuda
        self.name = ops.name
        # Maps
        self.neg_map = ops.map(operators.neg)
        self.sigmoid_map = ops.map(operators.sigmoid)
        self.relu_map = ops.map(operators.relu)
        self.log_map = ops.map(operators.log)
        self.exp_map = ops.map(operators.exp)
        self.id_map = ops.map(operators.id)
        self.id_cmap = ops.map(operators.id)
        self.inv_map = ops.map(operators.inv)
        # Zips
        self.add_zip = ops.zip(operators.add)
        self.mul_zip = ops.zip(operators.mul)
        self.lt_zip = ops.zip(operators.lt)
        self.eq_zip = ops.zip(operators.eq)
        self.is_close_zip = ops.zip(operators.is_close)
        self.relu_back_zip = ops.zip(operators.relu_back)
        self.log_back_zip = ops.zip(operators.log_back)
        self.inv_back_zip = ops.zip(operators.inv_back)
        self.max_zip = ops.zip(operators.max)
        # Reduce
        self.add_reduce = ops.reduce(operators.add, 0.0)
        self.mul_reduce = ops.reduce(operators.mul, 1.0)
        self.max_reduce = ops.reduce(operators.max, -float("inf"))
        self.matrix_multiply = ops.matrix_multiply

    def __repr__(self) -> str:
        return f"TensorBackend({self.ops.__name__})"
