"""One random stream, seedable two ways: `random.seed(s)` (what the course's code and hypothesis
do) and `minitorch.manual_seed(s)` (PyTorch's spelling) each make rand, dropout masks and weight
initialisation repeat exactly."""

from __future__ import annotations

import random

import numpy as np
import pytest

import minitorch
from minitorch import nn


def draws():
    """One of everything random: rand, randn, a dropout mask, a layer's initial weights."""
    x = minitorch.ones((64,))
    return [
        minitorch.rand((5, 3)).to_numpy().copy(),
        minitorch.randn((4,)).to_numpy().copy(),
        minitorch.dropout(x, 0.5).to_numpy().copy(),
        nn.functional.dropout(x, 0.5, training=True).to_numpy().copy(),
        nn.Linear(6, 3).weight.to_numpy().copy(),
        nn.Conv2d(2, 3, 3).bias.to_numpy().copy(),
    ]


def same(a, b):
    return all(np.array_equal(u, v) for u, v in zip(a, b))


@pytest.mark.parametrize("seed", [0, 7])
def test_python_random_seed_alone_repeats_everything(seed):
    random.seed(seed)
    first = draws()
    random.seed(seed)
    assert same(first, draws())
    random.seed(seed + 1)
    assert not same(first, draws())


def test_manual_seed_alone_repeats_everything():
    minitorch.manual_seed(3)
    first = draws()
    random.random()  # unrelated use of Python's random in between does not matter after reseeding
    minitorch.manual_seed(3)
    assert same(first, draws())
    # the two spellings seed the same stream
    random.seed(3)
    assert same(first, draws())


def test_consecutive_draws_differ_and_rng_state_round_trips():
    minitorch.manual_seed(0)
    a, b = minitorch.rand((8,)).to_numpy().copy(), minitorch.rand((8,)).to_numpy().copy()
    assert not np.array_equal(a, b)
    state = minitorch.get_rng_state()
    c = minitorch.rand((8,)).to_numpy().copy()
    minitorch.set_rng_state([state[0], list(state[1]), state[2]])  # as a checkpoint gives it back
    assert np.array_equal(c, minitorch.rand((8,)).to_numpy())


def test_explicit_generator_bypasses_the_stream():
    g1, g2 = np.random.default_rng(1), np.random.default_rng(1)
    random.seed(0)
    a = minitorch.rand((4,), generator=g1).to_numpy().copy()
    random.seed(99)
    assert np.array_equal(a, minitorch.rand((4,), generator=g2).to_numpy())
