"""HW2P1's `models`: the CNN and the scanning MLPs."""

from . import cnn, mlp_scan

__all__ = ["cnn", "mlp_scan"]
