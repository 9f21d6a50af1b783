"""The course's toy 2-D data sets: sizes, labelling rules, seeding and the `datasets` table."""

from __future__ import annotations

import math
import random

import pytest

from minitorch.datasets import Graph, circle, datasets, diag, make_pts, simple, spiral, split, xor

RULES = {
    "Simple": lambda x_1, x_2: x_1 < 0.5,
    "Diag": lambda x_1, x_2: x_1 + x_2 < 0.5,
    "Split": lambda x_1, x_2: x_1 < 0.2 or x_1 > 0.8,
    "Xor": lambda x_1, x_2: (x_1 < 0.5) != (x_2 < 0.5),
    "Circle": lambda x_1, x_2: (x_1 - 0.5) ** 2 + (x_2 - 0.5) ** 2 > 0.1,
}


def test_table_names_the_six_generators() -> None:
    assert datasets == {"Simple": simple, "Diag": diag, "Split": split, "Xor": xor, "Circle": circle, "Spiral": spiral}


@pytest.mark.parametrize("name", sorted(RULES))
def test_points_and_labels(name: str) -> None:
    data = datasets[name](200, seed=1)
    assert isinstance(data, Graph) and data.N == len(data.X) == len(data.y) == 200
    for (x_1, x_2), label in zip(data.X, data.y):
        assert 0.0 <= x_1 < 1.0 and 0.0 <= x_2 < 1.0
        assert label == (1 if RULES[name](x_1, x_2) else 0)
    assert 0 < sum(data.y) < 200  # both classes occur


@pytest.mark.parametrize("name", sorted(RULES))
def test_seeding(name: str) -> None:
    make = datasets[name]
    assert make(50, seed=3) == make(50, seed=3)
    assert make(50, seed=3) != make(50, seed=4)
    random.seed(7)
    first = make(50)
    random.seed(7)
    assert make(50) == first  # the global generator, as the course scripts seed it


def test_make_pts_draws_two_uniforms_per_point_in_order() -> None:
    rng = random.Random(5)
    expected = [(rng.random(), rng.random()) for _ in range(10)]
    assert make_pts(10, seed=5) == expected
    random.seed(5)
    assert make_pts(10) == expected


def test_seed_does_not_touch_the_global_generator() -> None:
    random.seed(11)
    state = random.getstate()
    simple(20, seed=1)
    assert random.getstate() == state


def test_spiral_is_two_deterministic_arms() -> None:
    data = spiral(100)
    assert data == spiral(100, seed=5)
    assert data.N == 100 and data.y == [0] * 50 + [1] * 50
    # first arm: t * (cos t, sin t) / 20 around the centre, with t = 10 i / 50 from i = 5
    t = 10.0 * 5 / 50
    assert data.X[0] == pytest.approx((t * math.cos(t) / 20 + 0.5, t * math.sin(t) / 20 + 0.5))
    # second arm: the first reflected through the diagonal and rotated (swap of sin and cos of -t)
    assert data.X[50] == pytest.approx((-t * math.sin(-t) / 20 + 0.5, -t * math.cos(-t) / 20 + 0.5))


def test_spiral_odd_size_reports_its_points() -> None:
    data = spiral(7)
    assert data.N == len(data.X) == len(data.y) == 6
