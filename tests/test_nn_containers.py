"""ModuleDict against torch.nn.ModuleDict, channel dropout (Dropout1d/2d/3d) in training and
eval mode, PixelShuffle layers."""

from __future__ import annotations

import warnings
from collections import OrderedDict

import numpy as np
import pytest
import torch

import minitorch
from minitorch import nn
from minitorch.errors import ShapeError
from minitorch.nn import functional as F

from .helpers import to_numpy


def _both(build):
    return build(nn), build(torch.nn)


def test_module_dict_behaves_as_torch():
    ours, theirs = _both(lambda m: m.ModuleDict({"b": m.Linear(2, 3), "a": m.ReLU()}))
    assert list(ours) == list(theirs) == ["b", "a"]
    assert list(ours.keys()) == list(theirs.keys())
    assert [type(v).__name__ for v in ours.values()] == [type(v).__name__ for v in theirs.values()]
    assert [k for k, _ in ours.items()] == [k for k, _ in theirs.items()]
    assert repr(ours).replace("float64", "") == repr(theirs)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()] == ["b.weight", "b.bias"]
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for d, m in ((ours, nn), (theirs, torch.nn)):
        d.update([("c", m.Tanh())])
        d.update(OrderedDict(d2=m.Tanh()))
        d["e"] = m.Linear(1, 1)
        assert "c" in d and 1 not in d and len(d) == 5
        assert type(d.pop("c")).__name__ == "Tanh"
        del d["d2"]
    assert list(ours) == list(theirs) == ["b", "a", "e"]
    assert len(list(ours.parameters())) == 4
    ours.update(nn.ModuleDict({"f": nn.ReLU()}))
    assert list(ours) == ["b", "a", "e", "f"]
    ours.clear()
    assert len(ours) == 0 and list(ours.parameters()) == []


@pytest.mark.parametrize("key,error", [("a.b", KeyError), ("", KeyError), ("training", KeyError), (1, KeyError)])
def test_module_dict_refuses_names_as_torch(key, error):
    with pytest.raises(error):
        nn.ModuleDict({key: nn.ReLU()})
    with pytest.raises(KeyError):
        nn.ModuleDict()["missing"]


def test_module_dict_refuses_non_modules():
    with pytest.raises(TypeError, match="not a Module"):
        nn.ModuleDict({"a": 3})
    with pytest.raises(TypeError, match="pairs"):
        nn.ModuleDict().update(["ab"])


@pytest.mark.parametrize("layer,function,shape", [
    (nn.Dropout1d, F.dropout1d, (8, 16, 5)),
    (nn.Dropout1d, F.dropout1d, (16, 5)),
    (nn.Dropout2d, F.dropout2d, (8, 16, 3, 4)),
    (nn.Dropout3d, F.dropout3d, (4, 16, 2, 3, 2)),
    (nn.Dropout3d, F.dropout3d, (16, 2, 3, 2)),
])
def test_channel_dropout_zeroes_whole_channels_and_scales_the_rest(layer, function, shape):
    minitorch.manual_seed(0)
    x = minitorch.ones(shape, requires_grad=True)
    module = layer(p=0.25)
    result = module(x)
    out = to_numpy(result)
    spatial = {nn.Dropout1d: 1, nn.Dropout2d: 2, nn.Dropout3d: 3}[layer]
    per_channel = out.reshape(out.shape[: out.ndim - spatial] + (-1,))
    assert np.all((per_channel == 0).all(-1) | (per_channel == 1 / 0.75).all(-1)), "channels are kept or dropped whole"
    dropped = (per_channel == 0).all(-1).mean()
    assert 0.05 < dropped < 0.5  # p = 0.25 over 64-128 channels
    result.sum().backward()
    np.testing.assert_array_equal(to_numpy(x.grad) == 0, out == 0)
    assert module.eval()(x) is x
    assert function(x, 0.5, training=False) is x
    assert repr(module) == repr(getattr(torch.nn, layer.__name__)(p=0.25))


def test_channel_dropout_masks_are_seeded():
    x = minitorch.ones((4, 8, 3))
    minitorch.manual_seed(5)
    a = to_numpy(F.dropout1d(x))
    minitorch.manual_seed(5)
    np.testing.assert_array_equal(a, to_numpy(F.dropout1d(x)))


def test_channel_dropout_checks_like_torch():
    with pytest.raises(ValueError, match="between 0 and 1"):
        F.dropout2d(minitorch.ones((1, 2, 3, 3)), p=-0.1)
    with pytest.raises(ValueError, match="p must lie"):
        nn.Dropout3d(p=2.0)
    with pytest.raises(ShapeError, match="dropout1d"):
        F.dropout1d(minitorch.ones((1, 2, 3, 3)))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert F.dropout2d(minitorch.ones((2, 3, 4)), p=1.0).shape == (2, 3, 4)  # read as (N, C, L), as torch
    assert any("3-D input" in str(w.message) for w in caught)


def test_pixel_shuffle_layers_match_torch():
    x = np.random.default_rng(0).normal(size=(2, 12, 3, 2))
    ours, theirs = _both(lambda m: m.PixelShuffle(2))
    assert repr(ours) == repr(theirs)
    np.testing.assert_array_equal(to_numpy(ours(minitorch.tensor(x.tolist()))), theirs(torch.tensor(x)).numpy())
    ours, theirs = _both(lambda m: m.PixelUnshuffle(3))
    assert repr(ours) == repr(theirs)
    y = np.random.default_rng(1).normal(size=(1, 2, 6, 3))
    np.testing.assert_array_equal(to_numpy(ours(minitorch.tensor(y.tolist()))), theirs(torch.tensor(y)).numpy())


def test_one_hot_is_int64_and_matches_torch():
    labels = np.array([[2, 0], [1, 4]])
    ours = F.one_hot(minitorch.from_numpy(labels))
    assert ours.dtype == np.int64
    np.testing.assert_array_equal(to_numpy(ours), torch.nn.functional.one_hot(torch.tensor(labels)).numpy())
    assert F.one_hot(minitorch.from_numpy(labels), num_classes=7).shape == (2, 2, 7)


def test_distance_layers_match_torch():
    rng = np.random.default_rng(2)
    a, b = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    for build in (lambda m: m.CosineSimilarity(), lambda m: m.CosineSimilarity(dim=0, eps=1e-6),
                  lambda m: m.PairwiseDistance(), lambda m: m.PairwiseDistance(p=1.0, keepdim=True)):
        ours, theirs = _both(build)
        assert repr(ours) == repr(theirs)
        got = ours(minitorch.tensor(a.tolist()), minitorch.tensor(b.tolist()))
        np.testing.assert_allclose(to_numpy(got), theirs(torch.tensor(a), torch.tensor(b)).numpy(), rtol=1e-12)
