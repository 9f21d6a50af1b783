"""Dependencies point one way: the lower layers import nothing above themselves.

core <- autodiff <- ops, and backends import only core (plus `errors` and `operators`, which
import nothing of minitorch). Every import statement counts, including ones inside functions:
a lazy import is still an upward dependency. (Tensor methods reach ops through
`core.dispatch`, which the ops layer fills in.)
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Iterator, Tuple

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "minitorch"

# layer -> the top-level minitorch modules/packages it may import (besides itself)
ALLOWED = {
    "errors": set(),
    "operators": set(),
    "core": {"errors"},
    "backends": {"core", "errors", "operators"},
    "autodiff": {"core", "errors", "operators"},
    "ops": {"core", "autodiff", "backends", "errors", "operators"},
}


def _imports(path: Path) -> Iterator[Tuple[str, int]]:
    """The minitorch modules a file imports, as dotted names, with line numbers."""
    package = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if package[-1] == "__init__":
        package = package[:-1]
    else:
        package = package[:-1]  # the package the module lives in
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module == "minitorch":  # `from .. import operators`: the names are modules
                for alias in node.names:
                    yield f"minitorch.{alias.name}", node.lineno
            else:
                yield module, node.lineno


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
