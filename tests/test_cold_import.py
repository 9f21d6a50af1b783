"""`import minitorch` stays light: numba (and the other heavy libraries) load on first use.

Each check runs in a fresh interpreter (this process imported everything long ago). The time
itself is measured in bench/bench_cold.py, not here; these tests fail when a heavy import comes
back at import time, or when a lazily loaded piece stops arriving when it is needed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

# Libraries `import minitorch` must not import: numba and what it pulls in (llvmlite, scipy's
# BLAS bindings, yaml for its config), and the optional/application ones (plots, progress bars,
# datasets, interop, MPI, GPU).
HEAVY = ("numba", "llvmlite", "scipy", "yaml", "matplotlib", "tqdm", "sklearn", "PIL", "torch", "cupy", "mpi4py")


def _run(code: str) -> dict:
    """Run `code` in a fresh interpreter on this checkout; it prints one JSON object."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_import_minitorch_imports_no_heavy_library():
    loaded = _run(f"import json, sys, minitorch; print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))")
    assert loaded == []


FIRST_KERNEL = """
import json, sys
import numpy as np
import minitorch
from minitorch.backends.compiled import Kernel

steps = {}
x = minitorch.tensor([[1.0, 2.0], [3.0, 4.0]])
y = x * x  # same shapes, contiguous: numpy's ufunc, nothing to compile
steps["ufunc"] = "numba" in sys.modules
z = x.permute(1, 0) + x  # a strided (transposed) operand: the strided walk, compiled by numba
steps["walk"] = "numba" in sys.modules
steps["values"] = [y.to_numpy().tolist(), z.to_numpy().tolist()]
steps["descriptor"] = isinstance(vars(minitorch.FastOps)["unfold"], Kernel)
from minitorch.backends import fast_conv
steps["kernel"] = minitorch.FastOps.unfold is fast_conv.unfold and vars(minitorch.FastOps)["unfold"].__func__ is fast_conv.unfold
print(json.dumps(steps))
"""


def test_numba_loads_at_the_first_compiled_kernel():
    steps = _run(FIRST_KERNEL)
    assert (steps["ufunc"], steps["walk"]) == (False, True)
    assert steps["values"] == [[[1.0, 4.0], [9.0, 16.0]], [[2.0, 5.0], [5.0, 8.0]]]
    # a FastOps kernel is a placeholder until its first read, then the kernel itself on the class
    assert steps["descriptor"] and steps["kernel"]


AFTER_IMPORT = """
import json
import minitorch
minitorch.set_num_threads(1)  # before numba is imported: applied when it is
import numba
print(json.dumps({"threads": numba.get_num_threads(), "cuda": isinstance(numba.cuda.is_available(), bool)}))
"""


def test_numba_imported_after_minitorch_gets_the_thread_count_and_cuda():
    # the course's tests `import numba` themselves and call numba.cuda.is_available()
    assert _run(AFTER_IMPORT) == {"threads": 1, "cuda": True}


def test_numba_imported_before_minitorch_gets_cuda():
    assert _run("import json, numba, minitorch; print(json.dumps(isinstance(numba.cuda.is_available(), bool)))")
