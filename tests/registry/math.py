"""Registry entries for the everyday elementwise math beyond the course's: rounding and the
divisions that round (floor_divide `//`, remainder `%`, fmod, div with rounding_mode),
trigonometric / hyperbolic / log / exp functions, atan2, and the bool-valued tests and logical
ops (isnan, isinf, isfinite, logical_and/or/xor/not, ne/le/ge)."""

from __future__ import annotations

import numpy as np
import torch

import minitorch
from minitorch.errors import DomainError, DTypeError, IndexingError

from .core import random_shape
from .pointwise import _broadcast_pair, as_tensor
from .spec import ErrorCase, OpCase, OpSpec, cut_broadcast_batch


def _off_integers_array(rng, small, scale=3.0):
    """Entries at least 0.1 away from every integer (the step functions jump there)."""
    x = rng.uniform(-scale, scale, random_shape(rng, small))
    return np.floor(x) + rng.uniform(0.1, 0.9, x.shape)


def _off_integers(rng, small):
    return OpCase([_off_integers_array(rng, small)])


def _unary(low, high):
    return lambda rng, small: OpCase([rng.uniform(low, high, random_shape(rng, small))])


def _dividend_divisor(rng, small):
    """a, b broadcastable, b at least 0.5 from zero, a / b at least 0.05 from an integer (where
    the remainder's gradient in b jumps)."""
    a, b = _broadcast_pair(rng, small)
    b = np.sign(b + 1e-9) * (np.abs(b) + 0.5)
    ratio = a / b
    ratio = np.where(np.abs(ratio - np.round(ratio)) < 0.05, ratio + 0.2, ratio)
    return OpCase([ratio * b, b])


def _int_pair(rng, small):
    """int64 dividend and non-zero divisor (not differentiable; exact values compared)."""
    shape = random_shape(rng, small)
    b = rng.integers(1, 5, shape) * rng.choice([-1, 1], shape)
    return OpCase([rng.integers(-20, 20, shape), b])


def _with_specials(rng, small):
    x = rng.uniform(-2, 2, random_shape(rng, small))
    specials = rng.choice([np.nan, np.inf, -np.inf, 0.0, 1.5], size=x.shape)
    return OpCase([np.where(rng.random(x.shape) < 0.4, specials, x)])


def _mixed_truth(rng, small):
    a, b = _broadcast_pair(rng, small)
    return OpCase([np.where(rng.random(a.shape) < 0.3, 0.0, a), np.where(rng.random(b.shape) < 0.3, 0.0, b)])


def _rounding(rng, small):
    x = _off_integers_array(rng, small)
    x = np.where(np.abs(x - np.floor(x) - 0.5) < 0.1, x + 0.25, x)  # away from the halves, where round jumps
    return OpCase([x], {"decimals": 0})


_HALVES = (  # round half to even, at 0 and 1 decimals (the registry's central differences avoid these jumps)
    OpCase([np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.25, 1.26])], {"decimals": 0}),
    OpCase([np.array([[0.125, 0.375, -1.2349, 2.0]])], {"decimals": 1}),
)


_BAD_BROADCAST = ErrorCase([np.ones((2, 3)), np.ones((2,))], {}, IndexingError, ("(2, 3)", "(2,)"))

_STEPS = [
    OpSpec(name, lambda x, f=name: getattr(x, f)(), getattr(torch, name), _off_integers)
    for name in ("floor", "ceil", "trunc", "frac", "sign")
]

_TRANSCENDENTAL = [
    OpSpec(name, lambda x, f=name: getattr(x, f)(), getattr(torch, name), _unary(low, high))
    for name, low, high in (
        ("sin", -3, 3), ("cos", -3, 3), ("tan", -1.2, 1.2), ("asin", -0.9, 0.9), ("acos", -0.9, 0.9),
        ("atan", -3, 3), ("sinh", -2, 2), ("cosh", -2, 2), ("log2", 0.2, 3), ("log10", 0.2, 3),
        ("log1p", -0.8, 3), ("expm1", -2, 2), ("exp2", -2, 2), ("reciprocal", 0.3, 3),
    )
]

_TESTS = [
    OpSpec(name, lambda x, f=name: getattr(minitorch, f)(x), getattr(torch, name), _with_specials, grad_inputs=())
    for name in ("isnan", "isinf", "isfinite")
]

_LOGICAL = [
    OpSpec(name, lambda a, b, f=name: getattr(a, f)(b), getattr(torch, name), _mixed_truth, grad_inputs=(),
           empty=cut_broadcast_batch, errors=(_BAD_BROADCAST,))
    for name in ("logical_and", "logical_or", "logical_xor")
]

_COMPARISONS = [
    OpSpec(f"compare_{name}", lambda a, b, f=op: f(a, b), lambda a, b, f=op: f(a, b), _mixed_truth, grad_inputs=(),
           empty=cut_broadcast_batch)
    for name, op in (("ne", lambda a, b: a != b), ("le", lambda a, b: a <= b), ("ge", lambda a, b: a >= b),
                     ("ne_method", lambda a, b: a.ne(b)), ("le_scalar", lambda a, b: a <= 0.5),
                     ("ge_reflected", lambda a, b: 0.5 >= a))
]

OPS = [
    *_STEPS,
    *_TRANSCENDENTAL,
    *_TESTS,
    *_LOGICAL,
    *_COMPARISONS,
    OpSpec("round", lambda x, decimals: x.round(decimals=decimals), lambda x, decimals: torch.round(x, decimals=decimals),
           _rounding, edges=_HALVES),
    OpSpec("floor_divide", lambda a, b: a // b, lambda a, b: torch.div(a, b, rounding_mode="floor"), _dividend_divisor,
           empty=cut_broadcast_batch, errors=(_BAD_BROADCAST,)),
    OpSpec("remainder", lambda a, b: a % b, torch.remainder, _dividend_divisor, empty=cut_broadcast_batch,
           errors=(_BAD_BROADCAST,)),
    OpSpec("fmod", lambda a, b: a.fmod(b), torch.fmod, _dividend_divisor, empty=cut_broadcast_batch),
    OpSpec("div_rounding", lambda a, b, mode: a.div(b, rounding_mode=mode), lambda a, b, mode: torch.div(a, b, rounding_mode=mode),
           lambda rng, small: OpCase(_dividend_divisor(rng, small).inputs, {"mode": [None, "trunc", "floor"][int(rng.integers(0, 3))]}),
           empty=cut_broadcast_batch,
           errors=(ErrorCase([np.ones((2, 3)), np.ones((2, 3))], {"mode": "round"}, DTypeError, ("div", "rounding_mode")),)),
    OpSpec("rfloordiv_scalar", lambda x: 7.0 // x, lambda x: torch.div(7.0, x, rounding_mode="floor"),
           lambda rng, small: OpCase([rng.uniform(0.7, 3.0, random_shape(rng, small))])),
    OpSpec("remainder_scalar", lambda x: x % 1.5, lambda x: x % 1.5, _off_integers),
    OpSpec(
        "int_division",
        lambda a, b: minitorch.stack([as_tensor(a) // as_tensor(b), as_tensor(a) % as_tensor(b), minitorch.fmod(as_tensor(a), as_tensor(b))]),
        lambda a, b: torch.stack([a // b, a % b, torch.fmod(a, b)]),
        _int_pair,
        grad_inputs=(),
        errors=(
            ErrorCase([np.array([3, 4]), np.array([1, 0])], {}, DomainError, ("floor_divide", "division by zero")),
        ),
    ),
    OpSpec("atan2", lambda a, b: a.atan2(b), torch.atan2, lambda rng, small: OpCase(list(_broadcast_pair(rng, small, 0.3, 2.0))),
           empty=cut_broadcast_batch, errors=(_BAD_BROADCAST,)),
    OpSpec("logical_not", lambda x: x.logical_not(), torch.logical_not, lambda rng, small: OpCase(_mixed_truth(rng, small).inputs[:1]),
           grad_inputs=()),
    OpSpec("frac_of_int_refused", lambda x: as_tensor(x).frac(), torch.frac, _int_pair, grad_inputs=(), backends=(),
           errors=(ErrorCase([np.array([3, 4])], {}, DTypeError, ("frac", "int64", ".double()")),)),
]
