"""Window kernels written once over the array namespace: the generic fallbacks of every backend.

Convolution's im2col / col2im and max / average pooling, built from the one sliding-window
view of `core/window.py` (`window_view`, its adjoint `window_fold`, `tap_mask`). A backend
inherits these from `TensorOps` and may replace any of them with a faster kernel of the same
contract (the fast backend's numba kernels are tested against these). `xp` is the namespace
of the arrays passed in.

Layouts: conv input x (N, C, D, H, W), unrolled cols (C, KD, KH, KW, N, OD, OH, OW); pooling
planes x (P, D, H, W) with P = N * C, outputs (P, OD, OH, OW), `indices` the flat position
of each window's maximum in its (D, H, W) plane (-1 for a window with no input element).
"""

from __future__ import annotations

from typing import Any

from ..core.window import Window, tap_mask, tap_positions, window_fold, window_view
from .namespace import array_namespace, quiet

__all__ = [
    "unfold",
    "fold",
    "max_pool_forward",
    "max_pool_backward",
    "avg_pool_forward",
    "avg_pool_backward",
    "tile_forward",
    "tile_backward",
    "index_add",
]

_KERNEL_AXES = (-3, -2, -1)


def unfold(x: Any, window: Window, out: Any) -> None:
    """im2col: out[c, kd, kh, kw, n, od, oh, ow] = x[n, c, od*sd + kd*dd - pd, ...] (0 outside)."""
    xp = array_namespace(x)
    n_batch, channels = x.shape[:2]
    planes = x.reshape(n_batch * channels, *x.shape[2:])  # (N, C, D, H, W) -> (N*C, D, H, W)
    windows = window_view(xp, planes, window)  # (N*C, OD, OH, OW, KD, KH, KW)
    windows = windows.reshape(n_batch, channels, *windows.shape[1:])
    out[...] = windows.transpose(1, 5, 6, 7, 0, 2, 3, 4)  # -> (C, KD, KH, KW, N, OD, OH, OW)


def fold(cols: Any, window: Window, out: Any) -> None:
    """col2im, the adjoint of `unfold`: out[n, c, i] = sum of the entries of cols read from i."""
    xp = array_namespace(cols)
    channels, n_batch = cols.shape[0], cols.shape[4]
    windows = cols.transpose(4, 0, 5, 6, 7, 1, 2, 3)  # -> (N, C, OD, OH, OW, KD, KH, KW)
    windows = windows.reshape(n_batch * channels, *windows.shape[2:])
    out[...] = window_fold(xp, windows, window).reshape(out.shape)


def max_pool_forward(x: Any, window: Window, out: Any, indices: Any) -> None:
    """Window maxima (padding never wins; the first maximum in window order; NaN wins) and
    their flat positions; a window with no input element gives -inf at index -1."""
    xp = array_namespace(x)
    planes = x.shape[0]
    taps = window.kernel[0] * window.kernel[1] * window.kernel[2]
    windows = window_view(xp, x, window, -float("inf"))  # (P, O..., K...)
    windows = windows.reshape(planes, *window.out_size, taps)  # (P, O..., T): a copy
    mask = tap_mask(xp, window).reshape(*window.out_size, taps)  # (O..., T)
    with quiet(xp):
        key = xp.where(mask, windows, -float("inf"))
    best = xp.argmax(key, axis=-1)[..., None]  # (P, O..., 1): the first maximum, or the first NaN
    # a window whose maximum is -inf may have picked padding: take its first input tap instead
    first_valid = xp.argmax(mask, axis=-1)[None, ..., None] + xp.zeros_like(best)
    picked_valid = xp.take_along_axis(xp.broadcast_to(mask, key.shape), best, axis=-1)
    best = xp.where(picked_valid, best, first_valid)
    values = xp.take_along_axis(key, best, axis=-1)[..., 0]
    positions = xp.broadcast_to(tap_positions(xp, window).reshape(*window.out_size, taps), key.shape)
    found = xp.take_along_axis(positions, best, axis=-1)[..., 0]
    empty = ~xp.any(mask, axis=-1)  # (O...): windows entirely in the padding
    out[...] = xp.where(empty, -float("inf"), values)
    indices[...] = xp.where(empty, -1, found)


def max_pool_backward(grad_out: Any, indices: Any, grad_in: Any) -> None:
    """grad_in[p, indices[p, o]] += grad_out[p, o] for (P, O) grad_out / indices and a zeroed
    (P, S) grad_in; index -1 receives nothing."""
    xp = array_namespace(grad_out)
    planes, size = grad_in.shape
    offsets = xp.arange(planes, dtype=xp.int64)[:, None] * size  # (P, 1)
    valid = indices >= 0
    flat = (indices + offsets)[valid]
    index_add(grad_in.reshape(-1), flat, grad_out[valid])


def avg_pool_forward(x: Any, window: Window, scale: Any, out: Any) -> None:
    """Window sums (zero padding) times `scale` (OD, OH, OW), the reciprocal of each divisor."""
    xp = array_namespace(x)
    windows = window_view(xp, x, window)  # (P, O..., K...)
    if window.adaptive:  # taps past a window's end read its neighbours
        windows = xp.where(tap_mask(xp, window), windows, 0.0)
    out[...] = xp.sum(windows, axis=_KERNEL_AXES) * scale


def avg_pool_backward(grad_out: Any, window: Window, scale: Any, grad_in: Any) -> None:
    """The adjoint of `avg_pool_forward`: grad_in (P, D, H, W), zeroed by the caller, += fold(grad_out * scale)."""
    xp = array_namespace(grad_out)
    spread = (grad_out * scale)[..., None, None, None] * tap_mask(xp, window)  # (P, O..., K...)
    grad_in += window_fold(xp, spread.astype(grad_in.dtype), window)


def tile_forward(x: Any, out: Any) -> None:
    """MiniTorch's tile: out[b, c, i, j, a * kw + t] = x[b, c, i * kh + a, j * kw + t] for x
    (B, C, H, W) of any strides and out (B, C, H / kh, W / kw, kh * kw) (kh x kw blocks that
    tile x exactly)."""
    batch, channels, height, width = out.shape[:4]
    kh, kw = x.shape[2] // height, x.shape[3] // width
    # (B, C, H', kh, W', kw) -> (B, C, H', W', kh, kw): the window view with stride = kernel
    blocks = x.reshape(batch, channels, height, kh, width, kw).transpose(0, 1, 2, 4, 3, 5)
    out.reshape(batch, channels, height, width, kh, kw)[...] = blocks


def tile_backward(grad: Any, out: Any) -> None:
    """The adjoint of `tile_forward`: out (B, C, H, W) = grad (B, C, H / kh, W / kw, kh * kw)
    (any strides: stride 0 along the taps for a mean's gradient) put back where each entry was read."""
    batch, channels, height, width = grad.shape[:4]
    kh, kw = out.shape[2] // height, out.shape[3] // width
    blocks = grad.reshape(batch, channels, height, width, kh, kw).transpose(0, 1, 2, 4, 3, 5)
    out.reshape(batch, channels, height, kh, width, kw)[...] = blocks


def index_add(target: Any, index: Any, values: Any) -> None:
    """target[index[i]] += values[i] along the first axis, repeated indices accumulating."""
    xp = array_namespace(target)
    xp.add.at(target, index, values)
