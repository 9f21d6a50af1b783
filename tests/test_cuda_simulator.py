"""The GPU tests (tests/cuda), run in numba's CUDA simulator: how CI, which has no GPU, tests
the CUDA backend.

numba reads NUMBA_ENABLE_CUDASIM when it is first imported, so the simulated suite runs in
fresh Python processes, two at a time (one per core): the registry on the CUDA backend, the
kernel and course-contract tests, and then the CuPy code paths -- registry, device placement,
course contract and the CuPy kernels -- with tests/cuda/fake_cupy.py standing in for CuPy
(MINITORCH_FAKE_CUPY=1). On a GPU, run `pytest tests/cuda` directly (bench/gpu/check.sh does). With MINITORCH_COURSE_DIR set to a checkout of MiniTorch's Module 3
(or any edition whose tests/test_tensor_general.py has the task3_3 / task3_4 tests), the
course's own file runs in the simulator too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import List

import pytest

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 900


def _simulated(args: List[str], cwd: Path, **env_vars: str) -> "subprocess.Popen[str]":
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1", PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
               **env_vars)
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args]
    log = tempfile.TemporaryFile(mode="w+")  # (not a pipe: a long failure report would fill it and stall the run)
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
    process.log = log  # type: ignore[attr-defined]
    process.started = time.monotonic()  # type: ignore[attr-defined]
    return process


def _finish(name: str, process: "subprocess.Popen[str]") -> None:
    try:
        process.wait(timeout=max(1.0, TIMEOUT - (time.monotonic() - process.started)))  # type: ignore[attr-defined]
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    process.log.seek(0)  # type: ignore[attr-defined]
    output = process.log.read()  # type: ignore[attr-defined]
    process.log.close()  # type: ignore[attr-defined]
    if process.returncode in (-9, 137):
        pytest.fail(f"{name}: the simulated run took over {TIMEOUT} s\n{output[-4000:]}")
    assert process.returncode == 0, f"{name} failed under NUMBA_ENABLE_CUDASIM=1:\n{output[-6000:]}"
    assert " passed" in output and "skipped" not in output.splitlines()[-1], f"{name}: nothing ran\n{output[-2000:]}"


@pytest.mark.cuda
def test_gpu_suite_passes_in_the_cuda_simulator():
    runs = {
        "registry on CUDA": lambda: _simulated(["tests/cuda/test_cuda_registry.py"], ROOT),
        "CUDA kernels and the course contract": lambda: _simulated(
            ["tests/cuda", "--ignore=tests/cuda/test_cuda_registry.py", "--ignore=tests/cuda/test_cuda_array_ops.py"], ROOT
        ),
        "the CuPy code paths on fake_cupy": lambda: _simulated(
            ["tests/cuda", "--ignore=tests/cuda/test_cuda_kernels.py"], ROOT, MINITORCH_FAKE_CUPY="1"
        ),
    }
    waiting = list(runs.items())
    running = [(name, start()) for name, start in waiting[:2]]
    waiting = waiting[2:]
    deadline = time.monotonic() + TIMEOUT
    try:
        while running:  # two at a time: the next starts when one ends
            done = next((r for r in running if r[1].poll() is not None or time.monotonic() > deadline), None)
            if done is None:
                time.sleep(0.5)
                continue
            running.remove(done)
            if waiting:
                name, start = waiting.pop(0)
                running.append((name, start()))
            _finish(*done)
    finally:
        for _, process in running:  # a failed run ends the others too
            process.kill()
            process.wait()


@pytest.mark.cuda
@pytest.mark.skipif(not os.environ.get("MINITORCH_COURSE_DIR"), reason="set MINITORCH_COURSE_DIR to a MiniTorch Module 3 checkout")
def test_course_module3_cuda_tests_pass_in_the_simulator(tmp_path):
    # a copy of the course's tests/ alone: in its checkout, the course's own minitorch/ skeleton
    # would shadow this library on sys.path
    shutil.copytree(Path(os.environ["MINITORCH_COURSE_DIR"]) / "tests", tmp_path / "tests")
    args = ["tests/test_tensor_general.py", "-m", "task3_3 or task3_4", "-W", "ignore::pytest.PytestUnknownMarkWarning"]
    process = _simulated(args, tmp_path)
    _finish("the course's test_tensor_general.py (task3_3, task3_4)", process)
