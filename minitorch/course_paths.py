"""The MiniTorch course's module paths: `minitorch.tensor_data`, `minitorch.fast_ops`, ...

The course splits the library into flat modules (`tensor_data.py`, `tensor_functions.py`,
`fast_ops.py`, `fast_conv.py`, ...) and star-imports every one of them into `minitorch`, so each
public name of a course module is also a top-level `minitorch` name. Course code still reaches
some by path (`from minitorch.tensor_data import TensorData`, the 2021 edition's
`from minitorch.tensor_functions import grad_check`, `minitorch.fast_conv.tensor_conv2d(...)`).

Here the library is laid out by concept instead (core, autodiff, backends, ops, nn), so each
course path is a small module object whose names are looked up on the top-level package when
read, plus the course-internal names of `_EXTRAS` that have no top-level name. `install()`
registers them in `sys.modules` (so `import` and `from ... import` work) and as attributes of
the package. Paths that exist here as real modules (`minitorch.operators`, `minitorch.nn`,
`minitorch.optim`, `minitorch.datasets`, `minitorch.testing`) are not shadowed.

Example:
    >>> from minitorch.tensor_data import TensorData
    >>> TensorData is minitorch.TensorData
    True
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any, Callable, Dict, List

__all__ = ["COURSE_PATHS", "install"]

COURSE_PATHS = (
    "tensor_data",
    "tensor_functions",
    "tensor_ops",
    "fast_ops",
    "fast_conv",
    "cuda_ops",
    "scalar",
    "scalar_functions",
    "module",
)


def _attr(module: str, name: str) -> Callable[[], Any]:
    return lambda: getattr(importlib.import_module(module), name)


# course-internal names that are not top-level minitorch names
_EXTRAS: Dict[str, Dict[str, Callable[[], Any]]] = {
    "fast_conv": {
        "tensor_conv1d": _attr("minitorch.ops.conv_course_kernels", "tensor_conv1d"),
        "tensor_conv2d": _attr("minitorch.ops.conv_course_kernels", "tensor_conv2d"),
    },
    "tensor_functions": {
        name: _attr("minitorch.ops", name)
        for name in ("Neg", "Inv", "Add", "Mul", "Sigmoid", "ReLU", "Log", "Exp", "Sum", "All", "LT", "EQ",
                     "IsClose", "Permute", "View", "Copy", "MatMul")
    },
}


class CoursePath(types.ModuleType):
    """A course module path: reading a name returns the top-level `minitorch` name (or an extra)."""

    def __getattr__(self, name: str) -> Any:
        short = self.__name__.rsplit(".", 1)[-1]
        extra = _EXTRAS.get(short, {}).get(name)
        if extra is not None:
            return extra()
        package = sys.modules[self.__name__.rsplit(".", 1)[0]]
        if not name.startswith("__") and hasattr(package, name):
            return getattr(package, name)
        raise AttributeError(
            f"module {self.__name__!r} has no attribute {name!r}: this library keeps the course's public "
            "names at the top level (minitorch.<name>); see docs/COURSE_MAP.md"
        )

    def __dir__(self) -> List[str]:
        package, short = self.__name__.rsplit(".", 1)
        return sorted(set(dir(sys.modules[package])) | set(_EXTRAS.get(short, {})))


def install(package: types.ModuleType) -> None:
    """Register every course path under `package` (import and attribute access both work)."""
    for short in COURSE_PATHS:
        full = f"{package.__name__}.{short}"
        if full in sys.modules or hasattr(package, short):
            continue
        module = CoursePath(full, f"The MiniTorch course's `{full}` (names forwarded to `{package.__name__}`).")
        sys.modules[full] = module
        setattr(package, short, module)
