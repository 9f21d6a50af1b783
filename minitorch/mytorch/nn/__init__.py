"""HW2P1's `mytorch/nn` modules (each module named as the handout's file)."""

from . import Conv1d, Conv2d, ConvTranspose, activation, linear, loss, pool, resampling

__all__ = ["Conv1d", "Conv2d", "ConvTranspose", "activation", "linear", "loss", "pool", "resampling"]
