"""The array namespace of an array (numpy, or a device library with numpy's API), and a
context that silences its floating-point warnings."""

from __future__ import annotations

import contextlib
import importlib
import types
from typing import Any, Callable, ContextManager

import numpy

__all__ = ["array_namespace", "quiet", "numpy_with"]


def array_namespace(array: Any) -> Any:
    """The module whose functions compute on `array` (its `__array_namespace__`, else numpy)."""
    get = getattr(array, "__array_namespace__", None)
    if get is None:  # a device array of a library without the protocol: the library itself
        if hasattr(array, "__cuda_array_interface__"):
            return importlib.import_module(type(array).__module__.split(".")[0])
        return numpy
    xp = get()
    if not hasattr(xp, "lib"):  # a strict array-API namespace (older CuPy's cupy.array_api): the library itself
        xp = importlib.import_module(type(array).__module__.split(".")[0])
    return xp


def quiet(xp: Any) -> ContextManager[Any]:
    """Silence overflow / invalid / divide warnings of `xp` (inf and NaN are results here, as in
    PyTorch); a namespace without `errstate` computes quietly already."""
    errstate = getattr(xp, "errstate", None)
    return errstate(all="ignore") if errstate is not None else contextlib.nullcontext()


def numpy_with(description: str, **overrides: Callable[..., Any]) -> types.ModuleType:
    """A namespace equal to numpy except for `overrides` (the fast backend's `xp`: numpy whose
    large arrays come from a workspace and whose matmul follows the thread policy)."""

    class _Numpy(types.ModuleType):
        def __getattr__(self, name: str) -> Any:
            value = getattr(numpy, name)
            setattr(self, name, value)  # found once, then a plain attribute
            return value

    namespace = _Numpy("numpy", description)
    for name, value in overrides.items():
        setattr(namespace, name, value)
    return namespace
