"""The `Tensor`: strided data, a backend, and the history autodiff needs.

The class here holds the data and the autodiff protocol; its operators and methods are thin
sugar over the differentiable functions of `minitorch.ops`, grouped by concept in mixins:
`tensor_math.py` (operators, arithmetic, comparisons), `tensor_elementwise.py` (exp, sin,
floor, clamp, ...), `tensor_shape.py` (permute, view, reshape, split, flip, ...),
`tensor_reduce.py` (sum, mean, max, norm, sort, ...), `tensor_index.py` (x[key], gather,
nonzero, ...) and `tensor_convert.py` (numpy, to(dtype), new_zeros, ...). Those functions live
above core, so the methods reach them through `core.dispatch.ops`, which the ops layer fills
in when it is imported (core imports nothing above itself).
"""

from __future__ import annotations

import itertools
from typing import Any, Iterable, Optional, Sequence, Tuple, Union, overload

import numpy as np

from ..errors import DTypeError, ShapeError
from .dispatch import ops
from .dtypes import scalar_dtype
from .tensor_convert import ConvertMethods
from .strides import reduction_plan
from .tensor_data import Storage, TensorData, UserShape, row_major
from .tensor_elementwise import ElementwiseMethods
from .tensor_index import IndexMethods
from .tensor_math import MathMethods
from .tensor_reduce import ReduceMethods
from .tensor_shape import ShapeMethods

__all__ = ["Tensor", "Size", "Flag"]

_ids = itertools.count()
# _reduce_to_shape: gradients broadcast up by numpy's assignment up to this many elements (the
# backend's strided walk above it)
_SMALL_BROADCAST = 4096


class Flag(int):
    """A bool PyTorch code reads as an attribute (`if t.requires_grad:`) and MiniTorch code
    calls (`t.requires_grad()`).

    Example:
        >>> flag = Flag(True)
        >>> bool(flag), flag(), flag
        (True, True, True)
    """

    def __call__(self) -> bool:
        return bool(self)

    def __repr__(self) -> str:
        return repr(bool(self))

    __str__ = __repr__


_YES, _NO = Flag(True), Flag(False)  # the two flags (made once: the engine asks every node)


class Size(int):
    """MiniTorch's `t.size` (the number of elements, an int) that PyTorch code can also call:
    `t.size()` is the shape and `t.size(dim)` one dim's size.

    Example:
        >>> s = Size(6, (2, 3))
        >>> s + 0, s(), s(-1)
        (6, (2, 3), 3)
    """

    shape: Tuple[int, ...]

    def __new__(cls, numel: int, shape: Tuple[int, ...]) -> "Size":
        size = super().__new__(cls, numel)
        size.shape = shape
        return size

    def __call__(self, dim: Optional[int] = None) -> Any:
        if dim is None:
            return self.shape
        if not -len(self.shape) <= dim < len(self.shape):
            raise ShapeError(f"size: dim {dim} is out of range for shape {self.shape}")
        return self.shape[dim]


class Tensor(IndexMethods, MathMethods, ElementwiseMethods, ReduceMethods, ShapeMethods, ConvertMethods):
    """A multidimensional array (float64, float32, int64 or bool) with reverse-mode autodiff.

    Args:
        v: the TensorData (storage, shape, strides).
        back: the autodiff History (None for a constant; `History()` for a leaf that needs
            a gradient).
        name: an optional label.
        backend: the TensorBackend whose kernels compute on it (default: the fast CPU one).

    Gradients accumulate into leaves' `.grad` across backward calls; clear them with
    `zero_grad_()` or an optimizer's `zero_grad()`.
    """

    # the per-tensor fields in slots (views and kernel outputs are made by the thousand: no
    # attribute dict, fewer objects for the garbage collector); others (grad, a name) go to __dict__
    __slots__ = ("_tensor", "history", "backend", "f", "unique_id", "__dict__", "__weakref__")
    __array_priority__ = 1000  # numpy defers `array op tensor` to Tensor's reflected operators
    grad: Optional["Tensor"] = None  # (class defaults: set per tensor only when they change)
    _name: Optional[str] = None

    def __init__(
        self,
        v: TensorData,
        back: Any = None,
        name: Optional[str] = None,
        backend: Any = None,
    ) -> None:
        if backend is None:
            backend = ops.default_backend
        if backend.cuda and isinstance(v._storage, np.ndarray):  # host storage given to a GPU backend moves in
            v = backend.ops.adopt(v)
        self._tensor = v
        self.history = back
        self.backend = backend
        self.f = backend
        self.unique_id = next(_ids)
        if name is not None:
            self._name = name

    @property
    def name(self) -> str:
        """A label: the one given, else the unique id."""
        return self._name if self._name is not None else str(self.unique_id)

    @name.setter
    def name(self, value: str) -> None:
        self._name = value

    # ----------------------------------------------------------------- construction
    @staticmethod
    def make(
        storage: Union[Storage, Sequence[float]],
        shape: UserShape,
        strides: Optional[Sequence[int]] = None,
        backend: Any = None,
    ) -> "Tensor":
        """A tensor over `storage` with `shape` (and `strides`)."""
        return Tensor(TensorData(storage, shape, strides), backend=backend)

    def _new(self, data: TensorData) -> "Tensor":
        """A constant tensor over `data` (storage of this tensor's backend) on this backend."""
        backend = self.backend
        if backend.cuda and isinstance(data._storage, np.ndarray):  # host storage: moved in by __init__
            return Tensor(data, backend=backend)
        t = Tensor.__new__(Tensor)  # what __init__ does, without its argument handling (views are hot)
        t._tensor = data
        t.history = None
        t.backend = t.f = backend
        t.unique_id = next(_ids)
        return t

    def _new_empty(self, shape: Tuple[int, ...], dtype: np.dtype) -> "Tensor":
        return self._new(TensorData._trusted(self.backend.xp.empty(row_major(shape)[1], dtype=dtype), shape))

    def _ensure_tensor(self, b: Any) -> "Tensor":
        if isinstance(b, Tensor):
            return b
        if isinstance(b, (int, float, np.floating, np.integer, bool, np.bool_)):
            dtype = scalar_dtype(self.dtype, b)
            # shape (1,) as the course makes it; beside a 0-d tensor a 0-d one (0-d + 1.0 stays 0-d, as torch)
            shape = (1,) if self._tensor.dims else ()
            return self._new(TensorData._trusted(self.backend.ops.constant(b, dtype), shape, shape))
        raise TypeError(f"Tensor: cannot combine a tensor with {type(b).__name__}; use minitorch.tensor(...)")

    # ----------------------------------------------------------------- properties
    @property
    def shape(self) -> Tuple[int, ...]:
        return self._tensor._shape

    @property
    def size(self) -> "Size":
        """The number of elements (MiniTorch's `t.size`); also callable as PyTorch's
        `t.size()` (the shape) and `t.size(dim)`."""
        return Size(self._tensor.size, self._tensor.shape)

    @property
    def dims(self) -> int:
        return self._tensor.dims

    @property
    def ndim(self) -> int:
        return self._tensor.dims

    @property
    def device(self) -> Any:
        """Where the data lives: a `Device`, "cpu" or "cuda" (with PyTorch's `.type`)."""
        return ops.device_of(self.backend)

    @property
    def dtype(self) -> np.dtype:
        return self._tensor._storage.dtype

    def numel(self) -> int:
        return self._tensor.size

    def dim(self) -> int:
        return self._tensor.dims

    nelement, ndimension = numel, dim

    @property
    def is_cuda(self) -> bool:
        """Whether the data lives on the GPU."""
        return bool(self.backend.cuda)

    def tuple(self) -> Tuple[Storage, Tuple[int, ...], Tuple[int, ...]]:
        return self._tensor.tuple()

    def is_contiguous(self) -> bool:
        return self._tensor.is_contiguous()

    @overload
    def stride(self) -> Tuple[int, ...]: ...
    @overload
    def stride(self, dim: int) -> int: ...

    def stride(self, dim: Optional[int] = None) -> Union[int, Tuple[int, ...]]:
        """The strides in elements (as `torch.Tensor.stride`), or one dim's."""
        return self._tensor.strides if dim is None else self._tensor.strides[dim]

    # ----------------------------------------------------------------- autodiff protocol
    def requires_grad_(self, x: bool = True) -> "Tensor":
        """Mark this tensor as a leaf whose gradient is wanted (in place).

        Raises:
            DTypeError: for int64 and bool tensors (gradients need floats, as in PyTorch).
        """
        if x and self.dtype.kind != "f":
            raise DTypeError(
                f"requires_grad_: only float tensors can require gradients, this one is {self.dtype}; "
                f"convert it with .double() or .float() first"
            )
        self.history = ops.History() if x else None
        return self

    @property
    def requires_grad(self) -> "Flag":
        """Whether autodiff records this tensor: PyTorch's attribute, also callable as
        MiniTorch's `t.requires_grad()`. Assigning it calls `requires_grad_`."""
        return _YES if self.history is not None else _NO

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        self.requires_grad_(value)

    @property
    def is_leaf(self) -> "Flag":
        """True unless the tensor was computed from one that requires a gradient (PyTorch's
        attribute, also callable as MiniTorch's `t.is_leaf()`)."""
        return _YES if self.history is None or self.history.last_fn is None else _NO

    def is_constant(self) -> bool:
        return self.history is None

    @property
    def parents(self) -> Iterable["Tensor"]:
        assert self.history is not None  # engine invariant, not user input
        return self.history.inputs

    def chain_rule(self, d_output: "Tensor") -> Iterable[Tuple["Tensor", "Tensor"]]:
        """Backward of the function that made this tensor: (input, gradient) pairs."""
        history = self.history
        inputs = history.inputs
        grads = history.last_fn._backward(history.ctx, d_output)
        if len(grads) != len(inputs):
            raise RuntimeError(
                f"{history.last_fn.__name__}.backward returned {len(grads)} gradients for "
                f"{len(inputs)} tensor inputs"
            )
        # (per edge of every backward: the constant and same-shape checks read fields directly)
        return [
            (inp, grad if grad.shape == inp._tensor._shape else inp._reduce_to_shape(grad))
            for inp, grad in zip(inputs, grads)
            if grad is not None and inp.history is not None
        ]

    def accumulate_derivative(self, x: "Tensor") -> None:
        """Add `x` into `.grad` (leaves only)."""
        if x.dtype != self.dtype:
            x = x.to(self.dtype)
        self.grad = x if self.grad is None else self.grad + x

    def _reduce_to_shape(self, other: "Tensor") -> "Tensor":
        """`other`, a gradient for a broadcast of this tensor, summed down to this tensor's
        shape (MiniTorch's `expand(other)`)."""
        shape = self.shape
        if other.shape == shape:
            return other
        full, size, kept, subscripts = reduction_plan(shape, other.shape)
        backend = other.backend
        xp = backend.xp
        if full != other.shape:  # the gradient is itself smaller: broadcast it up first (a copy)
            if size <= _SMALL_BROADCAST:  # one numpy broadcasting assignment
                up = xp.empty(full, dtype=other.dtype)
                up[...] = backend.ops.array(other._tensor)
                other = other._new(TensorData._trusted(up.reshape(-1), full))
            else:
                # a stride-0 view over its storage, copied by the backend's strided walk (numpy's
                # broadcasting assignment is ~2x slower on the course's rows of 4: avgpool2d's mean)
                other = other._new(other._tensor.expand(full)).contiguous()
        if len(kept) == len(full):  # only leading dims of size 1 to drop
            return other.contiguous().view(*shape)
        if subscripts is None:  # (more dims than einsum has letters)
            for dim in range(len(full)):
                if dim not in kept:
                    other = backend.add_reduce(other, dim)
            return other.contiguous().view(*shape)
        # one einsum over every broadcast dim at once (a sum per dim cost a kernel call each)
        summed = xp.ascontiguousarray(xp.einsum(subscripts, backend.ops.array(other._tensor)))
        return other._new(TensorData._trusted(summed.reshape(-1), shape))

    def backward(self, grad_output: Optional["Tensor"] = None) -> None:
        """Backpropagate from this tensor; a single-element tensor needs no `grad_output`."""
        if grad_output is None:
            if self.size != 1:
                raise ShapeError(
                    f"backward: grad_output can be omitted only for a single-element tensor, "
                    f"this one has shape {self.shape}; pass a gradient of that shape or call .sum() first"
                )
            grad_output = Tensor(TensorData._trusted(self.backend.xp.ones(1, dtype=self.dtype), (1,), (1,)), backend=self.backend)
        ops.backpropagate(self, grad_output)

    def zero_grad_(self) -> None:
        """Forget the accumulated gradient."""
        self.grad = None

    def detach(self) -> "Tensor":
        """The same data with no history (shares storage)."""
        return Tensor(self._tensor, backend=self.backend)

    def detach_(self) -> "Tensor":
        """Forget this tensor's history in place (it becomes a constant)."""
        self.history = None
        return self

    @property
    def data(self) -> "Tensor":
        """The same data with no history (PyTorch's `t.data`); assigning replaces the data."""
        return self.detach()

    @data.setter
    def data(self, value: "Tensor") -> None:
        self._tensor = value._tensor

    def get_data(self) -> "Tensor":
        """The 2021 course edition's name for `detach()`."""
        return self.detach()

    def zeros(self, shape: Optional[UserShape] = None) -> "Tensor":
        """A zero tensor of `shape` (default: this shape) on the same backend and dtype."""
        shape = self.shape if shape is None else tuple(shape)
        size = int(np.prod(shape)) if shape else 1
        return Tensor(TensorData(self.backend.xp.zeros(size, dtype=self.dtype), shape), backend=self.backend)

    def __len__(self) -> int:
        if not self.shape:
            raise DTypeError("len: a 0-d tensor has no length; use .item()")
        return self.shape[0]

    def __bool__(self) -> bool:
        if self._tensor.size != 1:
            raise ShapeError(
                f"bool: the truth of a tensor of shape {self.shape} is ambiguous; use .any() or .all()"
            )
        return bool(self.item())

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self.dtype.kind not in "ib" or self._tensor.size != 1:
            raise DTypeError(f"index: only a one-element int64 tensor can be used as an index, got {self.dtype} {self.shape}")
        return int(self.item())

    def __repr__(self) -> str:
        return f"tensor({self._tensor.to_string()}, dtype={self.dtype.name})"

    def __hash__(self) -> int:
        return hash(self.unique_id)
