"""Registry entry for `pad` (torch.nn.functional.pad) in its four modes."""

from __future__ import annotations

import numpy as np
import torch

from minitorch.errors import ShapeError
from minitorch.ops.pad import PAD_MODES, pad

from .spec import ErrorCase, OpCase, OpSpec


def _pad(rng, small):
    mode = PAD_MODES[int(rng.integers(0, len(PAD_MODES)))]
    n = int(rng.integers(1, 4))  # padded dims
    lead = int(rng.integers(1, 3)) if mode != "constant" else int(rng.integers(0, 3))
    shape = tuple(int(s) for s in rng.integers(1, 3, size=lead)) + tuple(
        int(s) for s in rng.integers(2, 4 if small else 6, size=n)
    )
    pads = []
    for size in reversed(shape[-n:]):
        if mode == "constant":
            pair = rng.integers(-1, 3, size=2)
        else:
            limit = {"reflect": size - 1, "circular": size}.get(mode, size + 2)
            pair = rng.integers(0, limit + 1, size=2)
        pads.extend(int(p) for p in pair)
    kwargs = {"pad": tuple(pads), "mode": mode}
    if mode == "constant" and rng.random() < 0.5:
        kwargs["value"] = float(rng.standard_normal())
    return OpCase([rng.standard_normal(shape)], kwargs)


def _pad_edges():
    """The largest pads each mode allows (reflect: size - 1, circular: size), no padding at all,
    and a constant crop down to one element."""
    x = np.random.default_rng(700).standard_normal((2, 2, 4, 3))
    return [
        OpCase([x], {"pad": (2, 2, 3, 3), "mode": "reflect"}),
        OpCase([x], {"pad": (3, 3, 4, 4), "mode": "circular"}),
        OpCase([x], {"pad": (5, 0, 0, 6), "mode": "replicate"}),
        OpCase([x], {"pad": (0, 0, 0, 0), "mode": "constant"}),
        OpCase([x], {"pad": (-1, -1, -3, 0), "value": 2.5}),
    ]


OPS = [
    OpSpec(
        "pad",
        pad,
        lambda x, **kw: torch.nn.functional.pad(x, **kw),
        _pad,
        edges=_pad_edges(),
        errors=(
            ErrorCase([np.zeros((1, 2, 3))], {"pad": (1,)}, ShapeError, ("pad", "even-length")),
            ErrorCase([np.zeros((3,))], {"pad": (1, 1, 1, 1)}, ShapeError, ("pad", "only 1 dims")),
            ErrorCase([np.zeros((1, 2, 3))], {"pad": (1, 1), "mode": "wrap"}, ShapeError, ("pad", "mode must be")),
            ErrorCase([np.zeros((1, 2, 3))], {"pad": (3, 0), "mode": "reflect"}, ShapeError, ("pad", "[0, 2]", "size 3")),
            ErrorCase([np.zeros((1, 2, 3))], {"pad": (4, 0), "mode": "circular"}, ShapeError, ("pad", "[0, 3]")),
            ErrorCase([np.zeros((3,))], {"pad": (1, 1), "mode": "replicate"}, ShapeError, ("pad", "(N, C, *d)")),
            ErrorCase([np.zeros((1, 2, 3))], {"pad": (-1, 0), "mode": "replicate"}, ShapeError, ("pad", "crop")),
            ErrorCase([np.zeros((1, 2, 3))], {"pad": (1, 1), "mode": "reflect", "value": 2.0}, ShapeError, ("value",)),
            ErrorCase([np.zeros((1, 2, 3))], {"pad": (-2, -2)}, ShapeError, ("pad", "crop more than dim 2")),
            ErrorCase([np.zeros((1, 2, 4))], {"pad": (2, -5)}, ShapeError, ("pad", "size 4")),
        ),
    ),
]
