"""Every docstring example in the package runs and passes (PyTorch-style docs that stay true).

One runner for every module: each example written in a module's source must be collected
(a renamed or re-exported function must not drop its examples silently), none may fail, and
the run as a whole must execute many, so a runner that finds nothing cannot pass."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import re

import numpy as np
import pytest

import minitorch

MODULES = sorted(info.name for info in pkgutil.walk_packages(minitorch.__path__, "minitorch.")
                 if not info.name.endswith("__main__"))  # __main__ runs the command line on import


@pytest.mark.parametrize("name", MODULES)
def test_examples_are_collected_and_pass(name):
    module = importlib.import_module(name)
    with open(module.__file__, encoding="utf-8") as f:
        written = len(re.findall(r"^\s*>>> ", f.read(), re.M))
    tests = doctest.DocTestFinder().find(module, extraglobs={"minitorch": minitorch, "np": np})
    assert sum(len(test.examples) for test in tests) == written, f"{name}: examples in the source not collected"
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in tests:
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{name}: {result.failed} of {result.attempted} examples failed"


def test_the_runner_has_many_examples_to_run():
    skip = doctest.OPTIONFLAGS_BY_NAME["SKIP"]
    runnable = sum(1 for name in MODULES for test in doctest.DocTestFinder().find(importlib.import_module(name))
                   for example in test.examples if not example.options.get(skip))
    assert len(MODULES) > 60 and runnable > 150, (len(MODULES), runnable)
