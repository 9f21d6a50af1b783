"""The GPU tests (tests/cuda), run in numba's CUDA simulator: how CI, which has no GPU, tests
the CUDA backend.

numba reads NUMBA_ENABLE_CUDASIM when it is first imported, so the simulated suite runs in
fresh Python processes -- two at once, one per core: the registry on the CUDA backend in one,
the kernel and course-contract tests in the other. On a GPU, run `pytest tests/cuda` directly
(bench/gpu/check.sh does). With MINITORCH_COURSE_DIR set to a checkout of MiniTorch's Module 3
(or any edition whose tests/test_tensor_general.py has the task3_3 / task3_4 tests), the
course's own file runs in the simulator too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import List

import pytest

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 900


def _simulated(args: List[str], cwd: Path) -> "subprocess.Popen[str]":
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1", PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args]
    return subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _finish(name: str, process: "subprocess.Popen[str]") -> None:
    try:
        output, _ = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
        pytest.fail(f"{name}: the simulated run took over {TIMEOUT} s\n{output[-4000:]}")
    assert process.returncode == 0, f"{name} failed under NUMBA_ENABLE_CUDASIM=1:\n{output[-6000:]}"
    assert " passed" in output and "skipped" not in output.splitlines()[-1], f"{name}: nothing ran\n{output[-2000:]}"


@pytest.mark.cuda
def test_gpu_suite_passes_in_the_cuda_simulator():
    runs = {
        "registry on CUDA": _simulated(["tests/cuda/test_cuda_registry.py"], ROOT),
        "CUDA kernels and the course contract": _simulated(
            ["tests/cuda", "--ignore=tests/cuda/test_cuda_registry.py"], ROOT
        ),
    }
    for name, process in runs.items():
        _finish(name, process)


@pytest.mark.cuda
@pytest.mark.skipif(not os.environ.get("MINITORCH_COURSE_DIR"), reason="set MINITORCH_COURSE_DIR to a MiniTorch Module 3 checkout")
def test_course_module3_cuda_tests_pass_in_the_simulator(tmp_path):
    # a copy of the course's tests/ alone: in its checkout, the course's own minitorch/ skeleton
    # would shadow this library on sys.path
    shutil.copytree(Path(os.environ["MINITORCH_COURSE_DIR"]) / "tests", tmp_path / "tests")
    args = ["tests/test_tensor_general.py", "-m", "task3_3 or task3_4", "-W", "ignore::pytest.PytestUnknownMarkWarning"]
    process = _simulated(args, tmp_path)
    _finish("the course's test_tensor_general.py (task3_3, task3_4)", process)
