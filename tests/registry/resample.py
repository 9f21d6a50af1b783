"""Registry entries for the course's zero-insertion resampling (interpolation is in
interpolate.py), flatten/unflatten, embedding and (deterministic) dropout."""

from __future__ import annotations

import numpy as np
import torch

from minitorch.errors import DTypeError, IndexingError, ShapeError
from minitorch.ops.dropout import dropout
from minitorch.ops.embedding import embedding
from minitorch.ops.flatten import flatten, unflatten
from minitorch.ops.resample import downsample, upsample_zeros

from .spec import ErrorCase, OpCase, OpSpec


def _torch_upsample_zeros(x, factor, dims):
    """The explicit definition: k - 1 zeros between neighbours of the last `dims` dims."""
    factors = (factor,) * dims if isinstance(factor, int) else tuple(factor)
    shape = x.shape[: x.ndim - dims] + tuple(k * (s - 1) + 1 for s, k in zip(x.shape[x.ndim - dims :], factors))
    out = torch.zeros(shape, dtype=x.dtype)
    index = (Ellipsis,) + tuple(slice(None, None, k) for k in factors)
    out[index] = x
    return out


def _torch_downsample(x, factor, dims):
    """The explicit definition: every k-th sample of the last `dims` dims."""
    factors = (factor,) * dims if isinstance(factor, int) else tuple(factor)
    return x[(Ellipsis,) + tuple(slice(None, None, k) for k in factors)]


def _resample(rng, small):
    dims = int(rng.integers(1, 3))
    shape = tuple(int(s) for s in rng.integers(1, 4, size=int(rng.integers(0, 2)))) + tuple(
        int(s) for s in rng.integers(1, 5 if small else 9, size=dims)
    )
    factor = int(rng.integers(1, 4)) if dims == 1 or rng.random() < 0.5 else tuple(int(k) for k in rng.integers(1, 4, size=2))
    return OpCase([rng.standard_normal(shape)], {"factor": factor, "dims": dims})


def _flatten(rng, small):
    x = rng.standard_normal(tuple(int(s) for s in rng.integers(1, 4 if small else 5, size=int(rng.integers(1, 5)))))
    start = int(rng.integers(0, x.ndim))
    end = int(rng.integers(start, x.ndim))
    if rng.random() < 0.3:
        start -= x.ndim
    return OpCase([x], {"start_dim": start, "end_dim": end})


def _unflatten(rng, small):
    a, b = (int(s) for s in rng.integers(1, 4, size=2))
    lead = tuple(int(s) for s in rng.integers(1, 4, size=int(rng.integers(0, 3))))
    dim = int(rng.integers(0, len(lead) + 1))
    shape = lead[:dim] + (a * b,) + lead[dim:]
    sizes = (a, b) if rng.random() < 0.5 else (-1, b)
    return OpCase([rng.standard_normal(shape)], {"dim": dim, "sizes": sizes})


def _embedding(rng, small):
    vocabulary, width = int(rng.integers(1, 6)), int(rng.integers(1, 5))
    indices = rng.integers(0, vocabulary, size=tuple(int(s) for s in rng.integers(1, 5, size=int(rng.integers(1, 3)))))
    kwargs = {"padding_idx": int(rng.integers(0, vocabulary))} if rng.random() < 0.3 else {}
    return OpCase([indices, rng.standard_normal((vocabulary, width))], kwargs)


def _dropout_deterministic(rng, small):
    x = rng.standard_normal(tuple(int(s) for s in rng.integers(1, 5, size=int(rng.integers(1, 4)))))
    p, training = [(0.0, True), (1.0, True), (0.7, False)][int(rng.integers(0, 3))]
    return OpCase([x], {"p": p, "training": training})


def _empty_leading(case):
    """Resampling refuses empty resampled dims by design: N = 0 is a new, empty leading dim."""
    return OpCase([np.asarray(case.inputs[0])[None][:0]], case.kwargs)


OPS = [
    OpSpec(
        "upsample_zeros",
        upsample_zeros,
        _torch_upsample_zeros,
        _resample,
        empty=_empty_leading,
        errors=(
            ErrorCase([np.zeros((2, 3))], {"factor": 0, "dims": 1}, ShapeError, ("upsample_zeros", "factor")),
            ErrorCase([np.zeros(3)], {"factor": 2, "dims": 2}, ShapeError, ("upsample_zeros", "(3,)")),
        ),
    ),
    OpSpec(
        "downsample",
        downsample,
        _torch_downsample,
        _resample,
        empty=_empty_leading,
        errors=(ErrorCase([np.zeros((2, 3))], {"factor": (2, 2), "dims": 1}, ShapeError, ("downsample", "factor")),),
    ),
    OpSpec(
        "flatten",
        flatten,
        torch.flatten,
        _flatten,
        errors=(
            ErrorCase([np.zeros((2, 3, 4))], {"start_dim": 2, "end_dim": 1}, ShapeError, ("flatten", "start_dim")),
            ErrorCase([np.zeros((2, 3))], {"start_dim": 0, "end_dim": 5}, IndexingError, ("flatten", "out of range")),
        ),
    ),
    OpSpec(
        "unflatten",
        unflatten,
        torch.unflatten,
        _unflatten,
        errors=(ErrorCase([np.zeros((2, 6))], {"dim": 1, "sizes": (4, 2)}, ShapeError, ("unflatten", "(4, 2)", "6")),),
    ),
    OpSpec(
        "embedding",
        lambda indices, weight, **kwargs: embedding(indices, weight, **kwargs),
        lambda indices, weight, **kwargs: torch.nn.functional.embedding(indices, weight, **kwargs),
        _embedding,
        grad_inputs=(1,),
        errors=(
            ErrorCase([np.array([0, 3]), np.zeros((3, 2))], {}, IndexingError, ("embedding", "out of range", "3 rows")),
            ErrorCase([np.array([-1]), np.zeros((3, 2))], {}, IndexingError, ("embedding",)),
            ErrorCase([np.array([0.5]), np.zeros((3, 2))], {}, DTypeError, ("embedding", "whole numbers")),
            ErrorCase([np.array([0]), np.zeros(3)], {}, ShapeError, ("embedding", "(V, D)")),
        ),
    ),
    OpSpec(
        "dropout_deterministic",
        dropout,
        torch.nn.functional.dropout,
        _dropout_deterministic,
        errors=(ErrorCase([np.zeros(3)], {"p": 1.5}, ValueError, ("dropout", "between 0 and 1")),),
    ),
]
