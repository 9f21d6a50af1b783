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

Data-parallel training (minitorch.distributed) runs one global batch as several row shards,
one per process. Inside `batch_rows(start, stop, total)`, a per-example draw (`batch_random`,
used by dropout) of a shard's `stop - start` rows draws for all `total` rows of the global
batch and keeps rows start:stop (or, from a generator just keyed by `default_generator()`, skips
the rows before start and draws only its own), so every process advances the stream exactly as
one process with the whole batch would, and each shard gets that process's mask rows.

Example:
    >>> _ = manual_seed(0); a = minitorch.rand((3,)).to_numpy().tolist()
    >>> random.seed(0); b = minitorch.rand((3,)).to_numpy().tolist()
    >>> a == b
    True
"""

from __future__ import annotations

import math
import random
from contextlib import contextmanager
from typing import Any, Iterator, Optional, Tuple

import numpy as np

__all__ = ["manual_seed", "default_generator", "get_rng_state", "set_rng_state", "batch_rows", "batch_random"]

_bit_generator = np.random.PCG64()
_generator = np.random.Generator(_bit_generator)
_MASK_128 = (1 << 128) - 1
_batch_rows: Optional[Tuple[int, int, int]] = None  # (start, stop, total) inside batch_rows()


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


@contextmanager
def batch_rows(start: int, stop: int, total: int) -> Iterator[None]:
    """Within this block, batch-shaped draws are rows start:stop of a draw for `total` rows.

    Example:
        >>> with batch_rows(2, 4, 8):
        ...     batch_random(np.random.default_rng(0), (2, 3)).shape
        (2, 3)
    """
    global _batch_rows
    if not 0 <= start <= stop <= total:
        raise ValueError(f"batch_rows: need 0 <= start <= stop <= total, got ({start}, {stop}, {total})")
    outer, _batch_rows = _batch_rows, (int(start), int(stop), int(total))
    try:
        yield
    finally:
        _batch_rows = outer


def batch_random(rng: np.random.Generator, shape: Tuple[int, ...], dtype: Any = np.float64,
                 fresh: bool = False) -> np.ndarray:
    """Uniform [0, 1) numbers of `shape` (N, *), drawn as in `batch_rows` when inside one.

    `fresh`: `rng` was just keyed by `default_generator()` and nothing reads its state after
    this draw (the next random op keys it anew), so a shard need not draw the other rows: it
    skips the numbers before its rows (`PCG64.advance`, one 64-bit step per float64, per two
    float32) and draws only its own -- the same numbers, at the cost of its rows only.
    """
    if _batch_rows is None or not shape:
        return rng.random(shape, dtype=dtype)
    start, stop, total = _batch_rows
    if shape[0] != stop - start:
        raise ValueError(f"a per-example random draw of shape {tuple(shape)} inside batch_rows({start}, {stop}, "
                         f"{total}): its leading dim should be the shard's {stop - start} rows; keep the batch "
                         f"dim first where dropout is applied in data-parallel training")
    dtype = np.dtype(dtype)
    if fresh and rng is _generator and dtype in (np.float32, np.float64):
        before = start * math.prod(shape[1:])  # numbers of the rows before this shard's
        if dtype == np.float64:
            _bit_generator.advance(before)
        else:  # float32 takes the low, then the high half of each 64-bit step
            _bit_generator.advance(before // 2)
            if before % 2:
                rng.random(1, dtype=dtype)
        return rng.random(shape, dtype=dtype)
    return rng.random((total, *shape[1:]), dtype=dtype)[start:stop]
