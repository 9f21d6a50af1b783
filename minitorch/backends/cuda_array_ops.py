"""CuPy kernels for the scalar functions of `minitorch.operators` (used where CuPy holds the storage).

Each named function has one expression (`EXPRESSIONS`) over `x` (and `y`), written in the part
of C that is also Python over numpy arrays: arithmetic, comparisons, numeric literals and calls
of `where(c, a, b)`, `fabs`, `exp`, `expm1`, `log`, `log1p`, `tanh`, `erf`, `isnan` (`where` is
defined for C in `PREAMBLE`). Any other scalar function may carry its own as an attribute
`fn.expression = (arity, text)` (the activations of `ops/activation_scalars.py` do:
`expression_of`).
The same text compiles into two CuPy kernels:

* `_flat`: a RawKernel over flat storage, `out[i] = f(a[i * sa], b[i * sb])`, for operands of
  one float dtype that are contiguous with out's shape or hold one element (sa, sb = 0: the
  `x * 2.0` of a Python number). It is the common case and the cheapest launch CuPy has: the
  compiled function is called with the storage arrays themselves, no views, no dtype dispatch.
* `_strided`: an ElementwiseKernel over strided views of any layout and dtype (CuPy broadcasts
  and walks strides itself).

Reductions are CuPy's (`sum`, `prod`, `max`), matmul is `cupy.matmul` (cuBLAS). Any other
function (`kernel_for` returns None) goes to the numba kernels of `cuda_kernels.py`, which the
tests also run on the same inputs. Without a GPU, tests/cuda/fake_cupy.py runs this module
with numpy standing in for CuPy: it evaluates these same expressions (and the kernels' bodies)
as Python, so what is checked on the CPU is the text the GPU compiles.

CuPy is imported on first use (`CudaOps` uses this module only once it has found CuPy working).
"""

from __future__ import annotations

import functools
import math
from typing import Any, Callable, Dict, Optional, Tuple

import numpy as np

from .. import operators
from ..core.tensor_data import TensorData
from .cuda_device import strided_view

__all__ = ["EXPRESSIONS", "PREAMBLE", "expression_of", "kernel_for", "matrix_multiply"]

# A C (and numpy) definition of where(); both branches are evaluated, as numpy.where does. The
# result is returned by value (C++14 `auto`): a trailing `-> decltype(c ? a : b)` made it a
# reference to a parameter whenever both branches had one type -- garbage on the H100 (GPU check
# run 2) for eq, lt, is_close, max, sigmoid and the SGD/AMSGrad updates, fine where they differed.
PREAMBLE = """
template <typename C, typename A, typename B>
__device__ __forceinline__ auto where(C c, A a, B b) { return c ? a : b; }
"""

# fn -> (arity, expression over x (and y)); each mirrors its scalar function in operators.py
# (NaN, inf and signed zeros included), as numpy's ufuncs do on the CPU backend.
EXPRESSIONS: Dict[Callable, Tuple[int, str]] = {
    operators.neg: (1, "-x"),
    operators.id: (1, "x"),
    operators.exp: (1, "exp(x)"),
    operators.inv: (1, "1 / x"),
    operators.relu: (1, "where(x <= 0, 0, x)"),  # NaN stays NaN
    operators.sigmoid: (1, "where(x >= 0, 1 / (1 + exp(-fabs(x))), exp(-fabs(x)) / (1 + exp(-fabs(x))))"),
    operators.add: (2, "x + y"),
    operators.mul: (2, "x * y"),
    operators.lt: (2, "where(x < y, 1, 0)"),
    operators.eq: (2, "where(x == y, 1, 0)"),
    operators.max: (2, "where(x > y, x, where(isnan(x), x, y))"),  # numpy.maximum: NaN wins
    operators.relu_back: (2, "where(x > 0, y, 0)"),
    operators.inv_back: (2, "-y / (x * x)"),
    operators.is_close: (2, "where(fabs(x - y) < 1e-2, 1, 0)"),
}
if operators.log(1.0) == 0.0 and operators.log(1e-30) < -60:  # the exact log (no epsilon inside)
    EXPRESSIONS[operators.log] = (1, "log(x)")
    EXPRESSIONS[operators.log_back] = (2, "y / x")



def expression_of(fn: Callable) -> Optional[Tuple[int, str]]:
    """(arity, expression) of a scalar function: from `EXPRESSIONS`, else the function's own
    `expression` attribute; None when it has neither."""
    found = EXPRESSIONS.get(fn)
    return found if found is not None else getattr(fn, "expression", None)


_C_TYPES = {np.dtype(np.float32): "float", np.dtype(np.float64): "double"}
_FLAT_THREADS = 256
_FLAT_MAX_BLOCKS = 1 << 16  # grid-stride beyond

# The flat kernel: out, a (and b) are storage arrays; sa, sb are 1 (contiguous) or 0 (one element).
_FLAT_SOURCE = """
extern "C" __global__ void {name}(T* out, const T* a, const T* b, long long sa, long long sb, long long n) {{
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {{
        T x = a[i * sa];
        T y = b[i * sb];
        out[i] = {expression};
    }}
}}
"""


@functools.lru_cache(maxsize=None)
def _flat(fn: Callable, dtype: np.dtype) -> Any:
    """The compiled flat kernel of `fn` for a float dtype (a cupy.cuda.Function, called with
    (grid, block, (out, a, b, sa, sb, n)); a unary function ignores b)."""
    import cupy

    _, expression = expression_of(fn)  # type: ignore[misc]
    name = f"minitorch_flat_{fn.__name__}_{_C_TYPES[dtype]}"
    source = f"typedef {_C_TYPES[dtype]} T;\n{PREAMBLE}{_FLAT_SOURCE.format(name=name, expression=expression)}"
    return cupy.RawKernel(source, name).kernel


@functools.lru_cache(maxsize=None)
def _strided(fn: Callable) -> Any:
    """The ElementwiseKernel of `fn` over strided views: (x, z) or (x, y, z), any dtypes, z the output."""
    import cupy

    arity, expression = expression_of(fn)  # type: ignore[misc]
    params = "X x" if arity == 1 else "X x, Y y"
    return cupy.ElementwiseKernel(params, "Z z", f"z = {expression}", f"minitorch_{fn.__name__}", preamble=PREAMBLE)


def _view(data: TensorData) -> Any:
    return strided_view(data._storage, data.shape, data.strides, data.size)


def _launch_flat(fn: Callable, out: TensorData, a: TensorData, b: TensorData) -> bool:
    """Run the flat kernel when the layouts and dtypes allow it; False when they do not.

    Each input's stride is 1 when it is laid out as out's flat storage (same shape,
    contiguous) and 0 when it holds one element. (Every elementwise op on the GPU passes here:
    fields are read directly, once.)
    """
    storage = out._storage
    dtype = storage.dtype
    if dtype not in _C_TYPES or a._storage.dtype != dtype or b._storage.dtype != dtype or not out.is_contiguous():
        return False
    shape = out._shape
    sa = 0 if a.size == 1 else 1 if a._shape == shape and a.is_contiguous() else -1
    sb = 0 if b.size == 1 else 1 if b._shape == shape and b.is_contiguous() else -1
    if sa < 0 or sb < 0:
        return False
    n = out.size
    blocks = (n + _FLAT_THREADS - 1) // _FLAT_THREADS
    _flat(fn, dtype)((blocks if blocks < _FLAT_MAX_BLOCKS else _FLAT_MAX_BLOCKS,), (_FLAT_THREADS,),
                     (storage, a._storage, b._storage, sa, sb, n))
    return True


def _map_kernel(fn: Callable) -> Callable[[TensorData, TensorData], None]:
    def map_kernel(out: TensorData, a: TensorData) -> None:
        if out.size and not _launch_flat(fn, out, a, a):
            _strided(fn)(_view(a), _view(out))

    return map_kernel


def _zip_kernel(fn: Callable) -> Callable[[TensorData, TensorData, TensorData], None]:
    def zip_kernel(out: TensorData, a: TensorData, b: TensorData) -> None:
        if out.size and not _launch_flat(fn, out, a, b):
            _strided(fn)(_view(a), _view(b), _view(out))

    return zip_kernel


@functools.lru_cache(maxsize=None)
def _reductions() -> Dict[Callable, Tuple[Any, float]]:
    """fn -> (CuPy reduction, the start value it implies; another start goes to numba)."""
    import cupy

    return {operators.add: (cupy.sum, 0.0), operators.mul: (cupy.prod, 1.0), operators.max: (cupy.max, -math.inf)}


def kernel_for(kind: str, fn: Callable, *args: Any) -> Optional[Callable[..., None]]:
    """The CuPy raw kernel of `kind` ("map", "zip", "reduce") for `fn`, or None when CuPy has none."""
    if kind in ("map", "zip"):
        arity = (expression_of(fn) or (0, ""))[0]
        if arity != (1 if kind == "map" else 2):
            return None
        return _map_kernel(fn) if kind == "map" else _zip_kernel(fn)
    reduction = _reductions().get(fn)
    (start,) = args
    if reduction is None or start != reduction[1]:
        return None
    reduce_fn, identity = reduction

    def reduce_kernel(out: TensorData, a: TensorData, dim: int) -> None:
        target = _view(out)
        if a.dims and a.shape[dim] == 0:
            target.fill(identity)
            return
        reduce_fn(_view(a), axis=dim if a.dims else None, keepdims=bool(a.dims), out=target)

    return reduce_kernel


def matrix_multiply(out: TensorData, a: TensorData, b: TensorData) -> None:
    """Batched, broadcast matmul through cuBLAS (`cupy.matmul`)."""
    import cupy

    cupy.matmul(_view(a), _view(b), out=_view(out))
