"""numba, imported on first use: the one door to the modules it compiles, and to numba itself.

Importing numba (with llvmlite, and the scipy and yaml modules it loads) takes about 0.2 s,
more than the rest of `import minitorch`, and a program's first compiled kernel comes a while
after its imports, if ever (the reference backend, numpy's ufunc paths, data tools, the CLI's
help need none). So nothing `import minitorch` runs imports numba:

* the modules whose functions numba compiles (`KERNEL_MODULES`: `@njit` / `register_jitable`
  at their top) are read through this module, as `compiled.fast_walk.elementwise(...)`: the
  first read imports the module (PEP 562 `__getattr__`), later reads are plain module
  attribute lookups;
* a backend class names such a module's kernel with `Kernel`: `unfold = Kernel("fast_conv")`
  imports `fast_conv` at the first read of `FastOps.unfold` and puts the function itself on
  the class (later reads cost nothing extra);
* `with_numba(fn)` runs `fn(numba)` once numba is imported -- now, if it is, else right after
  whoever imports it first (minitorch's first kernel, or the user's own `import numba`): the
  thread policy gives numba its thread count this way, and numba gets a lazy `cuda`
  attribute, so the course's `import numba` ... `numba.cuda.is_available()` works after
  `import minitorch` as it did when the course's `cuda_ops.py` imported numba.cuda (which
  itself loads on first read: it costs another ~0.2 s).

tests/test_cold_import.py checks that `import minitorch` imports no numba (nor scipy, yaml).

Example:
    >>> from minitorch.backends import compiled
    >>> compiled.fast_walk.BLOCK
    256
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
import threading
from types import ModuleType
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Sequence

if TYPE_CHECKING:  # (what `__getattr__` returns, for the type checker)
    from . import fast_activation as fast_activation
    from . import fast_channel as fast_channel
    from . import fast_conv as fast_conv
    from . import fast_exp as fast_exp
    from . import fast_norm as fast_norm
    from . import fast_optim as fast_optim
    from . import fast_pool as fast_pool
    from . import fast_rows as fast_rows
    from . import fast_scatter as fast_scatter
    from . import fast_shift as fast_shift
    from . import fast_spin as fast_spin
    from . import fast_split as fast_split
    from . import fast_walk as fast_walk

__all__ = ["KERNEL_MODULES", "Kernel", "with_numba"]

# the backends' modules that import numba at their top (each compiles kernels at first call)
KERNEL_MODULES = (
    "fast_activation", "fast_channel", "fast_conv", "fast_exp", "fast_norm", "fast_optim", "fast_pool", "fast_rows",
    "fast_scatter", "fast_shift", "fast_spin", "fast_split",
    "fast_walk",
)


def __getattr__(name: str) -> ModuleType:
    """`compiled.<kernel module>`: imported at the first read, then an attribute like any other."""
    if name not in KERNEL_MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = importlib.import_module(f"{__package__}.{name}")
    globals()[name] = module
    return module


class Kernel:
    """A backend class attribute naming the same-named function of a kernel module, imported
    at its first read (see the module docstring).

    Args:
        module: one of `KERNEL_MODULES`.
    """

    def __init__(self, module: str) -> None:
        if module not in KERNEL_MODULES:
            raise ValueError(f"Kernel: {module!r} is not one of {KERNEL_MODULES}")
        self.module = module
        self.name = ""
        self.owner: Optional[type] = None

    def __set_name__(self, owner: type, name: str) -> None:
        self.owner, self.name = owner, name

    def __get__(self, instance: Any, owner: Optional[type] = None) -> Callable[..., Any]:
        kernel: Callable[..., Any] = getattr(__getattr__(self.module), self.name)
        setattr(self.owner, self.name, staticmethod(kernel))
        return kernel

    def __repr__(self) -> str:
        return f"Kernel({self.module!r}) for {self.name!r} (not imported yet)"


_lock = threading.Lock()
_numba: List[ModuleType] = []  # numba, once imported
_waiting: Dict[Callable[[ModuleType], None], None] = {}  # (an ordered set)


def with_numba(fn: Callable[[ModuleType], None]) -> None:
    """`fn(numba)` now if numba is imported, else right after it is (once per function)."""
    with _lock:
        if not _numba:
            _waiting[fn] = None
            return
        numba = _numba[0]
    fn(numba)


def _imported(numba: ModuleType) -> None:
    with _lock:
        _numba.append(numba)
        waiting = list(_waiting)
        _waiting.clear()
    for fn in waiting:
        fn(numba)


def _lazy_cuda(name: str) -> Any:
    """numba's module `__getattr__` (PEP 562; numba defines none): `numba.cuda` loads on its
    first read, with the CUDA backend's numpy compatibility applied first (`cuda_device.py`)."""
    if name == "cuda":
        importlib.import_module(f"{__package__}.cuda_device")
        return importlib.import_module("numba.cuda")
    raise AttributeError(f"module 'numba' has no attribute {name!r}")


def _give_cuda(numba: ModuleType) -> None:
    if "__getattr__" not in vars(numba):
        setattr(numba, "__getattr__", _lazy_cuda)


class _WhenNumbaImports(importlib.abc.MetaPathFinder):
    """Finds numba with the other finders, once, and calls `_imported` after its module runs."""

    def find_spec(self, name: str, path: Optional[Sequence[str]] = None, target: Optional[ModuleType] = None) -> Any:
        if name != "numba":
            return None
        if self in sys.meta_path:
            sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.loader is not None:
            run = spec.loader.exec_module

            def exec_module(module: ModuleType) -> None:
                run(module)
                _imported(module)

            setattr(spec.loader, "exec_module", exec_module)
        return spec


with_numba(_give_cuda)
if "numba" in sys.modules:  # imported already (by the user's code, before minitorch)
    _imported(sys.modules["numba"])
else:
    sys.meta_path.insert(0, _WhenNumbaImports())
