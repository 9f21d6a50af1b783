"""Differentiable operations on tensors (autodiff Functions and functional wrappers).

Importing this package also hands core's `Tensor` what its methods are sugar over (see
`minitorch/core/dispatch.py`): these functions, the autodiff engine and the default backend.
"""

from ..autodiff.function import History
from ..autodiff.graph import backpropagate
from ..backends.fast import FastBackend
from ..core.dispatch import install
from ..backends.device import device_of
from . import activation, compare, diagonal, einsum, elementwise, extrema, flatten, gather, norm, pointwise, rearrange
from . import reduce, rounding, scan, select, shape, softmax, sort, split, stack, statistics, transcendental
from .device import is_device, same_device, tensor_to
from .elementwise import Add, Cast, Exp, Inv, Log, Mul, Neg, ReLU, Sigmoid, cast
from .indexing import IndexCopy, IndexView, getitem, setitem
from .matmul import MatMul, bmm, matmul, mm
from .movement import Copy, Permute, View, reshape, view
from .reduce import Sum

__all__ = [
    "Add",
    "Cast",
    "Copy",
    "Exp",
    "IndexCopy",
    "IndexView",
    "Inv",
    "Log",
    "MatMul",
    "Mul",
    "Neg",
    "Permute",
    "ReLU",
    "Sigmoid",
    "Sum",
    "View",
    "bmm",
    "cast",
    "getitem",
    "matmul",
    "mm",
    "reshape",
    "setitem",
    "view",
]

# What Tensor methods call, by name (core/tensor_*.py): the Functions above and the
# PyTorch-named functional wrappers of these modules.
_methods = {name: globals()[name] for name in __all__}
for _module in (compare, diagonal, einsum, elementwise, extrema, gather, norm, pointwise, rearrange, reduce, rounding, scan,
                select, shape, sort, split, stack, statistics, transcendental):
    _methods.update((name, getattr(_module, name)) for name in _module.__all__)
install(
    History=History,
    backpropagate=backpropagate,
    default_backend=FastBackend,
    tanh=activation.tanh,
    flatten=flatten.flatten,
    unflatten=flatten.unflatten,
    softmax=softmax.softmax,
    log_softmax=softmax.log_softmax,
    logsumexp=softmax.logsumexp,
    device_of=device_of,
    is_device=is_device,
    tensor_to=tensor_to,
    same_device=same_device,
    **_methods,
)
