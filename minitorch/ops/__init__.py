"""Differentiable operations on tensors (autodiff Functions and functional wrappers).

Importing this package also hands core's `Tensor` what its methods are sugar over (see
`minitorch/core/dispatch.py`): these functions, the autodiff engine and the default backend.
"""

from ..autodiff.function import History
from ..autodiff.graph import backpropagate
from ..backends.fast import FastBackend
from ..core.dispatch import install
from .elementwise import EQ, LT, Add, Cast, Exp, Inv, IsClose, Log, Mul, Neg, ReLU, Sigmoid, cast
from .matmul import MatMul
from .movement import Copy, Permute, View
from .reduce import All, Sum

__all__ = [
    "Add",
    "All",
    "Cast",
    "Copy",
    "EQ",
    "Exp",
    "Inv",
    "IsClose",
    "LT",
    "Log",
    "MatMul",
    "Mul",
    "Neg",
    "Permute",
    "ReLU",
    "Sigmoid",
    "Sum",
    "View",
    "cast",
]

install(
    History=History,
    backpropagate=backpropagate,
    default_backend=FastBackend,
    **{name: globals()[name] for name in __all__},
)
