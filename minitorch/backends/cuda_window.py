"""Window kernels on numba's CUDA target: im2col / col2im and pooling, one thread per output.

The same contracts as the generic kernels of `window_kernels.py` (the one window view of
`core/window.py`), which the tests compare these against:

* `unfold(x, window, out)`: out[c, kd, kh, kw, n, od, oh, ow] = x[n, c, od*sd + kd*dd - pd, ...]
  (0 in the padding): a gather, one thread per column entry.
* `fold(cols, window, out)`: its adjoint, also a gather: one thread per input position sums
  the column entries read from it (no atomics, so the sum order is fixed).
* `max_pool_forward` / `avg_pool_forward`: one thread per window; `max_pool_backward` and
  `avg_pool_backward` scatter each window's gradient with atomic adds (windows may overlap).
* `index_add(target, index, values)`: target[index[i]] += values[i] with atomic adds.

Arrays are CuPy arrays on a GPU (passed to numba without a copy) or numpy arrays under the
simulator; inputs may have any strides, outputs are C-contiguous (the frontend allocates them).
The pooling kernels see planes flattened, (P, D * H * W), and walk each window's taps in
row-major window order (`_tap`).
"""

from __future__ import annotations

import math
from typing import Any

from numba import cuda

from ..core.window import Window
from . import window_kernels
from .cuda import launch_1d
from .cuda_device import kernel_array

__all__ = [
    "unfold",
    "fold",
    "max_pool_forward",
    "max_pool_backward",
    "avg_pool_forward",
    "avg_pool_backward",
    "index_add",
]


@cuda.jit(device=True)
def _window_start(o, stride, padding, size, out_size, adaptive):  # pragma: no cover - device code
    """(first tap, number of taps) of output position o along one dim; taps step by dilation."""
    if adaptive:
        start = (o * size) // out_size
        return start, -((-(o + 1) * size) // out_size) - start
    return o * stride - padding, -1  # -1: the kernel size (taken by the caller)


@cuda.jit(cache=True)
def _unfold(x, out, kernel, stride, dilation, padding):  # pragma: no cover - device code
    channels, kd_size, kh_size, kw_size, batch, od_size, oh_size, ow_size = out.shape
    depth, height, width = x.shape[2], x.shape[3], x.shape[4]
    i = cuda.grid(1)
    while i < out.size:
        r = i
        ow = r % ow_size
        r //= ow_size
        oh = r % oh_size
        r //= oh_size
        od = r % od_size
        r //= od_size
        n = r % batch
        r //= batch
        kw = r % kw_size
        r //= kw_size
        kh = r % kh_size
        r //= kh_size
        kd = r % kd_size
        c = r // kd_size
        d = od * stride[0] + kd * dilation[0] - padding[0]
        h = oh * stride[1] + kh * dilation[1] - padding[1]
        w = ow * stride[2] + kw * dilation[2] - padding[2]
        if 0 <= d < depth and 0 <= h < height and 0 <= w < width:
            out[c, kd, kh, kw, n, od, oh, ow] = x[n, c, d, h, w]
        else:
            out[c, kd, kh, kw, n, od, oh, ow] = 0
        i += cuda.gridsize(1)


@cuda.jit(device=True)
def _source(position, k, dilation, stride, padding, out_size):  # pragma: no cover - device code
    """The output position whose tap k reads input `position` along one dim, or -1."""
    shifted = position + padding - k * dilation
    if shifted < 0 or shifted % stride != 0:
        return -1
    o = shifted // stride
    return o if o < out_size else -1


@cuda.jit(cache=True)
def _fold(cols, out, stride, dilation, padding):  # pragma: no cover - device code
    kd_size, kh_size, kw_size = cols.shape[1], cols.shape[2], cols.shape[3]
    od_size, oh_size, ow_size = cols.shape[5], cols.shape[6], cols.shape[7]
    batch, channels, depth, height, width = out.shape
    i = cuda.grid(1)
    while i < out.size:
        r = i
        w = r % width
        r //= width
        h = r % height
        r //= height
        d = r % depth
        r //= depth
        c = r % channels
        n = r // channels
        total = 0.0
        for kd in range(kd_size):
            od = _source(d, kd, dilation[0], stride[0], padding[0], od_size)
            if od < 0:
                continue
            for kh in range(kh_size):
                oh = _source(h, kh, dilation[1], stride[1], padding[1], oh_size)
                if oh < 0:
                    continue
                for kw in range(kw_size):
                    ow = _source(w, kw, dilation[2], stride[2], padding[2], ow_size)
                    if ow >= 0:
                        total += cols[c, kd, kh, kw, n, od, oh, ow]
        out[n, c, d, h, w] = total
        i += cuda.gridsize(1)


@cuda.jit(device=True)
def _window_of(i, windows_shape, plane_shape, kernel, stride, padding, adaptive):  # pragma: no cover
    """The i-th window of (P, OD, OH, OW) windows over (P, D, H, W) planes:
    (p, output position o, first tap and tap count per dim)."""
    ow = i % windows_shape[3]
    r = i // windows_shape[3]
    oh = r % windows_shape[2]
    r //= windows_shape[2]
    od = r % windows_shape[1]
    p = r // windows_shape[1]
    sd, nd = _window_start(od, stride[0], padding[0], plane_shape[1], windows_shape[1], adaptive)
    sh, nh = _window_start(oh, stride[1], padding[1], plane_shape[2], windows_shape[2], adaptive)
    sw, nw = _window_start(ow, stride[2], padding[2], plane_shape[3], windows_shape[3], adaptive)
    nd = kernel[0] if nd < 0 else nd
    nh = kernel[1] if nh < 0 else nh
    nw = kernel[2] if nw < 0 else nw
    return p, (od * windows_shape[2] + oh) * windows_shape[3] + ow, sd, nd, sh, nh, sw, nw


@cuda.jit(device=True)
def _tap(t, sd, nh, sh, nw, sw, dilation, plane_shape):  # pragma: no cover - device code
    """The flat plane position tap t (row-major over the window's KD x KH x KW taps) reads, or
    -1 when it falls in the padding."""
    d = sd + (t // (nh * nw)) * dilation[0]
    h = sh + ((t // nw) % nh) * dilation[1]
    w = sw + (t % nw) * dilation[2]
    if 0 <= d < plane_shape[1] and 0 <= h < plane_shape[2] and 0 <= w < plane_shape[3]:
        return (d * plane_shape[2] + h) * plane_shape[3] + w
    return -1


@cuda.jit(cache=True)
def _max_pool_forward(x, plane_shape, out, indices, out_shape, kernel, stride, dilation, padding, adaptive):  # pragma: no cover
    """x (P, S) and out / indices (P, O): the planes and windows, flattened."""
    i = cuda.grid(1)
    while i < out.size:
        p, o, sd, nd, sh, nh, sw, nw = _window_of(i, out_shape, plane_shape, kernel, stride, padding, adaptive)
        best = -math.inf
        at = -1
        for t in range(nd * nh * nw):  # window order: the first maximum wins ties
            position = _tap(t, sd, nh, sh, nw, sw, dilation, plane_shape)
            if position < 0:
                continue
            value = x[p, position]
            # the first tap, a larger value, or the first NaN (NaN wins, as in PyTorch)
            if at < 0 or value > best or (value != value and best == best):
                best = value
                at = position
        out[p, o] = best
        indices[p, o] = at
        i += cuda.gridsize(1)


@cuda.jit(cache=True)
def _max_pool_backward(grad_out, indices, grad_in):  # pragma: no cover - device code
    i = cuda.grid(1)
    outputs = grad_out.shape[1]
    while i < grad_out.size:
        p = i // outputs
        o = i % outputs
        at = indices[p, o]
        if at >= 0:
            cuda.atomic.add(grad_in, (p, at), grad_out[p, o])
        i += cuda.gridsize(1)


@cuda.jit(cache=True)
def _avg_pool(x, plane_shape, scale, out, out_shape, kernel, stride, dilation, padding, adaptive, backward):  # pragma: no cover
    """Forward: out[p, o] = scale[o] * the sum of plane x[p] over window o's input taps.
    Backward (x is grad_out, out is grad_in): every input tap of window o gets scale[o] * x[p, o]
    (atomic adds: windows overlap). x, out: planes and windows flattened, (P, S) / (P, O)."""
    windows = x if backward else out
    i = cuda.grid(1)
    while i < windows.size:
        p, o, sd, nd, sh, nh, sw, nw = _window_of(i, out_shape, plane_shape, kernel, stride, padding, adaptive)
        spread = x[p, o] * scale[o] if backward else 0.0
        total = 0.0
        for t in range(nd * nh * nw):
            position = _tap(t, sd, nh, sh, nw, sw, dilation, plane_shape)
            if position < 0:
                continue
            if backward:
                cuda.atomic.add(out, (p, position), spread)
            else:
                total += x[p, position]
        if not backward:
            out[p, o] = total * scale[o]
        i += cuda.gridsize(1)


@cuda.jit(cache=True)
def _index_add(target, index, values):  # pragma: no cover - device code
    i = cuda.grid(1)
    inner = values.shape[1]
    while i < values.size:
        row = i // inner
        col = i % inner
        cuda.atomic.add(target, (index[row], col), values[row, col])
        i += cuda.gridsize(1)


def _launch(kernel: Any, size: int, *args: Any) -> None:
    if size == 0:
        return
    blocks, threads = launch_1d(size)
    kernel[blocks, threads](*(kernel_array(a) if hasattr(a, "dtype") else a for a in args))


def unfold(x: Any, window: Window, out: Any) -> None:
    """im2col: x (N, C, D, H, W) -> out (C, KD, KH, KW, N, OD, OH, OW), zeros in the padding."""
    if window.adaptive:  # convolution never builds adaptive windows
        window_kernels.unfold(x, window, out)
        return
    _launch(_unfold, out.size, x, out, window.kernel, window.stride, window.dilation, window.padding)


def fold(cols: Any, window: Window, out: Any) -> None:
    """col2im, the adjoint of `unfold`: out (N, C, D, H, W) = the sum of the entries read from each position."""
    if window.adaptive:
        window_kernels.fold(cols, window, out)
        return
    _launch(_fold, out.size, cols, out, window.stride, window.dilation, window.padding)


def _planes(array: Any) -> Any:
    """(P, D, H, W) -> (P, D * H * W): a view for the frontend's contiguous buffers."""
    return array.reshape(array.shape[0], -1)


def _pool_args(window: Window) -> tuple:
    return window.kernel, window.stride, window.dilation, window.padding, window.adaptive


def max_pool_forward(x: Any, window: Window, out: Any, indices: Any) -> None:
    """Window maxima of planes x (P, D, H, W) into out (P, OD, OH, OW) and their flat positions
    in indices: the first maximum in window order, NaN wins, -inf at -1 for an empty window."""
    _launch(
        _max_pool_forward, out.size, _planes(x), x.shape, _planes(out), _planes(indices), out.shape, *_pool_args(window)
    )


def max_pool_backward(grad_out: Any, indices: Any, grad_in: Any) -> None:
    """grad_in[p, indices[p, o]] += grad_out[p, o] for (P, O) arrays and a zeroed (P, S) grad_in."""
    _launch(_max_pool_backward, grad_out.size, grad_out, indices, grad_in)


def avg_pool_forward(x: Any, window: Window, scale: Any, out: Any) -> None:
    """Window sums (zero padding) of planes x (P, D, H, W) times scale (OD, OH, OW) into out (P, OD, OH, OW)."""
    _launch(
        _avg_pool, out.size, _planes(x), x.shape, scale.reshape(-1), _planes(out), out.shape, *_pool_args(window), False
    )


def avg_pool_backward(grad_out: Any, window: Window, scale: Any, grad_in: Any) -> None:
    """The adjoint of `avg_pool_forward`: grad_in (P, D, H, W), zeroed by the caller, += the spread gradient."""
    _launch(
        _avg_pool, grad_out.size, _planes(grad_out), grad_in.shape, scale.reshape(-1), _planes(grad_in),
        grad_out.shape, *_pool_args(window), True,
    )


def index_add(target: Any, index: Any, values: Any) -> None:
    """target[index[i]] += values[i] along the first axis, repeated indices accumulating."""
    if values.size == 0:
        return
    rows = target.shape[0]
    flat_values = values.reshape(values.shape[0], -1)  # (len(index), inner)
    if target.flags.c_contiguous:
        _launch(_index_add, flat_values.size, target.reshape(rows, -1), index, flat_values)
        return
    work = target.copy()  # a C-contiguous copy to accumulate into, then written back
    _launch(_index_add, flat_values.size, work.reshape(rows, -1), index, flat_values)
    target[...] = work
