"""Registry entries for the everyday elementwise ops: pow, abs, sqrt, rsqrt, clamp,
minimum/maximum, where, masked_fill."""

from __future__ import annotations

import numpy as np
import torch

import minitorch
from minitorch.errors import DomainError, DTypeError, IndexingError, ShapeError

from .core import random_shape
from .spec import ErrorCase, OpCase, OpSpec, cut_broadcast_batch


def as_tensor(array):
    """A minitorch tensor keeping an int64 / bool array's dtype (index and mask inputs)."""
    return minitorch.from_numpy(np.ascontiguousarray(array))


def _positive(rng, small):
    return OpCase([rng.uniform(0.3, 3.0, random_shape(rng, small))])


def _away_from_zero(rng, small):
    x = rng.uniform(0.3, 3.0, random_shape(rng, small)) * rng.choice([-1.0, 1.0], size=1)
    return OpCase([x * np.where(rng.random(x.shape) < 0.5, -1.0, 1.0)])


def _broadcast_pair(rng, small, low=-2.0, high=2.0):
    shape = random_shape(rng, small, 1, 3)
    other = tuple(1 if rng.random() < 0.3 else s for s in shape)[int(rng.integers(0, len(shape))):]
    a, b = rng.uniform(low, high, shape), rng.uniform(low, high, other)
    return (a, b) if rng.random() < 0.5 else (b, a)


def _pow_scalar(rng, small):
    exponent = [2, 3, 0, 1, -1, 0.5, -1.5, 2.5][int(rng.integers(0, 8))]
    low = 0.3 if isinstance(exponent, float) or exponent < 0 else -2.0
    return OpCase([rng.uniform(low, 2.0, random_shape(rng, small))], {"exponent": exponent})


def _pow_tensor(rng, small):
    a, b = _broadcast_pair(rng, small)
    return OpCase([np.abs(a) + 0.3, b])


def _clamp(rng, small):
    x = rng.uniform(-3, 3, random_shape(rng, small))
    bounds = [(-1.0, 1.5), (None, 0.5), (-0.5, None), (1.0, -1.0)][int(rng.integers(0, 4))]
    return OpCase([x], {"min": bounds[0], "max": bounds[1]})


def _clamp_tensor(rng, small):
    x, lo = _broadcast_pair(rng, small)
    return OpCase([x, lo, lo + 1.0])


def _where(rng, small):
    a, b = _broadcast_pair(rng, small)
    condition = rng.random(a.shape if a.ndim >= b.ndim else b.shape) < 0.5
    return OpCase([condition, a, b])


def _masked_fill(rng, small):
    x = rng.uniform(-2, 2, random_shape(rng, small, 1, 3))
    mask_shape = tuple(1 if rng.random() < 0.3 else s for s in x.shape)[int(rng.integers(0, x.ndim)):]
    return OpCase([x, rng.random(mask_shape) < 0.5], {"value": float(rng.uniform(-5, 5))})


OPS = [
    OpSpec(
        "pow_scalar",
        lambda x, exponent: x ** exponent,
        lambda x, exponent: x ** exponent,
        _pow_scalar,
        errors=(
            ErrorCase([-np.ones((2, 3))], {"exponent": 0.5}, DomainError, ("pow", "negative base", "(2, 3)")),
        ),
    ),
    OpSpec(
        "pow_tensor",
        lambda a, b: a.pow(b),
        torch.pow,
        _pow_tensor,
        empty=cut_broadcast_batch,
        errors=(
            ErrorCase([-np.ones((2, 3)), np.full((3,), 0.5)], {}, DomainError, ("pow", "negative base", "(2, 3)")),
            ErrorCase([np.ones((2, 3)), np.ones((2,))], {}, IndexingError, ("(2, 3)", "(2,)")),
        ),
    ),
    OpSpec("rpow", lambda x: 2.5 ** x, lambda x: 2.5 ** x, lambda rng, small: OpCase([rng.uniform(-2, 2, random_shape(rng, small))])),
    OpSpec("abs", lambda x: abs(x), torch.abs, _away_from_zero),
    OpSpec("sqrt", lambda x: x.sqrt(), torch.sqrt, _positive),
    OpSpec("rsqrt", lambda x: x.rsqrt(), torch.rsqrt, _positive),
    OpSpec(
        "clamp",
        lambda x, min, max: x.clamp(min, max),
        lambda x, min, max: x.clamp(min, max),
        _clamp,
        errors=(ErrorCase([np.zeros((2, 3))], {"min": None, "max": None}, DomainError, ("clamp", "(2, 3)")),),
    ),
    OpSpec("clamp_tensor_bounds", lambda x, lo, hi: x.clip(lo, hi), torch.clamp, _clamp_tensor, empty=cut_broadcast_batch),
    OpSpec("maximum", lambda a, b: a.maximum(b), torch.maximum, lambda rng, small: OpCase(list(_broadcast_pair(rng, small))),
           empty=cut_broadcast_batch),
    OpSpec("minimum", lambda a, b: a.minimum(b), torch.minimum, lambda rng, small: OpCase(list(_broadcast_pair(rng, small))),
           empty=cut_broadcast_batch),
    OpSpec(
        "where",
        lambda c, a, b: minitorch.ops.select.where(as_tensor(c), a, b),
        torch.where,
        _where,
        grad_inputs=(1, 2),
        empty=cut_broadcast_batch,
        errors=(
            ErrorCase([np.ones((2, 3)), np.ones((2, 3)), np.ones((2, 3))], {}, DTypeError, ("where", "bool")),
        ),
    ),
    OpSpec(
        "masked_fill",
        lambda x, mask, value: x.masked_fill(as_tensor(mask), value),
        lambda x, mask, value: x.masked_fill(mask, value),
        _masked_fill,
        grad_inputs=(0,),
        errors=(
            ErrorCase([np.ones((2, 3)), np.ones((3, 3), dtype=bool)], {"value": 0.0}, ShapeError, ("masked_fill", "(3, 3)", "(2, 3)")),
            ErrorCase([np.ones((2, 3)), np.ones((2, 2, 3), dtype=bool)], {"value": 0.0}, ShapeError, ("masked_fill", "(2, 2, 3)")),
        ),
    ),
]
