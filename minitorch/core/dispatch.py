"""The one link from core up to the layers built on it.

core is the bottom of the dependency graph (core <- autodiff <- ops <- nn): nothing in core
imports autodiff, ops or a backend. A `Tensor` still needs a few things from above -- the
differentiable functions its methods are sugar over (`x + y` is `ops.Add.apply(x, y)`), the
autodiff engine (`History`, `backpropagate`) and the default backend -- and the ops layer
hands them down here when it is imported: `minitorch/ops/__init__.py` calls `install(...)`
once. Every Tensor method reaches them as attributes of `ops` below.

`import minitorch` (or any `minitorch.*` module, which imports the package first) installs
them before user code runs.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ops", "install"]


class _Installed:
    """A namespace the ops layer fills in; a missing name says what went wrong."""

    def __getattr__(self, name: str) -> Any:  # only called for names not installed
        if name.startswith("__"):  # protocol probes (hasattr(x, "__wrapped__"), copy, pickle): plain "no"
            raise AttributeError(name)
        raise RuntimeError(
            f"minitorch.core: {name!r} is not installed yet; Tensor methods work once minitorch.ops "
            f"is imported (import minitorch first)"
        )


ops: Any = _Installed()


def install(**named: Any) -> None:
    """Hand `named` (functions, classes, the default backend) down to core's Tensor methods."""
    ops.__dict__.update(named)
