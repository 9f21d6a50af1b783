"""Registry entries for the core tensor ops: elementwise, reductions, movement, matmul."""

from __future__ import annotations

import numpy as np
import torch

import minitorch
from minitorch.errors import ShapeError

from .spec import ErrorCase, OpCase, OpSpec, cut_broadcast_batch


def random_shape(rng: np.random.Generator, small: bool, min_dims: int = 1, max_dims: int = 3) -> tuple:
    dims = int(rng.integers(min_dims, max_dims + 1))
    high = 4 if small else 7
    return tuple(int(s) for s in rng.integers(1, high, size=dims))


def _unary(low: float = -3.0, high: float = 3.0, min_dims: int = 1):
    def sample(rng, small):
        return OpCase([rng.uniform(low, high, random_shape(rng, small, min_dims))])

    return sample


def _away_from_zero(rng, small):
    x = rng.uniform(0.5, 3.0, random_shape(rng, small)) * rng.choice([-1.0, 1.0])
    return OpCase([x])


def _binary_broadcast(rng, small):
    shape = random_shape(rng, small, 1, 3)
    other = list(shape)
    for i in range(len(other)):
        if rng.random() < 0.3:
            other[i] = 1
    other = other[int(rng.integers(0, len(other))):]  # maybe fewer leading dims
    a, b = rng.uniform(-2, 2, shape), rng.uniform(-2, 2, tuple(other))
    if rng.random() < 0.5:
        a, b = b, a
    return OpCase([a, b])


def _positive_denominator(rng, small):
    case = _binary_broadcast(rng, small)
    a, b = case.inputs
    return OpCase([a, np.sign(b + 1e-3) * (np.abs(b) + 0.5)])


def _with_dim(rng, small):
    x = rng.uniform(-2, 2, random_shape(rng, small, 1, 3))
    return OpCase([x], {"dim": int(rng.integers(-x.ndim, x.ndim))})


def _permute(rng, small):
    x = rng.uniform(-2, 2, random_shape(rng, small, 2, 4))
    return OpCase([x], {"order": tuple(int(i) for i in rng.permutation(x.ndim))})


def _view(rng, small):
    x = rng.uniform(-2, 2, random_shape(rng, small, 1, 3))
    return OpCase([x], {"shape": (x.size,) if rng.random() < 0.5 else (-1, 1)})


def _matmul(rng, small):
    n, m, p = (int(v) for v in rng.integers(1, 5 if small else 9, size=3))
    batch = () if rng.random() < 0.4 else (int(rng.integers(1, 3)),)
    b_batch = batch if rng.random() < 0.5 else ()
    return OpCase([rng.standard_normal(batch + (n, m)), rng.standard_normal(b_batch + (m, p))])


def _sum_dim(x, dim):
    return x.sum(dim)


def _mean_dim(x, dim):
    return x.mean(dim)


OPS = [
    OpSpec("neg", lambda x: -x, lambda x: -x, _unary()),
    OpSpec("sigmoid", lambda x: x.sigmoid(), torch.sigmoid, _unary(-8, 8)),
    OpSpec("relu", lambda x: x.relu(), torch.relu, _away_from_zero),
    OpSpec("exp", lambda x: x.exp(), torch.exp, _unary()),
    OpSpec("log", lambda x: x.log(), torch.log, _unary(0.2, 4.0)),
    OpSpec("inv", lambda x: 1.0 / x, lambda x: 1.0 / x, _away_from_zero),
    OpSpec("add", lambda a, b: a + b, lambda a, b: a + b, _binary_broadcast, empty=cut_broadcast_batch),
    OpSpec("sub", lambda a, b: a - b, lambda a, b: a - b, _binary_broadcast, empty=cut_broadcast_batch),
    OpSpec("mul", lambda a, b: a * b, lambda a, b: a * b, _binary_broadcast, empty=cut_broadcast_batch),
    OpSpec("div", lambda a, b: a / b, lambda a, b: a / b, _positive_denominator, empty=cut_broadcast_batch),
    OpSpec("scalar_ops", lambda x: (2.0 * x + 1.0) / 4.0 - x, lambda x: (2.0 * x + 1.0) / 4.0 - x, _unary()),
    OpSpec("lt", lambda a, b: a < b, lambda a, b: (a < b).double(), _binary_broadcast, grad_inputs=(), empty=cut_broadcast_batch),
    OpSpec("gt", lambda a, b: a > b, lambda a, b: (a > b).double(), _binary_broadcast, grad_inputs=(), empty=cut_broadcast_batch),
    OpSpec("eq", lambda a, b: a == b, lambda a, b: (a == b).double(), _binary_broadcast, grad_inputs=(), empty=cut_broadcast_batch),
    OpSpec("sum_dim", _sum_dim, lambda x, dim: x.sum(dim, keepdim=True), _with_dim),
    OpSpec("sum_all", lambda x: x.sum(), lambda x: x.sum().reshape(1), _unary()),
    OpSpec("mean_dim", _mean_dim, lambda x, dim: x.mean(dim, keepdim=True), _with_dim),
    OpSpec("mean_all", lambda x: x.mean(), lambda x: x.mean().reshape(1), _unary()),
    OpSpec(
        "permute",
        lambda x, order: x.permute(*order),
        lambda x, order: x.permute(*order),
        _permute,
    ),
    OpSpec(
        "view",
        lambda x, shape: x.contiguous().view(*shape),
        lambda x, shape: x.reshape(*shape),
        _view,
        errors=(ErrorCase([np.zeros((2, 3))], {"shape": (4,)}, ShapeError, ("view", "(2, 3)", "(4,)")),),
    ),
    OpSpec(
        "matmul",
        lambda a, b: a @ b,
        lambda a, b: a @ b,
        _matmul,
        errors=(
            ErrorCase([np.zeros((2, 3)), np.zeros((4, 2))], {}, ShapeError, ("matmul", "(2, 3)", "(4, 2)")),
            ErrorCase([np.zeros(()), np.zeros((3, 2))], {}, ShapeError, ("matmul", "at least 1 dim")),
            ErrorCase([np.zeros(4), np.zeros((3, 2))], {}, ShapeError, ("matmul",)),
        ),
    ),
    OpSpec(
        "contiguous",
        lambda x: x.contiguous() * 1.0,
        lambda x: x * 1.0,
        _unary(min_dims=2),
    ),
    OpSpec(
        "to_float32_and_back",
        lambda x: x.to("float32").to("float64"),
        lambda x: x.float().double(),
        _unary(),
        atol=1e-5,
        rtol=1e-5,
    ),
]

_ = minitorch  # the ops above reach minitorch through tensor methods
