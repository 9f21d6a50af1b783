"""GPU tests: run on a real GPU (`pytest tests/cuda`, bench/gpu/check.sh) or under numba's CUDA
simulator (`NUMBA_ENABLE_CUDASIM=1 pytest tests/cuda`; tests/test_cuda_simulator.py does that
in the default run). Elsewhere every test here is skipped: numba.cuda has nothing to launch on.

Fixtures: `cuda` (TensorBackend(CudaOps): CuPy's kernels where it holds the storage) and
`cuda_numba` (TensorBackend(CudaNumbaOps): the course's numba kernels only). Under the
simulator both run the numba kernels on numpy arrays.
"""

from __future__ import annotations

import numba
import pytest

import minitorch
from minitorch.backends.cuda import CudaNumbaOps
from minitorch.backends.cuda_device import simulator_enabled

DEVICE = numba.cuda.is_available()
SIMULATED = simulator_enabled()


def pytest_collection_modifyitems(config, items):
    here = str(config.rootpath / "tests" / "cuda")
    skip = pytest.mark.skip(reason="needs a GPU or NUMBA_ENABLE_CUDASIM=1 (tests/test_cuda_simulator.py runs these in the simulator)")
    for item in items:
        if not str(item.fspath).startswith(here):
            continue
        item.add_marker(pytest.mark.cuda)
        if not DEVICE:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def cuda():
    return minitorch.TensorBackend(minitorch.CudaOps)


@pytest.fixture(scope="session")
def cuda_numba():
    return minitorch.TensorBackend(CudaNumbaOps)
