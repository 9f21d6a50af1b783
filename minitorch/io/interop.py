"""Zero-copy exchange with numpy, PyTorch, JAX and anything else speaking DLPack.

Out: `numpy.asarray(t)` (via `Tensor.__array__`) and `torch.from_dlpack(t)` (via
`Tensor.__dlpack__`) see the tensor's own storage, with its strides, without a copy.
In: `from_dlpack(obj)` wraps any DLPack producer (a torch tensor, a numpy array, a JAX array
on CPU) and `minitorch.from_numpy(array)` a numpy array, without a copy where the layout
allows (float32/float64, non-negative strides; see `TensorData.from_numpy`). Other dtypes
are converted to float64, which copies.

Example:
    >>> import torch
    >>> t = torch.arange(6, dtype=torch.float32).reshape(2, 3)
    >>> m = from_dlpack(t)          # shares t's memory
    >>> back = torch.from_dlpack(m)  # shares it again
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from ..core.tensor import Tensor

__all__ = ["from_dlpack"]


def from_dlpack(obj: Any, backend: Any = None, requires_grad: bool = False) -> Tensor:
    """A minitorch Tensor sharing the memory of a DLPack producer (CPU only).

    Args:
        obj: an object with `__dlpack__` and `__dlpack_device__` (torch, numpy, JAX, CuPy on CPU...).
            A torch tensor that requires grad must be `.detach()`-ed first (PyTorch's rule).
        backend: the TensorBackend, default the fast CPU backend.
        requires_grad: mark the result as a leaf needing a gradient. Default False.

    Shape:
        the producer's shape.

    Raises:
        TypeError: `obj` does not support DLPack.
    """
    from ..core.creation import from_numpy  # lazy: io sits beside the core, not under it

    if not hasattr(obj, "__dlpack__"):
        raise TypeError(f"from_dlpack: {type(obj).__name__} has no __dlpack__; pass a torch/numpy/JAX array")
    return from_numpy(np.from_dlpack(obj), backend=backend, requires_grad=requires_grad)
