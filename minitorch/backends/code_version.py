"""A hash of a Python function's code, for the disk-cache keys of the kernels compiled from it.

numba keys a cached kernel on its own bytecode and on the contents of its closure cells, and
pickles a module-level function in a cell by reference (its qualified name): editing the body
of a scalar function (`operators.py`, `ops/activation_scalars.py`, a user's) would leave the
kernels compiled from it cached as they were. The kernels of `fast_walk.py` therefore also
close over `code_version(fn)`: a hash of fn's bytecode and constants, and, recursively, of the
functions and constant values it names (globals, module attributes, closure cells, the Python
function of a numba dispatcher), which numba compiles into the kernel with it.
"""

from __future__ import annotations

import hashlib
import inspect
import types
from typing import Any, Callable, Set

__all__ = ["code_version"]

_CONSTANT_TYPES = (bool, int, float, complex, str, bytes, tuple, type(None))


def _python_function(value: Any) -> Any:
    """The Python function behind `value` (itself, or a numba dispatcher's), else None."""
    if inspect.isfunction(value):
        return value
    py_func = getattr(value, "py_func", None)
    return py_func if inspect.isfunction(py_func) else None


def _code(code: types.CodeType, update: Callable[[bytes], None]) -> None:
    update(code.co_code)
    update(repr(code.co_names).encode())
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            _code(const, update)
        else:
            update(repr(const).encode())


def _named(value: Any, update: Callable[[bytes], None], seen: Set[int]) -> None:
    """Fold a value the code names into the hash: a function recursively, a constant by repr."""
    function = _python_function(value)
    if function is not None:
        _function(function, update, seen)
    elif isinstance(value, _CONSTANT_TYPES) or type(value).__module__ == "numpy" and hasattr(value, "dtype"):
        update(repr(value).encode())


def _function(fn: Any, update: Callable[[bytes], None], seen: Set[int]) -> None:
    if id(fn) in seen:
        return
    seen.add(id(fn))
    code = fn.__code__
    update(fn.__qualname__.encode())
    _code(code, update)
    names = set(code.co_names)
    for const in code.co_consts:  # names used by nested code (comprehensions, inner functions)
        if isinstance(const, types.CodeType):
            names.update(const.co_names)
    for name in sorted(names):
        value = fn.__globals__.get(name)
        if isinstance(value, types.ModuleType):  # module.attribute: the attributes named here
            for attribute in sorted(names):
                _named(getattr(value, attribute, None), update, seen)
        else:
            _named(value, update, seen)
    for cell in fn.__closure__ or ():
        try:
            _named(cell.cell_contents, update, seen)
        except ValueError:  # an empty cell
            pass


def code_version(fn: Callable[..., Any]) -> str:
    """A hex digest of fn's code and of the code and constants it reaches (see the module
    docstring); "" for what is not a Python function (a builtin, a ufunc)."""
    function = _python_function(fn)
    if function is None:
        return ""
    digest = hashlib.sha256()
    _function(function, digest.update, set())
    return digest.hexdigest()[:32]
