"""Dropout statistics and determinism, resampling against the explicit definitions, flatten,
and embedding's scatter-add gradient."""

from __future__ import annotations

import numpy as np
import pytest

import minitorch
from minitorch.errors import IndexingError
from minitorch.ops.dropout import dropout
from minitorch.ops.embedding import embedding
from minitorch.ops.flatten import flatten, unflatten
from minitorch.ops.resample import downsample, upsample_zeros

from .helpers import to_numpy


@pytest.mark.parametrize("p", [0.1, 0.5, 0.9])
def test_dropout_statistics(p):
    x = minitorch.ones((200, 500))
    out = to_numpy(dropout(x, p, generator=np.random.default_rng(0)))
    dropped = np.mean(out == 0.0)
    assert abs(dropped - p) < 4 * np.sqrt(p * (1 - p) / out.size)  # within 4 standard errors
    np.testing.assert_allclose(out[out != 0.0], 1.0 / (1.0 - p), rtol=1e-6)  # inverted scaling
    assert abs(out.mean() - 1.0) < 0.02  # E[out] = input


def test_dropout_is_deterministic_under_a_seed_and_a_generator():
    x = minitorch.rand((30, 40))
    minitorch.manual_seed(7)
    a = to_numpy(dropout(x, 0.3))
    minitorch.manual_seed(7)
    b = to_numpy(dropout(x, 0.3))
    c = to_numpy(dropout(x, 0.3))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(b, c)
    d = to_numpy(dropout(x, 0.3, generator=np.random.default_rng(1)))
    e = to_numpy(dropout(x, 0.3, generator=np.random.default_rng(1)))
    np.testing.assert_array_equal(d, e)


def test_dropout_gradient_uses_the_same_mask_and_p_one_is_zero_not_nan():
    x = minitorch.rand((20, 20), requires_grad=True)
    out = dropout(x, 0.4, generator=np.random.default_rng(2))
    out.sum().backward()
    kept = to_numpy(out) != 0.0
    np.testing.assert_allclose(to_numpy(x.grad), kept / 0.6, rtol=1e-6)
    x.grad = None
    zeros = dropout(x, 1.0)
    zeros.sum().backward()
    assert np.all(to_numpy(zeros) == 0.0) and np.all(to_numpy(x.grad) == 0.0)
    assert dropout(x, 0.5, training=False) is x


def test_course_dropout():
    t = minitorch.rand((3, 4))
    assert np.array_equal(to_numpy(minitorch.dropout(t, 0.0)), to_numpy(t))
    assert np.all(to_numpy(minitorch.dropout(t, 1.0)) == 0.0)
    assert np.array_equal(to_numpy(minitorch.dropout(t, 1.0, ignore=True)), to_numpy(t))


def test_resampling_explicit_definitions():
    x = minitorch.tensor([[1.0, 2.0, 3.0]])
    assert to_numpy(upsample_zeros(x, 3)).tolist() == [[1.0, 0.0, 0.0, 2.0, 0.0, 0.0, 3.0]]
    y = minitorch.tensor(np.arange(12.0).reshape(1, 3, 4).tolist())
    assert to_numpy(downsample(y, 2, dims=2)).tolist() == [[[0.0, 2.0], [8.0, 10.0]]]
    assert upsample_zeros(y, (2, 3), dims=2).shape == (1, 5, 10)


@pytest.mark.parametrize("width,k", [(7, 3), (8, 3), (9, 2), (5, 5), (4, 1)])
def test_downsample_backward_restores_the_width_and_is_upsample_zeros(width, k):
    x = minitorch.rand((2, width), requires_grad=True)
    out = downsample(x, k)
    assert out.shape == (2, (width - 1) // k + 1)
    g = np.random.default_rng(3).standard_normal(out.shape)
    (out * minitorch.from_numpy(g)).sum().backward()
    expected = np.zeros((2, width))
    expected[:, ::k] = g
    np.testing.assert_array_equal(to_numpy(x.grad), expected)


def test_upsample_and_downsample_are_adjoint():
    rng = np.random.default_rng(4)
    x, y = rng.standard_normal((2, 3, 4, 5)), rng.standard_normal((2, 3, 7, 13))
    up = to_numpy(upsample_zeros(minitorch.from_numpy(x), (2, 3), dims=2))
    down = to_numpy(downsample(minitorch.from_numpy(y), (2, 3), dims=2))
    assert np.sum(up * y) == pytest.approx(np.sum(x * down))
    np.testing.assert_array_equal(to_numpy(downsample(upsample_zeros(minitorch.from_numpy(x), 3), 3)), x)


def test_flatten_defaults_keep_the_batch_dim():
    x = minitorch.rand((2, 3, 4, 5)).permute(0, 2, 1, 3)
    assert flatten(x).shape == (2, 60)
    np.testing.assert_array_equal(to_numpy(flatten(x)), to_numpy(x).reshape(2, 60))
    assert unflatten(flatten(x), 1, (4, -1, 5)).shape == (2, 4, 3, 5)


def test_embedding_repeated_indices_accumulate():
    weight = minitorch.tensor([[0.0, 0.0], [1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    indices = minitorch.tensor([[1.0, 1.0], [2.0, 1.0]])  # a float tensor of whole numbers works too
    out = embedding(indices, weight)
    assert to_numpy(out).tolist() == [[[1.0, 2.0], [1.0, 2.0]], [[3.0, 4.0], [1.0, 2.0]]]
    out.sum().backward()
    assert to_numpy(weight.grad).tolist() == [[0.0, 0.0], [3.0, 3.0], [1.0, 1.0]]
    with pytest.raises(IndexingError, match="out of range"):
        embedding([3], weight)
