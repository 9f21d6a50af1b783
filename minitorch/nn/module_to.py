"""What `Module.to(...)` means: reading its arguments and converting one tensor.

`Module.to` accepts PyTorch's spellings -- `to(dtype)`, `to(device)`, `to(device, dtype)`,
`to(tensor)` and the keywords `device=` / `dtype=` -- and applies `convert_tensor` to every
parameter and buffer. Only floating tensors change dtype (integer and boolean buffers keep
theirs, as in PyTorch). A device is "cpu" or "cuda" (optionally "cuda:N"); moving a tensor to a
device it is not on is the tensor's own `to(device)`, which the GPU backend provides.

A `TensorBackend` (`minitorch.SimpleBackend`, `minitorch.FastBackend`) is accepted where a
device is: minitorch's backends are its finer-grained devices. The CPU backends share numpy
storage, so moving between them re-labels the tensors without copying.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Sequence, Tuple, Union

import numpy as np

from ..backends.base import TensorBackend
from ..core.tensor import Tensor
from ..core.tensor_data import as_dtype

__all__ = ["parse_to", "convert_tensor", "device_of"]

_DEVICE_TYPES = ("cpu", "cuda")


def _is_device(value: Any) -> bool:
    """A device string ("cpu", "cuda:0") or an object naming one in `.type` (torch.device)."""
    name = value if isinstance(value, str) else getattr(value, "type", None)
    return isinstance(name, str) and name.split(":")[0] in _DEVICE_TYPES


Device = Union[str, TensorBackend]


def parse_to(op: str, args: Sequence[Any], kwargs: Dict[str, Any]) -> Tuple[Optional[Device], Optional[np.dtype]]:
    """(device or backend, dtype) from `to`'s arguments; either may be None (unchanged).

    Raises:
        TypeError: for an argument that is neither a device, a dtype nor a Tensor.
    """
    kwargs = dict(kwargs)
    kwargs.pop("non_blocking", None)
    device, dtype = kwargs.pop("device", None), kwargs.pop("dtype", None)
    if kwargs:
        raise TypeError(f"{op}: unexpected keyword arguments {sorted(kwargs)}; use device= and dtype=")
    for arg in args:
        if isinstance(arg, Tensor):
            device, dtype = arg.backend, arg.dtype
        elif isinstance(arg, TensorBackend) or _is_device(arg):
            device = arg
        else:
            dtype = arg
    if device is not None and not isinstance(device, TensorBackend):
        device = str(getattr(device, "type", device))
        if device.split(":")[0] not in _DEVICE_TYPES:
            raise TypeError(f"{op}: unknown device {device!r}; use 'cpu' or 'cuda'")
    return device, None if dtype is None else as_dtype(dtype)


def device_of(t: Tensor) -> str:
    """The device a tensor lives on: its `device` when the tensor has one, else "cpu"."""
    return str(getattr(t, "device", "cpu"))


def convert_tensor(t: Tensor, device: Optional[Device], dtype: Optional[np.dtype]) -> Tensor:
    """`t` on `device` with `dtype` (floating tensors only change dtype); `t` itself if unchanged.

    Raises:
        RuntimeError: when `t` cannot move to `device` (no GPU backend in this build).
    """
    if isinstance(device, TensorBackend):
        if t.backend is not device:
            if t.backend.cuda or device.cuda:
                t = t.to(device)  # across memories: the GPU backend's own move
            else:
                t = Tensor(t._tensor, backend=device)  # CPU backends share numpy storage
    elif device is not None and device_of(t).split(":")[0] != device.split(":")[0]:
        try:
            t = t.to(device)
        except (TypeError, ValueError) as error:
            raise RuntimeError(
                f"Module.to: cannot move a tensor from {device_of(t)} to {device!r}: {error}. "
                "Moving to 'cuda' needs the CUDA backend and a GPU"
            ) from error
    if dtype is not None and np.issubdtype(t.dtype, np.floating) and t.dtype != dtype:
        t = t.to(dtype)
    return t
