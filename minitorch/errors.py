"""Typed errors raised on bad input.

Every message names the op, the shapes involved and the fix. The classes subclass the
built-in exception a Python user would expect, so `except ValueError` keeps working.
"""

from __future__ import annotations

__all__ = ["IndexingError", "ShapeError", "DTypeError", "AutodiffError", "DomainError", "DeviceError", "NonFiniteError"]


class IndexingError(IndexError):
    """An index, a broadcast or a storage that does not fit a shape."""


class ShapeError(ValueError):
    """Arguments whose shapes or sizes an op cannot accept."""


class DTypeError(TypeError):
    """A value of a type or dtype an op cannot accept."""


class AutodiffError(RuntimeError):
    """An operation autodiff cannot allow on a tensor whose gradient is being recorded (an
    in-place write, a numpy view that would escape the graph)."""


class DomainError(ValueError):
    """Values outside what an op accepts: a negative base to a fractional power, an integer
    to a negative integer power, a clamp with neither bound."""


class DeviceError(RuntimeError):
    """Tensors on different devices (CPU, GPU) in one op, or a device that is not there."""


class NonFiniteError(RuntimeError):
    """A value that must be finite is inf or NaN: the total gradient norm `clip_grad_norm_` was
    asked to check (`error_if_nonfinite=True`), as torch's RuntimeError there."""
