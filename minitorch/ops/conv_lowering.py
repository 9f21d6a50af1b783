"""Convolution lowered to matrix products ("unroll + matmul"), on numpy arrays.

Everything here works in the canonical 3-D spatial form: input (N, C, D, H, W), weight
(C_out, C / groups, KD, KH, KW); 1-D and 2-D convolutions are lifted by `ops/conv.py`.
With K = KD * KH * KW and L = OD * OH * OW:

* forward:      cols = unfold(x)                      (C * K, N * L)
                y[n] = W (C_out, C * K) @ cols[:, n]   (C_out, L)
* weight grad:  dW = sum_n grad_y[n] (C_out, L) @ cols[:, n]^T
* input grad:   dcols[:, n] = W^T @ grad_y[n], then dx = fold(dcols)   (col2im)

Groups split the channel axis of both matrices: group g only multiplies its own slice.
The batch is processed in chunks so the unrolled buffer stays around `CHUNK_ELEMENTS`
elements (about a cache's worth) whatever the batch size; the `unfold` / `fold` kernels
come from the tensor's backend (`backend.ops.unfold`, `backend.ops.fold`).
"""

from __future__ import annotations

from dataclasses import dataclass
from math import prod
from typing import Callable, Iterator

import numpy as np

__all__ = ["ConvGeometry", "CHUNK_ELEMENTS", "conv_forward", "conv_input_grad", "conv_weight_grad"]

# Target size of one chunk of the unrolled matrix (elements); the batch is split to fit.
CHUNK_ELEMENTS = 1 << 20

# Output length L from which one BLAS call per sample beats one call per chunk.
PER_SAMPLE_MIN_LENGTH = 256

Triple = tuple[int, int, int]


@dataclass(frozen=True)
class ConvGeometry:
    """Static description of one canonical (3-D spatial) convolution.

    kernel, stride, dilation: per spatial dim (D, H, W).
    padding: the low (leading) zero padding per dim; the high side is implied by out_size.
    in_size, out_size: spatial sizes of the input and of the output.
    """

    kernel: Triple
    stride: Triple
    dilation: Triple
    padding: Triple
    in_size: Triple
    out_size: Triple
    groups: int


def _per_sample(geom: ConvGeometry) -> bool:
    """One BLAS call per sample when a sample's output is long enough to amortise the call;
    otherwise one call per chunk plus a (C_out, n, L) <-> (n, C_out, L) transpose."""
    return prod(geom.out_size) >= PER_SAMPLE_MIN_LENGTH


def _chunks(n_batch: int, per_sample: int) -> Iterator[tuple[int, int]]:
    """Split range(n_batch) into [start, stop) slices of about CHUNK_ELEMENTS / per_sample."""
    step = max(1, min(n_batch, CHUNK_ELEMENTS // max(per_sample, 1)))
    for start in range(0, n_batch, step):
        yield start, min(start + step, n_batch)


def _cols_buffer(channels: int, n_batch: int, geom: ConvGeometry, dtype) -> np.ndarray:
    """An uninitialised unrolled matrix for the largest chunk, (C*K * N_chunk*L) elements."""
    per_sample = channels * prod(geom.kernel) * prod(geom.out_size)
    step = max(1, min(n_batch, CHUNK_ELEMENTS // max(per_sample, 1)))
    return np.empty(per_sample * step, dtype=dtype)


def _unfold_chunk(unfold: Callable, x: np.ndarray, buffer: np.ndarray, geom: ConvGeometry) -> np.ndarray:
    """Unroll x (n, C, D, H, W) into the front of `buffer`; returns it as (C*K, n, L)."""
    n_batch, channels = x.shape[:2]
    # (C, KD, KH, KW, n, OD, OH, OW): the layout the kernel writes
    cols = buffer[: channels * prod(geom.kernel) * n_batch * prod(geom.out_size)].reshape(
        (channels, *geom.kernel, n_batch, *geom.out_size)
    )
    unfold(x, geom.kernel, geom.stride, geom.dilation, geom.padding, cols)
    # (C*K, n, L)
    return cols.reshape(channels * prod(geom.kernel), n_batch, prod(geom.out_size))


def conv_forward(unfold: Callable, x: np.ndarray, weight: np.ndarray, geom: ConvGeometry) -> np.ndarray:
    """y = conv(x, weight) without bias: x (N, C, D, H, W) -> y (N, C_out, OD, OH, OW)."""
    n_batch, channels = x.shape[:2]
    out_channels, groups = weight.shape[0], geom.groups
    group_in = channels // groups * prod(geom.kernel)
    group_out = out_channels // groups
    # (G, C_out/G, C/G*K): one weight matrix per group
    weight_mats = weight.reshape(groups, group_out, group_in)
    out = np.empty((n_batch, out_channels, prod(geom.out_size)), dtype=x.dtype)
    buffer = _cols_buffer(channels, n_batch, geom, x.dtype)
    for start, stop in _chunks(n_batch, channels * prod(geom.kernel) * prod(geom.out_size)):
        cols = _unfold_chunk(unfold, x[start:stop], buffer, geom)
        for g in range(groups):
            group_cols = cols[g * group_in : (g + 1) * group_in]
            target = out[start:stop, g * group_out : (g + 1) * group_out]
            if _per_sample(geom):
                # (C_out/G, C/G*K) @ (n, C/G*K, L) -> (n, C_out/G, L), one BLAS call per sample
                np.matmul(weight_mats[g], group_cols.transpose(1, 0, 2), out=target)
            else:
                # (C_out/G, C/G*K) @ (C/G*K, n*L) -> (C_out/G, n*L), then to (n, C_out/G, L)
                product = weight_mats[g] @ group_cols.reshape(group_in, -1)
                target[...] = product.reshape(group_out, stop - start, -1).transpose(1, 0, 2)
    # (N, C_out, OD, OH, OW)
    return out.reshape(n_batch, out_channels, *geom.out_size)


def conv_weight_grad(unfold: Callable, x: np.ndarray, grad_out: np.ndarray, geom: ConvGeometry) -> np.ndarray:
    """dW = sum_n grad_out[n] @ cols[n]^T: x (N, C, ...), grad_out (N, C_out, ...) -> (C_out, C/G, *kernel)."""
    n_batch, channels = x.shape[:2]
    out_channels, groups = grad_out.shape[1], geom.groups
    group_in = channels // groups * prod(geom.kernel)
    group_out = out_channels // groups
    # (N, C_out, L)
    grad_mats = grad_out.reshape(n_batch, out_channels, prod(geom.out_size))
    grad_weight = np.zeros((groups, group_out, group_in), dtype=x.dtype)
    buffer = _cols_buffer(channels, n_batch, geom, x.dtype)
    for start, stop in _chunks(n_batch, channels * prod(geom.kernel) * prod(geom.out_size)):
        cols = _unfold_chunk(unfold, x[start:stop], buffer, geom)
        for g in range(groups):
            group_cols = cols[g * group_in : (g + 1) * group_in]
            group_grad = grad_mats[start:stop, g * group_out : (g + 1) * group_out]
            if _per_sample(geom):
                # (n, C_out/G, L) @ (n, L, C/G*K) -> (n, C_out/G, C/G*K), summed over the chunk
                grad_weight[g] += np.matmul(group_grad, group_cols.transpose(1, 2, 0)).sum(axis=0)
            else:
                # (C_out/G, n*L) @ (n*L, C/G*K)
                grad_flat = group_grad.transpose(1, 0, 2).reshape(group_out, -1)
                grad_weight[g] += grad_flat @ group_cols.reshape(group_in, -1).T
    # (C_out, C/G, KD, KH, KW)
    return grad_weight.reshape(out_channels, channels // groups, *geom.kernel)


def conv_input_grad(fold: Callable, grad_out: np.ndarray, weight: np.ndarray, geom: ConvGeometry) -> np.ndarray:
    """dx = fold(W^T @ grad_out): grad_out (N, C_out, OD, OH, OW) -> (N, C, D, H, W)."""
    n_batch, out_channels = grad_out.shape[:2]
    groups = geom.groups
    channels = weight.shape[1] * groups
    group_in = weight.shape[1] * prod(geom.kernel)
    group_out = out_channels // groups
    # (G, C/G*K, C_out/G): the transposed weight matrix of each group
    weight_t = weight.reshape(groups, group_out, group_in).transpose(0, 2, 1)
    # (N, C_out, L)
    grad_mats = grad_out.reshape(n_batch, out_channels, prod(geom.out_size))
    grad_in = np.empty((n_batch, channels, *geom.in_size), dtype=grad_out.dtype)
    buffer = _cols_buffer(channels, n_batch, geom, grad_out.dtype)
    length = prod(geom.out_size)
    for start, stop in _chunks(n_batch, channels * prod(geom.kernel) * length):
        size = stop - start
        # (C*K, n, L)
        dcols = buffer[: channels * prod(geom.kernel) * size * length].reshape(
            channels * prod(geom.kernel), size, length
        )
        for g in range(groups):
            group_grad = grad_mats[start:stop, g * group_out : (g + 1) * group_out]
            group_dcols = dcols[g * group_in : (g + 1) * group_in]
            if _per_sample(geom):
                # (C/G*K, C_out/G) @ (n, C_out/G, L) -> (n, C/G*K, L)
                np.matmul(weight_t[g], group_grad, out=group_dcols.transpose(1, 0, 2))
            else:
                # (C/G*K, C_out/G) @ (C_out/G, n*L) -> (C/G*K, n*L)
                grad_flat = group_grad.transpose(1, 0, 2).reshape(group_out, -1)
                np.matmul(weight_t[g], grad_flat, out=group_dcols.reshape(group_in, -1))
        # (C, KD, KH, KW, n, OD, OH, OW)
        dcols_8d = dcols.reshape(channels, *geom.kernel, size, *geom.out_size)
        fold(dcols_8d, geom.kernel, geom.stride, geom.dilation, geom.padding, grad_in[start:stop])
    return grad_in
