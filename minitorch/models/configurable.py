"""A configurable CNN: a list of convolutions (channels, kernel size, stride, activation),
then flatten and one Linear layer. 1-D or 2-D, chosen by the input size.

Layers can be given as `ConvSpec`s or as a compact string for the command line:
"32:3,64:3:2" means conv to 32 channels with a 3-wide kernel (stride 1, ReLU), then conv to
64 channels, kernel 3, stride 2 (ReLU); a fourth field picks the activation
("relu", "tanh", "sigmoid" or "none"). Padding is kernel_size // 2 ("same" size at stride 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence, Tuple, Union

from minitorch import nn
from minitorch.core.tensor import Tensor

__all__ = ["ConvSpec", "parse_layers", "CNNModel", "DEFAULT_LAYERS"]

_ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}

DEFAULT_LAYERS = "32:3,64:3:2"


@dataclass(frozen=True)
class ConvSpec:
    """One convolution: out_channels, kernel_size, stride (default 1), activation (default "relu")."""

    out_channels: int
    kernel_size: int
    stride: int = 1
    activation: str = "relu"

    def __post_init__(self) -> None:
        if self.out_channels < 1 or self.kernel_size < 1 or self.stride < 1:
            raise ValueError(f"ConvSpec: channels, kernel_size and stride must be positive, got {self}")
        if self.activation not in _ACTIVATIONS and self.activation != "none":
            raise ValueError(f"ConvSpec: activation {self.activation!r} is not one of "
                             f"{sorted(_ACTIVATIONS) + ['none']}")


def parse_layers(text: str) -> list[ConvSpec]:
    """ConvSpecs from "C:K[:S[:activation]],..." (e.g. "32:3,64:3:2:tanh").

    Example:
        >>> [(s.out_channels, s.kernel_size, s.stride, s.activation) for s in parse_layers("16:3,32:3:2:tanh")]
        [(16, 3, 1, 'relu'), (32, 3, 2, 'tanh')]
    """
    specs = []
    for item in text.split(","):
        fields = item.strip().split(":")
        try:
            if not 2 <= len(fields) <= 4:
                raise ValueError
            numbers = [int(f) for f in fields[:3]]
        except ValueError:
            raise ValueError(f"parse_layers: cannot read layer {item!r}; write CHANNELS:KERNEL[:STRIDE[:ACTIVATION]], "
                             f"e.g. '32:3' or '64:3:2:relu'") from None
        # the fields in declaration order: 2-3 ints, then the activation's name
        specs.append(ConvSpec(*numbers, *fields[3:]))  # type: ignore[arg-type]
    return specs


class CNNModel(nn.Module):
    """Convolutions from a list of specs, then flatten and Linear; returns logits.

    Args:
        in_channels: input channels. Default 1.
        input_size: (L,) for signals or (H, W) for images. Default (8, 8).
        num_classes: number of classes. Default 10.
        layers: ConvSpecs or a string for `parse_layers`. Default "32:3,64:3:2".
        dropout: dropout before the Linear layer (0 for none). Default 0.0.

    Shape:
        input (N, in_channels, *input_size) -> output (N, num_classes).

    Example:
        >>> CNNModel(input_size=(8, 8), layers="8:3,16:3:2")(minitorch.rand((2, 1, 8, 8))).shape
        (2, 10)
    """

    def __init__(self, in_channels: int = 1, input_size: Tuple[int, ...] = (8, 8), num_classes: int = 10,
                 layers: Union[str, Sequence[ConvSpec]] = DEFAULT_LAYERS, dropout: float = 0.0):
        super().__init__()
        specs = parse_layers(layers) if isinstance(layers, str) else list(layers)
        if not specs:
            raise ValueError("CNNModel: give at least one convolution layer")
        if len(input_size) not in (1, 2):
            raise ValueError(f"CNNModel: input_size must be (L,) or (H, W), got {input_size}")
        conv = nn.Conv1d if len(input_size) == 1 else nn.Conv2d
        self.layer_specs = specs
        size = list(input_size)
        channels = in_channels
        modules = []
        for spec in specs:
            padding = spec.kernel_size // 2
            modules.append(conv(channels, spec.out_channels, spec.kernel_size, stride=spec.stride, padding=padding))
            if spec.activation != "none":
                modules.append(_ACTIVATIONS[spec.activation]())
            size = [(s + 2 * padding - spec.kernel_size) // spec.stride + 1 for s in size]  # >= 1
            channels = spec.out_channels
        self.features = nn.Sequential(*modules)
        self.flatten = nn.Flatten()
        self.dropout = nn.Dropout(dropout)
        features = channels
        for s in size:
            features *= s
        self.classifier = nn.Linear(features, num_classes)

    def feature_maps(self, x: Tensor) -> Tensor:
        """Activations after the first convolution (and its activation)."""
        x = self.features[0](x)
        return self.features[1](x) if self.layer_specs[0].activation != "none" else x

    def forward(self, x: Tensor) -> Tensor:
        x = self.flatten(self.features(x))  # (N, C, *size) -> (N, C * prod(size))
        return self.classifier(self.dropout(x))
