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
