"""minitorch: a small, readable, fast deep-learning library centred on convolutional networks.

The public names follow the MiniTorch course (so course code runs unchanged) and PyTorch
(for everything the course does not name). Where the two disagree there are two faces over one
implementation: `minitorch.Module`, `minitorch.Parameter`, `minitorch.SGD` / `Optimizer` and
the course functions here and in `minitorch.nn` keep the course's behaviour;
`minitorch.nn.Module`, `minitorch.nn.Parameter`, `minitorch.nn.functional` and
`minitorch.optim` keep PyTorch's (README "Course compatibility").
"""

import sys

from . import operators
from .operators import prod  # the course uses minitorch.prod(shape)
from .autodiff.function import Context, Function, History
from .autodiff.grad_check import grad_check
from .autodiff.graph import (
    backpropagate,
    central_difference,
    enable_grad,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
    topological_sort,
)
from .backends.base import MapProto, TensorBackend, TensorOps
from .backends.compat import TensorFunctions, make_tensor_backend
from .backends.cuda import CudaOps
from .backends.cuda_practice import mm_practice, sum_practice
from .backends.fast import FastBackend, FastOps
from .backends.simple import SimpleBackend, SimpleOps
from .backends.threads import get_num_threads, set_num_threads
from .core.creation import (
    arange,
    empty,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    ones,
    ones_like,
    rand,
    rand_like,
    randn,
    randn_like,
    tensor,
    tensor_from_numpy,
    zeros,
    zeros_like,
)
from .core.dtypes import bool_ as bool  # noqa: A001  (PyTorch's dtype names: minitorch.bool, ...)
from .core.dtypes import float32, float64, get_default_dtype, int64, set_default_dtype
from .core.dtypes import float64 as double
from .core.dtypes import float64 as float  # noqa: A001
from .core.dtypes import int64 as long
from .core.random import default_generator, get_rng_state, manual_seed, set_rng_state
from .core.tensor import Tensor
from .core.tensor_data import (
    IndexingError,
    Storage,
    TensorData,
    UserIndex,
    UserShape,
    UserStrides,
    broadcast_index,
    index_to_position,
    shape_broadcast,
    strides_from_shape,
    to_index,
)
from .errors import AutodiffError, DomainError, DTypeError, ShapeError
from .ops.conv_course import Conv1dFun, Conv2dFun, conv1d, conv2d, unroll
from .ops.dropout import course_dropout as dropout
from .ops.max import argmax, max
from .ops.softmax import logsoftmax, softmax
from .ops.tile import avgpool2d, maxpool2d, tile

# PyTorch's functions on tensors (torch.cat, torch.where, ...); each is also a Tensor method.
from .ops.activation import tanh
from .ops.compare import allclose, eq, ge, gt, isclose, isfinite, isinf, isnan, le, logical_and, logical_not
from .ops.compare import logical_or, logical_xor, lt, ne
from .ops.concat import cat
from .ops.diagonal import diag, diagonal, trace, tril, triu
from .ops.einsum import dot, einsum, outer
from .ops.elementwise import exp, log, relu, sigmoid
from .ops.extrema import amax, amin, argmin, min
from .ops.gather import gather, index_select, scatter_add
from .ops.matmul import bmm, matmul, mm
from .ops.movement import reshape
from .ops.norm import norm
from .ops.pointwise import abs, clamp, clip, maximum, minimum, pow, rsqrt, sqrt
from .ops.rearrange import flip, movedim, roll
from .ops.reduce import all, any, sum
from .ops.rounding import ceil, div, floor, floor_divide, fmod, frac, remainder, round, sign, trunc
from .ops.scan import cumprod, cumsum
from .ops.select import argwhere, masked_fill, masked_select, nonzero, where
from .ops.shape import squeeze, unsqueeze
from .ops.softmax import log_softmax, logsumexp
from .ops.sort import argsort, sort, topk
from .ops.split import chunk, narrow, split, unbind
from .ops.stack import stack
from .ops.statistics import mean, std, var
from .ops.transcendental import acos, asin, atan, atan2, cos, cosh, exp2, expm1, log1p, log2, log10, reciprocal, sin
from .ops.transcendental import sinh, tan

# Course compatibility (Modules 0-3). `datasets` is the course's name -> generator table, so
# `minitorch.datasets["Xor"](100)` works as in the course scripts.
from .autodiff.scalar import Scalar, ScalarHistory, derivative_check
from .autodiff.scalar_functions import ScalarFunction
from .datasets import datasets
from .nn.course import Module
from .nn.parameter import ParameterBox as Parameter
from .optim.course import SGD, Optimizer
from .testing import MathTest, MathTestVariable

tensor_fromlist = tensor  # the 2020 edition's name for minitorch.tensor(list)

# Layers, optimizers, checkpoints and zero-copy interop (PyTorch's names).
from . import nn, optim  # noqa: E402
from .io.checkpoint import load, save  # noqa: E402
from .io.interop import from_dlpack  # noqa: E402
from . import course_paths  # noqa: E402

course_paths.install(sys.modules[__name__])  # minitorch.tensor_data, minitorch.fast_ops, ... (course paths)


def __getattr__(name: str) -> object:
    """`minitorch.utils` (torch.utils' face: `minitorch.utils.data.DataLoader`) loaded on first use,
    so that `import minitorch` does not load the data package."""
    if name == "utils":
        import importlib

        return importlib.import_module(f"{__name__}.utils")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__version__ = "0.1.0"

__all__ = [
    "acos", "all", "amax", "amin", "any", "argsort", "argwhere", "asin", "atan", "atan2", "bmm", "ceil", "cos", "cosh",
    "cumprod", "cumsum", "diag", "diagonal", "div", "dot", "einsum", "eq", "exp", "exp2", "expm1", "flip", "floor",
    "floor_divide", "fmod", "frac", "ge", "gt", "index_select", "isfinite", "isinf", "isnan", "le", "log", "log10",
    "log1p", "log2", "log_softmax", "logical_and", "logical_not", "logical_or", "logical_xor", "logsumexp", "lt",
    "masked_select", "matmul", "mean", "mm", "movedim", "narrow", "ne", "nonzero", "norm", "outer", "reciprocal",
    "relu", "remainder", "reshape", "roll", "round", "sigmoid", "sign", "sin", "sinh", "sort", "std", "sum", "tan",
    "tanh", "topk", "trace", "tril", "triu", "trunc", "unbind", "var",
    "AutodiffError",
    "DomainError",
    "abs",
    "allclose",
    "argmin",
    "bool",
    "cat",
    "chunk",
    "clamp",
    "clip",
    "double",
    "empty",
    "eye",
    "float",
    "float32",
    "float64",
    "full_like",
    "gather",
    "get_default_dtype",
    "set_default_dtype",
    "int64",
    "isclose",
    "linspace",
    "long",
    "masked_fill",
    "maximum",
    "min",
    "minimum",
    "ones_like",
    "pow",
    "rand_like",
    "randn_like",
    "rsqrt",
    "scatter_add",
    "split",
    "sqrt",
    "squeeze",
    "stack",
    "unsqueeze",
    "where",
    "zeros_like",
    "argmax",
    "avgpool2d",
    "dropout",
    "logsoftmax",
    "max",
    "maxpool2d",
    "softmax",
    "tile",
    "from_dlpack",
    "load",
    "nn",
    "optim",
    "save",
    "MathTest",
    "MathTestVariable",
    "Module",
    "Optimizer",
    "Parameter",
    "SGD",
    "Scalar",
    "ScalarFunction",
    "ScalarHistory",
    "datasets",
    "derivative_check",
    "unroll",
    "conv2d",
    "conv1d",
    "Conv2dFun",
    "Conv1dFun",
    "Context",
    "CudaOps",
    "mm_practice",
    "sum_practice",
    "DTypeError",
    "FastBackend",
    "FastOps",
    "get_num_threads",
    "set_num_threads",
    "Function",
    "History",
    "IndexingError",
    "MapProto",
    "ShapeError",
    "SimpleBackend",
    "SimpleOps",
    "Storage",
    "Tensor",
    "TensorBackend",
    "TensorData",
    "TensorFunctions",
    "TensorOps",
    "UserIndex",
    "UserShape",
    "UserStrides",
    "arange",
    "backpropagate",
    "broadcast_index",
    "central_difference",
    "default_generator",
    "enable_grad",
    "from_numpy",
    "full",
    "grad_check",
    "index_to_position",
    "is_grad_enabled",
    "make_tensor_backend",
    "manual_seed",
    "get_rng_state",
    "set_rng_state",
    "no_grad",
    "ones",
    "operators",
    "prod",
    "rand",
    "randn",
    "set_grad_enabled",
    "shape_broadcast",
    "strides_from_shape",
    "tensor",
    "tensor_from_numpy",
    "tensor_fromlist",
    "to_index",
    "topological_sort",
    "zeros",
]
