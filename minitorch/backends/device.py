"""Devices: "cpu" and "cuda", the backend that computes on each, and copies between them.

A tensor's device is a property of its backend: the CPU backends (`FastBackend`,
`SimpleBackend`) keep numpy storage in host memory, the CUDA backend keeps its storage on the
GPU (CuPy arrays; numpy arrays under numba's simulator). `Tensor.device` is a `Device`, a
string ("cpu" or "cuda") with PyTorch's `.type` and `.index`.

Two CUDA backends exist side by side. `cuda_backend()`, behind `.to("cuda")` / `.cuda()` /
`Module.to("cuda")`, follows PyTorch: an op mixing its tensors with CPU tensors raises
`DeviceError` naming both devices. A backend built with the course's spelling,
`minitorch.TensorBackend(minitorch.CudaOps)`, follows the course, whose programs never name
devices: an op mixing its tensors with CPU tensors copies the CPU ones over first.
"""

from __future__ import annotations

import functools
from typing import Any, Optional

import numpy as np

from ..errors import DeviceError
from .base import TensorBackend
from .cuda import CudaOps, require_device

__all__ = ["Device", "device_of", "cuda_backend", "backend_for", "parse_device", "transfer"]

DEVICE_TYPES = ("cpu", "cuda")


class Device:
    """A device: compares equal to its name ("cpu", "cuda"); `.type` and `.index` as PyTorch's.

    Example:
        >>> d = Device("cuda:0")
        >>> d == "cuda", d.type, d.index, str(d)
        (True, 'cuda', 0, 'cuda')
    """

    __slots__ = ("type",)

    def __init__(self, spec: Any):
        name = parse_device(spec)
        if name is None:
            raise DeviceError(f"device: {spec!r} is not a device; use 'cpu' or 'cuda'")
        self.type = name

    @property
    def index(self) -> Optional[int]:
        return 0 if self.type == "cuda" else None

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Device):
            return self.type == other.type
        if isinstance(other, str):
            return parse_device(other) == self.type
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.type)

    def __str__(self) -> str:
        return self.type

    def __repr__(self) -> str:
        return f"device(type='{self.type}')"


def parse_device(value: Any) -> Optional[str]:
    """"cpu" or "cuda" when `value` names a device ("cuda:0", a Device, a torch.device), else None.

    Raises:
        DeviceError: for a GPU index other than 0 (one GPU is supported).
    """
    name = value if isinstance(value, str) else getattr(value, "type", None)
    if not isinstance(name, str):
        return None
    kind, _, index = name.partition(":")
    if not isinstance(value, str) and getattr(value, "index", None) is not None:  # torch.device("cuda", 1)
        index = str(value.index)
    index = index or "0"
    if kind not in DEVICE_TYPES:
        return None
    if kind == "cuda" and index != "0":
        raise DeviceError(f"device: {value!r} asks for GPU {index}; this backend drives one GPU, 'cuda' (cuda:0)")
    return kind


def device_of(backend: Any) -> Device:
    """The device a backend's tensors live on."""
    return Device("cuda" if getattr(backend, "cuda", False) else "cpu")


@functools.lru_cache(maxsize=None)
def cuda_backend() -> TensorBackend:
    """The CUDA backend of `.to("cuda")`: one per process, mixing devices raises (PyTorch's rule).

    Raises:
        CudaUnavailableError: when numba finds no GPU (and no simulator).
    """
    require_device()
    backend = TensorBackend(CudaOps)
    backend.strict_devices = True  # type: ignore[attr-defined]
    return backend


def backend_for(device: Any, current: Any = None) -> Any:
    """The backend computing on `device` ("cpu", "cuda", or a TensorBackend itself); a tensor
    already there (on `current`) keeps its own backend."""
    if isinstance(device, TensorBackend):
        return device
    name = parse_device(device)
    if name is None:
        raise DeviceError(f"to: {device!r} is not a device; use 'cpu' or 'cuda'")
    if current is not None and device_of(current) == name:
        return current
    if name == "cuda":
        return cuda_backend()
    from .fast import FastBackend

    return FastBackend


def transfer(values: Any, source: Any, target: Any) -> Any:
    """A C-contiguous copy of the array `values` (of backend `source`) as an array of backend `target`."""
    from .cuda_device import to_device, to_host

    where, to = device_of(source), device_of(target)
    if where == to:
        return values.copy()  # numpy's and CuPy's copy() are C-ordered
    if to == "cuda":
        return to_device(np.ascontiguousarray(values))
    host = to_host(values)
    return host.copy() if host is values else np.ascontiguousarray(host)
