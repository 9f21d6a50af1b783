"""Readable im2col / col2im for convolution: one strided slice per kernel offset.

The same contract as `fast_conv.py`, written for reading rather than speed. For every kernel
offset (kd, kh, kw) the windows' elements at that offset form a strided slice of the
zero-padded input,

    padded[:, :, kd*dd : kd*dd + sd*OD : sd, kh*dh : ... : sh, kw*dw : ... : sw]   (N, C, OD, OH, OW)

so `unfold` copies K slices and `fold` (its adjoint) adds them back and crops the padding.
"""

from __future__ import annotations

from itertools import product

import numpy as np

__all__ = ["unfold", "fold"]


def _window_slices(offset, stride, dilation, out_size):
    """The slice of each padded spatial dim that holds kernel offset `offset` of every window."""
    return tuple(
        slice(k * d, k * d + s * (o - 1) + 1, s) for k, s, d, o in zip(offset, stride, dilation, out_size)
    )


def _padded_size(in_size, kernel, stride, dilation, padding, out_size):
    """Size of each padded dim: big enough for the input and for every window."""
    return tuple(
        max(p + i, (o - 1) * s + (k - 1) * d + 1)
        for i, k, s, d, p, o in zip(in_size, kernel, stride, dilation, padding, out_size)
    )


def unfold(x, kernel, stride, dilation, padding, out):
    """im2col: out[c, kd, kh, kw, n, od, oh, ow] = x[n, c, od*sd + kd*dd - pd, ...] (0 outside).

    Args:
        x: (N, C, D, H, W) numpy array, any strides.
        kernel: (KD, KH, KW); stride, dilation: 3-tuples; padding: the low padding per dim.
        out: (C, KD, KH, KW, N, OD, OH, OW) array, written in full.
    """
    n_batch, channels = x.shape[:2]
    out_size = out.shape[5:]
    size = _padded_size(x.shape[2:], kernel, stride, dilation, padding, out_size)
    padded = np.zeros((n_batch, channels, *size), dtype=x.dtype)
    d, h, w = x.shape[2:]
    pd, ph, pw = padding
    padded[:, :, pd : pd + d, ph : ph + h, pw : pw + w] = x
    for kd, kh, kw in product(*(range(k) for k in kernel)):
        window = padded[(slice(None), slice(None)) + _window_slices((kd, kh, kw), stride, dilation, out_size)]
        # (N, C, OD, OH, OW) -> (C, N, OD, OH, OW)
        out[:, kd, kh, kw] = window.transpose(1, 0, 2, 3, 4)
    return out


def fold(cols, kernel, stride, dilation, padding, out):
    """col2im, the adjoint of `unfold`: out[n, c, i] = sum of the window entries copied from i.

    Args:
        cols: (C, KD, KH, KW, N, OD, OH, OW) array.
        kernel, stride, dilation, padding: as for `unfold`.
        out: (N, C, D, H, W) array; overwritten.
    """
    n_batch, channels = out.shape[:2]
    out_size = cols.shape[5:]
    size = _padded_size(out.shape[2:], kernel, stride, dilation, padding, out_size)
    padded = np.zeros((n_batch, channels, *size), dtype=out.dtype)
    for kd, kh, kw in product(*(range(k) for k in kernel)):
        window = padded[(slice(None), slice(None)) + _window_slices((kd, kh, kw), stride, dilation, out_size)]
        # (C, N, OD, OH, OW) -> (N, C, OD, OH, OW)
        window += cols[:, kd, kh, kw].transpose(1, 0, 2, 3, 4)
    d, h, w = out.shape[2:]
    pd, ph, pw = padding
    out[...] = padded[:, :, pd : pd + d, ph : ph + h, pw : pw + w]
    return out
