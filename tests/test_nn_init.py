"""nn.init against PyTorch: gains and fans equal torch's; every distribution has torch's bounds,
spread and shape (uniform vs normal), on enough draws that a wrong formula cannot pass."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import minitorch
from minitorch.nn import init

SHAPES = [(300, 400), (128, 64, 3, 3), (16, 8, 2, 3, 5)]


@pytest.mark.parametrize("nonlinearity, param", [
    ("linear", None), ("conv1d", None), ("conv2d", None), ("conv3d", None), ("conv_transpose1d", None),
    ("conv_transpose2d", None), ("conv_transpose3d", None), ("sigmoid", None), ("tanh", None), ("relu", None),
    ("leaky_relu", None), ("leaky_relu", 0.2), ("leaky_relu", 0), ("leaky_relu", math.sqrt(5)), ("selu", None),
])
def test_calculate_gain_is_torchs(nonlinearity, param):
    assert init.calculate_gain(nonlinearity, param) == pytest.approx(
        torch.nn.init.calculate_gain(nonlinearity, param), rel=1e-12)


def test_unknown_nonlinearity_is_refused():
    with pytest.raises(ValueError, match="unsupported nonlinearity 'swish'"):
        init.calculate_gain("swish")


@pytest.mark.parametrize("shape", SHAPES + [(5, 4), (3, 7, 1)])
def test_fans_are_torchs(shape):
    assert init.calculate_fan_in_and_fan_out(minitorch.zeros(shape)) == \
        torch.nn.init._calculate_fan_in_and_fan_out(torch.zeros(shape))


def _torch_spread(name, shape, **kwargs):
    """(bound or None, std) of torch's initialiser on `shape`, from torch's own gain and fans."""
    fan_in, fan_out = torch.nn.init._calculate_fan_in_and_fan_out(torch.zeros(shape))
    gain = torch.nn.init.calculate_gain
    if name.startswith("xavier"):
        std = kwargs.get("gain", 1.0) * math.sqrt(2.0 / (fan_in + fan_out))
    elif name.startswith("kaiming"):
        fan = fan_in if kwargs.get("mode", "fan_in") == "fan_in" else fan_out
        std = gain(kwargs.get("nonlinearity", "leaky_relu"), kwargs.get("a", 0)) / math.sqrt(fan)
    elif name == "uniform_":
        return None, (kwargs["b"] - kwargs["a"]) / math.sqrt(12)
    else:
        return None, kwargs["std"]
    return (math.sqrt(3.0) * std if name.endswith("uniform_") else None), std


CASES = [
    ("xavier_uniform_", {}), ("xavier_uniform_", {"gain": 2.0}), ("xavier_normal_", {}),
    ("xavier_normal_", {"gain": 0.5}), ("kaiming_uniform_", {}), ("kaiming_uniform_", {"a": math.sqrt(5)}),
    ("kaiming_uniform_", {"mode": "fan_out", "nonlinearity": "relu"}), ("kaiming_normal_", {}),
    ("kaiming_normal_", {"mode": "fan_out", "nonlinearity": "relu"}), ("kaiming_normal_", {"a": 0.2}),
    ("uniform_", {"a": -0.3, "b": 0.7}), ("normal_", {"mean": 0.0, "std": 0.05}),
]


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "x".join(map(str, s)))
@pytest.mark.parametrize("name, kwargs", CASES, ids=[f"{n}{k}" for n, k in CASES])
def test_distributions_have_torchs_bounds_spread_and_shape(name, kwargs, shape):
    ours = minitorch.zeros(shape)
    assert getattr(init, name)(ours, **kwargs, generator=np.random.default_rng(0)) is ours
    values = ours.to_numpy().reshape(-1)
    theirs = torch.empty(shape, dtype=torch.float64)
    torch.manual_seed(0)
    getattr(torch.nn.init, name)(theirs, **kwargs)
    bound, std = _torch_spread(name, shape, **kwargs)
    center = (kwargs["a"] + kwargs["b"]) / 2 if name == "uniform_" else kwargs.get("mean", 0.0)
    assert values.mean() == pytest.approx(center, abs=4 * std / math.sqrt(values.size))
    assert values.std() == pytest.approx(std, rel=0.03)
    assert values.std() == pytest.approx(theirs.std().item(), rel=0.05)
    within_one_std = np.mean(np.abs(values - center) <= std)
    if name.endswith("uniform_"):
        half = bound if bound is not None else (kwargs["b"] - kwargs["a"]) / 2
        assert np.abs(values - center).max() <= half and np.abs(values - center).max() > 0.98 * half
        assert within_one_std == pytest.approx(1 / math.sqrt(3), abs=0.02)  # uniform: 57.7%
    else:
        assert within_one_std == pytest.approx(0.6827, abs=0.02)  # normal: 68.3%
        assert np.abs(values - center).max() > 3.5 * std  # normal tails, not a bounded draw


def test_constant_zeros_ones_and_the_library_generator():
    t = minitorch.zeros((3, 4))
    assert np.all(init.constant_(t, 0.25).to_numpy() == 0.25)
    assert np.all(init.ones_(t).to_numpy() == 1.0) and np.all(init.zeros_(t).to_numpy() == 0.0)
    minitorch.manual_seed(7)
    a = init.xavier_uniform_(minitorch.zeros((5, 6))).to_numpy().copy()
    minitorch.manual_seed(7)
    np.testing.assert_array_equal(init.xavier_uniform_(minitorch.zeros((5, 6))).to_numpy(), a)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="mode must be"):
        init.kaiming_uniform_(minitorch.zeros((3, 4)), mode="fan_avg")
    with pytest.raises(ValueError, match="at least 2 dims"):
        init.xavier_uniform_(minitorch.zeros((3,)))
