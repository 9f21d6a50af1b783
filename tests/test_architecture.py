"""The architecture, checked: dependencies point one way, and ops compute only through the
tensor's backend (no numpy in minitorch/ops)."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, Iterator, Tuple

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "minitorch"

# Lower layers first; a module may import its own layer and the layers below it.
# `operators` and `errors` are leaves everything may use. Backends import only core (and leaves).
LAYERS = {
    "operators": 0, "errors": 0,
    "core": 1, "backends": 1,
    "autodiff": 2,
    "ops": 3,
    "nn": 4, "optim": 4,
    "io": 5, "data": 5, "models": 5, "train": 5, "viz": 5, "cli": 5, "__main__": 5,
    "datasets": 5, "testing": 5, "mytorch": 5, "explain": 5,
    "__init__": 6,
}
ALLOWED_FROM_BACKENDS = {"core", "backends", "operators", "errors"}
# The application layer (5) may use the public facade `import minitorch`, as user code does.
FACADE_USERS = 5

# Known and being removed (lane E, issue 13): core/tensor.py still imports autodiff and ops at
# module level. Delete an entry when its import goes; the test fails if one is no longer found.
PENDING = {
    ("minitorch/core/tensor.py", "minitorch.autodiff.function"),
    ("minitorch/core/tensor.py", "minitorch.autodiff.graph"),
    ("minitorch/core/tensor.py", "minitorch.ops"),
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _top_level_imports(path: Path) -> Iterator[Tuple[int, str]]:
    """(line, absolute module) of every import that runs when the module is imported: module
    level, outside `if TYPE_CHECKING:` (imports inside functions are lazy, and allowed)."""
    tree = ast.parse(path.read_text())
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]

    def walk(nodes):
        for node in nodes:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                yield from walk(node.orelse)
                continue
            if isinstance(node, (ast.If, ast.Try)):
                yield from walk(node.body)
                yield from walk(getattr(node, "orelse", []))
                for handler in getattr(node, "handlers", []):
                    yield from walk(handler.body)
                yield from walk(getattr(node, "finalbody", []))
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    yield node.lineno, alias.name
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")
                    base = base[: len(base) - node.level + 1]
                    module = ".".join(base + ([node.module] if node.module else []))
                else:
                    module = node.module or ""
                if node.module is None or module == "minitorch":  # `from . import x`: x is the module
                    for alias in node.names:
                        yield node.lineno, f"{module}.{alias.name}"
                else:
                    yield node.lineno, module

    yield from walk(tree.body)


def _area(module: str) -> str:
    """minitorch.core.tensor -> core; minitorch.cli -> cli; minitorch -> __init__."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _sources():
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _violations() -> Dict[Tuple[str, str], str]:
    """(file, imported module) -> why, for every import against the layering."""
    found = {}
    for path in _sources():
        own = _area(_module_name(path))
        for line, target in _top_level_imports(path):
            if not target.startswith("minitorch.") and target != "minitorch":
                continue
            other = _area(target)
            key = (str(path.relative_to(PACKAGE.parent)), target)
            if own == "backends" and other not in ALLOWED_FROM_BACKENDS:
                found[key] = f"line {line}: backends import only core"
            elif target == "minitorch" and LAYERS.get(own, 6) >= FACADE_USERS:
                continue
            elif own != "backends" and LAYERS.get(other, 0) > LAYERS.get(own, 6):
                found[key] = f"line {line}: {other} is above {own}"
    return found


def test_dependencies_point_one_way():
    """core <- autodiff <- ops <- nn / optim <- io / data / models / train / viz / cli;
    backends import nothing above core. Lazy imports inside functions are allowed."""
    violations = _violations()
    new = {key: why for key, why in violations.items() if key not in PENDING}
    assert not new, "imports against the layering:\n" + "\n".join(f"{f} imports {m} ({w})" for (f, m), w in sorted(new.items()))
    gone = PENDING - set(violations)
    assert not gone, f"these imports are gone: remove them from PENDING: {sorted(gone)}"


def test_every_area_has_a_layer():
    areas = {_area(_module_name(p)) for p in _sources()}
    assert areas <= set(LAYERS), f"give these a layer in LAYERS: {sorted(areas - set(LAYERS))}"


HOST_MODULES = {"numpy", "numba", "scipy", "llvmlite", "torch", "cupy"}


@pytest.mark.parametrize("path", sorted((PACKAGE / "ops").glob("*.py")), ids=lambda p: p.name)
def test_ops_compute_only_through_the_backend(path):
    """No op imports an array library (except for type annotations) or reads a tensor through
    `to_numpy()`: ops reach data through `ops.arrays` and compute with `t.backend.xp` and the
    backend's named kernels, so the same code runs on every backend."""
    offending = [
        f"line {line}: import {module}"
        for line, module in _top_level_imports(path)
        if module.split(".")[0] in HOST_MODULES
    ]
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)) and node.col_offset > 0:
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            if any(n.split(".")[0] in HOST_MODULES for n in names) and not _under_type_checking(tree, node):
                offending.append(f"line {node.lineno}: lazy import of {names}")
        if isinstance(node, ast.Attribute) and node.attr in {"to_numpy", "to_numpy_view", "__array__"}:
            offending.append(f"line {node.lineno}: .{node.attr}")
    assert not offending, f"{path.name} bypasses the backend: " + "; ".join(offending)


def _under_type_checking(tree: ast.AST, target: ast.AST) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            if any(child is target for body_node in node.body for child in ast.walk(body_node)):
                return True
    return False
