"""The public API is annotated (issue 13): every function and method a user reaches through
`minitorch`, `minitorch.nn`, `nn.functional`, `nn.init` and `minitorch.optim` declares the
types of all its parameters and its return, and the package ships `py.typed`, so a type
checker run on user code sees our signatures (CI's mypy run checks the bodies against them).

A class counts with every public or dunder method it (or a minitorch base such as Tensor's
mixins) defines, properties included. `__init__` needs a return annotation only when it has
no other parameter (mypy treats such an `__init__` as unannotated otherwise).
"""

from __future__ import annotations

import inspect
import tomllib
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Dict, Iterator, List, Tuple

import minitorch
import minitorch.nn.functional as F
import minitorch.nn.init as init
from minitorch import nn, optim

ROOT = Path(__file__).resolve().parent.parent
NAMESPACES: List[Tuple[str, ModuleType]] = [
    ("minitorch", minitorch), ("minitorch.nn", nn), ("minitorch.nn.functional", F),
    ("minitorch.nn.init", init), ("minitorch.optim", optim),
]
# "qualified name" -> why it stays unannotated (none today; an entry needs a reason)
ALLOWED: Dict[str, str] = {}


def _ours(obj: Any) -> bool:
    return (getattr(obj, "__module__", None) or "").startswith("minitorch")


def _members(cls: type) -> Iterator[Tuple[str, Callable[..., Any], bool]]:
    """(name, function, bound) for the methods and properties `cls` and its minitorch bases define."""
    for klass in cls.__mro__:
        if not _ours(klass):
            continue
        for name, value in vars(klass).items():
            if name.startswith("_") and not (name.startswith("__") and name.endswith("__")):
                continue
            if isinstance(value, property):
                yield name, value.fget, True  # type: ignore[misc]
            elif isinstance(value, staticmethod):
                yield name, value.__func__, False
            elif isinstance(value, classmethod):
                yield name, value.__func__, True
            elif inspect.isfunction(value):
                yield name, value, True


def _missing(fn: Callable[..., Any], bound: bool) -> List[str]:
    """The parameters (and "return") of `fn` that have no annotation."""
    params = list(inspect.signature(fn).parameters)[1 if bound else 0:]
    annotations = fn.__annotations__
    missing = [p for p in params if p not in annotations]
    if "return" not in annotations and not (fn.__name__ == "__init__" and params):
        missing.append("return")
    return missing


def _public_api() -> Iterator[Tuple[str, Callable[..., Any], bool]]:
    seen = set()
    for prefix, module in NAMESPACES:
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isfunction(obj) and _ours(obj):
                items = [(f"{obj.__module__}.{obj.__qualname__}", obj, False)]
            elif inspect.isclass(obj) and _ours(obj):
                items = [(f"{fn.__module__}.{fn.__qualname__}", fn, bound) for _, fn, bound in _members(obj)
                         if _ours(fn)]
            else:
                continue
            for item in items:
                if id(item[1]) not in seen:
                    seen.add(id(item[1]))
                    yield item


def test_the_public_api_is_annotated() -> None:
    checked, gaps = 0, []
    for qualname, fn, bound in _public_api():
        checked += 1
        missing = _missing(fn, bound)
        if missing and qualname not in ALLOWED:
            gaps.append(f"{qualname}: {', '.join(missing)}")
    assert checked > 500, f"only {checked} functions found: the walk over the public API is broken"
    assert not gaps, "unannotated public API (annotate it, or allow it in ALLOWED with a reason):\n" + "\n".join(gaps)


def test_allowed_exceptions_still_exist_and_have_reasons() -> None:
    names = {qualname for qualname, _, _ in _public_api()}
    for qualname, reason in ALLOWED.items():
        assert qualname in names, f"{qualname} is allowed but no longer public: drop it from ALLOWED"
        assert reason.strip(), f"{qualname} needs a reason"


def test_the_check_sees_a_missing_annotation() -> None:
    def plain(x, y: int = 1):
        return x

    def typed(x: int) -> int:
        return x

    assert _missing(plain, bound=False) == ["x", "return"]
    assert _missing(typed, bound=False) == []


def test_the_package_ships_py_typed() -> None:
    assert (ROOT / "minitorch" / "py.typed").is_file()
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "py.typed" in config["tool"]["setuptools"]["package-data"]["minitorch"]
