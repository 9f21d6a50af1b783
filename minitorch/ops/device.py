"""Moving tensors between devices: `Tensor.to(device)`, `.cuda()`, `.cpu()`, and the
one-device rule every op follows.

`to_backend(t, backend)` copies `t`'s values into the other backend's memory (host <-> GPU) as a
differentiable op: the gradient of the copy is copied back, as with PyTorch's `.to("cuda")`.
Between the CPU backends, which share numpy storage, nothing is copied.

`tensor_to(t, *args, **kwargs)` is `Tensor.to`: PyTorch's `to(dtype)`, `to(device)`,
`to(device, dtype)`, `to(other_tensor)` and the keywords `device=` / `dtype=` (a TensorBackend
is accepted as a device). `same_device(op, tensors)` is the rule `Function.apply` enforces
(see `backends/device.py` for the course's exception).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

from ..autodiff.function import Context, Function
from ..backends.base import TensorBackend
from ..backends.device import backend_for, device_of, parse_device, transfer
from ..core.tensor import Tensor
from ..core.tensor_data import TensorData, as_dtype
from ..errors import DeviceError
from .arrays import array

__all__ = ["ToBackend", "to_backend", "tensor_to", "parse_to", "same_device", "is_device"]


def _moved(t: Tensor, backend: Any) -> Tensor:
    """A copy of t's values on `backend` (contiguous)."""
    values = transfer(array(t), t.backend, backend)  # (*shape), C-contiguous
    return Tensor(TensorData._trusted(values.reshape(-1), t.shape), backend=backend)


class ToBackend(Function):
    """A copy of `input` on another backend (another device); the gradient is copied back.

    Shape: (*) -> (*).
    """

    @staticmethod
    def forward(ctx: Context, input: Tensor, backend: Any) -> Tensor:
        ctx.source = input.backend
        return _moved(input, backend)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        return _moved(grad_output, ctx.source)


def to_backend(t: Tensor, backend: Any) -> Tensor:
    """`t` on `backend`: itself when already there, relabelled between the CPU backends (shared
    numpy storage), else a differentiable copy across memories."""
    if t.backend is backend:
        return t
    if not t.backend.cuda and not backend.cuda:
        moved = Tensor(t._tensor, backend=backend)
        moved.history = t.history
        return moved
    return ToBackend.apply(t, backend)


def is_device(value: Any) -> bool:
    """Whether `value` names a device ("cpu", "cuda:0", a torch.device) or is a TensorBackend."""
    return isinstance(value, TensorBackend) or parse_device(value) is not None


def parse_to(op: str, args: Sequence[Any], kwargs: Dict[str, Any]) -> Tuple[Optional[Any], Optional[Any]]:
    """(device or backend, dtype) from PyTorch's `to(...)` arguments; either may be None (unchanged).

    Raises:
        TypeError: for an unexpected keyword or an argument that is neither a device, a dtype nor a Tensor.
        DeviceError: for a device this build cannot use ("cuda:1").
    """
    kwargs = dict(kwargs)
    for ignored in ("non_blocking", "copy", "memory_format"):
        kwargs.pop(ignored, None)
    device, dtype = kwargs.pop("device", None), kwargs.pop("dtype", None)
    if kwargs:
        raise TypeError(f"{op}: unexpected keyword arguments {sorted(kwargs)}; use device= and dtype=")
    for arg in args:
        if isinstance(arg, Tensor):
            device, dtype = arg.backend, arg.dtype
        elif is_device(arg):
            device = arg
        else:
            dtype = arg
    if device is not None and not isinstance(device, TensorBackend) and parse_device(device) is None:
        raise TypeError(f"{op}: unknown device {device!r}; use 'cpu' or 'cuda'")
    return device, None if dtype is None else as_dtype(dtype)


def tensor_to(t: Tensor, *args: Any, **kwargs: Any) -> Tensor:
    """`Tensor.to`: `t` on another device and/or in another dtype; `t` itself when nothing changes."""
    device, dtype = parse_to("to", args, kwargs)
    if device is not None:
        t = to_backend(t, backend_for(device, t.backend))
    if dtype is not None and dtype != t.dtype:
        t = t.to(dtype)
    return t


def same_device(op: str, tensors: List[Tensor]) -> List[Tensor]:
    """`tensors`, checked to be on one device.

    Tensors of a course-built CUDA backend (`TensorBackend(CudaOps)`) take CPU tensors along:
    those are copied over (the course's programs never name devices). Otherwise a mix raises.

    Raises:
        DeviceError: naming the op and both devices.
    """
    gpu = next((t.backend for t in tensors if t.backend.cuda), None)
    cpu = next((t for t in tensors if not t.backend.cuda), None)
    if gpu is None or cpu is None:
        return tensors
    if any(getattr(t.backend, "strict_devices", False) for t in tensors):
        where = [f"{device_of(t.backend)} (input {i})" for i, t in enumerate(tensors)]
        raise DeviceError(
            f"{op}: expected all tensors on one device, got {', '.join(where)}; move them with "
            f".to('cuda') or .cpu() first"
        )
    return [t if t.backend.cuda else to_backend(t, gpu) for t in tensors]
