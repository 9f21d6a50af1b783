"""The course's toy 2-D classification sets (Modules 0-3): points in the unit square, labels 0/1.

Each generator `simple`, `diag`, `split`, `xor`, `circle` draws `N` points with Python's
`random` (two `random.random()` calls per point, in the course's order, so `random.seed(s)`
reproduces the course's data) and labels them by a rule; `spiral` is deterministic. Pass
`seed=` to draw from a private `random.Random(seed)` instead of the global generator.

Example:
    >>> data = datasets["Xor"](4, seed=0)
    >>> data.N, len(data.X), data.y
    (4, 4, [0, 0, 1, 1])
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Tuple

__all__ = [
    "Graph",
    "make_pts",
    "simple",
    "diag",
    "split",
    "xor",
    "circle",
    "spiral",
    "datasets",
]

Point = Tuple[float, float]


@dataclass
class Graph:
    """A toy data set: `N` points `X` (pairs in [0, 1]^2) with labels `y` (0 or 1)."""

    N: int
    X: List[Point]
    y: List[int]


def make_pts(N: int, seed: Optional[int] = None) -> List[Point]:
    """`N` points drawn uniformly from the unit square.

    Args:
        N: number of points.
        seed: if given, draw from `random.Random(seed)`; default: the global `random`.

    Example:
        >>> len(make_pts(3, seed=1))
        3
    """
    rng = random if seed is None else random.Random(seed)
    points = []
    for _ in range(N):
        x_1 = rng.random()
        x_2 = rng.random()
        points.append((x_1, x_2))
    return points


def _labelled(N: int, seed: Optional[int], rule: Callable[[float, float], bool]) -> Graph:
    X = make_pts(N, seed)
    return Graph(N, X, [1 if rule(x_1, x_2) else 0 for x_1, x_2 in X])


def simple(N: int, seed: Optional[int] = None) -> Graph:
    """Label 1 left of the vertical line x_1 = 0.5."""
    return _labelled(N, seed, lambda x_1, x_2: x_1 < 0.5)


def diag(N: int, seed: Optional[int] = None) -> Graph:
    """Label 1 below the diagonal x_1 + x_2 = 0.5."""
    return _labelled(N, seed, lambda x_1, x_2: x_1 + x_2 < 0.5)


def split(N: int, seed: Optional[int] = None) -> Graph:
    """Label 1 in the two outer bands x_1 < 0.2 or x_1 > 0.8."""
    return _labelled(N, seed, lambda x_1, x_2: x_1 < 0.2 or x_1 > 0.8)


def xor(N: int, seed: Optional[int] = None) -> Graph:
    """Label 1 in the top-left and bottom-right quadrants."""
    return _labelled(N, seed, lambda x_1, x_2: (x_1 < 0.5 and x_2 > 0.5) or (x_1 > 0.5 and x_2 < 0.5))


def _outside_circle(x_1: float, x_2: float) -> bool:
    c_1, c_2 = x_1 - 0.5, x_2 - 0.5
    return c_1 * c_1 + c_2 * c_2 > 0.1


def circle(N: int, seed: Optional[int] = None) -> Graph:
    """Label 1 outside the circle of squared radius 0.1 around (0.5, 0.5)."""
    return _labelled(N, seed, _outside_circle)


def spiral(N: int, seed: Optional[int] = None) -> Graph:
    """Two interleaved spirals, N // 2 points each (label 0, then label 1); deterministic.

    `seed` is accepted for a uniform signature and ignored. For odd `N` the set holds `N - 1`
    points and `Graph.N` says so (so `range(data.N)` loops stay in bounds).
    """
    half = N // 2

    def x(t: float) -> float:
        return t * math.cos(t) / 20.0

    def y(t: float) -> float:
        return t * math.sin(t) / 20.0

    ts = [10.0 * (float(i) / half) for i in range(5, 5 + half)]
    X = [(x(t) + 0.5, y(t) + 0.5) for t in ts]
    X = X + [(y(-t) + 0.5, x(-t) + 0.5) for t in ts]
    return Graph(len(X), X, [0] * half + [1] * half)


datasets: Dict[str, Callable[..., Graph]] = {
    "Simple": simple,
    "Diag": diag,
    "Split": split,
    "Xor": xor,
    "Circle": circle,
    "Spiral": spiral,
}
"""The generators by the names the course's apps and scripts use."""
