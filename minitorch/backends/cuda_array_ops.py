"""CuPy kernels for the scalar functions of `minitorch.operators` (used when CuPy holds the storage).

On a GPU with CuPy, `CudaOps` runs the course's named functions through CuPy instead of
compiling them with numba: one CuPy ufunc or elementwise kernel per op over zero-copy strided
views (CuPy broadcasts and walks strides itself), CuPy's reductions for add / mul / max, and
`cupy.matmul` -- cuBLAS -- for matrix products. Each launches in a few microseconds, where a
numba launch costs tens. Any other function (`kernel_for` returns None) goes to the numba
kernels of `cuda_kernels.py`, which the tests also run on the same inputs to check these.

This module imports CuPy at the top: `CudaOps` loads it only once it has found CuPy working.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Dict, Optional

import cupy

from .. import operators
from ..core.tensor_data import TensorData
from .cuda_device import strided_view

__all__ = ["kernel_for", "matrix_multiply"]


def _view(data: TensorData) -> Any:
    return strided_view(data._storage, data.shape, data.strides, data.size)


def _elementwise(params: str, body: str, name: str) -> Any:
    return cupy.ElementwiseKernel(params, "Z z", body, f"minitorch_{name}")


_sigmoid = cupy.ElementwiseKernel("X x", "Z z", "z = 1 / (1 + exp(-(double)x))", "minitorch_sigmoid")
_relu_back = _elementwise("X x, Y d", "z = x > 0 ? (Z)d : (Z)0", "relu_back")
_log_back = _elementwise("X x, Y d", "z = (Z)((double)d / (double)x)", "log_back")
_inv_back = _elementwise("X x, Y d", "z = (Z)(-(double)d / ((double)x * (double)x))", "inv_back")
_is_close = _elementwise("X x, Y y", "z = fabs((double)x - (double)y) < 1e-2", "is_close")


def _copy(a: Any, out: Any) -> None:
    cupy.copyto(out, a)  # broadcasts a to out's shape


def _relu(a: Any, out: Any) -> None:
    cupy.maximum(a, 0, out=out)  # NaN stays NaN


def _unary(ufunc: Any) -> Callable[[Any, Any], None]:
    def run(a: Any, out: Any) -> None:
        ufunc(a, out=out)

    return run


def _binary(ufunc: Any) -> Callable[[Any, Any, Any], None]:
    def run(a: Any, b: Any, out: Any) -> None:
        ufunc(a, b, out=out)

    return run


_MAPS: Dict[Callable, Callable[[Any, Any], None]] = {
    operators.neg: _unary(cupy.negative),
    operators.exp: _unary(cupy.exp),
    operators.inv: _unary(cupy.reciprocal),
    operators.id: _copy,
    operators.relu: _relu,
    operators.sigmoid: _unary(_sigmoid),
}
_ZIPS: Dict[Callable, Callable[[Any, Any, Any], None]] = {
    operators.add: _binary(cupy.add),
    operators.mul: _binary(cupy.multiply),
    operators.lt: _binary(cupy.less),
    operators.eq: _binary(cupy.equal),
    operators.max: _binary(cupy.maximum),
    operators.relu_back: _binary(_relu_back),
    operators.inv_back: _binary(_inv_back),
    operators.is_close: _binary(_is_close),
}
if operators.log(1.0) == 0.0 and operators.log(1e-30) < -60:  # the exact log (no epsilon inside)
    _MAPS[operators.log] = _unary(cupy.log)
    _ZIPS[operators.log_back] = _binary(_log_back)

# reduction, and the start value it implies (another start goes to the numba kernel)
_REDUCTIONS: Dict[Callable, tuple] = {
    operators.add: (cupy.sum, 0.0),
    operators.mul: (cupy.prod, 1.0),
    operators.max: (cupy.max, -math.inf),
}


def kernel_for(kind: str, fn: Callable, *args: Any) -> Optional[Callable[..., None]]:
    """The CuPy raw kernel of `kind` ("map", "zip", "reduce") for `fn`, or None when CuPy has none."""
    if kind == "map":
        run_map = _MAPS.get(fn)
        if run_map is None:
            return None

        def map_kernel(out: TensorData, a: TensorData) -> None:
            run_map(_view(a), _view(out))

        return map_kernel
    if kind == "zip":
        run_zip = _ZIPS.get(fn)
        if run_zip is None:
            return None

        def zip_kernel(out: TensorData, a: TensorData, b: TensorData) -> None:
            run_zip(_view(a), _view(b), _view(out))

        return zip_kernel
    reduction = _REDUCTIONS.get(fn)
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
    cupy.matmul(_view(a), _view(b), out=_view(out))
