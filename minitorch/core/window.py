"""Sliding windows: one geometry and one zero-copy view under convolution, pooling and `tile`.

A `Window` describes the windows over the spatial dims (D, H, W) of a (P, D, H, W) stack of
planes (1-D and 2-D cases use size-1 leading dims). Along each dim, output position o reads
the taps start(o) + t * dilation, t < kernel, where

    start(o) = o * stride - padding                  (ordinary windows)
    start(o) = floor(o * I / O),  width ceil((o + 1) * I / O) - start(o)   (adaptive windows)

and taps outside the input are padding. `window_view` shows every window of a padded array
as a (P, OD, OH, OW, KD, KH, KW) view (`as_strided`, no copy); adaptive windows are rows of the
stride-1 view, taken with their trailing taps masked. `window_fold` is the view's adjoint: it
adds window entries back onto the positions they were read from. Convolution's unfold is this
view copied to a matrix, pooling reduces over its kernel axes, and `tile` is the view with
stride = kernel; the fast backend's numba kernels are measured speed-ups of the same maps,
tested against these functions.

Everything here is written against an array namespace `xp` (numpy, or a device library with
the same API), so every backend can use it as its generic fallback.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Tuple

__all__ = ["Window", "window_view", "window_fold", "tap_mask", "tap_positions"]

Triple = Tuple[int, int, int]


@dataclass(frozen=True)
class Window:
    """The windows of one convolution or pooling, in canonical 3-D spatial form.

    kernel, stride, dilation: per spatial dim (D, H, W); for adaptive windows `kernel` is the
    widest window and stride, dilation are 1.
    padding: the low (leading) padding per dim; the high side is implied by out_size.
    in_size, out_size: spatial sizes of the input and of the output.
    adaptive: windows start at floor(o I / O) and end at ceil((o + 1) I / O) (PyTorch's
    adaptive pooling) instead of o * stride - padding.
    """

    kernel: Triple
    stride: Triple
    dilation: Triple
    padding: Triple
    in_size: Triple
    out_size: Triple
    adaptive: bool = False

    def starts(self, dim: int) -> Tuple[int, ...]:
        """The first tap (input coordinate, may be negative) of every output position along `dim`."""
        size, out = self.in_size[dim], self.out_size[dim]
        if self.adaptive:
            return tuple((o * size) // out for o in range(out))
        return tuple(o * self.stride[dim] - self.padding[dim] for o in range(out))

    def widths(self, dim: int) -> Tuple[int, ...]:
        """How many taps each output position along `dim` has (kernel, or the adaptive width)."""
        size, out = self.in_size[dim], self.out_size[dim]
        if self.adaptive:
            return tuple(-((-(o + 1) * size) // out) - (o * size) // out for o in range(out))
        return (self.kernel[dim],) * out

    @property
    def padded_size(self) -> Triple:
        """Per dim: big enough for the input after the low padding and for every window's taps."""
        if self.adaptive:
            d, h, w = (i + k - 1 for i, k in zip(self.in_size, self.kernel))
            return d, h, w
        d, h, w = (
            max(p + i, (o - 1) * s + (k - 1) * d + 1)
            for i, k, s, d, p, o in zip(self.in_size, self.kernel, self.stride, self.dilation, self.padding, self.out_size)
        )
        return d, h, w

    @property
    def view_size(self) -> Triple:
        """Output positions of the strided view: out_size, or every stride-1 start for adaptive windows."""
        return self.in_size if self.adaptive else self.out_size


def _pad(xp: Any, x: Any, window: Window, fill: float) -> Any:
    """(P, D, H, W) -> (P, *padded_size) with `fill` around the input (no copy when nothing is padded)."""
    size = window.padded_size
    if tuple(x.shape[1:]) == size and window.padding == (0, 0, 0):
        return x
    padded = xp.full((x.shape[0], *size), fill, dtype=x.dtype)
    (pd, ph, pw), (d, h, w) = window.padding, window.in_size
    padded[:, pd : pd + d, ph : ph + h, pw : pw + w] = x
    return padded


def window_view(xp: Any, x: Any, window: Window, fill: float = 0.0) -> Any:
    """Every window of the planes `x` (P, D, H, W), padded with `fill`: (P, OD, OH, OW, KD, KH, KW).

    A zero-copy strided view of the padded input for ordinary windows (a copy only when
    padding is needed); adaptive windows are gathered rows of the stride-1 view, and their
    taps past the window's end read neighbours (mask them with `tap_mask`).
    """
    padded = _pad(xp, x, window, fill)
    plane_stride = padded.strides[0]
    dim_strides = padded.strides[1:]
    shape = (padded.shape[0], *window.view_size, *window.kernel)
    strides = (
        plane_stride,
        *(s * st for s, st in zip(window.stride, dim_strides)),
        *(d * st for d, st in zip(window.dilation, dim_strides)),
    )
    view = xp.lib.stride_tricks.as_strided(padded, shape=shape, strides=strides)
    if not window.adaptive:
        return view
    for dim in range(3):
        starts = xp.asarray(window.starts(dim), dtype=xp.int64)
        view = xp.take(view, starts, axis=1 + dim)  # (P, ..., O_dim, ..., K...)
    return view


def tap_mask(xp: Any, window: Window) -> Any:
    """(OD, OH, OW, KD, KH, KW) bool: which taps of which window read the input (not padding,
    not past an adaptive window's end)."""
    masks = []
    for dim in range(3):
        starts, widths = window.starts(dim), window.widths(dim)
        size, dilation = window.in_size[dim], window.dilation[dim]
        rows = [
            [t < width and 0 <= start + t * dilation < size for t in range(window.kernel[dim])]
            for start, width in zip(starts, widths)
        ]
        masks.append(xp.asarray(rows, dtype=bool))  # (O_dim, K_dim)
    d, h, w = masks
    # (OD, KD) x (OH, KH) x (OW, KW) -> (OD, OH, OW, KD, KH, KW)
    return d[:, None, None, :, None, None] & h[None, :, None, None, :, None] & w[None, None, :, None, None, :]


def tap_positions(xp: Any, window: Window) -> Any:
    """(OD, OH, OW, KD, KH, KW) int64: the flat position in a (D, H, W) plane each tap reads
    (meaningless where `tap_mask` is False)."""
    coords = []
    for dim in range(3):
        rows = [[start + t * window.dilation[dim] for t in range(window.kernel[dim])] for start in window.starts(dim)]
        coords.append(xp.asarray(rows, dtype=xp.int64))  # (O_dim, K_dim)
    d, h, w = coords
    _, height, width = window.in_size
    return (
        d[:, None, None, :, None, None] * (height * width)
        + h[None, :, None, None, :, None] * width
        + w[None, None, :, None, None, :]
    )


def window_fold(xp: Any, windows: Any, window: Window) -> Any:
    """The adjoint of `window_view`: (P, OD, OH, OW, KD, KH, KW) -> (P, D, H, W), every entry
    added onto the input position it was read from (entries read from padding are dropped)."""
    planes = windows.shape[0]
    padded = xp.zeros((planes, *window.padded_size), dtype=windows.dtype)
    if window.adaptive:
        # scatter each window back to its stride-1 start, one dim at a time (starts repeat when O > I)
        for dim in range(3):
            shape = list(windows.shape)
            shape[1 + dim] = window.view_size[dim]
            full = xp.zeros(tuple(shape), dtype=windows.dtype)
            for o, start in enumerate(window.starts(dim)):
                index = (slice(None),) * (1 + dim)
                full[index + (start,)] += windows[index + (o,)]
            windows = full
    view_size = window.view_size
    kd_size, kh_size, kw_size = window.kernel
    for kd in range(kd_size):
        for kh in range(kh_size):
            for kw in range(kw_size):
                # the positions tap (kd, kh, kw) of every window reads: one strided slice
                index = tuple(
                    slice(k * d, k * d + s * (o - 1) + 1, s)
                    for k, d, s, o in zip((kd, kh, kw), window.dilation, window.stride, view_size)
                )
                padded[(slice(None),) + index] += windows[:, :, :, :, kd, kh, kw]
    (pd, ph, pw), (d, h, w) = window.padding, window.in_size
    return padded[:, pd : pd + d, ph : ph + h, pw : pw + w]
