"""The architecture, checked: dependencies point one way, and ops compute only through the
tensor's backend (no array library in minitorch/ops).

core <- autodiff <- ops <- nn / optim <- io / data / models / train / viz / cli, and backends
import only core (plus `errors` and `operators`, which import nothing of minitorch). In the
lower layers every import statement counts, including ones inside functions: a lazy import is
still an upward dependency (Tensor methods reach ops through `core.dispatch`, which the ops
layer fills in). Above ops, imports at module level count.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Iterator, Tuple

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "minitorch"

# lower layer -> the top-level minitorch modules/packages it may import (besides itself)
ALLOWED = {
    "errors": set(),
    "operators": set(),
    "core": {"errors"},
    "backends": {"core", "errors", "operators"},
    "autodiff": {"core", "errors", "operators"},
    "ops": {"core", "autodiff", "backends", "errors", "operators"},
}
# every area's rank: a module may import (at module level) areas of its rank or lower; the
# application rank may also use the public facade `import minitorch`, as user code does
RANK = {
    "errors": 0, "operators": 0, "core": 1, "backends": 1, "autodiff": 2, "ops": 3, "nn": 4, "optim": 4,
    "io": 5, "data": 5, "models": 5, "train": 5, "viz": 5, "cli": 5, "__main__": 5, "datasets": 5,
    "testing": 5, "mytorch": 5, "explain": 5, "course_paths": 5, "distributed": 5, "utils": 5, "__init__": 6,
}
APPLICATION = 5


def _package_of(path: Path) -> list:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return parts[:-1]  # a module's package; for __init__.py, the package itself


def _resolve(path: Path, node: ast.AST) -> Iterator[str]:
    """The dotted modules one import statement names."""
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
    elif isinstance(node, ast.ImportFrom):
        package = _package_of(path)
        if node.level:
            base = package[: len(package) - (node.level - 1)]
            module = ".".join(base + ([node.module] if node.module else []))
        else:
            module = node.module or ""
        if module == "minitorch":  # `from .. import operators`: the names are modules
            yield from (f"minitorch.{alias.name}" for alias in node.names)
        else:
            yield module


def _type_checking_only(tree: ast.AST) -> set:
    """ids of the import nodes under `if TYPE_CHECKING:` (annotations only, never run)."""
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            ids.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    return ids


def _imports(path: Path, module_level_only: bool = False) -> Iterator[Tuple[str, int]]:
    """(module, line) of the imports of a file that run: all of them, or those at module level."""
    tree = ast.parse(path.read_text())
    skip = _type_checking_only(tree)
    nodes = ast.walk(tree)
    if module_level_only:
        nodes = (n for stmt in tree.body if not isinstance(stmt, (ast.FunctionDef, ast.ClassDef)) for n in ast.walk(stmt))
    for node in nodes:
        if isinstance(node, (ast.Import, ast.ImportFrom)) and id(node) not in skip:
            for module in _resolve(path, node):
                yield module, node.lineno


def _area(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0]


def _sources():
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _layer_files():
    for layer in ALLOWED:
        path = PACKAGE / layer
        files = sorted(path.rglob("*.py")) if path.is_dir() else [PACKAGE / f"{layer}.py"]
        for file in files:
            yield layer, file


@pytest.mark.parametrize("layer,path", list(_layer_files()), ids=lambda v: str(v).split("minitorch/")[-1])
def test_lower_layers_import_nothing_above_themselves(layer, path):
    allowed = ALLOWED[layer] | {layer}
    for module, line in _imports(path):
        parts = module.split(".")
        if parts[0] != "minitorch" or len(parts) < 2:
            continue
        assert parts[1] in allowed, (
            f"{path.relative_to(PACKAGE.parent)}:{line} imports {module}; the {layer} layer may import "
            f"only {sorted(allowed)}"
        )


@pytest.mark.parametrize("path", [p for p in _sources() if _area(p) not in ALLOWED], ids=lambda p: str(p.relative_to(PACKAGE)))
def test_upper_layers_import_only_downwards(path):
    own = RANK[_area(path)]
    for module, line in _imports(path, module_level_only=True):
        parts = module.split(".")
        if parts[0] != "minitorch":
            continue
        if len(parts) == 1:
            assert own >= APPLICATION, f"{path.relative_to(PACKAGE.parent)}:{line}: only the application layer uses `import minitorch`"
            continue
        assert RANK[parts[1]] <= own, f"{path.relative_to(PACKAGE.parent)}:{line} imports {module}, a layer above it"


def test_every_area_has_a_rank():
    areas = {_area(p) for p in _sources()}
    assert areas <= set(RANK), f"give these a rank in RANK: {sorted(areas - set(RANK))}"


ARRAY_LIBRARIES = {"numpy", "numba", "scipy", "llvmlite", "torch", "cupy"}


@pytest.mark.parametrize("path", sorted((PACKAGE / "ops").glob("*.py")), ids=lambda p: p.name)
def test_ops_compute_only_through_the_backend(path):
    """No op imports an array library (except for type annotations) or reads a tensor through
    `to_numpy()`: ops reach data through `ops/arrays.py` and compute with `t.backend.xp` and
    the backend's named kernels, so the same code runs on every backend."""
    offending = [f"line {line}: import {module}" for module, line in _imports(path) if module.split(".")[0] in ARRAY_LIBRARIES]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Attribute) and node.attr in {"to_numpy", "to_numpy_view", "__array__"}:
            offending.append(f"line {node.lineno}: .{node.attr}")
    assert not offending, f"{path.name} bypasses the backend: " + "; ".join(offending)
