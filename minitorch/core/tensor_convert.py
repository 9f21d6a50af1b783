"""Tensor methods that convert: to numpy and Python values, to another dtype or device, and
new tensors like this one (`new_zeros`, ...) (a mixin of `Tensor`).

`to(...)` follows `torch.Tensor.to`; `float()`, `double()`, `long()`, `int()`, `bool()` and
`type(dtype)` are its shorthands. There is no 32-bit integer dtype: `int()` gives int64 (README
"Differences from PyTorch").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Sequence, Tuple, Union, cast

import numpy as np

from ..errors import AutodiffError, ShapeError
from .dispatch import ops
from .dtypes import as_dtype
from .tensor_data import TensorData
from .tensor_shape import sizes_arg

if TYPE_CHECKING:
    from .tensor import Tensor

__all__ = ["ConvertMethods"]

_TYPE_NAMES = {"float64": "DoubleTensor", "float32": "FloatTensor", "int64": "LongTensor", "bool": "BoolTensor"}


class ConvertMethods:
    """Conversions of `Tensor`."""

    __slots__ = ()

    _tensor: TensorData  # (what these methods use of Tensor)
    history: Any
    backend: Any
    _new: Callable[[TensorData], "Tensor"]
    detach: Callable[[], "Tensor"]

    if TYPE_CHECKING:  # Tensor's read-only properties (declared for the type checker only)

        @property
        def dtype(self) -> np.dtype: ...

        @property
        def shape(self) -> Tuple[int, ...]: ...

        @property
        def size(self) -> Any: ...

    def to_numpy(self) -> np.ndarray:
        """A numpy view of the data (zero-copy; writes go through to the tensor). For a GPU
        tensor, a host copy."""
        return self._tensor.to_numpy_view()

    def numpy(self) -> np.ndarray:
        """A numpy view of the data (zero-copy, as `torch.Tensor.numpy`).

        Raises:
            AutodiffError: when the tensor requires a gradient (as PyTorch); use
                `detach().numpy()`.
        """
        if self.history is not None:
            raise AutodiffError(
                f"numpy: the tensor of shape {self.shape} requires a gradient, and writes through the "
                f"numpy view would escape autodiff; use .detach().numpy()"
            )
        return self._tensor.to_numpy_view()

    def tolist(self) -> Any:
        """The values as (nested) Python lists of floats, ints or bools (a number for 0-d)."""
        return self._tensor.to_numpy_view().tolist()

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        array = self.to_numpy()
        if dtype is not None:
            array = array.astype(dtype)
        return np.array(array, copy=True) if copy else array

    def __dlpack__(self, *args: Any, **kwargs: Any) -> Any:
        """DLPack export of the zero-copy view, on the tensor's device (so `torch.from_dlpack(t)`
        shares memory)."""
        return self.backend.ops.array(self._tensor).__dlpack__(*args, **kwargs)

    def __dlpack_device__(self) -> Tuple[int, int]:
        """(device type, device id) for DLPack."""
        return self.backend.ops.array(self._tensor).__dlpack_device__()

    def to(self, *args: Any, **kwargs: Any) -> "Tensor":
        """This tensor in another dtype and/or on another device; self when nothing changes.

        As `torch.Tensor.to`: `to(dtype)` ("float32", "float64", "int64", "bool"), `to(device)`
        ("cpu", "cuda"), `to(device, dtype)`, `to(other)` (its device and dtype), or the
        keywords `device=` / `dtype=`. A copy to another device is differentiable; across
        dtypes the gradient flows back through a float-to-float conversion only.
        """
        if len(args) == 1 and not kwargs and args[0] is self._tensor._storage.dtype:
            return cast("Tensor", self)  # the common case (same dtype object), fast
        if kwargs or len(args) != 1 or hasattr(args[0], "_tensor") or ops.is_device(args[0]):
            return ops.tensor_to(self, *args, **kwargs)
        target = as_dtype(args[0])
        if target == self.dtype:
            return cast("Tensor", self)
        return ops.cast(self if target.kind == "f" else self.detach(), target)

    def cuda(self, device: Any = None) -> "Tensor":
        """A copy on the GPU ("cuda"); self when already there."""
        return self.to("cuda" if device is None else device)

    def cpu(self) -> "Tensor":
        """A copy in host memory; self when already there."""
        return self.to("cpu")

    def item(self) -> Union[float, int, bool]:
        """The value of a single-element tensor as a Python number (float, int or bool)."""
        if self.size != 1:
            raise ShapeError(f"item: needs a single-element tensor, got shape {self.shape}")
        return self.to_numpy().reshape(-1)[0].item()


    def type(self, dtype: Any = None) -> Any:
        """Without a dtype, the type's name ("minitorch.DoubleTensor", ...); with one, `to(dtype)`
        (as `torch.Tensor.type`)."""
        if dtype is None:
            return f"minitorch.{_TYPE_NAMES[self.dtype.name]}"
        return self.to(as_dtype(dtype))

    def type_as(self, other: "Tensor") -> "Tensor":
        """This tensor in `other`'s dtype (as `torch.Tensor.type_as`)."""
        return self.to(other.dtype)

    def element_size(self) -> int:
        """Bytes per entry."""
        return int(self.dtype.itemsize)

    @property
    def itemsize(self) -> int:
        """Bytes per entry (as `torch.Tensor.itemsize`)."""
        return int(self.dtype.itemsize)

    @property
    def nbytes(self) -> int:
        """Bytes of the entries (numel * itemsize; as `torch.Tensor.nbytes`)."""
        return int(self.dtype.itemsize) * int(self.size)

    # ----------------------------------------------------------------- new tensors like this one
    def new_full(self, size: Sequence[int], fill_value: Any, *, dtype: Any = None,
                 requires_grad: bool = False) -> "Tensor":
        """A tensor of `size` filled with `fill_value`, with this tensor's dtype (unless given)
        and backend (as `torch.Tensor.new_full`)."""
        shape = sizes_arg((size,))
        values = self.backend.xp.full(int(np.prod(shape, dtype=np.int64)), fill_value, dtype=self.dtype if dtype is None else as_dtype(dtype))
        return self._new(TensorData._trusted(values, shape)).requires_grad_(requires_grad)

    def new_zeros(self, *size: Any, dtype: Any = None, requires_grad: bool = False) -> "Tensor":
        return self.new_full(sizes_arg(size), 0, dtype=dtype, requires_grad=requires_grad)

    def new_ones(self, *size: Any, dtype: Any = None, requires_grad: bool = False) -> "Tensor":
        return self.new_full(sizes_arg(size), 1, dtype=dtype, requires_grad=requires_grad)

    def new_empty(self, *size: Any, dtype: Any = None, requires_grad: bool = False) -> "Tensor":
        return self.new_full(sizes_arg(size), 0, dtype=dtype, requires_grad=requires_grad)

    def new_tensor(self, data: Any, *, dtype: Any = None, requires_grad: bool = False) -> "Tensor":
        """A tensor of `data` (a number or nested lists) with this tensor's dtype (unless given)
        and backend, never sharing memory (as `torch.Tensor.new_tensor`)."""
        if hasattr(data, "_tensor"):
            data = data.tolist()
        values = np.array(data, dtype=self.dtype if dtype is None else as_dtype(dtype))
        moved = self.backend.xp.asarray(values.reshape(-1))
        return self._new(TensorData._trusted(moved, tuple(values.shape))).requires_grad_(requires_grad)

    # ----------------------------------------------------------------- dtype shorthands (last: they shadow builtins here)
    def float(self) -> "Tensor":
        return self.to("float32")

    def double(self) -> "Tensor":
        return self.to("float64")

    def long(self) -> "Tensor":
        return self.to("int64")

    def bool(self) -> "Tensor":
        return self.to("bool")

    def int(self) -> "Tensor":
        """`to(int64)`: there is no 32-bit integer dtype here (PyTorch gives int32)."""
        return self.to("int64")
