"""Registry entries for rearranging and selecting: flip, roll, movedim, narrow, unbind, split
(every piece at once), reshape to random shapes (a view where strides allow), diag, diagonal,
trace, triu, tril, index_select, masked_select, nonzero, einsum, outer, dot, 1-D matmul."""

from __future__ import annotations

import numpy as np
import torch

import minitorch
from minitorch.errors import DTypeError, IndexingError, ShapeError

from .core import random_shape
from .pointwise import as_tensor
from .spec import ErrorCase, OpCase, OpSpec, cut_broadcast_batch


def _x(rng, small, min_dims=1, max_dims=3):
    return rng.uniform(-2, 2, random_shape(rng, small, min_dims, max_dims))


def _dims(rng, x):
    count = int(rng.integers(1, x.ndim + 1))
    return [int(d) for d in rng.permutation(x.ndim)[:count]]


def _roll(rng, small):
    x = _x(rng, small)
    if rng.random() < 0.3:
        return OpCase([x], {"shifts": int(rng.integers(-5, 6)), "dims": None})
    dims = _dims(rng, x)
    return OpCase([x], {"shifts": [int(s) for s in rng.integers(-5, 6, len(dims))], "dims": dims})


def _movedim(rng, small):
    x = _x(rng, small, 2, 4)
    count = int(rng.integers(1, x.ndim + 1))
    source, destination = (list(int(d) for d in rng.permutation(x.ndim)[:count]) for _ in range(2))
    return OpCase([x], {"source": source if count > 1 else source[0], "destination": destination if count > 1 else destination[0]})


def _narrow(rng, small):
    x = _x(rng, small)
    dim = int(rng.integers(0, x.ndim))
    start = int(rng.integers(0, x.shape[dim]))
    return OpCase([x], {"dim": dim, "start": start - x.shape[dim] * int(rng.random() < 0.3), "length": int(rng.integers(0, x.shape[dim] - start + 1))})


def _pieces(rng, small):
    x = _x(rng, small)
    dim = int(rng.integers(-x.ndim, x.ndim))
    used = [int(i) for i in np.flatnonzero(rng.random(x.shape[dim]) < 0.7)] or [0]
    return OpCase([x], {"dim": dim, "size": int(rng.integers(1, x.shape[dim] + 1)), "used": used})


def _some_pieces(x, pieces, used):
    """A weighted sum of the used pieces (the first used one twice: its gradients add up)."""
    kept = [pieces[i] for i in used if i < len(pieces)] or list(pieces[:1])
    if not kept:  # no pieces (an empty dim)
        return x.sum() * 0.0
    return sum(p.sum() * (k + 1.0) for k, p in enumerate(kept)) + kept[0].sum()


def _reshape(rng, small):
    x = _x(rng, small, 1, 4)
    sizes, left = [], x.size
    for _ in range(int(rng.integers(0, 3))):
        divisors = [d for d in range(1, left + 1) if left % d == 0]
        sizes.append(int(rng.choice(divisors)))
        left //= sizes[-1]
    sizes.append(left)
    rng.shuffle(sizes)
    if rng.random() < 0.3:
        sizes[int(rng.integers(0, len(sizes)))] = -1
    return OpCase([x], {"shape": tuple(sizes)})


def _diagonal(rng, small):
    x = _x(rng, small, 2, 3)
    dim1, dim2 = (int(d) for d in rng.permutation(x.ndim)[:2])
    return OpCase([x], {"offset": int(rng.integers(-3, 4)), "dim1": dim1, "dim2": dim2})


def _diag(rng, small):
    x = _x(rng, small, 1, 2)
    return OpCase([x], {"diagonal": int(rng.integers(-2, 3))})


def _triangle(rng, small):
    return OpCase([_x(rng, small, 2, 3)], {"diagonal": int(rng.integers(-2, 3))})


def _index_select(rng, small):
    x = _x(rng, small)
    dim = int(rng.integers(-x.ndim, x.ndim))
    return OpCase([x, rng.integers(0, x.shape[dim], size=int(rng.integers(0, 6)))], {"dim": dim})


def _masked_select(rng, small):
    x = _x(rng, small)
    shape = tuple(1 if rng.random() < 0.3 else s for s in x.shape)[int(rng.integers(0, x.ndim)):]
    return OpCase([x, rng.random(shape) < 0.5])


_EINSUM = [
    ("ij,jk->ik", [(2, 3), (3, 4)]), ("bij,bjk->bik", [(2, 2, 3), (2, 3, 4)]), ("i,j->ij", [(2,), (3,)]),
    ("ij->ji", [(2, 3)]), ("ii->i", [(3, 3)]), ("ii", [(3, 3)]), ("ij->", [(2, 3)]), ("ij,ij->i", [(2, 3), (2, 3)]),
    ("...ij,...jk->...ik", [(1, 2, 3), (4, 3, 2)]), ("ij,jk", [(2, 3), (3, 2)]), ("iij,jk->ik", [(3, 3, 2), (2, 4)]),
    ("bn,anm,bm->ba", [(2, 3), (4, 3, 2), (2, 2)]), ("ij,kl->ik", [(2, 3), (4, 5)]), ("i,i", [(4,), (4,)]),
]


def _einsum(rng, small):
    equation, shapes = _EINSUM[int(rng.integers(0, len(_EINSUM)))]
    return OpCase([rng.uniform(-2, 2, s) for s in shapes], {"equation": equation})


def _vectors(rng, small):
    n = int(rng.integers(1, 6))
    return OpCase([rng.uniform(-2, 2, n), rng.uniform(-2, 2, int(rng.integers(1, 6)) if rng.random() < 0.5 else n)])


def _matmul_vector(rng, small):
    n, m = (int(v) for v in rng.integers(1, 5, size=2))
    batch = tuple(int(b) for b in rng.integers(1, 3, size=int(rng.integers(0, 2))))
    kind = int(rng.integers(0, 3))
    shapes = [((m,), batch + (m, n)), (batch + (n, m), (m,)), ((m,), (m,))][kind]
    return OpCase([rng.uniform(-2, 2, s) for s in shapes])


def _nonzero(rng, small):
    x = np.where(rng.random(random_shape(rng, small)) < 0.5, 0.0, 1.0)
    return OpCase([x], {"as_tuple": bool(rng.random() < 0.5)})


OPS = [
    OpSpec("flip", lambda x, dims: x.flip(dims), lambda x, dims: x.flip(dims), lambda rng, small: OpCase([x := _x(rng, small)], {"dims": _dims(rng, x)}),
           errors=(ErrorCase([np.zeros((2, 3))], {"dims": [0, 0]}, IndexingError, ("flip", "repeats")),)),
    OpSpec("roll", lambda x, shifts, dims: x.roll(shifts, dims), lambda x, shifts, dims: x.roll(shifts, dims), _roll,
           errors=(ErrorCase([np.zeros((2, 3))], {"shifts": [1, 2], "dims": [0]}, ShapeError, ("roll", "2 shifts", "1 dims")),)),
    OpSpec("movedim", lambda x, source, destination: x.movedim(source, destination), torch.movedim, _movedim),
    OpSpec("narrow", lambda x, dim, start, length: x.narrow(dim, start, length), torch.narrow, _narrow,
           errors=(ErrorCase([np.zeros((2, 3))], {"dim": 1, "start": 2, "length": 2}, IndexingError, ("narrow", "size 3")),)),
    OpSpec("unbind_pieces", lambda x, dim, size, used: _some_pieces(x, x.unbind(dim), used),
           lambda x, dim, size, used: _some_pieces(x, x.unbind(dim), used), _pieces),
    OpSpec("split_pieces", lambda x, dim, size, used: _some_pieces(x, x.split(size, dim), used),
           lambda x, dim, size, used: _some_pieces(x, x.split(size, dim), used), _pieces),
    OpSpec("chunk_pieces", lambda x, dim, size, used: _some_pieces(x, x.chunk(size, dim), used),
           lambda x, dim, size, used: _some_pieces(x, x.chunk(size, dim), used), _pieces),
    OpSpec("reshape", lambda x, shape: x.reshape(*shape), lambda x, shape: x.reshape(*shape), _reshape,
           errors=(ErrorCase([np.zeros((2, 3))], {"shape": (4, -1)}, ShapeError, ("reshape", "(2, 3)")),)),
    OpSpec("view_strided", lambda x, shape: x[:, 1:].view(*shape), lambda x, shape: x[:, 1:].reshape(*shape),
           lambda rng, small: OpCase([rng.uniform(-2, 2, (2, 3, int(rng.integers(1, 4))))], {"shape": (2, -1)}), permute_ok=False,
           errors=(ErrorCase([np.zeros((3, 3, 2))], {"shape": (-1,)}, ShapeError, ("view", "reshape")),)),
    OpSpec("diagonal", lambda x, offset, dim1, dim2: x.diagonal(offset, dim1, dim2), torch.diagonal, _diagonal,
           errors=(ErrorCase([np.zeros(3)], {"offset": 0, "dim1": 0, "dim2": 1}, ShapeError, ("diagonal", "(3,)")),)),
    OpSpec("diag", lambda x, diagonal: x.diag(diagonal), torch.diag, _diag,
           errors=(ErrorCase([np.zeros((2, 2, 2))], {"diagonal": 0}, ShapeError, ("diag", "(2, 2, 2)")),)),
    OpSpec("trace", lambda x: x.trace(), torch.trace, lambda rng, small: OpCase([_x(rng, small, 2, 2)])),
    OpSpec("triu", lambda x, diagonal: x.triu(diagonal), torch.triu, _triangle,
           errors=(ErrorCase([np.zeros(3)], {"diagonal": 0}, ShapeError, ("triu", "(3,)")),)),
    OpSpec("tril", lambda x, diagonal: x.tril(diagonal), torch.tril, _triangle),
    OpSpec("index_select", lambda x, index, dim: x.index_select(dim, as_tensor(index)), lambda x, index, dim: x.index_select(dim, index),
           _index_select, grad_inputs=(0,),
           errors=(
               ErrorCase([np.zeros((2, 3)), np.array([0, 3])], {"dim": 1}, IndexingError, ("index_select", "index 3", "size 3")),
               ErrorCase([np.zeros((2, 3)), np.array([[0]])], {"dim": 1}, ShapeError, ("index_select", "1-D")),
               ErrorCase([np.zeros((2, 3)), np.array([0.0])], {"dim": 1}, DTypeError, ("index_select", "int64")),
           )),
    OpSpec("masked_select", lambda x, mask: x.masked_select(as_tensor(mask)), torch.masked_select, _masked_select, grad_inputs=(0,),
           errors=(ErrorCase([np.zeros((2, 3)), np.ones((2,), dtype=bool)], {}, IndexingError, ("(2, 3)", "(2,)")),)),
    OpSpec("nonzero", lambda x, as_tuple: minitorch.stack(list(x.nonzero(as_tuple=True))) if as_tuple else x.nonzero(),
           lambda x, as_tuple: torch.stack(list(x.nonzero(as_tuple=True))) if as_tuple else x.nonzero(), _nonzero, grad_inputs=()),
    OpSpec("einsum", lambda *xs, equation: minitorch.einsum(equation, *xs), lambda *xs, equation: torch.einsum(equation, *xs), _einsum,
           errors=(
               ErrorCase([np.zeros((2, 3)), np.zeros((4, 2))], {"equation": "ij,jk->ik"}, ShapeError, ("einsum", "'j'", "3", "4")),
               ErrorCase([np.zeros((2, 3))], {"equation": "ijk->i"}, ShapeError, ("einsum", "'ijk'", "(2, 3)")),
               ErrorCase([np.zeros((2, 3))], {"equation": "ij->k"}, ShapeError, ("einsum", "output")),
           )),
    OpSpec("outer", lambda a, b: minitorch.outer(a, b), torch.outer, _vectors, empty=cut_broadcast_batch),
    OpSpec("dot", lambda a, b: a.dot(b), torch.dot, lambda rng, small: OpCase([a := rng.uniform(-2, 2, 4), a[::-1] + 1.0]),
           errors=(ErrorCase([np.zeros(3), np.zeros(4)], {}, ShapeError, ("dot", "(3,)", "(4,)")),)),
    OpSpec("matmul_vector", lambda a, b: a @ b, torch.matmul, _matmul_vector, empty=cut_broadcast_batch),
]
