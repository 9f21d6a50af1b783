"""Differentiable operations on tensors (autodiff Functions and functional wrappers)."""

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
