"""Which input samples each output sample of one resized dim reads, and with which weights:
PyTorch's source-index rules (its CPU kernels, `aten/src/ATen/native/UpSample.h` and
`UpSampleKernel.cpp`), down to the arithmetic that picks the samples: source positions are
computed in the input's dtype (in float32 for the nearest modes' small 2-D outputs, as PyTorch's
kernel for them does) and floored after rounding to float32, as PyTorch's `floorf` does.

A dim of input size I resized to O samples is `(index, weight)`: output sample o is
sum_k weight[k, o] * x[index[k, o]] (k taps: 1 for the nearest modes, whose weight is None, 2
for linear, 4 for bicubic, a window's worth for 'area' and the anti-aliased filters, lanczos
among them). `dim_taps` chooses the rule; `ops/interpolate.py` applies the taps of every
resized dim.

Shape:
    index: (k, O) int64 in [0, I); weight: (k, O) of the input's real dtype, or None.
"""

from __future__ import annotations

import math
from typing import Any, Optional, Tuple

__all__ = ["dim_taps"]

_LINEAR_MODES = ("linear", "bilinear", "trilinear")
_CUBIC_A = -0.75  # PyTorch's (and OpenCV's) bicubic convolution parameter
_AA_CUBIC_A = -0.5  # the anti-aliased bicubic filter's (Pillow's)
_AA_HALF_WIDTH = {"bilinear": 1.0, "bicubic": 2.0, "lanczos": 3.0}  # the anti-aliased filters' half-widths

Taps = Tuple[Any, Optional[Any]]


def dim_taps(xp: Any, in_size: int, out_size: int, scale: Optional[float], mode: str, align_corners: bool,
             antialias: bool, small_2d: bool, real: Any) -> Optional[Taps]:
    """The (index, weight) of one dim, or None where PyTorch copies the dim unchanged.

    `scale` is the user's scale factor where PyTorch's kernels use it (else None: the sizes
    decide); `real` is the dtype the kernels compute in (the input's float dtype); `small_2d`:
    a 2-D resize to H_out + W_out <= 128, which PyTorch's CPU kernel for the nearest modes
    computes another way (its channels-last kernel, which it prefers there)."""
    if in_size == out_size and (scale is None or antialias or mode in _LINEAR_MODES or mode == "area"):
        return None  # PyTorch copies: these sizes and modes read sample o for output o
    if mode in ("nearest", "nearest-exact"):
        real = xp.float32 if small_2d else real  # that kernel picks in float32 whatever the dtype
        if mode == "nearest":
            return _nearest(xp, in_size, out_size, scale, small_2d, real), None
        return _nearest_exact(xp, in_size, out_size, scale, real), None
    if mode == "area":
        return _area(xp, in_size, out_size, real)
    if antialias:
        return _antialiased(xp, in_size, out_size, scale, align_corners, mode, real)
    if mode == "bicubic":
        return _cubic(xp, in_size, out_size, scale, align_corners, real)
    return _linear(xp, in_size, out_size, scale, align_corners, real)


def _scale(in_size: int, out_size: int, scale: Optional[float], align_corners: bool, real: Any) -> Any:
    """Input samples per output sample, in `real` (PyTorch's `area_pixel_compute_scale`):
    (I - 1) / (O - 1) aligning corners, else 1 / scale_factor (divided in double, then rounded)
    or real(I) / real(O)."""
    if align_corners:
        return real(in_size - 1) / real(out_size - 1) if out_size > 1 else real(0)
    return real(1.0 / scale) if scale else real(in_size) / real(out_size)


def _nearest(xp: Any, in_size: int, out_size: int, scale: Optional[float], small_2d: bool, real: Any) -> Any:
    """'nearest': sample floor(o s), computed in `real`, floored in float32 (float32 rounding
    decides some samples), PyTorch's legacy rule. Its small 2-D kernel reads sample o when
    O == I and o // 2 when O == 2 I, whatever the scale factor; its other kernels do so only in
    their backward (here the gradient is always this forward's adjoint)."""
    o = xp.arange(out_size, dtype=xp.int64)
    if small_2d and out_size == in_size:
        return o[None]
    if small_2d and out_size == 2 * in_size:
        return (o // 2)[None]
    source = xp.floor((o.astype(real) * _scale(in_size, out_size, scale, False, real)).astype(xp.float32))  # floorf
    return xp.minimum(source.astype(xp.int64), in_size - 1)[None]


def _nearest_exact(xp: Any, in_size: int, out_size: int, scale: Optional[float], real: Any) -> Any:
    """'nearest-exact': sample floor((o + 1/2) s), computed in `real`, floored in float32, as
    Pillow and scipy's zoom choose."""
    o = xp.arange(out_size, dtype=real)
    source = xp.floor(((o + real(0.5)) * _scale(in_size, out_size, scale, False, real)).astype(xp.float32))  # floorf
    return xp.minimum(source.astype(xp.int64), in_size - 1)[None]


def _source(xp: Any, in_size: int, out_size: int, scale: Optional[float], align_corners: bool, cubic: bool,
            real: Any) -> Tuple[Any, Any]:
    """(first input sample, fraction t in [0, 1]) of each output sample's source position
    x = o s (align_corners) or (o + 1/2) s - 1/2, clamped at 0 except for bicubic."""
    o = xp.arange(out_size, dtype=real)
    s = _scale(in_size, out_size, scale, align_corners, real)
    if align_corners:
        source = o * s
    else:
        source = s * (o + real(0.5)) - real(0.5)
        if not cubic:
            source = xp.maximum(source, real(0))
    first = xp.minimum(xp.floor(source.astype(xp.float32)).astype(xp.int64), in_size - 1)  # floorf, as PyTorch
    fraction = xp.clip(source - first.astype(real), real(0), real(1))
    return first, fraction


def _linear(xp: Any, in_size: int, out_size: int, scale: Optional[float], align_corners: bool, real: Any) -> Taps:
    """Samples floor(x) and floor(x) + 1 (the last sample twice at the edge), weighed 1 - t and t."""
    first, t = _source(xp, in_size, out_size, scale, align_corners, False, real)
    second = first + (first < in_size - 1)
    return xp.stack([first, second]), xp.stack([1 - t, t])


def _cubic(xp: Any, in_size: int, out_size: int, scale: Optional[float], align_corners: bool, real: Any) -> Taps:
    """Keys' cubic convolution (a = -0.75) over samples floor(x) - 1 .. floor(x) + 2, edges replicated."""
    first, t = _source(xp, in_size, out_size, scale, align_corners, True, real)
    a = real(_CUBIC_A)

    def near(x: Any) -> Any:  # |x| <= 1
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x: Any) -> Any:  # 1 < |x| < 2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    weight = xp.stack([far(t + 1), near(t), near(1 - t), far(2 - t)])
    index = xp.stack([xp.clip(first + k, 0, in_size - 1) for k in (-1, 0, 1, 2)])
    return index, weight


def _antialiased(xp: Any, in_size: int, out_size: int, scale: Optional[float], align_corners: bool, mode: str,
                 real: Any) -> Taps:
    """PyTorch's (and Pillow's) anti-aliased resize: shrinking by s > 1 stretches the filter --
    triangle (bilinear), cubic with a = -0.5 (bicubic) or Lanczos-3, sinc(x) sinc(x / 3)
    (lanczos) -- s times, so it averages every input sample it covers; the weights of the
    samples inside the input are normalised to sum to 1."""
    s = _scale(in_size, out_size, scale, align_corners, real)
    half = real(_AA_HALF_WIDTH[mode])  # the filter's half-width at scale 1
    support = half * s if s >= 1 else half
    invscale = real(1) / s if s >= 1 else real(1)
    taps = 2 * math.ceil(float(support)) + 1
    center = s * (xp.arange(out_size, dtype=real) + real(0.5))  # (O,)
    first = xp.maximum(xp.trunc(center - support + real(0.5)).astype(xp.int64), 0)
    count = xp.clip(xp.minimum(xp.trunc(center + support + real(0.5)).astype(xp.int64), in_size) - first, 0, taps)
    k = xp.arange(taps, dtype=xp.int64)[:, None]  # (taps, 1)
    x = xp.abs((k + first - center + real(0.5)) * invscale)  # (taps, O): distances in filter units
    if mode == "bicubic":
        a = real(_AA_CUBIC_A)
        weight = xp.where(x < 1, ((a + 2) * x - (a + 3)) * x * x + 1, xp.where(x < 2, (((x - 5) * x + 8) * x - 4) * a, 0))
    elif mode == "lanczos":
        weight = xp.where(x < 3, _sinc(xp, x, real) * _sinc(xp, x / real(3), real), 0)
    else:
        weight = xp.maximum(real(1) - x, real(0))
    weight = xp.where(k < count, weight, real(0)).astype(real)
    total = weight.sum(axis=0)
    weight = weight / xp.where(total != 0, total, real(1))
    return xp.minimum(k + first, in_size - 1), weight


def _sinc(xp: Any, x: Any, real: Any) -> Any:
    """sin(pi x) / (pi x), 1 at 0 (Pillow's `sinc_filter`)."""
    zero = x == 0
    pix = xp.where(zero, real(1), x * real(math.pi))
    return xp.where(zero, real(1), xp.sin(pix) / pix)


def _area(xp: Any, in_size: int, out_size: int, real: Any) -> Taps:
    """'area' (adaptive average pooling, as PyTorch): the mean of samples
    floor(o I / O) .. ceil((o + 1) I / O) - 1; taps past a window's end weigh 0."""
    o = xp.arange(out_size, dtype=xp.int64)
    start = (o * in_size) // out_size
    end = ((o + 1) * in_size + out_size - 1) // out_size
    k = xp.arange(-(-in_size // max(out_size, 1)) + 1, dtype=xp.int64)[:, None]  # the widest window, + 1
    inside = start + k < end  # (k, O)
    weight = xp.where(inside, real(1) / (end - start).astype(real), real(0)).astype(real)
    return xp.minimum(start + k, end - 1), weight
