"""The array namespace of an array (numpy, or a device library with numpy's API), and a
context that silences its floating-point warnings."""

from __future__ import annotations

import contextlib
import importlib
import types
from typing import Any, Callable, ContextManager

import numpy

__all__ = ["array_namespace", "quiet", "quiet_call", "numpy_with"]


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


_ERRSTATE: Any = None  # numpy >= 2 keeps its error state in a context variable: setting it costs
try:  # ~0.3 us against ~3.8 us for entering np.errstate (measured, load ~11)
    _ERRSTATE = getattr(importlib.import_module("numpy._core._ufunc_config"), "_extobj_contextvar")
    with numpy.errstate(all="ignore"):
        _IGNORE_ALL = _ERRSTATE.get()
except (ImportError, AttributeError):  # pragma: no cover - numpy 1.26: np.errstate below
    _ERRSTATE = None


class _QuietNumpy:
    """`numpy.errstate(all="ignore")` at the cost of a context-variable set and reset (every
    elementwise op of the fast backend runs in one)."""

    __slots__ = ("_token",)

    def __enter__(self) -> None:
        self._token = _ERRSTATE.set(_IGNORE_ALL)

    def __exit__(self, *exc: Any) -> None:
        _ERRSTATE.reset(self._token)


def quiet(xp: Any) -> ContextManager[Any]:
    """Silence overflow / invalid / divide warnings of `xp` (inf and NaN are results here, as in
    PyTorch); a namespace without `errstate` computes quietly already."""
    errstate = getattr(xp, "errstate", None)
    if errstate is None:
        return contextlib.nullcontext()
    if errstate is numpy.errstate and _ERRSTATE is not None:
        return _QuietNumpy()
    return errstate(all="ignore")


def quiet_call(fn: Callable[..., Any], *args: Any) -> Any:
    """`fn(*args)` inside `quiet(numpy)` for one call of numpy's (a ufunc, `out` given
    positionally): a context-variable set and reset with no context manager around them,
    ~0.2 us less (the fast backend's elementwise ops and sums each make one)."""
    if _ERRSTATE is None:  # pragma: no cover - numpy 1.26
        with numpy.errstate(all="ignore"):
            return fn(*args)
    token = _ERRSTATE.set(_IGNORE_ALL)
    try:
        return fn(*args)
    finally:
        _ERRSTATE.reset(token)


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
