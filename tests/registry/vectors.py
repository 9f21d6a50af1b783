"""Registry entries for normalize, cosine_similarity, pairwise_distance, pixel_shuffle /
pixel_unshuffle, one_hot and channel dropout (dropout1d/2d/3d with p = 0 and p = 1, and in
eval mode: the deterministic cases; their random masks are tests/test_nn_containers.py's)."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as TF

import minitorch
from minitorch.errors import DTypeError, IndexingError, ShapeError
from minitorch.nn import functional as F

from .core import random_shape
from .spec import ErrorCase, OpCase, OpSpec, cut_broadcast_batch


def _normalize(rng, small):
    x = rng.normal(size=random_shape(rng, small, 2, 3))
    return OpCase([x], {"p": float(rng.choice([2.0, 1.0, 3.0])), "dim": int(rng.integers(-x.ndim, x.ndim))})


def _pair(rng, small):
    shape = random_shape(rng, small, 2, 3)
    other = tuple(1 if rng.random() < 0.3 else s for s in shape)[int(rng.integers(0, 2)):]
    return rng.normal(size=shape), rng.normal(size=other)


def _cosine(rng, small):
    a, b = _pair(rng, small)
    dims = max(a.ndim, b.ndim)
    return OpCase([a, b], {"dim": int(rng.integers(-dims, dims))})


def _pairwise(rng, small):
    n, d = int(rng.integers(1, 4 if small else 7)), int(rng.integers(1, 4 if small else 7))
    b = rng.normal(size=(n, d)) if rng.random() < 0.7 else rng.normal(size=(d,))
    return OpCase([rng.normal(size=(n, d)), b], {"p": float(rng.choice([2.0, 1.0, 3.0])), "keepdim": bool(rng.random() < 0.3)})


def _pixel_shuffle(rng, small):
    r = int(rng.integers(1, 4))
    lead = tuple(int(s) for s in rng.integers(1, 3, size=int(rng.integers(0, 3))))
    c, h, w = int(rng.integers(1, 3)), int(rng.integers(1, 4)), int(rng.integers(1, 4))
    return OpCase([rng.normal(size=lead + (c * r * r, h, w))], {"upscale_factor": r})


def _pixel_unshuffle(rng, small):
    r = int(rng.integers(1, 4))
    lead = tuple(int(s) for s in rng.integers(1, 3, size=int(rng.integers(0, 3))))
    c, h, w = int(rng.integers(1, 3)), int(rng.integers(1, 3)), int(rng.integers(1, 3))
    return OpCase([rng.normal(size=lead + (c, h * r, w * r))], {"downscale_factor": r})


def _torch_pixel_shuffle(x, upscale_factor):
    """torch's, except for empty inputs, whose backward torch 2.13 gets wrong (a gradient of the
    output's shape): there the same rearrangement by torch's reshape and permute."""
    if x.numel():
        return TF.pixel_shuffle(x, upscale_factor)
    r, (*lead, c, h, w) = upscale_factor, x.shape
    y = x.reshape(int(np.prod(lead)), c // (r * r), r, r, h, w).permute(0, 1, 4, 2, 5, 3)
    return y.reshape(*lead, c // (r * r), h * r, w * r)


def _torch_pixel_unshuffle(x, downscale_factor):
    """torch's, except for empty inputs, which torch 2.13 returns unchanged (shape included)."""
    if x.numel():
        return TF.pixel_unshuffle(x, downscale_factor)
    r, (*lead, c, hr, wr) = downscale_factor, x.shape
    y = x.reshape(int(np.prod(lead)), c, hr // r, r, wr // r, r).permute(0, 1, 3, 5, 2, 4)
    return y.reshape(*lead, c * r * r, hr // r, wr // r)


def _one_hot(rng, small):
    classes = int(rng.integers(1, 6))
    indices = rng.integers(0, classes, random_shape(rng, small, 1, 3))
    return OpCase([indices], {"num_classes": int(rng.choice([-1, classes, classes + 2]))})


def _as_long(indices):
    return minitorch.from_numpy(np.ascontiguousarray(indices))


def _one_hot_ours(indices, **kw):
    return F.one_hot(_as_long(indices), **kw).double()


def _one_hot_torch(indices, **kw):
    return TF.one_hot(indices, **kw).double()


def _channel_dropout(spatial):
    def sample(rng, small):
        shape = random_shape(rng, small, spatial + 2, spatial + 2)
        if rng.random() < 0.3 and spatial != 2:
            shape = shape[1:]  # unbatched (C, *)
        p, training = [(0.0, True), (1.0, True), (0.5, False)][int(rng.integers(0, 3))]
        return OpCase([rng.normal(size=shape)], {"p": p, "training": training})

    return sample


OPS = [
    OpSpec("normalize", F.normalize, TF.normalize, _normalize,
           errors=(ErrorCase([np.zeros((2, 3))], {"dim": 2}, IndexingError, ("norm", "2")),)),
    OpSpec("cosine_similarity", F.cosine_similarity, TF.cosine_similarity, _cosine, empty=cut_broadcast_batch,
           errors=(ErrorCase([np.zeros((2, 3)), np.zeros((2, 4))], {}, ShapeError, ("cosine_similarity", "(2, 3)", "(2, 4)")),)),
    OpSpec("pairwise_distance", F.pairwise_distance, TF.pairwise_distance, _pairwise),
    OpSpec("pixel_shuffle", F.pixel_shuffle, _torch_pixel_shuffle, _pixel_shuffle,
           errors=(
               ErrorCase([np.zeros((1, 3, 2, 2))], {"upscale_factor": 2}, ShapeError, ("pixel_shuffle", "3 channels", "4")),
               ErrorCase([np.zeros((4, 2))], {"upscale_factor": 2}, ShapeError, ("pixel_shuffle", "3 dims", "(4, 2)")),
           )),
    OpSpec("pixel_unshuffle", F.pixel_unshuffle, _torch_pixel_unshuffle, _pixel_unshuffle,
           errors=(ErrorCase([np.zeros((1, 1, 3, 4))], {"downscale_factor": 2}, ShapeError, ("pixel_unshuffle", "height 3")),)),
    OpSpec("one_hot", _one_hot_ours, _one_hot_torch, _one_hot, grad_inputs=(), permute_ok=False,
           errors=(
               ErrorCase([np.array([0, -1])], {}, IndexingError, ("one_hot", "non-negative", "-1")),
               ErrorCase([np.array([0, 3])], {"num_classes": 3}, IndexingError, ("one_hot", "3", "num_classes=3")),
               ErrorCase([np.zeros(0, np.int64)], {}, IndexingError, ("one_hot", "empty", "num_classes")),
           )),
    OpSpec("one_hot_float_refused", lambda x: F.one_hot(x), lambda x: x, lambda rng, small: OpCase([np.zeros(2)]),
           backends=(), grad_inputs=(), errors=(ErrorCase([np.zeros(2)], {}, DTypeError, ("one_hot", "int64", ".long()")),)),
    OpSpec("dropout1d", F.dropout1d, TF.dropout1d, _channel_dropout(1),
           errors=(ErrorCase([np.zeros(4)], {}, ShapeError, ("dropout1d", "(4,)")),)),
    OpSpec("dropout2d", F.dropout2d, TF.dropout2d, _channel_dropout(2),
           errors=(ErrorCase([np.zeros((2, 3))], {}, ShapeError, ("dropout2d", "(2, 3)")),
                   ErrorCase([np.zeros((2, 3, 4, 4))], {"p": 1.5}, ValueError, ("dropout2d", "1.5")))),
    OpSpec("dropout3d", F.dropout3d, TF.dropout3d, _channel_dropout(3),
           errors=(ErrorCase([np.zeros((2, 3, 4))], {}, ShapeError, ("dropout3d", "(2, 3, 4)")),)),
]
