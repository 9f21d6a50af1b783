"""Module-level names the MiniTorch course's own tests reach for after `import minitorch`."""

from __future__ import annotations

import numba

import minitorch


def test_prod_is_exported_for_shapes():
    # the course's tensor strategies call `int(minitorch.prod(shape))`
    assert int(minitorch.prod((2, 3, 4))) == 24
    assert minitorch.prod is minitorch.operators.prod


def test_numba_cuda_is_loaded():
    # course test files do `import numba` and then `numba.cuda.is_available()`
    assert isinstance(numba.cuda.is_available(), bool)


def test_2021_course_backend_names():
    # the 2021 edition: `make_tensor_backend(minitorch.TensorOps)` was the pure-Python backend
    simple = minitorch.make_tensor_backend(minitorch.TensorOps)
    fast = minitorch.make_tensor_backend(minitorch.FastOps)
    assert (simple.name, fast.name, minitorch.TensorFunctions.name) == ("simple", "fast", "simple")
    t = minitorch.tensor([[1.0, 2.0], [3.0, 4.0]], backend=simple)
    u = minitorch.tensor([[1.0, 2.0], [3.0, 4.0]], backend=fast)
    assert (t * t).sum().item() == (u * u).sum().item() == 30.0
