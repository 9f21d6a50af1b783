"""The one body under every HW2P1 layer: a forward through minitorch's autodiff, kept for backward.

A handout layer computes on numpy float64 arrays and exposes its gradients as arrays
(`dLdA`, `dLdW`, `dLdb`). Here each layer's `forward` wraps its inputs and parameters as
minitorch tensors that require a gradient, runs minitorch's differentiable functions
(`minitorch.nn.functional`), and keeps the graph in a `Step`; `backward(dLdZ)` backpropagates
`dLdZ` through that graph and reads every input's `.grad` back as a float64 array. No layer
carries a second numpy implementation of its mathematics.

`check_input` / `check_grad` raise the library's typed errors naming the class and shapes.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Optional, Sequence

import numpy as np

from ..autodiff.graph import no_grad
from ..core.creation import from_numpy
from ..core.tensor import Tensor
from ..errors import ShapeError

__all__ = ["Step", "run", "check_input", "check_grad", "as_array", "need_forward"]


def as_array(value: Any) -> np.ndarray:
    """`value` as a float64 numpy array (the handout's currency)."""
    return np.asarray(value, dtype=np.float64)


class Step:
    """One recorded forward: the input tensors (by name) and the output tensor."""

    def __init__(self, owner: str, inputs: Dict[str, Tensor], output: Tensor):
        self.owner, self.inputs, self.output = owner, inputs, output

    def backward(self, dLdZ: Any) -> Dict[str, np.ndarray]:
        """Gradients of every input (float64 arrays of their shapes) for the upstream `dLdZ`."""
        grad = check_grad(self.owner, dLdZ, self.output.shape)
        for t in self.inputs.values():
            t.grad = None
        self.output.backward(from_numpy(grad))
        return {
            name: (np.array(t.grad.to_numpy(), dtype=np.float64) if t.grad is not None else np.zeros(t.shape))
            for name, t in self.inputs.items()
        }


def run(owner: str, fn: Callable[..., Tensor], **inputs: Any) -> "tuple[np.ndarray, Step]":
    """Apply `fn` to `inputs` (numpy arrays, wrapped as float64 leaf tensors); return the output
    array and the `Step` that backpropagates through it."""
    tensors = {name: from_numpy(np.array(as_array(v))).requires_grad_(True) for name, v in inputs.items()}
    output = fn(**tensors)
    with no_grad():
        values = np.array(output.to_numpy(), dtype=np.float64)
    return values, Step(owner, tensors, output)


def check_input(owner: str, A: Any, names: str, channels: Optional[int] = None,
                minimum: Sequence[int] = ()) -> np.ndarray:
    """`A` as float64 of rank len(names.split(', ')) (and `channels` along dim 1).

    Raises:
        ShapeError: naming `owner`, the expected layout and the shape received.
    """
    array = as_array(A)
    rank = len(names.split(", "))
    if array.ndim != rank:
        raise ShapeError(f"{owner}.forward: A must have {rank} dims ({names}), got shape {array.shape}")
    if channels is not None and array.shape[1] != channels:
        raise ShapeError(
            f"{owner}.forward: A has {array.shape[1]} channels (shape {array.shape}) but the layer was built for "
            f"in_channels={channels}"
        )
    for dim, least in zip(range(2, array.ndim), minimum):
        if array.shape[dim] < least:
            raise ShapeError(f"{owner}.forward: A of shape {array.shape} is smaller than the kernel along dim {dim} "
                             f"(needs at least {least})")
    return array


def check_grad(owner: str, dLdZ: Any, shape: Sequence[int]) -> np.ndarray:
    """`dLdZ` as float64 of the forward output's `shape`.

    Raises:
        ShapeError: naming `owner`, the shape received and the output's.
    """
    grad = as_array(dLdZ)
    if grad.shape != tuple(shape):
        raise ShapeError(
            f"{owner}.backward: dLdZ has shape {grad.shape} but the forward output had shape {tuple(shape)}; "
            "pass the gradient of this layer's output (and call forward first)"
        )
    return grad


def need_forward(owner: str, step: Optional[Step]) -> Step:
    """The recorded step, or a clear error when backward comes before forward."""
    if step is None:
        raise RuntimeError(f"{owner}.backward: call forward first (no forward pass is recorded)")
    return step
