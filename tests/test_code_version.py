"""The fast backend's disk-cached kernels follow edits of the scalar function they compile
(`backends/code_version.py`): numba alone keys them on the function's name."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np

from minitorch.backends import fast_walk
from minitorch.backends.code_version import code_version

RUN = textwrap.dedent(
    """
    import sys
    import numpy as np
    sys.path.insert(0, sys.argv[1])
    import scalar_module
    from minitorch.backends import fast_walk
    x = np.array([1.0, 2.0])
    out = np.empty_like(x)
    fast_walk.elementwise(scalar_module.f, 1).flat(out, x, x, 0, 2)
    print(out.tolist(), sum(fast_walk.elementwise(scalar_module.f, 1).flat.stats.cache_hits.values()))
    """
)


def _run(tmp_path: Path, body: str, helper_factor: float = 0.5) -> str:
    source = f"""
from numba.extending import register_jitable

SHIFT = 1.0


@register_jitable
def helper(x):
    return x * {helper_factor}


def f(x):
    return {body}
"""
    (tmp_path / "scalar_module.py").write_text(source)
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "cache"), PYTHONDONTWRITEBYTECODE="1")
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).resolve().parents[1]), env.get("PYTHONPATH", "")])
    done = subprocess.run([sys.executable, "-c", RUN, str(tmp_path)], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_an_edited_scalar_function_is_compiled_anew(tmp_path: Path) -> None:
    """Same module, file and qualified name, a warm cache directory: each edit is compiled anew."""
    assert _run(tmp_path, "x + SHIFT") == "[2.0, 3.0] 0"  # compiled, written to the cache
    assert _run(tmp_path, "x + SHIFT") == "[2.0, 3.0] 1"  # loaded from the cache
    assert _run(tmp_path, "x + 2.0") == "[3.0, 4.0] 0"  # the body changed
    assert _run(tmp_path, "x + 2.0") == "[3.0, 4.0] 1"
    assert _run(tmp_path, "helper(x)") == "[0.5, 1.0] 0"
    assert _run(tmp_path, "helper(x)", 0.25) == "[0.25, 0.5] 0"  # a function it calls changed


def test_code_version_follows_what_the_function_reaches() -> None:
    namespace: dict = {"np": np, "SHIFT": 1.0}
    exec("def helper(x):\n    return x * 0.5\n\ndef f(x):\n    return helper(x) + SHIFT\n", namespace)
    first = code_version(namespace["f"])
    namespace["SHIFT"] = 2.0  # a global constant numba freezes into the kernel
    second = code_version(namespace["f"])
    exec("def helper(x):\n    return x * 0.25\n", namespace)  # a function it calls
    third = code_version(namespace["f"])
    assert len({first, second, third}) == 3
    assert code_version(namespace["f"]) == third  # deterministic
    assert code_version(len) == ""  # a builtin: numba knows it


def test_kernels_close_over_the_version() -> None:
    def f(x):
        return x + 1.0

    flat = fast_walk.elementwise(f, 1).flat.py_func
    cells = [c.cell_contents for c in flat.__closure__]
    assert code_version(f) in cells
