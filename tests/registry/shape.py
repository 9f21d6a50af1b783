"""Registry entries for the shape ops of the tensor API: squeeze, unsqueeze, expand, repeat,
transpose, .T/.mT, flatten, reshape, clone, stack, split, chunk, gather, scatter_add, and
basic and advanced indexing."""

from __future__ import annotations

import numpy as np
import torch

import minitorch
from minitorch.errors import DTypeError, IndexingError, ShapeError

from .core import random_shape
from .pointwise import as_tensor
from .spec import ErrorCase, OpCase, OpSpec


def _x(rng, small, min_dims=1, max_dims=3):
    return rng.uniform(-2, 2, random_shape(rng, small, min_dims, max_dims))


def _squeeze(rng, small):
    shape = [1 if rng.random() < 0.4 else s for s in random_shape(rng, small, 1, 4)]
    x = rng.uniform(-2, 2, shape)
    return OpCase([x], {"dim": None if rng.random() < 0.4 else int(rng.integers(-x.ndim, x.ndim))})


def _unsqueeze(rng, small):
    x = _x(rng, small)
    return OpCase([x], {"dim": int(rng.integers(-x.ndim - 1, x.ndim + 1))})


def _expand(rng, small):
    shape = [1 if rng.random() < 0.5 else s for s in random_shape(rng, small, 1, 3)]
    x = rng.uniform(-2, 2, shape)
    sizes = [int(rng.integers(2, 4)) if s == 1 and rng.random() < 0.7 else (-1 if rng.random() < 0.3 else s) for s in shape]
    lead = [int(rng.integers(1, 3)) for _ in range(int(rng.integers(0, 2)))]
    return OpCase([x], {"sizes": tuple(lead + sizes)})


def _repeat(rng, small):
    x = _x(rng, small, 1, 2)
    repeats = tuple(int(r) for r in rng.integers(1, 3, size=x.ndim + int(rng.integers(0, 2))))
    return OpCase([x], {"repeats": repeats})


def _two_dims(rng, small):
    x = _x(rng, small, 2, 3)
    return OpCase([x], {"dim0": int(rng.integers(-x.ndim, x.ndim)), "dim1": int(rng.integers(-x.ndim, x.ndim))})


def _flatten(rng, small):
    x = _x(rng, small, 1, 4)
    start = int(rng.integers(0, x.ndim))
    return OpCase([x], {"start_dim": start, "end_dim": int(rng.integers(start, x.ndim))})


def _stack(rng, small):
    shape = random_shape(rng, small, 1, 2)
    count = int(rng.integers(1, 4))
    return OpCase([rng.uniform(-2, 2, shape) for _ in range(count)], {"dim": int(rng.integers(-len(shape) - 1, len(shape) + 1))})


def _cat(rng, small):
    shape = list(random_shape(rng, small, 1, 3))
    dim = int(rng.integers(-len(shape), len(shape)))
    inputs = []
    for _ in range(int(rng.integers(1, 4))):
        shape[dim] = int(rng.integers(1, 4))
        inputs.append(rng.uniform(-2, 2, tuple(shape)))
    return OpCase(inputs, {"dim": dim})


def _split(rng, small):
    x = _x(rng, small)
    dim = int(rng.integers(0, x.ndim))
    return OpCase([x], {"size": int(rng.integers(1, x.shape[dim] + 1)), "dim": dim, "piece": 0 if rng.random() < 0.5 else -1})


def _gather(rng, small):
    x = _x(rng, small, 1, 3)
    dim = int(rng.integers(0, x.ndim))
    shape = [int(rng.integers(1, s + 1)) if d != dim else int(rng.integers(1, 5)) for d, s in enumerate(x.shape)]
    return OpCase([x, rng.integers(0, x.shape[dim], size=shape)], {"dim": dim})


def _scatter_add(rng, small):
    case = _gather(rng, small)
    x, index = case.inputs
    return OpCase([x, index, rng.uniform(-2, 2, index.shape)], case.kwargs)


def _basic_key(rng, small):
    x = _x(rng, small, 1, 3)
    key = []
    for size in x.shape:
        kind = rng.integers(0, 4)
        if kind == 0 and size > 1:
            key.append(int(rng.integers(-size, size)))
        elif kind == 1:
            start = int(rng.integers(-size, size))
            key.append(slice(start, None, int(rng.integers(1, 3))))
        else:
            key.append(slice(None))
        if rng.random() < 0.2:
            key.append(None)
    if all(isinstance(k, int) for k in key):
        key.append(None)  # one int per dim reads a Python number (the course's t[i, j]): keep a tensor
    return OpCase([x], {"key": tuple(key)})


def _advanced_key(rng, small):
    x = _x(rng, small, 1, 3)
    dim = int(rng.integers(0, x.ndim))
    if rng.random() < 0.5:  # integer array along one dim, repeats included
        index = rng.integers(-x.shape[dim], x.shape[dim], size=int(rng.integers(1, 6)))
    else:  # a boolean mask over the leading dims from `dim`
        index = rng.random(x.shape[dim:dim + 1]) < 0.6
    key = (slice(None),) * dim + (index,)
    return OpCase([x], {"key": key})


def _index_with(key_from_torch):
    return lambda x, key: x[key]


OPS = [
    OpSpec("squeeze", lambda x, dim: x.squeeze(dim), lambda x, dim: x.squeeze() if dim is None else x.squeeze(dim), _squeeze),
    OpSpec("unsqueeze", lambda x, dim: x.unsqueeze(dim), torch.unsqueeze, _unsqueeze,
           errors=(ErrorCase([np.zeros((2, 3))], {"dim": 3}, IndexingError, ("unsqueeze", "dim 3")),)),
    OpSpec("expand", lambda x, sizes: x.expand(*sizes), lambda x, sizes: x.expand(*sizes), _expand,
           errors=(ErrorCase([np.zeros((2, 3))], {"sizes": (4, 3)}, ShapeError, ("expand", "(2, 3)", "(4, 3)")),)),
    OpSpec("expand_as", lambda x, y: x.expand_as(y), lambda x, y: x.expand_as(y),
           lambda rng, small: OpCase([rng.uniform(-1, 1, (3, 1)), rng.uniform(-1, 1, (2, 3, 4))]), grad_inputs=(0,)),
    OpSpec("repeat", lambda x, repeats: x.repeat(*repeats), lambda x, repeats: x.repeat(*repeats), _repeat,
           errors=(ErrorCase([np.zeros((2, 3))], {"repeats": (2,)}, ShapeError, ("repeat", "(2, 3)")),)),
    OpSpec("transpose", lambda x, dim0, dim1: x.transpose(dim0, dim1), torch.transpose, _two_dims),
    OpSpec("T", lambda x: x.T, lambda x: x.permute(*reversed(range(x.ndim))), lambda rng, small: OpCase([_x(rng, small, 1, 3)])),
    OpSpec("mT", lambda x: x.mT, lambda x: x.mT, lambda rng, small: OpCase([_x(rng, small, 2, 3)])),
    OpSpec("flatten_method", lambda x, start_dim, end_dim: x.flatten(start_dim, end_dim), torch.flatten, _flatten),
    OpSpec("reshape_strided", lambda x: x.reshape(-1), lambda x: x.reshape(-1), lambda rng, small: OpCase([_x(rng, small, 2, 3)])),
    OpSpec("clone", lambda x: x.clone(), torch.clone, lambda rng, small: OpCase([_x(rng, small)])),
    OpSpec("stack", lambda *xs, dim: minitorch.stack(xs, dim), lambda *xs, dim: torch.stack(xs, dim), _stack,
           errors=(ErrorCase([np.zeros((2, 3)), np.zeros((3, 2))], {"dim": 0}, ShapeError, ("stack", "(2, 3)", "(3, 2)")),)),
    OpSpec("split", lambda x, size, dim, piece: x.split(size, dim)[piece], lambda x, size, dim, piece: x.split(size, dim)[piece], _split,
           errors=(ErrorCase([np.zeros((4, 3))], {"size": [1, 2], "dim": 0, "piece": 0}, ShapeError, ("split", "[1, 2]", "4")),)),
    OpSpec("chunk", lambda x, size, dim, piece: x.chunk(size, dim)[piece], lambda x, size, dim, piece: x.chunk(size, dim)[piece], _split),
    OpSpec("cat", lambda *xs, dim: minitorch.cat(xs, dim), lambda *xs, dim: torch.cat(xs, dim), _cat,
           errors=(ErrorCase([np.zeros((2, 3)), np.zeros((2, 4))], {"dim": 0}, ShapeError, ("cat", "(2, 3)", "(2, 4)")),)),
    OpSpec("gather", lambda x, index, dim: x.gather(dim, as_tensor(index)), lambda x, index, dim: x.gather(dim, index), _gather,
           grad_inputs=(0,),
           errors=(
               ErrorCase([np.zeros((2, 3)), np.array([[3]])], {"dim": 1}, IndexingError, ("gather", "index 3", "size 3")),
               ErrorCase([np.zeros((2, 3)), np.array([[0.0]])], {"dim": 1}, DTypeError, ("gather", "int64")),
           )),
    OpSpec("scatter_add", lambda x, index, src, dim: x.scatter_add(dim, as_tensor(index), src),
           lambda x, index, src, dim: x.scatter_add(dim, index, src), _scatter_add, grad_inputs=(0, 2)),
    OpSpec("getitem_basic", lambda x, key: x[key], lambda x, key: x[key], _basic_key,
           errors=(
               ErrorCase([np.zeros((2, 3))], {"key": (0, 3)}, IndexingError, ("index", "out of range", "(2, 3)", "dim 1")),
               ErrorCase([np.zeros((2, 3))], {"key": (0, 1, 0)}, IndexingError, ("too many indices", "(2, 3)")),
               ErrorCase([np.zeros((2, 3))], {"key": (slice(None, None, -1),)}, IndexingError, ("step", "positive")),
               ErrorCase([np.zeros((2, 3))], {"key": (1.5,)}, IndexingError, ("float", "(2, 3)")),
           )),
    OpSpec("getitem_advanced", lambda x, key: x[key], lambda x, key: x[tuple(torch.as_tensor(k) if isinstance(k, np.ndarray) else k for k in key)],
           _advanced_key,
           errors=(
               ErrorCase([np.zeros((2, 3))], {"key": (np.array([0, 5]),)}, IndexingError, ("index 5", "(2, 3)", "dim 0")),
               ErrorCase([np.zeros((2, 3))], {"key": (np.ones(3, dtype=bool),)}, IndexingError, ("mask", "(3,)", "(2, 3)")),
               ErrorCase([np.zeros((2, 3))], {"key": (np.array([0, 1]), np.array([0, 1, 2]))}, IndexingError, ("broadcast", "(2, 3)")),
           )),
]
