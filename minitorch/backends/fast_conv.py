"""Fast (numba) im2col / col2im kernels for convolution, channel-major layout.

`unfold` copies every sliding window of a (N, C, D, H, W) input into the columns of a
(C * KD * KH * KW) x (N * OD * OH * OW) matrix, so that a convolution is one BLAS call
`weight (C_out, C * K) @ cols`. `fold` is its adjoint (col2im): it sums every column entry
back onto the input position it was copied from, which is what the input gradient needs.

The channel-major layout (one row per (channel, kernel offset), one column per output
position) keeps the innermost copy a run of contiguous output positions, which is several
times cheaper to build than the position-major (N * L) x (C * K) layout.

Both kernels take the *low* padding of each spatial dim; the output sizes come from the
shape of `cols`, so asymmetric ('same' with an even kernel) padding needs nothing extra.
Positions that fall in the padding read as zero (unfold) or are dropped (fold).

The kernels are serial on purpose: they are memory-bound copies called once per batch chunk,
between BLAS calls. Measured on this shared 2-core machine, numba's OpenMP workers spinning
between those calls starved OpenBLAS's threads (a 5 ms convolution took 80-190 ms with both
libraries at 2 threads); serial copies plus threaded BLAS stay at the single-thread speed or better.
"""

from __future__ import annotations

import numpy as np
from numba import njit, uint64

from ..core.window import Window

__all__ = ["unfold", "fold"]


@njit(cache=True, inline="always")
def _valid_range(k, dilation, pad, stride, size, out_size):  # pragma: no cover - compiled
    """For kernel offset k: the input shift and the output range [lo, hi) that lands inside.

    Output o reads input o * stride + shift with shift = k * dilation - pad; it is inside
    when 0 <= o * stride + shift < size.
    """
    shift = k * dilation - pad
    lo = 0
    if shift < 0:
        lo = min((-shift + stride - 1) // stride, out_size)
    hi = lo
    if size - shift > 0:
        hi = max(min((size - shift + stride - 1) // stride, out_size), lo)
    return shift, lo, hi


@njit(cache=True, inline="always")
def _copy8(dst, t, src, s):  # pragma: no cover - compiled
    """dst[t : t + 8] = src[s : s + 8] (uint64 offsets): all loads before all stores, so LLVM
    emits one vector load and store without the alias checks and scalar tails of a short loop."""
    a0, a1, a2, a3 = src[s], src[s + uint64(1)], src[s + uint64(2)], src[s + uint64(3)]
    a4, a5, a6, a7 = src[s + uint64(4)], src[s + uint64(5)], src[s + uint64(6)], src[s + uint64(7)]
    dst[t], dst[t + uint64(1)], dst[t + uint64(2)], dst[t + uint64(3)] = a0, a1, a2, a3
    dst[t + uint64(4)], dst[t + uint64(5)], dst[t + uint64(6)], dst[t + uint64(7)] = a4, a5, a6, a7


@njit(cache=True, inline="always")
def _copy_run(dst, t, src, s, count):  # pragma: no cover - compiled
    """dst[t : t + count] = src[s : s + count] (uint64 offsets and count).

    Output rows are often short (10 or 28 elements), where a plain loop spends most of its
    time in alias checks and scalar tails; 8-element blocks, the last one overlapping the
    previous (a copy may write an element twice), copy them 1.4-2.3x faster (measured).
    """
    eight = uint64(8)
    if count < eight:
        for j in range(count):
            dst[t + j] = src[s + j]
        return
    j = uint64(0)
    while j + eight < count:
        _copy8(dst, t + j, src, s + j)
        j += eight
    _copy8(dst, t + count - eight, src, s + count - eight)


@njit(cache=True, inline="always")
def _copy_rows(dst, t, src, s, rows, count, pitch):  # pragma: no cover - compiled
    """Copy `rows` runs of `count` elements: src rows `pitch` apart to consecutive dst rows.

    Runs of 8 to 16 elements (small images) get their own loop of exactly two 8-element
    blocks; branching per run instead made the whole unfold 1.3-2x slower (measured).
    """
    eight = uint64(8)
    if eight <= count <= eight + eight:
        tail = count - eight
        for _ in range(rows):
            _copy8(dst, t, src, s)
            _copy8(dst, t + tail, src, s + tail)
            t += count
            s += pitch
    else:
        for _ in range(rows):
            _copy_run(dst, t, src, s, count)
            t += count
            s += pitch


@njit(cache=True, inline="always")
def _zero_run(dst, t, count):  # pragma: no cover - compiled
    """dst[t : t + count] = 0 (uint64 offset and count)."""
    for j in range(count):
        dst[t + j] = 0.0


@njit(cache=True)
def _window_table(kernel, stride, dilation, padding, in_size, out_size):  # pragma: no cover - compiled
    """Per kernel offset k (row-major over KD, KH, KW): (shift, lo, hi) of each of D, H, W, as (K, 9)."""
    kd_size, kh_size, kw_size = kernel
    table = np.empty((kd_size * kh_size * kw_size, 9), dtype=np.int64)
    for k in range(kd_size * kh_size * kw_size):
        offsets = (k // (kh_size * kw_size), (k // kw_size) % kh_size, k % kw_size)
        for dim in range(3):
            shift, lo, hi = _valid_range(
                offsets[dim], dilation[dim], padding[dim], stride[dim], in_size[dim], out_size[dim]
            )
            table[k, 3 * dim] = shift
            table[k, 3 * dim + 1] = lo
            table[k, 3 * dim + 2] = hi
    return table


@njit(cache=True)
def _unfold_whole_rows(out_flat, t, x_flat, s, geometry):  # pragma: no cover - compiled
    """One row of the unrolled matrix whose window covers whole output rows (the common case).

    geometry: (n_batch, od_size, oh_size, ow_size, sample pitch, depth pitch, row pitch in x,
    od_lo, od_hi, oh_lo, oh_hi), unsigned. Writes n_batch * od_size * oh_size * ow_size
    elements from t: zeros for output rows and planes outside the window, copies inside.
    """
    n_batch, od_size, oh_size, end, sample_pitch, depth_pitch, row_pitch, od_lo, od_hi, oh_lo, oh_hi = geometry
    plane = oh_size * end
    for _ in range(n_batch):
        source = s
        for od in range(od_size):
            if od < od_lo or od >= od_hi:
                _zero_run(out_flat, t, plane)
            else:
                _zero_run(out_flat, t, oh_lo * end)
                _copy_rows(out_flat, t + oh_lo * end, x_flat, source, oh_hi - oh_lo, end, row_pitch)
                _zero_run(out_flat, t + oh_hi * end, (oh_size - oh_hi) * end)
                source += depth_pitch
            t += plane
        s += sample_pitch


@njit(cache=True)
def _unfold_kernel(x, stride, dilation, padding, out):  # pragma: no cover - compiled
    """x: (N, C, D, H, W) C-contiguous; out: (C, KD, KH, KW, N, OD, OH, OW) C-contiguous.

    Rows whose window covers whole output rows (stride 1 along W, no W padding at this
    kernel offset) go to `_unfold_whole_rows`; keeping the general case out of that loop
    makes it 2x faster on small images (measured), as do flat zeroing loops instead of
    slice assignments (~50 ns each in numba).
    """
    n_batch, channels, depth, height, width = x.shape
    _, kd_size, kh_size, kw_size, _, od_size, oh_size, ow_size = out.shape
    sd, sh, sw = stride
    kernel_volume = kd_size * kh_size * kw_size
    table = _window_table(
        (kd_size, kh_size, kw_size), stride, dilation, padding, (depth, height, width), (od_size, oh_size, ow_size)
    )
    x_flat = x.ravel()
    out_flat = out.ravel()
    # unsigned flat offsets and sizes: numba then skips the negative-index wraparound and vectorises
    end, step = uint64(ow_size), uint64(sw)
    plane = uint64(oh_size * ow_size)  # one (od) plane of one sample's output
    source_pitch = uint64(sh * width)  # from one window row to the next in x
    for row in range(channels * kernel_volume):
        c = row // kernel_volume
        d_shift, od_lo, od_hi, h_shift, oh_lo, oh_hi, w_shift, ow_lo, ow_hi = table[row % kernel_volume]
        lo, hi = uint64(ow_lo), uint64(ow_hi)
        row_start = uint64(row * n_batch * od_size) * plane
        if oh_hi == oh_lo or ow_hi == ow_lo or od_hi == od_lo:
            _zero_run(out_flat, row_start, uint64(n_batch * od_size) * plane)
            continue
        # the input element that output (n=0, od_lo, oh_lo, ow_lo) reads
        first = ((c * depth + od_lo * sd + d_shift) * height + oh_lo * sh + h_shift) * width + ow_lo * sw + w_shift
        if step == 1 and lo == 0 and hi == end:
            geometry = (
                uint64(n_batch), uint64(od_size), uint64(oh_size), end, uint64(channels * depth * height * width),
                uint64(sd * height * width), source_pitch, uint64(od_lo), uint64(od_hi), uint64(oh_lo), uint64(oh_hi),
            )
            _unfold_whole_rows(out_flat, row_start, x_flat, uint64(first), geometry)
            continue
        for n in range(n_batch):
            for od in range(od_size):
                # output plane (n, od) of this row
                t = row_start + uint64(n * od_size + od) * plane
                if od < od_lo or od >= od_hi:
                    _zero_run(out_flat, t, plane)
                    continue
                _zero_run(out_flat, t, uint64(oh_lo) * end)
                _zero_run(out_flat, t + uint64(oh_hi) * end, uint64(oh_size - oh_hi) * end)
                t += uint64(oh_lo) * end
                s = uint64(first + (n * channels * depth + (od - od_lo) * sd) * height * width)
                for _ in range(oh_hi - oh_lo):
                    _zero_run(out_flat, t, lo)
                    if step == 1:
                        _copy_run(out_flat, t + lo, x_flat, s, hi - lo)
                    else:
                        for j in range(hi - lo):
                            out_flat[t + lo + j] = x_flat[s + j * step]
                    _zero_run(out_flat, t + hi, end - hi)
                    t += end
                    s += source_pitch


@njit(cache=True)
def _fold_kernel(cols, stride, dilation, padding, out):  # pragma: no cover - compiled
    """cols: (C, KD, KH, KW, N, OD, OH, OW) C-contiguous; out: (N, C, D, H, W) C-contiguous.

    Loop order (channel, kernel offset, sample): each row of `cols` is read once, front to
    back (one prefetchable stream), while the N planes of channel c being summed into stay
    in cache. (Sample-major order read 150 interleaved rows at once for a 6-channel 5x5
    kernel and ran 1.5x slower, measured.)
    """
    n_batch, channels, depth, height, width = out.shape
    _, kd_size, kh_size, kw_size, _, od_size, oh_size, ow_size = cols.shape
    sd, sh, sw = stride
    kernel_volume = kd_size * kh_size * kw_size
    out_volume = od_size * oh_size * ow_size
    plane_size = depth * height * width
    table = _window_table(
        (kd_size, kh_size, kw_size), stride, dilation, padding, (depth, height, width), (od_size, oh_size, ow_size)
    )
    cols_flat = cols.ravel()
    out_flat = out.ravel()
    for i in range(uint64(out_flat.size)):
        out_flat[i] = 0.0
    step = uint64(sw)
    for c in range(channels):
        for k in range(kernel_volume):
            d_shift, od_lo, od_hi, h_shift, oh_lo, oh_hi, w_shift, ow_lo, ow_hi = table[k]
            if oh_hi == oh_lo or ow_hi == ow_lo:
                continue
            count = uint64(ow_hi - ow_lo)
            for n in range(n_batch):
                # plane (n, c) of out, and row (c, k), sample n, of the (C * K, N * L) matrix
                first = uint64((n * channels + c) * plane_size)
                base = ((c * kernel_volume + k) * n_batch + n) * out_volume
                for od in range(od_lo, od_hi):
                    i_d = od * sd + d_shift
                    for oh in range(oh_lo, oh_hi):
                        i_h = oh * sh + h_shift
                        t = first + uint64((i_d * height + i_h) * width + ow_lo * sw + w_shift)
                        s = uint64(base + (od * oh_size + oh) * ow_size + ow_lo)
                        if step == 1:  # the common case, as a plain (vectorised) add
                            for j in range(count):
                                out_flat[t + j] += cols_flat[s + j]
                        else:
                            for j in range(count):
                                out_flat[t + j * step] += cols_flat[s + j]


def unfold(x: np.ndarray, window: Window, out: np.ndarray) -> None:
    """im2col (see `window_kernels.unfold`): x (N, C, D, H, W) any strides, float32 or float64;
    out C-contiguous (C, KD, KH, KW, N, OD, OH, OW), same dtype, written in full."""
    if tuple(out.shape[1:4]) != window.kernel:
        raise ValueError(f"unfold: out shape {out.shape} does not match kernel {window.kernel}")
    _unfold_kernel(np.ascontiguousarray(x), window.stride, window.dilation, window.padding, out)


def fold(cols: np.ndarray, window: Window, out: np.ndarray) -> None:
    """col2im (see `window_kernels.fold`): cols (C, KD, KH, KW, N, OD, OH, OW); out C-contiguous
    (N, C, D, H, W), same dtype, overwritten."""
    if tuple(cols.shape[1:4]) != window.kernel:
        raise ValueError(f"fold: cols shape {cols.shape} does not match kernel {window.kernel}")
    _fold_kernel(np.ascontiguousarray(cols), window.stride, window.dilation, window.padding, out)
