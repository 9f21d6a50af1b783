"""Trainable values of a `Module`, in two faces over one registration.

* `Parameter` (PyTorch's `torch.nn.Parameter`, `minitorch.nn.Parameter`): a `Tensor` that is a
  leaf requiring a gradient. `layer.weight.shape`, `layer.weight.grad`, `layer.weight * 2` work
  as in PyTorch; optimizers update it in place, so the object a model holds never changes.
* `ParameterBox` (the MiniTorch course's `minitorch.Parameter`): a box around any value (a
  Tensor, a Scalar, a number in tests) read as `.value` and replaced by `.update(x)`.

Both register in a `Module` the same way and both answer `.value` and `.update(x)`, so code
written for either works on the other: `Parameter.value` is the parameter itself and
`Parameter.update(x)` copies `x` into it and starts a fresh leaf (no gradient, no history), which
is what replacing a box's value means. The course's optimizer (`minitorch.SGD`) relies on that.
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..autodiff.function import History
from ..autodiff.scalar import Scalar  # noqa: F401  (the usual box value; named in the example)
from ..core.creation import tensor as make_tensor
from ..core.tensor import Tensor
from ..core.tensor_data import TensorData
from ..errors import ShapeError

__all__ = ["Parameter", "ParameterBox", "is_parameter"]


class Parameter(Tensor):
    """A Tensor that is a module's trainable weight (as `torch.nn.Parameter`).

    Shares storage with `data` (no copy) and is a leaf: `requires_grad` True unless asked
    otherwise, gradients accumulate into `.grad`.

    Args:
        data: a Tensor (its storage and backend are shared), or anything `minitorch.tensor`
            accepts (a numpy array, nested lists); None gives an empty (0,) tensor.
        requires_grad: whether the parameter is a leaf that wants a gradient, default True.

    Example:
        >>> w = Parameter(minitorch.zeros((2, 3)))
        >>> w.shape, w.is_leaf(), isinstance(w, minitorch.Tensor)
        ((2, 3), True, True)
        >>> (w + 1).sum().backward(); w.grad.shape
        (2, 3)
    """

    def __init__(self, data: Any = None, requires_grad: bool = True):
        if data is None:
            data = make_tensor([])
        elif not isinstance(data, Tensor):
            data = make_tensor(np.asarray(data) if not isinstance(data, list) else data)
        super().__init__(data._tensor, backend=data.backend, name=data._name)
        self.requires_grad_(requires_grad)

    @property
    def value(self) -> "Parameter":
        """The parameter itself (so code written for the course's box reads it the same way)."""
        return self

    def update(self, x: Any) -> None:
        """Copy `x` into this parameter in place and start a fresh leaf (gradient forgotten).

        The in-place version of replacing a box's value: `p.update(p - lr * p.grad)` is an
        SGD step.

        Raises:
            ShapeError: when `x` has another shape.
        """
        array = np.asarray(x.detach().to_numpy() if isinstance(x, Tensor) else x)
        if array.shape != self.shape:
            raise ShapeError(
                f"Parameter.update: the new value has shape {array.shape}, the parameter {self.shape}; "
                "a parameter keeps its shape (assign a new Parameter to the module instead)"
            )
        self.to_numpy()[...] = array
        self.grad = None
        if self.history is not None:
            self.history = History()

    def _set_data(self, data: TensorData, backend: Any) -> None:
        """Point this parameter at new storage (`Module.to` changing its dtype); keeps identity."""
        self._tensor, self.backend, self.f = data, backend, backend
        self.grad = None

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


class ParameterBox:
    """The MiniTorch course's `Parameter`: a box holding a module's trainable value.

    Args:
        x: the value: usually a Tensor or a Scalar (marked `requires_grad_(True)`); any value
            is accepted (the course's tests use plain numbers).
        name: optional label, copied onto the value's `.name`.

    Example:
        >>> p = ParameterBox(Scalar(1.5), name="bias")
        >>> p.value.name, p.value.is_leaf()
        ('bias', True)
        >>> p.update(Scalar(0.5)); p.value.data
        0.5
    """

    def __init__(self, x: Any = None, name: Optional[str] = None):
        self.value = x
        self.name = name
        self._track(x)

    def update(self, x: Any) -> None:
        """Replace the value (the course's optimizer step); the new value requires a gradient."""
        self.value = x
        self._track(x)

    def _track(self, x: Any) -> None:
        if hasattr(x, "requires_grad_"):
            x.requires_grad_(True)
            if self.name:
                x.name = self.name

    def __repr__(self) -> str:
        return repr(self.value)

    def __str__(self) -> str:
        return str(self.value)


def is_parameter(value: Any) -> bool:
    """Whether `value` is a parameter of either face (what `Module` registers as one)."""
    return isinstance(value, (Parameter, ParameterBox))
