"""GPU tests: run on a real GPU (`pytest tests/cuda`, bench/gpu/check.sh) or under numba's CUDA
simulator (`NUMBA_ENABLE_CUDASIM=1 pytest tests/cuda`; tests/test_cuda_simulator.py does that
in the default run). Elsewhere every test here is skipped: numba.cuda has nothing to launch on.

Fixtures: `cuda` (TensorBackend(CudaOps): CuPy's kernels where it holds the storage) and
`cuda_numba` (TensorBackend(CudaNumbaOps): the course's numba kernels only). Under the
simulator both run the numba kernels on numpy arrays -- unless MINITORCH_FAKE_CUPY=1, which
puts `fake_cupy` (numpy behind CuPy's interface and refusals) where CuPy would be, so that the
CuPy code paths run on the CPU: storage is then "device" arrays, the named functions run
cuda_array_ops' kernels, and numba's simulated kernels get those arrays' memory.
"""

from __future__ import annotations

import os

import numba
import pytest

import minitorch
from minitorch.backends import cuda_device
from minitorch.backends.cuda import CudaNumbaOps
from minitorch.backends.cuda_device import simulator_enabled

DEVICE = numba.cuda.is_available()
SIMULATED = simulator_enabled()
FAKE_CUPY = os.environ.get("MINITORCH_FAKE_CUPY", "") not in ("", "0")


def _use_fake_cupy() -> None:
    """CuPy's place taken by fake_cupy (under the simulator only: its kernels need numba's)."""
    from minitorch.backends import cuda_optim, cuda_rows, cuda_window

    from . import fake_cupy

    if not SIMULATED:
        raise RuntimeError("MINITORCH_FAKE_CUPY=1 needs NUMBA_ENABLE_CUDASIM=1 (the numba kernels run in the simulator)")
    fake = fake_cupy.install()
    real_kernel_array = cuda_device.kernel_array

    def kernel_array(array):  # a fake device array: the simulator computes on its numpy memory
        return real_kernel_array(array._a if type(array) is fake_cupy.ndarray else array)

    cuda_device.array_module = lambda: fake
    for module in (cuda_device, cuda_optim, cuda_rows, cuda_window):
        assert module.kernel_array is real_kernel_array, module.__name__
        module.kernel_array = kernel_array


if FAKE_CUPY:
    _use_fake_cupy()


@pytest.fixture(scope="session")
def cuda():
    return minitorch.TensorBackend(minitorch.CudaOps)


@pytest.fixture(scope="session")
def cuda_numba():
    return minitorch.TensorBackend(CudaNumbaOps)


# ---------------------------------------------------------------- bench/gpu/check.sh's mode
# MINITORCH_GPU_CHECK=1: the tests run in the order that tells most about a GPU first, each
# under MINITORCH_TEST_TIMEOUT seconds (a timer signal: a hang is a failure, not the end of the
# run), none started after MINITORCH_GPU_CHECK_BUDGET seconds (the rest are skipped, "budget"),
# and a summary per group closes the report.
GPU_CHECK = os.environ.get("MINITORCH_GPU_CHECK", "") not in ("", "0")
TEST_TIMEOUT = float(os.environ.get("MINITORCH_TEST_TIMEOUT") or 0)
CHECK_BUDGET = float(os.environ.get("MINITORCH_GPU_CHECK_BUDGET") or 0)
TRAINING_OPS = {
    "conv2d", "conv1d", "linear", "relu", "max_pool2d", "avg_pool2d", "cross_entropy", "nll_loss", "log_softmax",
    "softmax", "course_logsoftmax", "course_conv2d", "course_maxpool2d", "tile", "matmul", "add", "mul", "sigmoid",
    "sum_dim", "mean_all", "flatten", "dropout_deterministic", "view", "permute", "contiguous",
}
GROUPS = [
    "CuPy kernels (cuda_array_ops, fused optimizers)",
    "numba window and row kernels, practice kernels",
    "course Module 3 (Tasks 3.3, 3.4)",
    "device placement, training on the GPU",
    "registry: the ops a CNN trains with",
    "numba course kernels (map, zip, reduce, matmul)",
    "registry: every other op",
    "registry: bad input, mixed devices",
]


def _group(item) -> int:
    path, name = item.fspath.basename, item.name
    if path == "test_cuda_array_ops.py":
        return 0
    if path == "test_cuda_kernels.py":
        return 5 if name.startswith(("test_numba", "test_register_tiled")) else 1
    if path == "test_course_module3.py":
        return 2
    if path == "test_device.py":
        return 3
    if name.startswith("test_op_on_cuda["):
        return 4 if name[len("test_op_on_cuda["):-1] in TRAINING_OPS else 6
    return 7


def pytest_collection_modifyitems(config, items):
    here = str(config.rootpath / "tests" / "cuda")
    skip = pytest.mark.skip(reason="needs a GPU or NUMBA_ENABLE_CUDASIM=1 (tests/test_cuda_simulator.py runs these in the simulator)")
    for item in items:
        if not str(item.fspath).startswith(here):
            continue
        item.add_marker(pytest.mark.cuda)
        if not DEVICE:
            item.add_marker(skip)
    if GPU_CHECK:
        items.sort(key=lambda item: _group(item) if str(item.fspath).startswith(here) else len(GROUPS))  # stable


_CHECK = {"start": 0.0, "outcomes": {}}


def pytest_sessionstart(session):
    import time

    _CHECK["start"] = time.monotonic()


def pytest_runtest_setup(item):
    import time

    if GPU_CHECK and CHECK_BUDGET and time.monotonic() - _CHECK["start"] > CHECK_BUDGET:
        pytest.skip(f"budget: the GPU check's {CHECK_BUDGET:.0f} s for tests were spent")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    import signal

    if not (GPU_CHECK and TEST_TIMEOUT) or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum, frame):
        raise TimeoutError(f"over MINITORCH_TEST_TIMEOUT={TEST_TIMEOUT:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, TEST_TIMEOUT)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def pytest_runtest_logreport(report):
    if not GPU_CHECK:
        return
    entry = _CHECK["outcomes"].setdefault(report.nodeid, ["passed", 0.0])
    entry[1] += report.duration
    if report.skipped:
        entry[0] = "skipped"
    elif report.failed:
        entry[0] = "failed" if report.when == "call" else "error"


def pytest_terminal_summary(terminalreporter):
    if not GPU_CHECK:
        return
    by_group = {}
    for item in getattr(terminalreporter.config, "_gpu_check_items", []):
        outcome, seconds = _CHECK["outcomes"].get(item.nodeid, ["not run", 0.0])
        counts = by_group.setdefault(_group(item), {"seconds": 0.0})
        counts[outcome] = counts.get(outcome, 0) + 1
        counts["seconds"] += seconds
    terminalreporter.section("GPU check: tests by group, in the order run")
    for index, name in enumerate(GROUPS):
        counts = by_group.get(index)
        if counts:
            seconds = counts.pop("seconds")
            terminalreporter.write_line(f"{name}: " + ", ".join(f"{v} {k}" for k, v in sorted(counts.items())) + f" ({seconds:.0f} s)")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_finish(session):
    session.config._gpu_check_items = list(session.items)
