"""Typed errors raised on bad input.

Every message names the op, the shapes involved and the fix. The classes subclass the
built-in exception a Python user would expect, so `except ValueError` keeps working.
"""

from __future__ import annotations

__all__ = ["IndexingError", "ShapeError", "DTypeError"]


class IndexingError(IndexError):
    """An index, a broadcast or a storage that does not fit a shape."""


class ShapeError(ValueError):
    """Arguments whose shapes or sizes an op cannot accept."""


class DTypeError(TypeError):
    """A value of a type or dtype an op cannot accept."""
