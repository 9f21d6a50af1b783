"""`Parameter`: a trainable value stored in a `Module`.

A small container around a value (a Tensor, a Scalar, or any Python value for tests);
`Parameter.update(x)` swaps the value and marks it as requiring a gradient.
"""

from __future__ import annotations

from typing import Any, Optional

from ..autodiff.scalar import Scalar  # noqa: F401  (the usual value; named in the example)

__all__ = ["Parameter"]


class Parameter:
    """A trainable value stored in a `Module`.

    Args:
        x: the value: usually a Tensor or a Scalar (marked `requires_grad_(True)`), any value
            is accepted (tests use plain numbers).
        name: optional label, copied onto the value's `.name`.

    Example:
        >>> p = Parameter(Scalar(1.5), name="bias")
        >>> p.value.name, p.value.is_leaf()
        ('bias', True)
    """

    def __init__(self, x: Any = None, name: Optional[str] = None):
        self.value = x
        self.name = name
        self._track(x)

    def update(self, x: Any) -> None:
        """Replace the value (an optimizer step); the new value requires a gradient."""
        self.value = x
        self._track(x)

    def _track(self, x: Any) -> None:
        if hasattr(x, "requires_grad_"):
            x.requires_grad_(True)
            if self.name:
                x.name = self.name

    def __repr__(self) -> str:
        return repr(self.value)

    def __str__(self) -> str:
        return str(self.value)
