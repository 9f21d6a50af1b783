"""Registry entries for the activations: the elementwise ones (ours: one map kernel forward, one
zip kernel backward on every backend), with their kinks, tails and saturations as edge cases,
and prelu, glu, softmin."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as TF

from minitorch.errors import DomainError, DTypeError, ShapeError
from minitorch.nn import functional as F

from .core import random_shape
from .spec import ErrorCase, OpCase, OpSpec, cut_batch

# where the functions bend or saturate: their kinks (0, +-3, 6), both tails, tiny values
EDGE_VALUES = np.array([[0.0, -0.0, 1e-12, -1e-12, 3.0, -3.0, 6.0, -6.0],
                        [20.0, 21.0, -20.0, 40.0, -40.0, 700.0, -700.0, 0.5]])


def _values(rng, small, low=-6.0, high=6.0):
    return OpCase([rng.uniform(low, high, random_shape(rng, small))])


def _elementwise(name, ours, reference, params=({},), **spec):
    """One spec per parameter set: random values in [-6, 6] (every branch) and the edge values."""
    specs = []
    for k, kwargs in enumerate(params):
        label = name if len(params) == 1 else f"{name}_{k}"

        def sample(rng, small, kwargs=kwargs):
            case = _values(rng, small)
            return OpCase(case.inputs, kwargs)

        specs.append(OpSpec(label, ours, reference, sample, edges=(OpCase([EDGE_VALUES], kwargs),), **spec))
    return specs


def _prelu(rng, small):
    shape = random_shape(rng, small, 1, 4)
    per_channel = len(shape) >= 2 and rng.random() < 0.7
    channels = shape[1] if per_channel else 1
    return OpCase([rng.uniform(-3, 3, shape), rng.uniform(-0.5, 0.5, (channels,))])


def _glu(rng, small):
    shape = list(random_shape(rng, small, 1, 3))
    dim = int(rng.integers(-len(shape), len(shape)))
    shape[dim] *= 2
    return OpCase([rng.uniform(-3, 3, tuple(shape))], {"dim": dim})


def _softmin(rng, small):
    x = rng.uniform(-4, 4, random_shape(rng, small, 1, 3))
    return OpCase([x], {"dim": int(rng.integers(-x.ndim, x.ndim))})


def _prelu_empty(case):
    x, weight = case.inputs
    return OpCase([x[:0], weight], case.kwargs)


OPS = [
    *_elementwise("gelu", F.gelu, TF.gelu, ({}, {"approximate": "tanh"}),
                  errors=(ErrorCase([np.zeros((2, 3))], {"approximate": "erf"}, DomainError, ("gelu", "'erf'")),)),
    *_elementwise("silu", F.silu, TF.silu),
    *_elementwise("mish", F.mish, TF.mish),
    *_elementwise("elu", F.elu, TF.elu, ({}, {"alpha": 0.5})),
    *_elementwise("celu", F.celu, TF.celu, ({"alpha": 2.0},),
                  errors=(ErrorCase([np.zeros((2, 3))], {"alpha": 0.0}, DomainError, ("celu", "alpha")),)),
    *_elementwise("selu", F.selu, TF.selu),
    *_elementwise("leaky_relu", F.leaky_relu, TF.leaky_relu, ({}, {"negative_slope": 0.2}, {"negative_slope": -1.5}),
                  errors=(ErrorCase([np.zeros((2, 3))], {"negative_slope": float("nan")}, DomainError, ("negative_slope",)),)),
    *_elementwise("softplus", F.softplus, TF.softplus, ({}, {"beta": 2.0, "threshold": 5.0}, {"beta": 0.5, "threshold": 1.0})),
    *_elementwise("hardtanh", F.hardtanh, TF.hardtanh, ({}, {"min_val": -3.0, "max_val": 6.0}),
                  errors=(ErrorCase([np.zeros((2, 3))], {"min_val": 2.0, "max_val": 1.0}, DomainError, ("hardtanh", "min_val")),)),
    *_elementwise("relu6", F.relu6, TF.relu6),
    *_elementwise("hardswish", F.hardswish, TF.hardswish),
    *_elementwise("hardsigmoid", F.hardsigmoid, TF.hardsigmoid),
    *_elementwise("logsigmoid", F.logsigmoid, TF.logsigmoid),
    *_elementwise("softsign", F.softsign, TF.softsign),
    *_elementwise("tanhshrink", F.tanhshrink, TF.tanhshrink),
    OpSpec(
        "prelu", F.prelu, TF.prelu, _prelu, empty=_prelu_empty,
        edges=(OpCase([EDGE_VALUES.reshape(2, 4, 2), np.array([0.1, -0.2, 0.3, 0.0])]),),
        errors=(
            ErrorCase([np.zeros((2, 3, 4)), np.zeros((4,))], {}, ShapeError, ("prelu", "(2, 3, 4)", "3 channels")),
            ErrorCase([np.zeros((2, 3)), np.zeros((3,), dtype=np.int64)], {}, DTypeError, ("prelu", "int64")),
        ),
    ),
    OpSpec(
        "glu", F.glu, TF.glu, _glu, empty=cut_batch(0),
        errors=(
            ErrorCase([np.zeros((2, 3))], {"dim": 1}, ShapeError, ("glu", "even", "(2, 3)")),
            ErrorCase([np.zeros((2, 4))], {"dim": 2}, ShapeError, ("glu", "dim 2")),
        ),
    ),
    OpSpec("softmin", F.softmin, TF.softmin, _softmin),
]
