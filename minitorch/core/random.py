"""The library's random source (rand, randn, dropout masks, weight initialisation), seedable two ways.

The MiniTorch course's `rand` draws from Python's `random`, and its tests seed that
(`random.seed(s)`, or hypothesis doing it per example); PyTorch users call `manual_seed(s)`.
Both work here because there is one stream, Python's global `random`: each random op asks
`default_generator()`, which re-keys a numpy PCG64 generator from 256 fresh bits of `random`
(about 2 us) and returns it, so the op draws its whole array at numpy speed. Hence

* `random.seed(s)` alone makes `rand`, dropout masks and weight init repeat exactly;
* `manual_seed(s)` alone does too: it seeds Python's `random` with `s` (so it also reseeds
  code of yours that draws from `random`, as the course's code does; `torch.manual_seed` leaves
  `random` alone -- see README "Differences from PyTorch").

`get_rng_state()` / `set_rng_state(state)` save and restore the stream (Python's random state)
for exact resumption. An explicit `generator=` (a numpy Generator) passed to an op bypasses
all of this.

Example:
    >>> _ = manual_seed(0); a = minitorch.rand((3,)).to_numpy().tolist()
    >>> random.seed(0); b = minitorch.rand((3,)).to_numpy().tolist()
    >>> a == b
    True
"""

from __future__ import annotations

import random
from typing import Any, Tuple

import numpy as np

__all__ = ["manual_seed", "default_generator", "get_rng_state", "set_rng_state"]

_bit_generator = np.random.PCG64()
_generator = np.random.Generator(_bit_generator)
_MASK_128 = (1 << 128) - 1


def manual_seed(seed: int) -> np.random.Generator:
    """Seed the library's random stream (Python's `random`) with `seed`; returns the generator.

    Example:
        >>> _ = manual_seed(0)
    """
    random.seed(int(seed))
    return _generator  # not re-keyed here: manual_seed(s) and random.seed(s) leave the same stream


def default_generator() -> np.random.Generator:
    """The generator random ops use when none is passed, freshly keyed from Python's `random`."""
    bits = random.getrandbits(256)
    _bit_generator.state = {
        "bit_generator": "PCG64",
        "state": {"state": bits & _MASK_128, "inc": (bits >> 128) | 1},  # the increment must be odd
        "has_uint32": 0,
        "uinteger": 0,
    }
    return _generator


def get_rng_state() -> Tuple[Any, ...]:
    """The state of the library's random stream (Python's `random.getstate()`)."""
    return random.getstate()


def set_rng_state(state: Any) -> None:
    """Restore a state from `get_rng_state` (lists from a checkpoint are accepted for tuples)."""
    version, internal, gauss_next = state
    random.setstate((int(version), tuple(int(v) for v in internal), gauss_next))
