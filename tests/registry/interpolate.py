"""Registry entries for interpolation: `F.interpolate` by mode family, and PyTorch's deprecated
spellings `F.upsample`, `F.upsample_nearest`, `F.upsample_bilinear` (align_corners=True).

The samplers skip the few geometries where PyTorch's own backward is not the adjoint of its
forward (tests/test_interpolate.py checks ours there against central differences instead):
'nearest' given a scale factor whose output size is the input's or twice it (PyTorch's backward
copies or halves the index, most of its forwards do not) or in float64 (its backward picks
samples in float32), bicubic and anti-aliased resizes given a scale factor whose output size is
the input's; and PyTorch's anti-aliased kernel's zeros for an output width of 1 under a changed
height.
"""

from __future__ import annotations

import warnings

import numpy as np
import torch
import torch.nn.functional as TF

from minitorch.errors import DomainError, DTypeError, ShapeError
from minitorch.ops.interpolate import interpolate, upsample, upsample_bilinear, upsample_nearest

from .spec import ErrorCase, OpCase, OpSpec

SPATIAL_MODES = {"linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3, "lanczos": 2}
FACTORS = (0.5, 0.7, 1.0, 1.3, 1.5, 2.0, 2.5, 3.0, 1 / 3)


def _torch_trusted(shape, kwargs) -> bool:
    """False where PyTorch's backward is not its forward's adjoint, <g, F(x)> != <F^T(g), x>
    (or its forward is wrong), and for empty outputs (refused, or 'area''s backward raises)."""
    rng = np.random.default_rng(len(shape))
    x = torch.tensor(rng.standard_normal(shape), requires_grad=True)
    try:
        y = TF.interpolate(x, **kwargs)
    except RuntimeError:  # an empty output size
        return False
    if y.numel() == 0:
        return False
    if kwargs.get("antialias") and y.shape[-1] == 1 and y.shape[-2] != shape[-2]:
        return False  # PyTorch's anti-aliased kernel gives zeros there (tests/test_interpolate.py)
    g = torch.tensor(rng.standard_normal(tuple(y.shape)))
    y.backward(g)
    forward, adjoint = float((y.detach() * g).sum()), float((x.grad * x.detach()).sum())
    return abs(forward - adjoint) <= 1e-9 * (1 + abs(forward))


def _draw(rng, small, modes, extra=None):
    """A random case of one of `modes`: shape, size or scale factor (with or without
    recompute), align_corners where the mode takes it; `extra(rng, mode, kwargs)` adds more."""
    while True:
        mode = modes[int(rng.integers(0, len(modes)))]
        dims = SPATIAL_MODES.get(mode) or int(rng.integers(1, 4))
        high = 5 if small or dims == 3 else 9
        shape = (int(rng.integers(1, 3)), int(rng.integers(1, 3))) + tuple(int(s) for s in rng.integers(1, high, size=dims))
        kwargs = {"mode": mode}
        if rng.random() < 0.5:
            sizes = tuple(int(s) for s in rng.integers(1, high + 3, size=dims))
            kwargs["size"] = sizes if dims > 1 or rng.random() < 0.5 else sizes[0]
        else:
            factors = tuple(float(rng.choice(FACTORS)) for _ in range(dims))
            kwargs["scale_factor"] = factors if rng.random() < 0.6 else factors[0]
            if rng.random() < 0.6:
                kwargs["recompute_scale_factor"] = bool(rng.random() < 0.5)
        if mode in SPATIAL_MODES and rng.random() < 0.7:
            kwargs["align_corners"] = bool(rng.random() < 0.5)
        if extra is not None:
            extra(rng, mode, kwargs)
        if _torch_trusted(shape, kwargs):
            return OpCase([rng.standard_normal(shape)], kwargs)


def _sampler(modes, extra=None):
    return lambda rng, small: _draw(rng, small, modes, extra)


def _antialias(rng, mode, kwargs):
    if mode == "lanczos":  # anti-aliased only, corners never aligned
        kwargs["antialias"] = True
        if kwargs.get("align_corners"):
            del kwargs["align_corners"]
    elif rng.random() < 0.5:
        kwargs["antialias"] = True


def _faced(face, torch_face):
    """ours and PyTorch's deprecated face, their deprecation warnings silenced."""

    def ours(x, **kwargs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return face(x, **kwargs)

    def reference(x, **kwargs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return torch_face(x, **kwargs)

    return ours, reference


def _face_sampler(modes, mode_argument):
    """Cases of a deprecated face: no recompute_scale_factor or antialias; the mode passed only
    to `upsample` (the others fix theirs)."""

    def sample(rng, small):
        while True:
            case = _draw(rng, small, modes)
            kwargs = dict(case.kwargs)
            if "recompute_scale_factor" in kwargs:
                continue
            if not mode_argument:
                del kwargs["mode"]
                kwargs.pop("align_corners", None)
            return OpCase(case.inputs, kwargs)

    return sample


def _edge(shape, **kwargs):
    return OpCase([np.random.default_rng(sum(shape)).standard_normal(shape)], kwargs)


BAD = [
    ErrorCase([np.zeros((1, 1, 4))], {"size": 2, "scale_factor": 2.0}, ShapeError, ("interpolate", "not both")),
    ErrorCase([np.zeros((1, 1, 4))], {}, ShapeError, ("interpolate", "size", "scale_factor")),
    ErrorCase([np.zeros((1, 1, 4))], {"size": 8, "align_corners": True}, DomainError, ("interpolate", "align_corners", "'nearest'")),
    ErrorCase([np.zeros((1, 1, 4))], {"size": 8, "mode": "bilinear"}, ShapeError, ("interpolate", "'bilinear'", "(1, 1, 4)", "'linear'")),
    ErrorCase([np.zeros((1, 1, 4, 4))], {"size": 8, "mode": "trilinear"}, ShapeError, ("interpolate", "5-D", "'bilinear'")),
    ErrorCase([np.zeros((1, 1, 4, 4))], {"size": (2, 3, 4)}, ShapeError, ("interpolate", "(2, 3, 4)", "2 spatial")),
    ErrorCase([np.zeros((1, 1, 4))], {"scale_factor": (2.0, 2.0)}, ShapeError, ("interpolate", "scale_factor", "1 spatial")),
    ErrorCase([np.zeros((1, 1, 4))], {"size": 2.5}, DTypeError, ("interpolate", "size", "2.5")),
    ErrorCase([np.zeros((1, 1, 4))], {"scale_factor": "2"}, DTypeError, ("interpolate", "scale_factor")),
    ErrorCase([np.zeros((1, 1, 4))], {"scale_factor": float("nan")}, DomainError, ("interpolate", "finite")),
    ErrorCase([np.zeros((1, 1, 4))], {"size": 3, "mode": "cubic"}, DomainError, ("interpolate", "'cubic'", "bicubic")),
    ErrorCase([np.zeros((1, 1, 4))], {"size": 3, "mode": "linear", "antialias": True}, DomainError, ("interpolate", "antialias")),
    ErrorCase([np.zeros((1, 1, 4))], {"size": 3, "recompute_scale_factor": True}, DomainError, ("interpolate", "recompute_scale_factor")),
    ErrorCase([np.zeros((1, 1, 4, 4))], {"size": 3, "mode": "lanczos"}, DomainError, ("interpolate", "lanczos", "antialias=True")),
    ErrorCase([np.zeros((1, 1, 4, 4))], {"size": 3, "mode": "lanczos", "antialias": True, "align_corners": True}, DomainError,
              ("interpolate", "lanczos", "align_corners")),
    ErrorCase([np.zeros((4, 4))], {"size": 3}, ShapeError, ("interpolate", "(4, 4)", "(N, C, W)")),
    ErrorCase([np.zeros((1, 1, 4))], {"size": 0, "mode": "linear"}, ShapeError, ("interpolate", "(0,)", "positive")),
    ErrorCase([np.zeros((1, 1, 4))], {"scale_factor": 0.2}, ShapeError, ("interpolate", "(0,)", "positive")),
    ErrorCase([np.zeros((1, 1, 0))], {"size": 2, "mode": "area"}, ShapeError, ("interpolate", "(0,)", "positive")),
]

OPS = [
    OpSpec(
        "interpolate_nearest",
        interpolate,
        TF.interpolate,
        _sampler(("nearest", "nearest-exact")),
        edges=(
            _edge((1, 2, 3, 4), scale_factor=(2.1, 1.2), mode="nearest"),  # 2-D: O = 2I and O = I copy
            _edge((1, 2, 3, 4), scale_factor=(2.0, 1.0), mode="nearest"),
            _edge((2, 1, 7), size=3, mode="nearest"),
            _edge((2, 1, 7), size=3, mode="nearest-exact"),
            _edge((1, 1, 5), scale_factor=2.3, mode="nearest"),
            _edge((1, 1, 5), scale_factor=2.3, mode="nearest-exact"),
            _edge((1, 2, 1, 3, 2), size=(4, 1, 3), mode="nearest"),
        ),
        errors=BAD,
    ),
    OpSpec(
        "interpolate_linear",
        interpolate,
        TF.interpolate,
        _sampler(("linear", "bilinear", "trilinear")),
        edges=(
            _edge((1, 2, 7, 9), size=(3, 4), mode="bilinear"),  # shrink by non-integer factors
            _edge((1, 2, 7, 9), size=(3, 4), mode="bilinear", align_corners=True),
            _edge((1, 2, 4, 5), scale_factor=1.7, mode="bilinear"),
            _edge((1, 2, 4, 5), scale_factor=1.7, mode="bilinear", recompute_scale_factor=True),
            _edge((2, 1, 5), scale_factor=1.3, mode="linear"),
            _edge((2, 1, 5), scale_factor=1.3, mode="linear", recompute_scale_factor=True),
            _edge((2, 1, 5), size=1, mode="linear"),  # out size 1
            _edge((2, 1, 5), size=1, mode="linear", align_corners=True),
            _edge((2, 1, 1), size=4, mode="linear"),  # in size 1
            _edge((2, 1, 1), size=4, mode="linear", align_corners=True),
            _edge((1, 1, 2, 3, 4), size=(3, 5, 2), mode="trilinear", align_corners=True),
            _edge((1, 1, 2, 3, 4), scale_factor=(1.5, 0.7, 2.0), mode="trilinear"),
        ),
    ),
    OpSpec(
        "interpolate_bicubic_antialias",
        interpolate,
        TF.interpolate,
        _sampler(("bilinear", "bicubic"), _antialias),
        edges=(
            _edge((1, 2, 9, 7), size=(2, 3), mode="bicubic"),
            _edge((1, 2, 9, 7), size=(2, 3), mode="bicubic", align_corners=True),
            _edge((1, 2, 3, 4), scale_factor=2.5, mode="bicubic"),
            _edge((1, 2, 9, 12), size=(3, 4), mode="bilinear", antialias=True),  # averaging 3 x 3
            _edge((1, 2, 9, 12), size=(4, 5), mode="bicubic", antialias=True),
            _edge((1, 2, 9, 12), size=(4, 5), mode="bicubic", antialias=True, align_corners=True),
            _edge((1, 2, 3, 4), size=(7, 9), mode="bilinear", antialias=True),  # growing: plain bilinear
        ),
    ),
    OpSpec(
        "interpolate_lanczos",
        interpolate,
        TF.interpolate,
        _sampler(("lanczos",), _antialias),
        edges=(
            _edge((1, 2, 13, 11), size=(4, 5), mode="lanczos", antialias=True),
            _edge((1, 2, 4, 3), scale_factor=(2.5, 1.5), mode="lanczos", antialias=True, align_corners=False),
        ),
    ),
    OpSpec(
        "interpolate_area",
        interpolate,
        TF.interpolate,
        _sampler(("area",)),
        edges=(
            _edge((1, 2, 7, 5), size=(3, 2), mode="area"),  # overlapping windows
            _edge((1, 2, 3), size=7, mode="area"),
            _edge((1, 1, 3, 4, 5), size=(2, 3, 2), mode="area"),
            _edge((1, 1, 5), scale_factor=0.5, mode="area"),
        ),
    ),
    OpSpec("upsample", *_faced(upsample, TF.upsample), _face_sampler(("nearest", "linear", "bilinear", "bicubic"), True)),
    OpSpec("upsample_nearest", *_faced(upsample_nearest, TF.upsample_nearest), _face_sampler(("nearest",), False)),
    OpSpec("upsample_bilinear", *_faced(upsample_bilinear, TF.upsample_bilinear), _face_sampler(("bilinear",), False)),
]
