"""Every third-party import is declared in pyproject.toml: the package's in `dependencies` (in
minitorch/distributed also the `distributed` extra, imported only when data-parallel training
starts), the tests' in `dependencies` or the `test` extra. Lazy imports inside functions count too (an
undeclared one fails only on the code path that reaches it, on a user's machine)."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _imported_modules(folder: Path, exclude: str | None = None) -> dict[str, str]:
    """Top-level third-party module -> one file importing it, for every .py under `folder` (not under `exclude`)."""
    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*.py")):
        if exclude is not None and path.is_relative_to(ROOT / exclude):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in ("minitorch", "tests", "__future__"):
                    found.setdefault(top, str(path.relative_to(ROOT)))
    return found


def _declared(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].lower().replace("_", "-")
            for requirement in requirements}


def _undeclared(folder: str, declared: set[str], exclude: str | None = None) -> list[str]:
    distributions = importlib.metadata.packages_distributions()
    missing = []
    for module, where in _imported_modules(ROOT / folder, exclude).items():
        names = {name.lower().replace("_", "-") for name in distributions.get(module, [module])}
        if not names & declared:
            missing.append(f"{module} (imported by {where}; distribution {sorted(names)})")
    return missing


PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
RUNTIME = _declared(PROJECT["dependencies"])
TEST = _declared(PROJECT["optional-dependencies"]["test"])
DISTRIBUTED = _declared(PROJECT["optional-dependencies"]["distributed"])
GPU = _declared(PROJECT["optional-dependencies"]["gpu"] + PROJECT["optional-dependencies"]["gpu-cu13"])
GPU |= {"cupy"} if {"cupy-cuda12x", "cupy-cuda13x"} <= GPU else set()  # module `cupy`, installed or not


def test_the_scan_sees_imports():
    assert {"numpy", "numba", "PIL", "safetensors"} <= set(_imported_modules(ROOT / "minitorch"))


def test_every_package_import_is_a_runtime_dependency():
    """(or an extra's: the distributed one's under minitorch/distributed, the GPU one's CuPy,
    imported only by the CUDA backend, checked below)"""
    assert not _undeclared("minitorch", RUNTIME | GPU, exclude="minitorch/distributed"), _undeclared(
        "minitorch", RUNTIME | GPU, exclude="minitorch/distributed")
    assert not _undeclared("minitorch/distributed", RUNTIME | DISTRIBUTED), _undeclared(
        "minitorch/distributed", RUNTIME | DISTRIBUTED)
    assert "mpi4py" in DISTRIBUTED and "minitorch-cnn" in TEST  # the test extra pulls the distributed one in


def test_the_gpu_extra_is_imported_only_by_the_cuda_backend():
    importers = set()
    for path in sorted((ROOT / "minitorch").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module] if isinstance(node, ast.ImportFrom) and node.module else [])
            if any(name.split(".")[0] == "cupy" for name in names):
                importers.add(path.relative_to(ROOT).as_posix())
    assert importers and all(p.startswith("minitorch/backends/cuda") for p in importers), importers


def test_every_test_import_is_declared():
    assert not _undeclared("tests", RUNTIME | TEST), _undeclared("tests", RUNTIME | TEST)


def test_scikit_learn_is_for_tests_only():
    assert "scikit-learn" not in RUNTIME and "scikit-learn" in TEST
