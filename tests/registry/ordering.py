"""Registry entries for ordering and extremes along dims: sort, argsort, topk, amax/amin, norm,
cumprod, count_nonzero."""

from __future__ import annotations

import numpy as np
import torch

from minitorch.errors import DomainError, DTypeError, IndexingError, ShapeError

from .core import random_shape
from .spec import ErrorCase, OpCase, OpSpec


def _distinct(rng, small, min_dims=1):
    """Distinct values (no ties: the order of tied entries is unspecified in PyTorch)."""
    shape = random_shape(rng, small, min_dims, 3)
    return rng.permutation(int(np.prod(shape))).reshape(shape).astype(np.float64) / 3.0 - 1.0


def _sort(rng, small):
    x = _distinct(rng, small)
    return OpCase([x], {"dim": int(rng.integers(-x.ndim, x.ndim)), "descending": bool(rng.random() < 0.5)})


def _topk(rng, small):
    x = _distinct(rng, small)
    dim = int(rng.integers(-x.ndim, x.ndim))
    return OpCase([x], {"k": int(rng.integers(0, x.shape[dim] + 1)), "dim": dim, "largest": bool(rng.random() < 0.5)})


def _amax(rng, small):
    x = rng.uniform(-2, 2, random_shape(rng, small, 1, 3))
    x = np.round(x * 2) / 2  # ties: they share the gradient
    count = int(rng.integers(0, x.ndim + 1))
    dims = tuple(int(d) for d in rng.permutation(x.ndim)[:count])
    return OpCase([x], {"dim": dims if rng.random() < 0.7 or not dims else dims[0], "keepdim": bool(rng.random() < 0.5)})


def _norm(rng, small):
    x = rng.uniform(-2, 2, random_shape(rng, small, 1, 3))
    x = np.where(np.abs(x) < 0.1, 0.3, x)  # |x| away from 0, where p < 1 norms have a kink
    p = ["fro", 2, 1, 3, 0.5, float("inf"), -float("inf")][int(rng.integers(0, 7))]
    if p in (float("inf"), -float("inf")):
        x = x + 0.01 * rng.permutation(x.size).reshape(x.shape)  # one extreme |x| per slice
    dim = None if rng.random() < 0.3 else int(rng.integers(-x.ndim, x.ndim))
    return OpCase([x], {"p": p, "dim": dim, "keepdim": bool(rng.random() < 0.5)})


def _cumprod(rng, small):
    x = rng.uniform(0.5, 1.5, random_shape(rng, small)) * rng.choice([-1.0, 1.0], size=1)
    if rng.random() < 0.5:  # zeros: the exact (recurrence) gradient
        x = np.where(rng.random(x.shape) < 0.25, 0.0, x)
    return OpCase([x], {"dim": int(rng.integers(-x.ndim, x.ndim))})


_AMAX_TIES = (OpCase([np.array([[1.0, 3.0, 3.0], [2.0, 2.0, -1.0]])], {"dim": 1, "keepdim": False}),
              OpCase([np.array([[1.0, 3.0, 3.0], [3.0, 2.0, -1.0]])], {"dim": (), "keepdim": True}))
_ZEROS = (OpCase([np.array([[2.0, 0.0, 3.0, 0.0], [1.0, 2.0, 0.0, 4.0]])], {"dim": 1}),
          OpCase([np.array([0.0, 0.0, 2.0])], {"dim": 0}))
_NORM_AT_ZERO = (OpCase([np.array([[0.0, 0.0], [3.0, -4.0]])], {"p": 2, "dim": 1, "keepdim": False}),
                 OpCase([np.array([[0.0, 0.0], [3.0, -4.0]])], {"p": 3, "dim": 1, "keepdim": False}),
                 OpCase([np.array([[1.0, 0.0], [0.0, 2.0]])], {"p": 0.5, "dim": None, "keepdim": False}))

OPS = [
    OpSpec("sort_values", lambda x, dim, descending: x.sort(dim, descending).values,
           lambda x, dim, descending: x.sort(dim, descending).values, _sort,
           errors=(ErrorCase([np.zeros((2, 3))], {"dim": 2, "descending": False}, IndexingError, ("sort", "dim 2")),)),
    OpSpec("sort_indices", lambda x, dim, descending: x.sort(dim, descending).indices,
           lambda x, dim, descending: x.sort(dim, descending).indices, _sort, grad_inputs=()),
    OpSpec("sort_nan_and_ties", lambda x, dim, descending: x.sort(dim, descending, stable=True).indices,
           lambda x, dim, descending: x.sort(dim=dim, descending=descending, stable=True).indices, _sort, grad_inputs=(),
           edges=tuple(OpCase([np.array([3.0, np.nan, 1.0, np.inf, 1.0, -np.inf, np.nan])], {"dim": 0, "descending": d})
                       for d in (False, True))),
    OpSpec("argsort", lambda x, dim, descending: x.argsort(dim, descending), lambda x, dim, descending: x.argsort(dim, descending),
           _sort, grad_inputs=()),
    OpSpec("topk_values", lambda x, k, dim, largest: x.topk(k, dim, largest).values,
           lambda x, k, dim, largest: x.topk(k, dim, largest).values, _topk,
           errors=(ErrorCase([np.zeros((2, 3))], {"k": 4, "dim": 1, "largest": True}, IndexingError, ("topk", "k=4", "size 3")),)),
    OpSpec("topk_indices", lambda x, k, dim, largest: x.topk(k, dim, largest)[1],
           lambda x, k, dim, largest: x.topk(k, dim, largest)[1], _topk, grad_inputs=()),
    OpSpec("amax", lambda x, dim, keepdim: x.amax(dim, keepdim), lambda x, dim, keepdim: x.amax(dim, keepdim), _amax,
           edges=_AMAX_TIES,
           errors=(ErrorCase([np.zeros((0, 3))], {"dim": 0, "keepdim": False}, ShapeError, ("amax", "empty")),)),
    OpSpec("amin", lambda x, dim, keepdim: x.amin(dim, keepdim), lambda x, dim, keepdim: x.amin(dim, keepdim), _amax,
           edges=_AMAX_TIES),
    OpSpec("norm", lambda x, p, dim, keepdim: x.norm(p, dim, keepdim), lambda x, p, dim, keepdim: x.norm(p, dim, keepdim),
           _norm, edges=_NORM_AT_ZERO,
           errors=(ErrorCase([np.zeros((2, 3))], {"p": "nuc", "dim": None, "keepdim": False}, DomainError, ("norm", "nuc")),)),
    OpSpec("norm_p0", lambda x, dim: x.norm(0, dim), lambda x, dim: x.norm(0, dim),
           lambda rng, small: OpCase([np.where(rng.random((3, 4)) < 0.4, 0.0, 1.5)], {"dim": [None, 0, 1][int(rng.integers(0, 3))]}),
           grad_inputs=()),
    OpSpec("norm_int_refused", lambda x: (x > 0).long().norm(), torch.norm, _sort, grad_inputs=(), backends=(),
           errors=(ErrorCase([np.zeros((2, 3))], {}, DTypeError, ("norm", "int64")),)),
    OpSpec("cumprod", lambda x, dim: x.cumprod(dim), torch.cumprod, _cumprod, edges=_ZEROS,
           errors=(ErrorCase([np.zeros((2, 3))], {"dim": -3}, IndexingError, ("cumprod", "dim -3")),)),
    OpSpec("count_nonzero", lambda x, dim: (x > 0).count_nonzero(dim), lambda x, dim: (x > 0).count_nonzero(dim),
           lambda rng, small: OpCase([rng.uniform(-1, 1, random_shape(rng, small))], {"dim": None if rng.random() < 0.5 else 0}),
           grad_inputs=()),
]
