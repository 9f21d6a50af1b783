"""A CPU stand-in for CuPy 14, so that CI (no GPU) runs the CUDA backend's CuPy code paths.

numpy computes; what is CuPy's is the contract around it, held as strictly as CuPy holds it:

* `ndarray` is its own type (not a numpy array): `np.asarray(x)` / `np.array(x)` raise CuPy's
  TypeError ("Implicit conversion to a NumPy array is not allowed"), `.get()` is the host copy,
  numpy functions reach it only through `__array_function__` / `__array_ufunc__` (as CuPy's);
* CuPy functions, ufuncs, operators and `x[...] = value` refuse numpy arrays (TypeError
  "Unsupported type"), except the host-to-device doors `asarray` / `array` (which copy);
  reductions return 0-d arrays, integer indexing a 0-d view, as CuPy;
* `ElementwiseKernel(in_params, out_params, operation, name, preamble=)` is called as CuPy's:
  inputs then (optionally) outputs, positionally; only `size=`, `block_size=` and `stream=`
  keywords; a type placeholder bound to two different array dtypes is an error; outputs must
  be arrays of the broadcast shape. `RawKernel(code, name).kernel` is called with (grid, block,
  args): arrays are raw pointers (so they must be C-contiguous), scalars Python or numpy ones.
  Both *run their own source*: the bodies are statements `[type] name = expression;` in the
  part of C that is also Python over numpy arrays (cuda_array_ops.py says which), executed
  with `i` the vector of every index and `where`, `exp`, `expm1`, `log`, `log1p`, `tanh`, `fabs`,
  `isnan`, `sqrt` as numpy's (`erf`: math.erf over each element). A body outside that subset fails here, loudly.

Not modelled: streams, memory pools, devices other than 0, NVRTC's own compile errors.
`install()` puts the module in `sys.modules["cupy"]`; tests/cuda/conftest.py does that when
MINITORCH_FAKE_CUPY=1 (tests/test_cuda_simulator.py runs tests/cuda so, in numba's simulator).
"""

from __future__ import annotations

import math
import re
import sys
import types
from typing import Any, Dict, List, Optional, Tuple

import numpy as np

__all__ = ["module", "ndarray", "install"]

_IMPLICIT = "Implicit conversion to a NumPy array is not allowed. Please use `.get()` to construct a NumPy array explicitly."


class ndarray:
    """A device array: a numpy array behind CuPy's interface."""

    __slots__ = ("_a", "__weakref__")
    __hash__ = None  # type: ignore[assignment]

    def __init__(self, array: np.ndarray):
        assert isinstance(array, np.ndarray)
        self._a = array

    # -- attributes CuPy's ndarray has
    shape = property(lambda self: self._a.shape)
    dtype = property(lambda self: self._a.dtype)
    size = property(lambda self: self._a.size)
    ndim = property(lambda self: self._a.ndim)
    strides = property(lambda self: self._a.strides)
    itemsize = property(lambda self: self._a.itemsize)
    nbytes = property(lambda self: self._a.nbytes)
    flags = property(lambda self: self._a.flags)
    T = property(lambda self: ndarray(self._a.T))
    base = property(lambda self: None if self._a.base is None else _wrap(self._a.base))

    @property
    def __cuda_array_interface__(self) -> Dict[str, Any]:
        a = self._a
        return {
            "shape": a.shape,
            "typestr": a.dtype.str,
            "data": (a.__array_interface__["data"][0], False),
            "strides": None if a.flags.c_contiguous else a.strides,
            "version": 3,
        }

    # -- host copies: only where asked for
    def __array__(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(_IMPLICIT)

    def get(self, stream: Any = None, order: str = "C", out: Optional[np.ndarray] = None) -> np.ndarray:
        if out is not None:
            out[...] = self._a
            return out
        return np.array(self._a, order=order, copy=True)

    def set(self, arr: np.ndarray, stream: Any = None) -> None:
        if not isinstance(arr, np.ndarray):
            raise TypeError(f"Only numpy.ndarray can be set to cupy.ndarray, got {type(arr)}")
        self._a[...] = arr

    def item(self) -> Any:
        return self._a.item()

    def tolist(self) -> Any:
        return self._a.tolist()

    def __int__(self) -> int:
        return int(self._a)

    def __float__(self) -> float:
        return float(self._a)

    def __complex__(self) -> complex:
        return complex(self._a)

    def __bool__(self) -> bool:
        return bool(self._a)

    def __len__(self) -> int:
        if self._a.ndim == 0:
            raise TypeError("len() of unsized object")
        return len(self._a)

    def __iter__(self) -> Any:
        if self._a.ndim == 0:
            raise TypeError("iteration over a 0-d array")
        return (self[i] for i in range(len(self._a)))

    def __repr__(self) -> str:
        return repr(self._a)

    def __str__(self) -> str:
        return str(self._a)

    def __dlpack__(self, *args: Any, **kwargs: Any) -> Any:
        return self._a.__dlpack__(*args, **kwargs)

    def __dlpack_device__(self) -> Any:
        return self._a.__dlpack_device__()

    # -- indexing: integer keys give 0-d views; values must not be host arrays
    def __getitem__(self, key: Any) -> "ndarray":
        key = _index(key)
        result = self._a[key]
        if not isinstance(result, np.ndarray):  # a scalar: CuPy gives a 0-d view instead
            result = self._a[(key if isinstance(key, tuple) else (key,)) + (Ellipsis,)]
        return ndarray(result)

    def __setitem__(self, key: Any, value: Any) -> None:
        self._a[_index(key)] = _device(value, "__setitem__")

    # -- numpy protocols: numpy functions on device arrays run CuPy's (and refuse host arrays)
    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        fake = getattr(module, ufunc.__name__, None)
        if fake is None:
            return NotImplemented
        return getattr(fake, method)(*inputs, **kwargs) if method != "__call__" else fake(*inputs, **kwargs)

    def __array_function__(self, func: Any, types_: Any, args: Any, kwargs: Any) -> Any:
        fake = getattr(module, func.__name__, None)
        if fake is None or not callable(fake):
            return NotImplemented
        return fake(*args, **kwargs)

    # -- methods CuPy's ndarray has (others raise AttributeError, as there)
    def __getattr__(self, name: str) -> Any:
        if name not in _METHODS:
            raise AttributeError(f"'cupy.ndarray' object has no attribute {name!r}")
        method = getattr(self._a, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            return _wrap(method(*_device(args, name), **_device(kwargs, name)))

        return call


ndarray.__module__ = "cupy"  # type(x).__module__ names the library, as CuPy's does
ndarray.__qualname__ = "ndarray"

_METHODS = {
    "all", "any", "argmax", "argmin", "argsort", "astype", "clip", "conj", "copy", "cumprod", "cumsum",
    "diagonal", "dot", "fill", "flatten", "max", "mean", "min", "nonzero", "prod", "ravel", "repeat",
    "reshape", "round", "sort", "squeeze", "std", "sum", "swapaxes", "take", "trace", "transpose", "var", "view",
}


def _operator(name: str) -> Any:
    def op(self: ndarray, *other: Any) -> Any:
        return _wrap(getattr(self._a, name)(*_device(other, name)))

    return op


for _name in (
    "add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul", "and", "or", "xor", "lshift", "rshift",
):
    for _form in (f"__{_name}__", f"__r{_name}__", f"__i{_name}__"):
        setattr(ndarray, _form, _operator(_form))
for _form in ("__lt__", "__le__", "__gt__", "__ge__", "__eq__", "__ne__", "__neg__", "__pos__", "__abs__", "__invert__"):
    setattr(ndarray, _form, _operator(_form))


def _device(value: Any, where: str) -> Any:
    """`value` with device arrays unwrapped to numpy; a host array is refused, as CuPy does."""
    if type(value) is ndarray:
        return value._a
    if isinstance(value, np.ndarray):
        raise TypeError(f"Unsupported type {type(value)} (in {where}): a host array given to CuPy")
    if isinstance(value, (list, tuple)):
        return type(value)(_device(v, where) for v in value)
    if isinstance(value, dict):
        return {k: _device(v, where) for k, v in value.items()}
    return value


def _index(key: Any) -> Any:
    """An index: device arrays unwrapped; host index arrays are allowed (CuPy copies them over)."""
    if type(key) is ndarray:
        return key._a
    if isinstance(key, tuple):
        return tuple(_index(k) for k in key)
    return key


def _wrap(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return ndarray(value)
    if isinstance(value, np.generic):  # CuPy's reductions and functions give 0-d arrays
        return ndarray(np.asarray(value))
    if isinstance(value, tuple):
        return tuple(_wrap(v) for v in value)
    if isinstance(value, list):
        return [_wrap(v) for v in value]
    return value


def _function(name: str, fn: Any) -> Any:
    def call(*args: Any, **kwargs: Any) -> Any:
        return _wrap(fn(*_device(args, name), **_device(kwargs, name)))

    call.__name__ = name
    return call


class ufunc:
    """A CuPy ufunc: `f(*inputs, out=...)`, `.at` for the scatter ops, `.reduce` for add/multiply."""

    _SCATTER = {"add", "subtract", "maximum", "minimum", "bitwise_and", "bitwise_or", "bitwise_xor"}

    def __init__(self, np_ufunc: Any):
        self._u = np_ufunc
        self.__name__ = np_ufunc.__name__
        self.nin, self.nout = np_ufunc.nin, np_ufunc.nout

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return _wrap(self._u(*_device(args, self.__name__), **_device(kwargs, self.__name__)))

    def at(self, a: ndarray, indices: Any, b: Any = None) -> None:
        if self.__name__ not in self._SCATTER:
            raise NotImplementedError(f"`{self.__name__}.at` is not supported yet")
        if type(a) is not ndarray:
            raise TypeError(f"Unsupported type {type(a)}")
        self._u.at(a._a, _index(indices), _device(b, f"{self.__name__}.at"))

    def reduce(self, array: Any, axis: Any = 0, dtype: Any = None, out: Any = None, keepdims: bool = False) -> Any:
        if self.__name__ not in ("add", "multiply"):
            raise NotImplementedError(f"`{self.__name__}.reduce` is not supported yet")
        return _wrap(self._u.reduce(*_device((array,), "reduce"), axis=axis, dtype=dtype,
                                    out=_device(out, "reduce"), keepdims=keepdims))


# -------------------------------------------------------------------- kernels that run their source

_NAMESPACE = {"where": np.where, "exp": np.exp, "log": np.log, "fabs": np.abs, "isnan": np.isnan, "sqrt": np.sqrt,
              "expm1": np.expm1, "log1p": np.log1p, "tanh": np.tanh, "erf": np.vectorize(math.erf, otypes=[float])}
_STATEMENT = re.compile(r"^(?:(?:const\s+)?([A-Za-z_][A-Za-z_0-9]*)\s+(?=[A-Za-z_][A-Za-z_0-9]*\s*=[^=]))?(.+)$", re.S)
_C_TYPE_NAMES = {"float", "double", "int", "bool", "auto"}


def _run_body(body: str, names: Dict[str, Any], types_: set) -> None:
    """Execute C statements `[type] target = expression;` as Python over numpy arrays, in `names`;
    a declaration's type must be a C type or one of `types_` (the kernel's placeholders/typedefs)."""
    scope = dict(_NAMESPACE, **names)
    with np.errstate(all="ignore"):
        for statement in filter(None, (s.strip() for s in body.split(";"))):
            match = _STATEMENT.match(statement)
            declared, python = (match.group(1), match.group(2)) if match else (None, statement)
            if declared is not None and declared not in _C_TYPE_NAMES | types_:
                raise AssertionError(f"fake cupy: {statement!r} declares an unknown type {declared!r}")
            try:
                exec(compile(python, "<kernel body>", "exec"), {"__builtins__": {}}, scope)
            except Exception as error:
                raise AssertionError(f"fake cupy: kernel statement {statement!r} is not C-and-Python: {error}") from error
    names.update(scope)


def _params(spec: str) -> List[Tuple[str, str]]:
    """'T x, raw T y, bool z' -> [(type, name), ...]."""
    out = []
    for part in filter(None, (p.strip() for p in spec.split(","))):
        words = part.split()
        out.append((" ".join(w for w in words[:-1] if w != "raw"), words[-1]))
    return out


class ElementwiseKernel:
    def __init__(self, in_params: str, out_params: str, operation: str, name: str = "kernel", preamble: str = "",
                 reduce_dims: bool = True, no_return: bool = False, return_tuple: bool = False, **kwargs: Any):
        self.in_params, self.out_params = _params(in_params), _params(out_params)
        self.nin, self.nout = len(self.in_params), len(self.out_params)
        self.nargs = self.nin + self.nout
        self.operation, self.name, self.preamble = operation, name, preamble
        if "i" in [n for _, n in self.in_params + self.out_params]:
            raise ValueError("Can not use 'i' as a parameter name")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.pop("size", None), kwargs.pop("stream", None), kwargs.pop("block_size", None)
        if kwargs:
            raise TypeError(f"Wrong arguments {kwargs}")
        if len(args) not in (self.nin, self.nargs):
            raise TypeError(
                f"Wrong number of arguments for {self.name!r}. It must be either {self.nin} or {self.nargs} "
                f"(with outputs), but given {len(args)}."
            )
        arrays = [_device(a, self.name) for a in args]
        bound: Dict[str, np.dtype] = {}
        for (ctype, pname), value in zip(self.in_params + self.out_params, arrays):
            if isinstance(value, np.ndarray) and len(ctype) == 1:  # a type placeholder
                if bound.setdefault(ctype, value.dtype) != value.dtype:
                    raise TypeError(f"Type is mismatched. {pname} {value.dtype} {ctype} {bound[ctype]} ({self.name})")
        for (ctype, _), value in zip(self.in_params, arrays):  # placeholders no array binds: the scalars' types
            if len(ctype) == 1 and ctype not in bound and not isinstance(value, np.ndarray):
                bound[ctype] = np.asarray(value).dtype
        shape = np.broadcast_shapes(*(a.shape for a in arrays if isinstance(a, np.ndarray)))
        outputs = arrays[self.nin:]
        for (_, pname), value in zip(self.out_params, outputs):
            if not isinstance(value, np.ndarray):
                raise TypeError(f"{self.name}: output {pname} must be a cupy.ndarray, got {type(value)}")
            if value.shape != shape:
                raise ValueError(f"{self.name}: output {pname} has shape {value.shape}, the kernel's is {shape}")
        if not outputs:
            outputs = [np.empty(shape, dtype=self._dtype(ctype, bound)) for ctype, _ in self.out_params]
        names: Dict[str, Any] = {}
        for (ctype, pname), value in zip(self.in_params, arrays[: self.nin]):
            dtype = self._dtype(ctype, bound)
            names[pname] = np.broadcast_to(value, shape).astype(dtype) if isinstance(value, np.ndarray) else dtype.type(value)
        for (ctype, pname), value in zip(self.out_params, outputs):
            names[pname] = value.astype(self._dtype(ctype, bound))
        placeholders = {ctype for ctype, _ in self.in_params + self.out_params if len(ctype) == 1}
        _run_body(self.operation, names, placeholders)
        for (_, pname), value in zip(self.out_params, outputs):
            value[...] = names[pname]
        result = [ndarray(o) for o in outputs]
        return result[0] if self.nout == 1 else tuple(result)

    @staticmethod
    def _dtype(ctype: str, bound: Dict[str, np.dtype]) -> np.dtype:
        if len(ctype) == 1:
            if ctype not in bound:
                raise TypeError(f"Cannot determine the type of {ctype}")
            return bound[ctype]
        return np.dtype({"bool": np.bool_, "float": np.float32, "double": np.float64, "int": np.int32,
                         "long long": np.int64, "float32": np.float32, "float64": np.float64}[ctype])


_C_SCALARS = {"float": np.float32, "double": np.float64, "int": np.int32, "long long": np.int64, "bool": np.bool_}
_SIGNATURE = re.compile(r'extern "C" __global__ void (\w+)\(([^)]*)\)\s*\{(.*)\}\s*$', re.S)
_GRID_LOOP = re.compile(r"for \(long long i = [^;]*; i < (\w+);[^{]*\{(.*)\}", re.S)


class _Function:
    """A compiled raw kernel: `(grid, block, args)`; a grid-stride loop over i < n is run for all i at once."""

    def __init__(self, name: str, params: List[Tuple[str, str]], typedefs: Dict[str, str], bound: str, body: str):
        self.name, self.params, self.typedefs, self.bound, self.body = name, params, typedefs, bound, body

    def __call__(self, grid: Tuple[int, ...], block: Tuple[int, ...], args: Tuple[Any, ...], **kwargs: Any) -> None:
        if not (isinstance(grid, tuple) and isinstance(block, tuple)):
            raise TypeError("grid and block must be tuples")
        if len(args) != len(self.params):
            raise TypeError(f"{self.name}: {len(args)} arguments for {len(self.params)} parameters")
        names: Dict[str, Any] = {}
        for (ctype, pname), value in zip(self.params, args):
            base = self.typedefs.get(ctype.replace("const", "").replace("*", "").strip(), ctype.replace("const", "").replace("*", "").strip())
            if "*" in ctype:
                if type(value) is not ndarray:
                    raise TypeError(f"{self.name}: pointer parameter {pname} needs a cupy.ndarray, got {type(value)}")
                if not value._a.flags.c_contiguous or value._a.dtype != np.dtype(_C_SCALARS[base]):
                    raise TypeError(f"{self.name}: {pname} must be C-contiguous {base} (a raw pointer), got {value._a.dtype}")
                names[pname] = value._a.reshape(-1)
            else:
                if isinstance(value, (ndarray, np.ndarray)) or not isinstance(value, (int, float, bool, np.generic)):
                    raise TypeError(f"{self.name}: scalar parameter {pname} got {type(value)}")
                names[pname] = _C_SCALARS[base](value)
        threads = int(np.prod(grid)) * int(np.prod(block))
        if threads <= 0:
            raise ValueError("grid and block must be positive")
        names["i"] = np.arange(int(names[self.bound]))
        _run_body(self.body, names, set(self.typedefs))  # writes through the pointer parameters' arrays


class RawKernel:
    def __init__(self, code: str, name: str, options: Tuple[str, ...] = (), backend: str = "nvrtc", **kwargs: Any):
        self.code, self.name = code, name
        typedefs = dict((alias, ctype) for ctype, alias in re.findall(r"typedef\s+([\w ]+?)\s+(\w+)\s*;", code))
        match = _SIGNATURE.search(code)
        if match is None or match.group(1) != name:
            raise ValueError(f"fake cupy: no kernel {name!r} of the form extern \"C\" __global__ void {name}(...) {{...}}")
        loop = _GRID_LOOP.search(match.group(3))
        if loop is None:
            raise ValueError(f"fake cupy: kernel {name!r} is not one grid-stride loop over i < n")
        params = [(" ".join(p.split()[:-1]), p.split()[-1]) for p in match.group(2).split(",")]
        self._function = _Function(name, params, typedefs, loop.group(1), loop.group(2))

    @property
    def kernel(self) -> _Function:
        return self._function

    def __call__(self, grid: Tuple[int, ...], block: Tuple[int, ...], args: Tuple[Any, ...], **kwargs: Any) -> None:
        self._function(grid, block, args, **kwargs)


# -------------------------------------------------------------------- the module

def _host_to_device(fn: Any, name: str) -> Any:
    """asarray / array: the doors from the host (numpy arrays are copied over, never shared)."""

    def call(obj: Any, dtype: Any = None, *args: Any, **kwargs: Any) -> ndarray:
        if type(obj) is ndarray:
            return _wrap(fn(obj._a, dtype, *args, **kwargs))
        if isinstance(obj, (list, tuple)):
            obj = _device(obj, name) if any(type(v) is ndarray for v in obj) else obj
        return ndarray(np.array(fn(obj, dtype, *args, **kwargs), copy=True))

    call.__name__ = name
    return call


def _build() -> types.ModuleType:
    mod = types.ModuleType("cupy", __doc__)
    mod.__version__ = "14.2.0+fake"
    mod.ndarray = ndarray
    for name in (
        "add", "subtract", "multiply", "divide", "true_divide", "floor_divide", "negative", "positive", "power",
        "remainder", "mod", "fmod", "absolute", "rint", "sign", "exp", "exp2", "log", "log2", "log10", "expm1",
        "log1p", "sqrt", "square", "cbrt", "reciprocal", "sin", "cos", "tan", "arcsin", "arccos", "arctan",
        "arctan2", "hypot", "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh", "greater", "greater_equal",
        "less", "less_equal", "equal", "not_equal", "logical_and", "logical_or", "logical_xor", "logical_not",
        "maximum", "minimum", "fmax", "fmin", "isfinite", "isinf", "isnan", "signbit", "copysign", "floor", "ceil",
        "trunc", "bitwise_and", "bitwise_or", "bitwise_xor", "invert", "left_shift", "right_shift", "logaddexp",
    ):
        setattr(mod, name, ufunc(getattr(np, name)))
    mod.abs = mod.absolute
    for name in (
        "empty", "zeros", "ones", "full", "empty_like", "zeros_like", "ones_like", "full_like", "arange",
        "linspace", "eye", "identity", "concatenate", "stack", "vstack", "hstack", "where", "take",
        "take_along_axis", "put_along_axis", "argmax", "argmin", "argsort", "sort", "sum", "prod", "max", "min",
        "amax", "amin", "mean", "var", "std", "any", "all", "cumsum", "cumprod", "matmul", "dot", "einsum",
        "tensordot", "moveaxis", "swapaxes", "transpose", "reshape", "ravel", "squeeze", "expand_dims",
        "broadcast_to", "broadcast_arrays", "flip", "roll", "repeat", "tile", "pad", "clip", "round", "around",
        "isclose", "allclose", "array_equal", "copyto", "count_nonzero", "nonzero", "diag", "tril", "triu", "outer",
        "unique", "searchsorted", "bincount", "atleast_1d", "atleast_2d", "split", "array_split", "nan_to_num",
        "ascontiguousarray", "copy", "result_type", "can_cast", "promote_types", "ndim", "shape", "size",
    ):
        setattr(mod, name, _function(name, getattr(np, name)))
    mod.asarray = _host_to_device(np.asarray, "asarray")
    mod.array = _host_to_device(np.array, "array")
    mod.asanyarray = mod.asarray
    for name in ("dtype", "finfo", "iinfo", "issubdtype", "float16", "float32", "float64", "int8", "int16", "int32",
                 "int64", "uint8", "bool_", "inf", "nan", "pi", "e", "newaxis", "integer", "floating", "number"):
        setattr(mod, name, getattr(np, name))
    mod.get_array_module = lambda *args: mod if any(type(a) is ndarray for a in args) else np
    mod.asnumpy = lambda a, stream=None: a.get() if type(a) is ndarray else np.asarray(a)
    mod.ElementwiseKernel = ElementwiseKernel
    mod.RawKernel = RawKernel
    mod.lib = types.SimpleNamespace(stride_tricks=types.SimpleNamespace(
        as_strided=_function("as_strided", np.lib.stride_tricks.as_strided)))
    runtime = types.SimpleNamespace(
        getDeviceCount=lambda: 1, getDevice=lambda: 0, deviceSynchronize=lambda: None,
        runtimeGetVersion=lambda: 13000, driverGetVersion=lambda: 13000,
    )
    mod.cuda = types.SimpleNamespace(runtime=runtime, Device=lambda index=0: types.SimpleNamespace(
        id=index, synchronize=lambda: None))
    return mod


module = _build()


def install() -> types.ModuleType:
    """Make `import cupy` give this module (idempotent)."""
    sys.modules["cupy"] = module
    return module
