"""The library's seedable random source (rand, randn, dropout, weight initialisation)."""

from __future__ import annotations

import numpy as np

__all__ = ["manual_seed", "default_generator"]

_generator = np.random.default_rng()


def manual_seed(seed: int) -> np.random.Generator:
    """Reseed the default generator (as `torch.manual_seed`); returns it.

    Example:
        >>> _ = manual_seed(0)
    """
    global _generator
    _generator = np.random.default_rng(int(seed))
    return _generator


def default_generator() -> np.random.Generator:
    """The generator random ops use when none is passed."""
    return _generator
