"""Registry entries for the PyTorch-style reductions: sum/mean with keepdim, prod, var, std,
cumsum, max/min (with and without dim), argmax/argmin, all/any."""

from __future__ import annotations

import numpy as np
import torch

from minitorch.errors import DTypeError, IndexingError, ShapeError

from .core import random_shape
from .spec import ErrorCase, OpCase, OpSpec


def _dims(rng, small, low=-2.0, high=2.0):
    x = rng.uniform(low, high, random_shape(rng, small, 1, 3))
    count = int(rng.integers(1, x.ndim + 1))
    dims = tuple(int(d) for d in rng.permutation(x.ndim)[:count])
    return OpCase([x], {"dim": dims if rng.random() < 0.6 else dims[0], "keepdim": bool(rng.random() < 0.5)})


def _one_dim(rng, small, low=-2.0, high=2.0):
    x = rng.uniform(low, high, random_shape(rng, small, 1, 3))
    dim = None if rng.random() < 0.25 else int(rng.integers(-x.ndim, x.ndim))
    return OpCase([x], {"dim": dim, "keepdim": bool(rng.random() < 0.5)})


def _var(rng, small):
    x = rng.uniform(-2, 2, random_shape(rng, small, 1, 3))
    x = np.concatenate([x, x[..., :1] + 0.5], axis=-1)  # at least two entries along the last dim
    dim = None if rng.random() < 0.3 else (x.ndim - 1 if rng.random() < 0.5 or x.ndim == 1 else (0, x.ndim - 1))
    correction = [0, 1, 2][int(rng.integers(0, 3))] if x.shape[-1] > 2 else [0, 1][int(rng.integers(0, 2))]
    return OpCase([x], {"dim": dim, "correction": correction, "keepdim": bool(rng.random() < 0.5)})


def _unbiased(rng, small):
    x = rng.uniform(-2, 2, random_shape(rng, small, 2, 3))
    x = np.concatenate([x, x + 1.0], axis=0)
    return OpCase([x], {"dim": 0, "unbiased": bool(rng.random() < 0.5)})


def _cumsum(rng, small):
    x = rng.uniform(-2, 2, random_shape(rng, small))
    return OpCase([x], {"dim": int(rng.integers(-x.ndim, x.ndim))})


def _dim_values(rng, small):
    shape = random_shape(rng, small, 1, 3)
    x = rng.permutation(np.prod(shape)).reshape(shape).astype(np.float64) / 3.0  # distinct values: no ties
    return OpCase([x], {"dim": int(rng.integers(-x.ndim, x.ndim)), "keepdim": bool(rng.random() < 0.5)})


def _max_all(rng, small):
    return OpCase([rng.uniform(-2, 2, random_shape(rng, small))])


_TIES = (  # tied extrema share the gradient evenly (PyTorch's max() / min())
    OpCase([np.array([[1.0, 5.0, 5.0], [-3.0, 5.0, -3.0]])]),
    OpCase([np.array([2.0, 2.0])]),
)


_DIM_ERROR = ErrorCase([np.zeros((2, 3))], {"dim": 2, "keepdim": False}, IndexingError, ("dim 2", "out of range"))

OPS = [
    OpSpec("sum_keepdim", lambda x, dim, keepdim: x.sum(dim, keepdim=keepdim), lambda x, dim, keepdim: x.sum(dim, keepdim=keepdim), _dims,
           errors=(ErrorCase([np.zeros((2, 3))], {"dim": (0, 0), "keepdim": False}, IndexingError, ("sum", "repeats")),)),
    OpSpec("mean_keepdim", lambda x, dim, keepdim: x.mean(dim, keepdim=keepdim), lambda x, dim, keepdim: x.mean(dim, keepdim=keepdim), _dims),
    OpSpec("prod", lambda x, dim, keepdim: x.prod(dim, keepdim), lambda x, dim, keepdim: x.prod() if dim is None else x.prod(dim, keepdim),
           lambda rng, small: _one_dim(rng, small, 0.5, 1.5), errors=(_DIM_ERROR,)),
    OpSpec("var", lambda x, dim, correction, keepdim: x.var(dim, keepdim=keepdim, correction=correction),
           lambda x, dim, correction, keepdim: x.var(dim, keepdim=keepdim, correction=correction), _var),
    OpSpec("std", lambda x, dim, correction, keepdim: x.std(dim, keepdim=keepdim, correction=correction),
           lambda x, dim, correction, keepdim: x.std(dim, keepdim=keepdim, correction=correction), _var),
    OpSpec("var_unbiased", lambda x, dim, unbiased: x.var(dim, unbiased), lambda x, dim, unbiased: x.var(dim, unbiased), _unbiased),
    OpSpec("cumsum", lambda x, dim: x.cumsum(dim), torch.cumsum, _cumsum, errors=(ErrorCase([np.zeros((2, 3))], {"dim": 2}, IndexingError, ("cumsum",)),)),
    OpSpec("max_dim_values", lambda x, dim, keepdim: x.max(dim, keepdim).values, lambda x, dim, keepdim: x.max(dim, keepdim).values, _dim_values,
           errors=(_DIM_ERROR, ErrorCase([np.zeros((0, 3))], {"dim": 0, "keepdim": False}, ShapeError, ("max", "empty")))),
    OpSpec("min_dim_values", lambda x, dim, keepdim: x.min(dim, keepdim)[0], lambda x, dim, keepdim: x.min(dim, keepdim)[0], _dim_values),
    OpSpec("max_dim_indices", lambda x, dim, keepdim: x.max(dim, keepdim).indices, lambda x, dim, keepdim: x.max(dim, keepdim).indices,
           _dim_values, grad_inputs=()),
    OpSpec("max_all", lambda x: x.max(), torch.max, _max_all, edges=_TIES),
    OpSpec("min_all", lambda x: x.min(), torch.min, _max_all, edges=_TIES),
    OpSpec("argmax", lambda x, dim, keepdim: x.argmax(dim, keepdim), lambda x, dim, keepdim: x.argmax(dim, keepdim), _dim_values, grad_inputs=()),
    OpSpec("argmin", lambda x, dim, keepdim: x.argmin(dim, keepdim), lambda x, dim, keepdim: x.argmin(dim, keepdim), _dim_values, grad_inputs=()),
    OpSpec("argmax_flat", lambda x: x.argmax(), torch.argmax, _max_all, grad_inputs=()),
    OpSpec("all", lambda x, dim, keepdim: (x > 0).all(dim, keepdim), lambda x, dim, keepdim: (x > 0).all() if dim is None else (x > 0).all(dim, keepdim),
           _one_dim, grad_inputs=()),
    OpSpec("any", lambda x, dim, keepdim: (x > 1).any(dim, keepdim), lambda x, dim, keepdim: (x > 1).any() if dim is None else (x > 1).any(dim, keepdim),
           _one_dim, grad_inputs=()),
    OpSpec("mean_int_refused", lambda x: (x > 0).long().mean(), lambda x: x.mean(), _cumsum, grad_inputs=(), backends=(),
           errors=(ErrorCase([np.zeros((2, 3))], {}, DTypeError, ("mean", "int64", ".double()")),)),
]
