"""One recorded forward pass: every leaf layer's input and output, from the model's own forward.

`record_forward(model, inputs)` puts a forward hook (`Module.register_forward_hook`) on every
leaf module, runs the model once on a batch of one example (eval mode, no graph), and removes
the hooks. This works for any model, whatever its `forward` does between layers: modules called
twice (LeNet-5's shared `pool` and `act`) give one step per call, and functional code between
layers (Kim CNN's permute, max over time and concatenation) is simply not a step.

Each `Step` knows which earlier step produced its input (`source`, found by the identity of
the tensor passed in), so a page can draw a conv unit's receptive field on the layer below.

Example:
    >>> from minitorch.models import SignalCNN
    >>> recording = record_forward(SignalCNN(length=40), minitorch.rand((1, 1, 40)))
    >>> [(step.name, step.output.shape) for step in recording.steps][:3]
    [('conv1', (25, 19)), ('relu', (25, 19)), ('conv2', (25, 10))]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional

import numpy as np

import minitorch
from minitorch import nn
from minitorch.core.tensor import Tensor
from minitorch.nn import functional as F

__all__ = ["Step", "Recording", "record_forward", "MODEL_INPUT"]

MODEL_INPUT = -1  # `Step.source` of a layer that reads the model's input


@dataclass
class Step:
    """One call of a leaf module during the pass (arrays without the batch dim).

    Attributes:
        name: the module's dotted name in the model ("conv1", "features.0"); a module called
            more than once gets " (2)", " (3)", ... on its later calls.
        module: the module itself (its weights and settings).
        input: its first argument, as numpy.
        output: what it returned, as numpy.
        source: index of the step whose output it read, `MODEL_INPUT`, or None when its input
            was made by code between layers.
    """

    name: str
    module: nn.Module
    input: np.ndarray
    output: np.ndarray
    source: Optional[int]


@dataclass
class Recording:
    """The steps of one pass, the model's input and output, and the class probabilities."""

    input: np.ndarray
    steps: List[Step]
    output: np.ndarray
    probabilities: np.ndarray


def _one(value: Any) -> np.ndarray:
    """A batch-of-one Tensor or array -> a numpy copy without the batch dim."""
    array = value.to_numpy() if isinstance(value, Tensor) else np.asarray(value)
    return np.array(array[0])


def record_forward(model: nn.Module, inputs: Any) -> Recording:
    """Run `model` once on `inputs` (a batch of one: a Tensor, or int token ids) and record it.

    Shape:
        inputs (1, *example) -> steps' arrays (*layer_shape), output (classes,).
    """
    if getattr(inputs, "shape", (0,))[0] != 1:
        raise ValueError(f"record_forward: expected a batch of one example, got inputs of shape "
                         f"{tuple(getattr(inputs, 'shape', ()))}")
    names = {id(module): name for name, module in model.named_modules() if name}
    leaves = [module for _, module in model.named_modules() if not module._modules and module is not model]
    steps: List[Step] = []
    producer: Dict[int, int] = {id(inputs): MODEL_INPUT}
    alive: List[Any] = [inputs]  # keep the tensors alive so their ids stay unique during the pass
    calls: Dict[int, int] = {}

    def hook(module: nn.Module, args: tuple, output: Any) -> None:
        calls[id(module)] = calls.get(id(module), 0) + 1
        name = names[id(module)] + (f" ({calls[id(module)]})" if calls[id(module)] > 1 else "")
        source = producer.get(id(args[0])) if args else None
        alive.extend((args[0] if args else None, output))
        producer[id(output)] = len(steps)
        steps.append(Step(name, module, _one(args[0]) if args else np.zeros(0), _one(output), source))

    handles = [module.register_forward_hook(hook) for module in leaves]
    was_training = model.training
    model.eval()
    try:
        with minitorch.no_grad():
            output = model(inputs)
            probabilities = F.softmax(output, dim=1)  # log-probabilities give the same softmax
    finally:
        for handle in handles:
            handle.remove()
        model.train(was_training)
    network_input = inputs.to_numpy() if isinstance(inputs, Tensor) else np.asarray(inputs)
    return Recording(np.array(network_input[0]), steps, _one(output), _one(probabilities).astype(np.float64))
