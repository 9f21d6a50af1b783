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

Each call is serial: it copies one batch chunk on the calling thread. With more threads,
ops/conv_lowering.py gives every thread its own range of samples, whose chunks that thread
unrolls, multiplies (BLAS on one thread) and folds itself, so the copies run in parallel without
a parallel loop in here (numba's OpenMP workers spinning between such calls starved OpenBLAS's
threads, measured: a 5 ms convolution took 80-190 ms with both libraries at 2 threads).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Tuple

import numpy as np
from numba import njit, uint64
from numba.extending import register_jitable

from ..core.window import Window

__all__ = ["unfold", "fold"]


def _valid_range(k: int, dilation: int, pad: int, stride: int, size: int, out_size: int) -> Tuple[int, int, int]:
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


@lru_cache(maxsize=256)
def window_table(window: Window) -> np.ndarray:
    """Per kernel offset k (row-major over KD, KH, KW): (shift, lo, hi) of each of D, H, W, as
    (K, 9) int64 -- the index math of both kernels, done once per geometry in Python."""
    kd_size, kh_size, kw_size = window.kernel
    table = np.empty((kd_size * kh_size * kw_size, 9), dtype=np.int64)
    for k in range(kd_size * kh_size * kw_size):
        offsets = (k // (kh_size * kw_size), (k // kw_size) % kh_size, k % kw_size)
        for dim in range(3):
            table[k, 3 * dim: 3 * dim + 3] = _valid_range(
                offsets[dim], window.dilation[dim], window.padding[dim], window.stride[dim],
                window.in_size[dim], window.out_size[dim],
            )
    table.flags.writeable = False
    return table


@register_jitable
def _copy8(dst, t, src, s):  # pragma: no cover - compiled
    """dst[t : t + 8] = src[s : s + 8] (uint64 offsets): all loads before all stores, so LLVM
    emits one vector load and store without the alias checks and scalar tails of a short loop."""
    a0, a1, a2, a3 = src[s], src[s + uint64(1)], src[s + uint64(2)], src[s + uint64(3)]
    a4, a5, a6, a7 = src[s + uint64(4)], src[s + uint64(5)], src[s + uint64(6)], src[s + uint64(7)]
    dst[t], dst[t + uint64(1)], dst[t + uint64(2)], dst[t + uint64(3)] = a0, a1, a2, a3
    dst[t + uint64(4)], dst[t + uint64(5)], dst[t + uint64(6)], dst[t + uint64(7)] = a4, a5, a6, a7


@njit(cache=True, nogil=True, error_model="numpy")
def _unfold_kernel(x, table, stride, out):  # pragma: no cover - compiled
    """x: (N, C, D, H, W) C-contiguous; out: (C, KD, KH, KW, N, OD, OH, OW) C-contiguous.

    One row of out per (channel, kernel offset): its block is zeroed only when that offset
    reads padding somewhere, then every output row (n, od, oh) inside gets one run of
    `count` inputs. Runs are copied in 8-element blocks, the last one overlapping the previous
    (short rows, 10 or 28 elements, are where a plain loop spends its time in alias checks and
    scalar tails: 1.4-2.3x faster, measured); runs of 8 to 16 elements (small images) get
    their own loop of exactly two blocks, chosen once per row, not per run (branching per run
    made the whole unfold 1.3-2x slower). One kernel, no helpers beyond `_copy8`: it compiles
    in about a third of the time of the earlier two-kernel version at the same speed.
    """
    n_batch, channels, depth, height, width = x.shape
    od_size, oh_size, ow_size = out.shape[5:]
    sd, sh, sw = stride
    kernel_volume = table.shape[0]
    x_flat = x.ravel()
    out_flat = out.ravel()
    # unsigned flat offsets and sizes: numba then skips the negative-index wraparound and vectorises
    plane, end, eight = uint64(od_size * oh_size * ow_size), uint64(ow_size), uint64(8)
    pitch, step = uint64(sh * width), uint64(sw)
    for row in range(channels * kernel_volume):
        c = row // kernel_volume
        d_shift, od_lo, od_hi, h_shift, oh_lo, oh_hi, w_shift, ow_lo, ow_hi = table[row % kernel_volume]
        count = uint64(ow_hi - ow_lo)
        if od_lo != 0 or od_hi != od_size or oh_lo != 0 or oh_hi != oh_size or count != end:
            block = uint64(row * n_batch) * plane
            for i in range(uint64(n_batch) * plane):
                out_flat[block + i] = 0.0
        if count == 0 or oh_hi == oh_lo:
            continue
        short = step != 1 or count < eight
        two = not short and count <= eight + eight
        tail = count - eight if not short else uint64(0)
        for n in range(n_batch):
            for od in range(od_lo, od_hi):
                # output row (n, od, oh_lo) of this kernel offset, and the input run it reads
                t = uint64(((row * n_batch + n) * od_size + od) * oh_size + oh_lo) * end + uint64(ow_lo)
                s = uint64(
                    (((n * channels + c) * depth + od * sd + d_shift) * height + oh_lo * sh + h_shift) * width
                    + ow_lo * sw + w_shift
                )
                if short:
                    for _ in range(oh_hi - oh_lo):
                        for j in range(count):
                            out_flat[t + j] = x_flat[s + j * step]
                        t += end
                        s += pitch
                elif two:
                    for _ in range(oh_hi - oh_lo):
                        _copy8(out_flat, t, x_flat, s)
                        _copy8(out_flat, t + tail, x_flat, s + tail)
                        t += end
                        s += pitch
                else:
                    for _ in range(oh_hi - oh_lo):
                        j = uint64(0)
                        while j + eight < count:
                            _copy8(out_flat, t + j, x_flat, s + j)
                            j += eight
                        _copy8(out_flat, t + tail, x_flat, s + tail)
                        t += end
                        s += pitch


@njit(cache=True, nogil=True, error_model="numpy")
def _fold_kernel(cols, table, stride, out):  # pragma: no cover - compiled
    """cols: (C, KD, KH, KW, N, OD, OH, OW) C-contiguous; out: (N, C, D, H, W) C-contiguous.

    Loop order (channel, kernel offset, sample): each row of `cols` is read once, front to
    back (one prefetchable stream), while the N planes of channel c being summed into stay
    in cache. (Sample-major order read 150 interleaved rows at once for a 6-channel 5x5
    kernel and ran 1.5x slower, measured.)
    """
    n_batch, channels, depth, height, width = out.shape
    od_size, oh_size, ow_size = cols.shape[5:]
    sd, sh, sw = stride
    kernel_volume = table.shape[0]
    out_volume = od_size * oh_size * ow_size
    plane_size = depth * height * width
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
    _unfold_kernel(np.ascontiguousarray(x), window_table(window), window.stride, out)


def fold(cols: np.ndarray, window: Window, out: np.ndarray) -> None:
    """col2im (see `window_kernels.fold`): cols (C, KD, KH, KW, N, OD, OH, OW); out C-contiguous
    (N, C, D, H, W), same dtype, overwritten."""
    if tuple(cols.shape[1:4]) != window.kernel:
        raise ValueError(f"fold: cols shape {cols.shape} does not match kernel {window.kernel}")
    _fold_kernel(np.ascontiguousarray(cols), window_table(window), window.stride, out)
