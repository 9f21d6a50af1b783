"""Registry entries for softmax, log_softmax, logsumexp and the course max / argmax."""

from __future__ import annotations

import numpy as np
import torch

from minitorch.errors import DTypeError, IndexingError
from minitorch.ops.max import argmax
from minitorch.ops.max import max as course_max
from minitorch.ops.softmax import log_softmax, logsoftmax, logsumexp, softmax

from .spec import ErrorCase, OpCase, OpSpec


def _shape(rng, small, min_dims=1):
    dims = int(rng.integers(min_dims, 4))
    return tuple(int(s) for s in rng.integers(1, 4 if small else 7, size=dims))


def _with_dim(rng, small):
    x = rng.uniform(-5, 5, _shape(rng, small))
    return OpCase([x], {"dim": int(rng.integers(-x.ndim, x.ndim))})


def _with_dims(rng, small):
    x = rng.uniform(-5, 5, _shape(rng, small))
    count = int(rng.integers(1, x.ndim + 1))
    dims = tuple(int(d) for d in rng.permutation(x.ndim)[:count])
    return OpCase([x], {"dim": dims if rng.random() < 0.7 else dims[0], "keepdim": bool(rng.random() < 0.5)})


_DIM_ERRORS = (
    ErrorCase([np.zeros((2, 3))], {"dim": 2}, IndexingError, ("dim 2", "out of range", "2 dims")),
    ErrorCase([np.zeros((2, 3))], {"dim": 1.0}, DTypeError, ("dim",)),
)

def _row_edges():
    """A size-1 dim, rows of +-1000 (no overflow), a row of equal values."""
    rng = np.random.default_rng(600)
    return [
        OpCase([rng.normal(size=(3, 1))], {"dim": 1}),
        OpCase([np.array([[1000.0, -1000.0, 999.0], [-1000.0, -1001.0, -999.5]])], {"dim": 1}),
        OpCase([np.full((2, 4), 7.0)], {"dim": -1}),
    ]


OPS = [
    OpSpec("softmax", softmax, torch.softmax, _with_dim, errors=_DIM_ERRORS, edges=_row_edges()),
    OpSpec("log_softmax", log_softmax, torch.log_softmax, _with_dim, errors=_DIM_ERRORS, edges=_row_edges()),
    OpSpec("course_logsoftmax", logsoftmax, torch.log_softmax, _with_dim),
    OpSpec(
        "logsumexp",
        logsumexp,
        torch.logsumexp,
        _with_dims,
        edges=_row_edges(),
        errors=(ErrorCase([np.zeros((2, 3))], {"dim": (0, 0)}, IndexingError, ("repeats",)),),
    ),
    OpSpec(
        "course_max",
        course_max,
        lambda x, dim: torch.amax(x, dim, keepdim=True),
        _with_dim,
        errors=(ErrorCase([np.zeros((2, 3))], {"dim": -3}, IndexingError, ("max", "out of range")),),
    ),
    OpSpec(
        "course_argmax",
        argmax,
        lambda x, dim: (x == torch.amax(x, dim, keepdim=True)).double(),
        _with_dim,
        grad_inputs=(),
    ),
]
