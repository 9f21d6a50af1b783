"""The op registry: every module here defines `OPS: list[OpSpec]`; `all_specs()` gathers them."""

from __future__ import annotations

import importlib
import pkgutil
from typing import List

from .spec import ErrorCase, OpCase, OpSpec, cut_batch, cut_broadcast_batch

__all__ = ["ErrorCase", "OpCase", "OpSpec", "all_specs", "cut_batch", "cut_broadcast_batch"]


def all_specs() -> List[OpSpec]:
    specs: List[OpSpec] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name == "spec":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        specs.extend(getattr(module, "OPS", []))
    names = [s.name for s in specs]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise ValueError(f"op registry: duplicate names {sorted(duplicates)}")
    return specs
