"""A recorded pass as the page shows it: the input, then one `Layer` per step, left to right.

Each layer has a kind that decides what a click on one of its units explains:

| kind | modules | a unit is explained as |
|---|---|---|
| conv | Conv1d, Conv2d (zeros padding) | patch x kernel, the products, their sum + bias |
| maxpool / avgpool | MaxPool1d/2d, AvgPool1d/2d | the window and its winner / its mean |
| activation | ReLU, Tanh, Sigmoid | f(input) at the same position |
| flatten | Flatten | which (channel, position) it came from |
| linear | Linear | the largest products input x weight, their sum + bias |
| softmax | Softmax, LogSoftmax | the formula over the whole vector |
| other | anything else | its values only |

Dropout in eval mode is the identity and is left out (the next layer reads through it).
Arrays travel as base64 (`encode_array`): little-endian float32/float64/int32, exact and
several times smaller and faster than JSON numbers.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

import numpy as np

from minitorch import nn
from minitorch.explain.record import MODEL_INPUT, Recording, Step

__all__ = ["Layer", "layers_of", "encode_array", "decode_array", "geometry_of"]

_ACTIVATIONS = {nn.ReLU: "relu", nn.Tanh: "tanh", nn.Sigmoid: "sigmoid"}
_DTYPES = {"f4": "<f4", "f8": "<f8", "i4": "<i4"}


def encode_array(array: Any, dtype: str = "f4") -> Dict[str, Any]:
    """{"dtype", "shape", "b64"}: an array as little-endian bytes in base64 (dtype f4, f8 or i4)."""
    values = np.ascontiguousarray(array, dtype=_DTYPES[dtype])
    return {"dtype": dtype, "shape": list(values.shape), "b64": base64.b64encode(values.tobytes()).decode("ascii")}


def decode_array(payload: Dict[str, Any]) -> np.ndarray:
    """The inverse of `encode_array` (for tests and the export)."""
    raw = base64.b64decode(payload["b64"])
    return np.frombuffer(raw, dtype=_DTYPES[payload["dtype"]]).reshape(payload["shape"])


def _tuple(value: Any, n: int) -> Tuple[int, ...]:
    return tuple(int(v) for v in value) if isinstance(value, (tuple, list)) else (int(value),) * n


def geometry_of(module: nn.Module, spatial: int) -> Optional[Dict[str, Any]]:
    """Window geometry {kernel, stride, padding, dilation} of a conv or pooling module, per spatial dim."""
    kernel = _tuple(module.kernel_size, spatial)
    stride = _tuple(module.stride if module.stride is not None else kernel, spatial)
    dilation = _tuple(getattr(module, "dilation", 1), spatial)
    padding = module.padding
    if padding == "valid":
        padding = 0
    elif padding == "same":  # PyTorch puts the odd extra pad at the end: the start gets total // 2
        padding = tuple(d * (k - 1) // 2 for k, d in zip(kernel, dilation))
    return {"kernel": list(kernel), "stride": list(stride), "padding": list(_tuple(padding, spatial)),
            "dilation": list(dilation)}


def _kind(module: nn.Module) -> str:
    if isinstance(module, (nn.Conv1d, nn.Conv2d)):
        return "conv" if module.padding_mode == "zeros" else "other"
    if isinstance(module, (nn.MaxPool1d, nn.MaxPool2d)):
        return "maxpool"
    if isinstance(module, (nn.AvgPool1d, nn.AvgPool2d)):
        return "avgpool"
    if type(module) in _ACTIVATIONS:
        return "activation"
    if isinstance(module, nn.Flatten):
        return "flatten"
    if isinstance(module, nn.Linear):
        return "linear"
    if isinstance(module, (nn.Softmax, nn.LogSoftmax)):
        return "softmax"
    if isinstance(module, (nn.Dropout, nn.Identity)):
        return "identity"
    return "other"


@dataclass
class Layer:
    """One column of the page: a step's output and how to explain its units.

    Attributes:
        index: position in the page's list (0 is the input).
        name, type, kind: the module's name, class name and kind (see the module docstring).
        values: the output (*shape), or the input for index 0.
        source: index of the layer it reads (None for the input, or when unknown).
        step: the recorded step (None for the input).
        info: kind-specific facts (geometry, activation name, softmax flavour).
    """

    index: int
    name: str
    type: str
    kind: str
    values: np.ndarray
    source: Optional[int]
    step: Optional[Step] = None
    info: Dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> Dict[str, Any]:
        return {"index": self.index, "name": self.name, "type": self.type, "kind": self.kind,
                "shape": list(self.values.shape), "source": self.source, "info": self.info,
                "values": encode_array(self.values)}


def layers_of(recording: Recording) -> List[Layer]:
    """The input and every non-identity step as `Layer`s, each pointing at the layer it reads."""
    layers = [Layer(0, "input", "input", "input", recording.input, None)]
    shown: Dict[int, Optional[int]] = {MODEL_INPUT: 0}  # step index -> layer index it shows as
    for number, step in enumerate(recording.steps):
        source = shown.get(step.source) if step.source is not None else None
        kind = _kind(step.module)
        if kind == "identity":
            shown[number] = source  # eval-mode dropout: later layers read through it
            continue
        info: Dict[str, Any] = {}
        if kind in ("conv", "maxpool", "avgpool"):
            info["geometry"] = geometry_of(step.module, step.input.ndim - 1)
            if kind == "conv":
                info["groups"] = int(step.module.groups)
        elif kind == "activation":
            info["function"] = _ACTIVATIONS[type(step.module)]
        elif kind == "softmax":
            info["log"] = isinstance(step.module, nn.LogSoftmax)
        elif kind == "flatten":
            info["from_shape"] = list(step.input.shape)
        if kind in ("conv", "maxpool", "avgpool", "activation", "flatten", "linear") and source is None:
            kind = "other"  # its input was made between layers: nothing to point at
        shown[number] = len(layers)
        layers.append(Layer(len(layers), step.name, type(step.module).__name__, kind, step.output, source,
                            step, info))
    return layers
