"""Every numba CUDA kernel of the GPU backend type-checks and compiles to PTX for the H100 (sm_90),
on the host: numba's simulator runs kernels as Python and types nothing, so a kernel numba cannot
compile passes there and fails on the GPU (the register-tiled matmul's shared array sized by an
expression did: GPU check run 2). Needs libNVVM (a CUDA toolkit); no GPU.

Signatures are those of the launches in cuda_window / cuda_rows / cuda_optim / cuda_kernels /
cuda_gemm: storage and views as numba arrays ('A' layout for inputs, C for the outputs the
frontend allocates), shapes and strides as int64 tuples.
"""

from __future__ import annotations

from typing import Any, Callable, List, Tuple

import numba
import pytest
from numba import types

from minitorch import operators


def _nvvm() -> bool:
    try:
        from numba.cuda.cudadrv import nvvm

        return bool(nvvm.is_available())
    except Exception:
        return False


pytestmark = [
    pytest.mark.skipif(not _nvvm(), reason="needs libNVVM (a CUDA toolkit) to compile PTX"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
]


def _array(dtype: Any, ndim: int, layout: str = "A") -> Any:
    return types.Array(dtype, ndim, layout)


def _tuple(n: int) -> Any:
    return types.UniTuple(types.int64, n)


def _kernels(dtype: Any) -> List[Tuple[str, Callable, tuple]]:
    """(name, kernel, argument types) of every kernel launch, for one float dtype."""
    from minitorch.backends import cuda_gemm, cuda_kernels, cuda_optim, cuda_rows, cuda_window

    f1, f2 = _array(dtype, 1, "C"), _array(dtype, 2, "C")
    i2 = _array(types.int64, 2, "C")
    t3, t4 = _tuple(3), _tuple(4)
    flat = (f1, _tuple(3), _tuple(3), types.int64, _array(dtype, 1))
    return [
        ("unfold", cuda_window._unfold, (_array(dtype, 5), _array(dtype, 8, "C"), t3, t3, t3, t3)),
        ("fold", cuda_window._fold, (_array(dtype, 8), _array(dtype, 5, "C"), t3, t3, t3)),
        ("max_pool_forward", cuda_window._max_pool_forward,
         (_array(dtype, 2), t4, f2, i2, t4, t3, t3, t3, t3, types.boolean)),
        ("max_pool_backward", cuda_window._max_pool_backward, (_array(dtype, 2), i2, f2)),
        ("avg_pool", cuda_window._avg_pool,
         (_array(dtype, 2), t4, _array(dtype, 1), f2, t4, t3, t3, t3, t3, types.boolean, types.boolean)),
        ("index_add", cuda_window._index_add, (f2, _array(types.int64, 1), _array(dtype, 2))),
        ("normalise", cuda_rows._normalise, (_array(dtype, 2), f2, types.boolean)),
        ("logsumexp", cuda_rows._logsumexp, (_array(dtype, 2), f1)),
        ("normalise_backward", cuda_rows._normalise_backward, (_array(dtype, 2), _array(dtype, 2), f2, types.int64)),
        ("row_max", cuda_rows._row_max, (_array(dtype, 2), f2, i2)),
        ("adam", cuda_optim._adam, (f1,) * 5 + (types.boolean,) + (dtype,) * 9),
        ("sgd", cuda_optim._sgd, (f1, f1, f1, types.boolean) + (dtype,) * 4 + (types.boolean,)),
        ("map", cuda_kernels.tensor_map(operators.sigmoid), flat + (_tuple(3), _tuple(3))),
        ("zip", cuda_kernels.tensor_zip(operators.mul),
         flat + (_tuple(3), _tuple(3), _array(dtype, 1), _tuple(3), _tuple(3))),
        ("reduce", cuda_kernels.tensor_reduce(operators.add),
         flat + (_tuple(3), _tuple(3), types.int64, types.float64)),
        ("reduce_short", cuda_kernels.tensor_reduce_short(operators.max),
         flat + (_tuple(3), _tuple(3), types.int64, types.float64)),
        ("course matmul", cuda_kernels.tensor_matrix_multiply,
         (f1, t3, _array(dtype, 1), t3, _array(dtype, 1), t3, t3, types.int64)),
        ("sum_practice", cuda_kernels.sum_practice_kernel, (f1, _array(dtype, 1), types.int64)),
        ("mm_practice", cuda_kernels.mm_practice_kernel, (f1, _array(dtype, 1), _array(dtype, 1), types.int64)),
        ("register-tiled gemm", cuda_gemm.gemm_kernel(str(dtype)),
         (_array(dtype, 3, "C"), _array(dtype, 3), _array(dtype, 3))),
    ]


@pytest.fixture
def sm_90(monkeypatch):
    """numba asks the current device for its compute capability when it compiles a device
    function a kernel calls; without a GPU, that device is an H100 stand-in."""
    import types as pytypes

    from numba.cuda import dispatcher

    monkeypatch.setattr(dispatcher, "get_current_device", lambda: pytypes.SimpleNamespace(compute_capability=(9, 0)))


@pytest.mark.parametrize("dtype", [types.float32, types.float64], ids=["float32", "float64"])
def test_every_numba_cuda_kernel_compiles_for_sm_90(sm_90, dtype):
    from numba import cuda

    failures = []
    for name, kernel, signature in _kernels(dtype):
        try:
            cuda.compile_ptx(getattr(kernel, "py_func", kernel), signature, cc=(9, 0))
        except Exception as error:  # every kernel reported, not only the first
            failures.append(f"{name}: {type(error).__name__}: {str(error).splitlines()[0][:300]}")
    assert not failures, "\n".join(failures)


TILE_ROWS, TILE_COLS = 8, 128


def test_the_check_catches_what_the_simulator_cannot():
    """A shared array sized by an expression of globals: the simulator runs it, numba refuses to type it."""
    from numba import cuda

    def sized_by_expression(a):  # pragma: no cover - compiled, never run
        tile = cuda.shared.array((TILE_ROWS, TILE_COLS + 4), numba.float32)
        a[0] = tile[0, 0]

    with pytest.raises(numba.core.errors.TypingError):
        cuda.compile_ptx(sized_by_expression, (types.float32[:],), cc=(9, 0))
