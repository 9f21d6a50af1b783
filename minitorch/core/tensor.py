"""The `Tensor`: strided data, a backend, and the history autodiff needs.

Operators and methods are thin sugar over the differentiable functions in `minitorch.ops`
(imported at the bottom of this file, after the class exists, because those functions
build Tensors).
"""

from __future__ import annotations

import itertools
from typing import Any, Iterable, List, Optional, Sequence, Tuple, Union

import numpy as np

from ..autodiff.function import History
from ..autodiff.graph import backpropagate
from ..errors import ShapeError
from .tensor_data import Storage, TensorData, UserIndex, UserShape, shape_broadcast

__all__ = ["Tensor"]

_ids = itertools.count()

TensorLike = Union[float, int, "Tensor"]


def _normalise_dim(dim: int, dims: int, op: str) -> int:
    if not -dims <= dim < max(dims, 1):
        raise ShapeError(f"{op}: dim {dim} is out of range for a tensor with {dims} dims")
    return dim % max(dims, 1)


class Tensor:
    """A multidimensional array of float32/float64 numbers with reverse-mode autodiff.

    Args:
        v: the TensorData (storage, shape, strides).
        back: the History (None for a constant; `History()` for a leaf that needs a gradient).
        name: an optional label.
        backend: the TensorBackend whose kernels compute on it.

    Gradients accumulate into leaves' `.grad` across backward calls; clear them with
    `zero_grad_()` or an optimizer's `zero_grad()`.
    """

    __array_priority__ = 1000  # numpy defers `array op tensor` to Tensor's reflected operators

    def __init__(
        self,
        v: TensorData,
        back: Optional[History] = None,
        name: Optional[str] = None,
        backend: Any = None,
    ):
        if backend is None:
            from ..backends.fast import FastBackend

            backend = FastBackend
        self._tensor = v
        self.history = back
        self.backend = backend
        self.f = backend
        self.grad: Optional[Tensor] = None
        self.unique_id = next(_ids)
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
        return Tensor(data, backend=self.backend)

    def _new_empty(self, shape: Tuple[int, ...], dtype: np.dtype) -> "Tensor":
        size = 1
        for s in shape:
            size *= s
        return Tensor(TensorData._trusted(np.empty(size, dtype=dtype), shape), backend=self.backend)

    def _ensure_tensor(self, b: TensorLike) -> "Tensor":
        if isinstance(b, Tensor):
            return b
        if isinstance(b, (int, float, np.floating, np.integer, bool)):
            return Tensor(TensorData._trusted(np.array([b], dtype=self.dtype), (1,), (1,)), backend=self.backend)
        raise TypeError(f"Tensor: cannot combine a tensor with {type(b).__name__}; use minitorch.tensor(...)")

    # ----------------------------------------------------------------- properties
    @property
    def shape(self) -> Tuple[int, ...]:
        return self._tensor.shape

    @property
    def size(self) -> int:
        return self._tensor.size

    @property
    def dims(self) -> int:
        return self._tensor.dims

    @property
    def dtype(self) -> np.dtype:
        return self._tensor.dtype

    def numel(self) -> int:
        return self._tensor.size

    def dim(self) -> int:
        return self._tensor.dims

    def tuple(self) -> Tuple[Storage, Tuple[int, ...], Tuple[int, ...]]:
        return self._tensor.tuple()

    def is_contiguous(self) -> bool:
        return self._tensor.is_contiguous()

    # ----------------------------------------------------------------- autodiff protocol
    def requires_grad_(self, x: bool = True) -> "Tensor":
        """Mark this tensor as a leaf whose gradient is wanted (in place)."""
        self.history = History() if x else None
        return self

    def requires_grad(self) -> bool:
        return self.history is not None

    def is_leaf(self) -> bool:
        return self.history is not None and self.history.last_fn is None

    def is_constant(self) -> bool:
        return self.history is None

    @property
    def parents(self) -> Iterable["Tensor"]:
        assert self.history is not None  # engine invariant, not user input
        return self.history.inputs

    def chain_rule(self, d_output: "Tensor") -> Iterable[Tuple["Tensor", "Tensor"]]:
        """Backward of the function that made this tensor: (input, gradient) pairs."""
        history = self.history
        grads = history.last_fn._backward(history.ctx, d_output)
        if len(grads) != len(history.inputs):
            raise RuntimeError(
                f"{history.last_fn.__name__}.backward returned {len(grads)} gradients for "
                f"{len(history.inputs)} tensor inputs"
            )
        return [
            (inp, inp.expand(grad))
            for inp, grad in zip(history.inputs, grads)
            if grad is not None and not inp.is_constant()
        ]

    def accumulate_derivative(self, x: "Tensor") -> None:
        """Add `x` into `.grad` (leaves only)."""
        if x.dtype != self.dtype:
            x = x.to(self.dtype)
        self.grad = x if self.grad is None else self.grad + x

    def expand(self, other: "Tensor") -> "Tensor":
        """`other`, a gradient for a broadcast of this tensor, reduced to this tensor's shape."""
        if other.shape == self.shape:
            return other
        full = shape_broadcast(self.shape, other.shape)
        if full != other.shape:  # the gradient is itself smaller: broadcast it up first
            buffer = other._new_empty(full, other.dtype)
            self.backend.id_map(other, buffer)
            other = buffer
        offset = len(full) - len(self.shape)
        for dim in range(len(full)):
            own = 1 if dim < offset else self.shape[dim - offset]
            if own == 1 and full[dim] != 1:
                other = self.backend.add_reduce(other, dim)
        # (1, ..., 1, *shape) -> shape: drop the leading broadcast dims.
        return other.contiguous().view(*self.shape) if other.shape != self.shape else other

    def backward(self, grad_output: Optional["Tensor"] = None) -> None:
        """Backpropagate from this tensor; a single-element tensor needs no `grad_output`."""
        if grad_output is None:
            if self.size != 1:
                raise ShapeError(
                    f"backward: grad_output can be omitted only for a single-element tensor, "
                    f"this one has shape {self.shape}; pass a gradient of that shape or call .sum() first"
                )
            grad_output = Tensor(TensorData._trusted(np.ones(1, dtype=self.dtype), (1,), (1,)), backend=self.backend)
        backpropagate(self, grad_output)

    def zero_grad_(self) -> None:
        """Forget the accumulated gradient."""
        self.grad = None

    def detach(self) -> "Tensor":
        """The same data with no history (shares storage)."""
        return Tensor(self._tensor, backend=self.backend)

    # ----------------------------------------------------------------- conversion
    def to_numpy(self) -> np.ndarray:
        """A numpy view of the data (zero-copy; writes go through to the tensor)."""
        return self._tensor.to_numpy_view()

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        array = self.to_numpy()
        if dtype is not None:
            array = array.astype(dtype)
        return np.array(array, copy=True) if copy else array

    def __dlpack__(self, *args: Any, **kwargs: Any) -> Any:
        """DLPack export of the zero-copy numpy view (so `torch.from_dlpack(t)` shares memory)."""
        return self.to_numpy().__dlpack__(*args, **kwargs)

    def __dlpack_device__(self) -> Tuple[int, int]:
        """(device type, device id) for DLPack: the CPU."""
        return self.to_numpy().__dlpack_device__()

    def to(self, dtype: Any) -> "Tensor":
        """A copy in another dtype ("float32" or "float64"); self when it already is."""
        from .tensor_data import as_dtype

        target = as_dtype(dtype)
        if target == self.dtype:
            return self
        return ops.cast(self, target)

    def float(self) -> "Tensor":
        return self.to("float32")

    def double(self) -> "Tensor":
        return self.to("float64")

    def item(self) -> float:
        """The value of a single-element tensor as a Python float."""
        if self.size != 1:
            raise ShapeError(f"item: needs a single-element tensor, got shape {self.shape}")
        return float(self.to_numpy().reshape(-1)[0])

    def zeros(self, shape: Optional[UserShape] = None) -> "Tensor":
        """A zero tensor of `shape` (default: this shape) on the same backend and dtype."""
        shape = self.shape if shape is None else tuple(shape)
        size = int(np.prod(shape)) if shape else 1
        return Tensor(TensorData(np.zeros(size, dtype=self.dtype), shape), backend=self.backend)

    # ----------------------------------------------------------------- indexing
    def __getitem__(self, key: Union[int, UserIndex]) -> float:
        return self._tensor.get(key if isinstance(key, tuple) else (key,))

    def __setitem__(self, key: Union[int, UserIndex], val: float) -> None:
        self._tensor.set(key if isinstance(key, tuple) else (key,), val)

    def __len__(self) -> int:
        return self.shape[0] if self.shape else 1

    def __repr__(self) -> str:
        return f"tensor({self._tensor.to_string()}, dtype={self.dtype.name})"

    def __hash__(self) -> int:
        return hash(self.unique_id)

    # ----------------------------------------------------------------- arithmetic
    def __add__(self, b: TensorLike) -> "Tensor":
        return ops.Add.apply(self, self._ensure_tensor(b))

    def __radd__(self, b: TensorLike) -> "Tensor":
        return ops.Add.apply(self._ensure_tensor(b), self)

    def __sub__(self, b: TensorLike) -> "Tensor":
        return ops.Add.apply(self, ops.Neg.apply(self._ensure_tensor(b)))

    def __rsub__(self, b: TensorLike) -> "Tensor":
        return ops.Add.apply(self._ensure_tensor(b), ops.Neg.apply(self))

    def __mul__(self, b: TensorLike) -> "Tensor":
        return ops.Mul.apply(self, self._ensure_tensor(b))

    def __rmul__(self, b: TensorLike) -> "Tensor":
        return ops.Mul.apply(self._ensure_tensor(b), self)

    def __truediv__(self, b: TensorLike) -> "Tensor":
        return ops.Mul.apply(self, ops.Inv.apply(self._ensure_tensor(b)))

    def __rtruediv__(self, b: TensorLike) -> "Tensor":
        return ops.Mul.apply(self._ensure_tensor(b), ops.Inv.apply(self))

    def __matmul__(self, b: "Tensor") -> "Tensor":
        return ops.MatMul.apply(self, b)

    def __lt__(self, b: TensorLike) -> "Tensor":
        return ops.LT.apply(self, self._ensure_tensor(b))

    def __gt__(self, b: TensorLike) -> "Tensor":
        return ops.LT.apply(self._ensure_tensor(b), self)

    def __eq__(self, b: TensorLike) -> "Tensor":  # type: ignore[override]
        return ops.EQ.apply(self, self._ensure_tensor(b))

    def __neg__(self) -> "Tensor":
        return ops.Neg.apply(self)

    def all(self, dim: Optional[int] = None) -> "Tensor":
        """1.0 where every entry (along `dim`) is non-zero."""
        if dim is None:
            return ops.All.apply(self.contiguous().view(self.size), 0)
        return ops.All.apply(self, _normalise_dim(dim, self.dims, "all"))

    def is_close(self, b: TensorLike) -> "Tensor":
        return ops.IsClose.apply(self, self._ensure_tensor(b))

    def sigmoid(self) -> "Tensor":
        return ops.Sigmoid.apply(self)

    def relu(self) -> "Tensor":
        return ops.ReLU.apply(self)

    def log(self) -> "Tensor":
        return ops.Log.apply(self)

    def exp(self) -> "Tensor":
        return ops.Exp.apply(self)

    def sum(self, dim: Optional[int] = None) -> "Tensor":
        """Sum over `dim` (kept with size 1), or over everything (shape (1,))."""
        if dim is None:
            # (*shape) -> (size,)
            return ops.Sum.apply(self.contiguous().view(self.size), 0)
        return ops.Sum.apply(self, _normalise_dim(dim, self.dims, "sum"))

    def mean(self, dim: Optional[int] = None) -> "Tensor":
        """Mean over `dim` (kept with size 1), or over everything (shape (1,))."""
        if dim is None:
            return self.sum() / self.size
        dim = _normalise_dim(dim, self.dims, "mean")
        return self.sum(dim) / self.shape[dim]

    # ----------------------------------------------------------------- movement
    def permute(self, *order: int) -> "Tensor":
        """The same data with dimensions reordered (no copy)."""
        if len(order) == 1 and isinstance(order[0], (tuple, list)):
            order = tuple(order[0])
        return ops.Permute.apply(self, tuple(int(o) % max(self.dims, 1) for o in order))

    def view(self, *shape: int) -> "Tensor":
        """The same (contiguous) data with a new shape; one size may be -1."""
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        shape = tuple(int(s) for s in shape)
        if shape == self.shape:
            return self
        return ops.View.apply(self, shape)

    def reshape(self, *shape: int) -> "Tensor":
        """Like view, copying first when the data is not contiguous."""
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return self.contiguous().view(*shape)

    def contiguous(self) -> "Tensor":
        """Self if already row-major, else a row-major copy."""
        if self._tensor.is_contiguous():
            return self
        return ops.Copy.apply(self)

    def transpose(self, dim0: int, dim1: int) -> "Tensor":
        """Swap two dimensions (no copy)."""
        order: List[int] = list(range(self.dims))
        order[dim0], order[dim1] = order[dim1], order[dim0]
        return self.permute(*order)


from .. import ops  # noqa: E402  (ops build Tensors; the methods above call them)
