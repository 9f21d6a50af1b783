"""The array namespace of an array (numpy, or a device library with numpy's API), and a
context that silences its floating-point warnings."""

from __future__ import annotations

import contextlib
import importlib
from typing import Any, ContextManager

import numpy

__all__ = ["array_namespace", "quiet"]


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
