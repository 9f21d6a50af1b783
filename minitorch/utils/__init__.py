"""`minitorch.utils` (as `torch.utils`): `data`, the PyTorch-style face of minitorch's data loading."""

from . import data

__all__ = ["data"]
