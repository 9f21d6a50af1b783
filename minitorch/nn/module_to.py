"""What `Module.to(...)` means: reading its arguments and converting one tensor.

`Module.to` accepts PyTorch's spellings -- `to(dtype)`, `to(device)`, `to(device, dtype)`,
`to(tensor)` and the keywords `device=` / `dtype=` -- and applies `convert_tensor` to every
parameter and buffer. Only floating tensors change dtype (integer and boolean buffers keep
theirs, as in PyTorch). A device is "cpu" or "cuda" (optionally "cuda:N"); moving a tensor to a
device it is not on is the tensor's own `to(device)` (`ops/device.py`).

A `TensorBackend` (`minitorch.SimpleBackend`, `minitorch.FastBackend`) is accepted where a
device is: minitorch's backends are its finer-grained devices. The CPU backends share numpy
storage, so moving between them re-labels the tensors without copying.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Sequence, Tuple, Union

import numpy as np

from ..backends.base import TensorBackend
from ..core.tensor import Tensor
from ..ops.device import parse_to as tensor_parse_to

__all__ = ["parse_to", "convert_tensor"]

Device = Union[str, TensorBackend]


def parse_to(op: str, args: Sequence[Any], kwargs: Dict[str, Any]) -> Tuple[Optional[Device], Optional[np.dtype]]:
    """(device or backend, dtype) from `to`'s arguments; either may be None (unchanged).

    Raises:
        TypeError: for an argument that is neither a device, a dtype nor a Tensor, or a keyword
            other than device=, dtype=, non_blocking=.
    """
    unexpected = sorted(set(kwargs) - {"device", "dtype", "non_blocking"})
    if unexpected:
        raise TypeError(f"{op}: unexpected keyword arguments {unexpected}; use device= and dtype=")
    return tensor_parse_to(op, args, kwargs)


def convert_tensor(t: Tensor, device: Optional[Device], dtype: Optional[np.dtype]) -> Tensor:
    """`t` on `device` with `dtype` (floating tensors only change dtype); `t` itself if unchanged.

    Raises:
        CudaUnavailableError: when `device` is "cuda" and there is no GPU.
    """
    if device is not None:
        t = t.to(device)  # the CPU backends share numpy storage: relabelled, not copied
    if dtype is not None and np.issubdtype(t.dtype, np.floating) and t.dtype != dtype:
        t = t.to(dtype)
    return t
