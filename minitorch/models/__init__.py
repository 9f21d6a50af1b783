"""The model zoo and its registry: name -> builder.

`build_model(name, input_shape, num_classes, **options)` makes any zoo model from the shape of
one example (without the batch dim) and the number of classes, so the trainer and the command
line stay model-agnostic:

| name | model | input (one example) |
|---|---|---|
| course | `CourseNetwork`, the MiniTorch course CNN | (C, H, W), H and W divisible by 4 |
| lenet5 | `LeNet5` (LeCun et al. 1998) | (C, 28..32, 28..32) |
| signal_cnn | `SignalCNN`, MNIST-1D's CNN baseline | (C, L) |
| kim_cnn | `KimCNN`, Kim (2014) sentence CNN | (L,) token ids; needs vocab_size |
| cnn | `CNNModel`, configurable convolutions | (C, L) or (C, H, W) |
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Tuple

from minitorch import nn
from minitorch.models.configurable import CNNModel, ConvSpec, parse_layers
from minitorch.models.course import CourseNetwork
from minitorch.models.kim_cnn import KimCNN
from minitorch.models.lenet import LeNet5
from minitorch.models.signal_cnn import SignalCNN

__all__ = [
    "CNNModel",
    "ConvSpec",
    "CourseNetwork",
    "KimCNN",
    "LeNet5",
    "MODELS",
    "SignalCNN",
    "build_model",
    "parse_layers",
]


def _image(shape: Tuple[int, ...], name: str) -> Tuple[int, Tuple[int, int]]:
    if len(shape) != 3:
        raise ValueError(f"build_model: {name!r} takes images (C, H, W), got examples of shape {shape}")
    return shape[0], (shape[1], shape[2])


def _course(shape: Tuple[int, ...], num_classes: int, **options: Any) -> nn.Module:
    channels, size = _image(shape, "course")
    return CourseNetwork(channels, size, num_classes, **options)


def _lenet5(shape: Tuple[int, ...], num_classes: int, **options: Any) -> nn.Module:
    channels, size = _image(shape, "lenet5")
    return LeNet5(channels, size, num_classes, **options)


def _signal_cnn(shape: Tuple[int, ...], num_classes: int, **options: Any) -> nn.Module:
    if len(shape) != 2:
        raise ValueError(f"build_model: 'signal_cnn' takes signals (C, L), got examples of shape {shape}")
    return SignalCNN(shape[0], shape[1], num_classes, **options)


def _kim_cnn(shape: Tuple[int, ...], num_classes: int, **options: Any) -> nn.Module:
    if len(shape) != 1 or "vocab_size" not in options:
        raise ValueError(f"build_model: 'kim_cnn' takes token ids (L,) and a vocab_size, got shape {shape} "
                         f"and options {sorted(options)}")
    return KimCNN(num_classes=num_classes, **options)


def _cnn(shape: Tuple[int, ...], num_classes: int, **options: Any) -> nn.Module:
    if len(shape) not in (2, 3):
        raise ValueError(f"build_model: 'cnn' takes signals (C, L) or images (C, H, W), got {shape}")
    return CNNModel(shape[0], tuple(shape[1:]), num_classes, **options)


MODELS: Dict[str, Callable[..., nn.Module]] = {
    "course": _course,
    "lenet5": _lenet5,
    "signal_cnn": _signal_cnn,
    "kim_cnn": _kim_cnn,
    "cnn": _cnn,
}


def build_model(name: str, input_shape: Tuple[int, ...], num_classes: int, **options: Any) -> nn.Module:
    """A zoo model for examples of `input_shape` (no batch dim) and `num_classes` classes.

    Args:
        name: one of `MODELS` ("course", "lenet5", "signal_cnn", "kim_cnn", "cnn").
        input_shape: one example's shape, e.g. (1, 28, 28), (1, 40) or (L,) for token ids.
        num_classes: number of classes.
        **options: passed to the model's constructor (e.g. layers="32:3,64:3:2" for "cnn",
            vocab_size=... for "kim_cnn").

    Example:
        >>> build_model("lenet5", (1, 28, 28), 10).fc3.out_features
        10
    """
    if name not in MODELS:
        raise ValueError(f"build_model: unknown model {name!r}; choose one of {sorted(MODELS)}")
    return MODELS[name](tuple(input_shape), num_classes, **options)
