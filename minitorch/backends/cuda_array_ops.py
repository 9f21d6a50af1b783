"""CuPy kernels for the scalar functions of `minitorch.operators` (used when CuPy holds the storage).

On a GPU with CuPy, `CudaOps` runs the course's named functions through CuPy instead of
compiling them with numba: one CuPy ufunc or elementwise kernel per op over zero-copy strided
views (CuPy broadcasts and walks strides itself), CuPy's reductions for add / mul / max, and
`cupy.matmul` -- cuBLAS -- for matrix products. Each launches in a few microseconds, where a
numba launch costs tens. Any other function (`kernel_for` returns None) goes to the numba
kernels of `cuda_kernels.py`, which the tests also run on the same inputs to check these.

CuPy is imported on first use (`CudaOps` uses this module only once it has found CuPy working).
"""

from __future__ import annotations

import functools
import math
from typing import Any, Callable, Dict, Optional, Tuple

from .. import operators
from ..core.tensor_data import TensorData
from .cuda_device import strided_view

__all__ = ["kernel_for", "matrix_multiply"]


def _view(data: TensorData) -> Any:
    return strided_view(data._storage, data.shape, data.strides, data.size)


@functools.lru_cache(maxsize=None)
def _tables() -> Tuple[Dict[Callable, Callable[..., None]], Dict[Callable, Callable[..., None]], Dict[Callable, tuple]]:
    """(maps, zips, reductions): CuPy's kernel for each scalar function it has (built once)."""
    import cupy

    def elementwise(params: str, body: str, name: str) -> Any:
        return cupy.ElementwiseKernel(params, "Z z", body, f"minitorch_{name}")

    def unary(ufunc: Any) -> Callable[[Any, Any], None]:
        return lambda a, out: ufunc(a, out=out)

    def binary(ufunc: Any) -> Callable[[Any, Any, Any], None]:
        return lambda a, b, out: ufunc(a, b, out=out)

    sigmoid = elementwise("X x", "z = 1 / (1 + exp(-(double)x))", "sigmoid")
    maps: Dict[Callable, Callable[..., None]] = {
        operators.neg: unary(cupy.negative),
        operators.exp: unary(cupy.exp),
        operators.inv: unary(cupy.reciprocal),
        operators.id: lambda a, out: cupy.copyto(out, a),  # broadcasts a to out's shape
        operators.relu: lambda a, out: cupy.maximum(a, 0, out=out),  # NaN stays NaN
        operators.sigmoid: unary(sigmoid),
    }
    zips: Dict[Callable, Callable[..., None]] = {
        operators.add: binary(cupy.add),
        operators.mul: binary(cupy.multiply),
        operators.lt: binary(cupy.less),
        operators.eq: binary(cupy.equal),
        operators.max: binary(cupy.maximum),
        operators.relu_back: binary(elementwise("X x, Y d", "z = x > 0 ? (Z)d : (Z)0", "relu_back")),
        operators.inv_back: binary(elementwise("X x, Y d", "z = (Z)(-(double)d / ((double)x * (double)x))", "inv_back")),
        operators.is_close: binary(elementwise("X x, Y y", "z = fabs((double)x - (double)y) < 1e-2", "is_close")),
    }
    if operators.log(1.0) == 0.0 and operators.log(1e-30) < -60:  # the exact log (no epsilon inside)
        maps[operators.log] = unary(cupy.log)
        zips[operators.log_back] = binary(elementwise("X x, Y d", "z = (Z)((double)d / (double)x)", "log_back"))
    # reduction, and the start value it implies (another start goes to the numba kernel)
    reductions: Dict[Callable, tuple] = {
        operators.add: (cupy.sum, 0.0),
        operators.mul: (cupy.prod, 1.0),
        operators.max: (cupy.max, -math.inf),
    }
    return maps, zips, reductions


def kernel_for(kind: str, fn: Callable, *args: Any) -> Optional[Callable[..., None]]:
    """The CuPy raw kernel of `kind` ("map", "zip", "reduce") for `fn`, or None when CuPy has none."""
    maps, zips, reductions = _tables()
    if kind == "map":
        run_map = maps.get(fn)
        if run_map is None:
            return None

        def map_kernel(out: TensorData, a: TensorData) -> None:
            run_map(_view(a), _view(out))

        return map_kernel
    if kind == "zip":
        run_zip = zips.get(fn)
        if run_zip is None:
            return None

        def zip_kernel(out: TensorData, a: TensorData, b: TensorData) -> None:
            run_zip(_view(a), _view(b), _view(out))

        return zip_kernel
    reduction = reductions.get(fn)
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
