"""The mutation check's bugs still apply to the code (a stale mutant would silently measure nothing)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.mutation_check import MUTANTS

PACKAGE = Path(__file__).resolve().parents[1] / "minitorch"


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: m.name)
def test_each_mutant_changes_exactly_one_place(mutant):
    source = (PACKAGE / mutant.path).read_text()
    assert source.count(mutant.old) == 1, f"update tests/mutation_check.py: {mutant.name!r} no longer applies"
    assert mutant.old != mutant.new and all(Path(t).exists() for t in mutant.tests if t.startswith("tests/"))
