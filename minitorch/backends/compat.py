"""The 2021 MiniTorch course's names for backends: `make_tensor_backend` and `TensorFunctions`.

That edition built a backend with `minitorch.make_tensor_backend(ops)`, and its `TensorOps`
was the pure-Python implementation itself (here `SimpleOps`; our `TensorOps` is the abstract
contract both backends fill in), so `make_tensor_backend(minitorch.TensorOps)` means the
simple backend.

Example:
    >>> backend = make_tensor_backend(FastOps)
    >>> backend.name
    'fast'
"""

from __future__ import annotations

from .base import TensorBackend, TensorOps
from .fast import FastOps  # noqa: F401  (named in the example)
from .simple import SimpleBackend, SimpleOps

__all__ = ["make_tensor_backend", "TensorFunctions"]


def make_tensor_backend(tensor_ops: type, is_cuda: bool = False) -> TensorBackend:
    """`TensorBackend(tensor_ops)`, with the 2021 course's `TensorOps` read as `SimpleOps`.

    Args:
        tensor_ops: an ops class (`SimpleOps`, `FastOps`, `CudaOps`) or `TensorOps`.
        is_cuda: accepted for the course's signature; the ops class says whether it is CUDA.
    """
    return TensorBackend(SimpleOps if tensor_ops is TensorOps else tensor_ops)


# The 2021 course's default (pure-Python) backend.
TensorFunctions = SimpleBackend
