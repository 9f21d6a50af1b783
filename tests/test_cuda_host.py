"""Parts of the CUDA backend that run on the host, without a GPU or numba's simulator: the numpy
compatibility shim numba-cuda needs, and the CPU stand-in for CuPy (tests/cuda/fake_cupy.py)
holding CuPy's refusals -- the stand-in is what CI checks the CuPy code paths with, so its
strictness is tested here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from minitorch.backends import cuda_device

from .cuda import fake_cupy

ROOT = Path(__file__).resolve().parent.parent


def test_row_stack_shim_restores_the_alias_only_when_numpy_lacks_it(monkeypatch):
    """numba-cuda 0.30.x registers overload(np.row_stack) at its first compile; numpy 2.5 removed it."""
    monkeypatch.delattr(np, "row_stack", raising=False)
    assert cuda_device.numpy_compat_for_numba_cuda() is True
    assert np.row_stack is np.vstack
    assert cuda_device.numpy_compat_for_numba_cuda() is False  # idempotent
    sentinel = object()
    monkeypatch.setattr(np, "row_stack", sentinel)
    assert cuda_device.numpy_compat_for_numba_cuda() is False and np.row_stack is sentinel  # an existing one is kept


def test_the_shim_waits_for_the_cuda_backend():
    """`import minitorch` leaves numpy alone; loading the CUDA backend's device module applies it."""
    code = (
        "import numpy as np\n"
        "if hasattr(np, 'row_stack'): del np.row_stack\n"
        "import minitorch\n"
        "assert not hasattr(np, 'row_stack'), 'import minitorch changed numpy'\n"
        "import minitorch.backends.cuda_device\n"
        "assert np.row_stack is np.vstack\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr


def test_fake_cupy_refuses_what_cupy_refuses():
    cp = fake_cupy.module
    x = cp.arange(6, dtype=np.float32)
    with pytest.raises(TypeError, match="Implicit conversion"):
        np.asarray(x)
    with pytest.raises(TypeError, match="Unsupported type"):
        cp.add(x, np.ones(6, dtype=np.float32))
    with pytest.raises(TypeError, match="Unsupported type"):
        x + np.ones(6, dtype=np.float32)
    with pytest.raises(TypeError, match="Unsupported type"):
        x[...] = np.zeros(6, dtype=np.float32)
    with pytest.raises(TypeError, match="Unsupported type"):
        cp.ascontiguousarray(np.zeros(3))
    assert isinstance(x.get(), np.ndarray) and type(x.sum()) is fake_cupy.ndarray and x.sum().ndim == 0
    y = cp.asarray(np.ones(3))  # the door from the host copies
    assert type(y) is fake_cupy.ndarray and float(y.sum()) == 3.0
    assert type(x[2]) is fake_cupy.ndarray and x[2].ndim == 0 and x[2].item() == 2.0
    assert np.sum(x).item() == 15.0  # numpy functions dispatch to CuPy's (__array_function__)


def test_fake_cupy_kernels_take_cupys_calling_convention_and_run_their_source():
    cp = fake_cupy.module
    x = cp.asarray(np.array([-1.0, 0.5, 2.0]))
    out = cp.empty(3)
    kernel = cp.ElementwiseKernel("X x, Y y", "Z z", "X t = x * y; z = where(t > 0, t, 0)", "k")
    with pytest.raises(TypeError, match="Wrong arguments"):
        kernel(x, x, out=out)  # CuPy's kernels take outputs positionally
    with pytest.raises(TypeError, match="Wrong number of arguments"):
        kernel(x)
    kernel(x, 2.0, out)
    np.testing.assert_array_equal(out.get(), [0.0, 1.0, 4.0])
    with pytest.raises(TypeError, match="Type is mismatched"):
        cp.ElementwiseKernel("T x", "T z", "z = x", "k2")(x, cp.empty(3, dtype=np.float32))
    with pytest.raises(AssertionError, match="not C-and-Python"):
        cp.ElementwiseKernel("T x", "T z", "z = x ? 1 : 0", "k3")(x, cp.empty(3))
    with pytest.raises(AssertionError, match="unknown type"):
        cp.ElementwiseKernel("X x", "Z z", "T t = x; z = t", "k4")(x, cp.empty(3))
    source = (
        'typedef double T;\nextern "C" __global__ void twice(T* out, const T* a, long long n) {\n'
        "    for (long long i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {\n"
        "        out[i] = 2 * a[i];\n    }\n}\n"
    )
    twice = cp.RawKernel(source, "twice").kernel
    twice((1,), (32,), (out, x, 3))
    np.testing.assert_array_equal(out.get(), [-2.0, 1.0, 4.0])
    with pytest.raises(TypeError, match="C-contiguous"):
        twice((1,), (32,), (out, x[::2], 2))  # a raw pointer cannot carry strides
