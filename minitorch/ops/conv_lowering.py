"""Convolution lowered to matrix products ("unroll + matmul"), on the backend's arrays.

Everything here works in the canonical 3-D spatial form: input (N, C, D, H, W), weight
(C_out, C / groups, KD, KH, KW); 1-D and 2-D convolutions are lifted by `ops/conv.py`.
With K = KD * KH * KW and L = OD * OH * OW:

* forward:      cols = unfold(x)                           (C * K, N, L)
                y[n] = W (C_out, C * K) @ cols[:, n]        (C_out, L)
* weight grad:  dW^T = sum_n cols[:, n] (C * K, L) @ grad_y[n]^T
* input grad:   dcols[:, n] = W^T @ grad_y[n], then dx = fold(dcols)   (col2im)

One BLAS call per sample writes straight into the (N, C_out, L) layout, so no transposes
are needed (except for the weight gradient of short outputs, where one call per chunk over a
transposed copy of the gradient is cheaper, see PER_SAMPLE_MIN_LENGTH). Groups split the
channel axis of both matrices: group g only multiplies its own slice. The batch is processed
in chunks so the unrolled buffer stays around `CHUNK_ELEMENTS` elements (a cache's worth)
whatever the batch size; with more than one thread the chunks are spread over the backend's
threads (`ops.parallel_for`, one reused buffer per thread, BLAS on one thread meanwhile, the
weight gradient's per-thread sums added in a fixed order). The forward hands back its last
chunk (still in its buffer), so the weight gradient rebuilds every chunk but that one; when the
whole batch fits in one chunk, it rebuilds nothing. (Keeping every chunk instead was measured slower: reading a
whole batch's unrolled matrix back from memory costs more than unrolling it again in cache.)
`ops` is the tensor backend's ops class: its array namespace `ops.xp` does the matrix products
and its `unfold` / `fold` kernels (the window view of `core/window.py`, copied to a matrix, and
its adjoint) the rest.
"""

from __future__ import annotations

from math import prod
from typing import Any, Optional

from ..core.window import Window

__all__ = ["CHUNK_ELEMENTS", "PARALLEL_GRAIN", "conv_forward", "conv_input_grad", "conv_weight_grad"]

# Target size of one chunk of the unrolled matrix (elements); the batch is split to fit.
# 256K elements (1 MB in float32, about one L2 cache): with other work between calls, as in
# training, this ran up to 10% faster than 512K (measured, bench/bench_conv.py cases).
CHUNK_ELEMENTS = 1 << 18

# A whole batch up to this many chunks' worth stays one chunk in the forward when no input
# gradient follows: the weight gradient then reuses all of its unrolled matrix instead of
# unrolling again (5% faster on conv case a1). With an input gradient the extra memory kept
# alive cost more than that (4% slower on the course's conv2d case), and the input gradient
# itself always works in CHUNK_ELEMENTS chunks (nothing of it is reused).
ONE_CHUNK_FACTOR = 2

# From this output length L on, the weight gradient makes one BLAS call per sample; below
# it, one call per chunk over a transposed copy of the gradient is cheaper.
PER_SAMPLE_MIN_LENGTH = 256

def _chunk_size(ops: Any, n_batch: int, channels: int, window: Window, whole_batch_ok: bool = True) -> int:
    """Samples per chunk: about CHUNK_ELEMENTS of unrolled matrix (or the backend's own
    `conv_chunk_elements`: a GPU wants whole batches, not cache-sized pieces), at least one
    sample; with `whole_batch_ok`, the whole batch when it is at most ONE_CHUNK_FACTOR chunks."""
    chunk = getattr(ops, "conv_chunk_elements", CHUNK_ELEMENTS)
    per_sample = max(channels * prod(window.kernel) * prod(window.out_size), 1)
    if whole_batch_ok and n_batch * per_sample <= ONE_CHUNK_FACTOR * chunk:
        return max(n_batch, 1)
    return max(1, min(n_batch, chunk // per_sample))


# One unrolled batch chunk: (start, stop, cols) with cols (C*K, stop - start, L).
Chunk = tuple[int, int, Any]

# Unrolled-matrix elements per thread from which the chunks are spread over the backend's
# threads (each runs its chunks' unfold, BLAS on one thread, and fold).
PARALLEL_GRAIN = 1 << 17


def _chunks(ops: Any, n_batch: int, channels: int, window: Window, end: int, whole_batch_ok: bool = True) -> list[tuple[int, int]]:
    """(start, stop) of the batch chunks covering samples [0, end): `_chunk_size` samples
    each, and at least one chunk per thread the backend would split this work over."""
    if end == 0:
        return []
    per_sample = channels * prod(window.kernel) * prod(window.out_size)
    parts = ops.parallel_parts(end * per_sample, PARALLEL_GRAIN)
    step = min(_chunk_size(ops, n_batch, channels, window, whole_batch_ok), -(-end // parts))
    return [(start, min(start + step, end)) for start in range(0, end, step)]


def _unroll(ops: Any, x: Any, window: Window, start: int, stop: int, buffer: Optional[Any], size: int) -> tuple[Any, Any]:
    """(cols (C*K, n, L) of samples [start, stop), the buffer it lives in): the buffer is
    reused when given, else allocated for chunks of `size` samples."""
    channels = x.shape[1]
    rows, length = channels * prod(window.kernel), prod(window.out_size)
    if buffer is None:
        buffer = ops.xp.empty(size * rows * length, dtype=x.dtype)
    # (C, KD, KH, KW, n, OD, OH, OW): the layout the kernel writes
    cols = buffer[: rows * (stop - start) * length].reshape((channels, *window.kernel, stop - start, *window.out_size))
    ops.unfold(x[start:stop], window, cols)
    return cols.reshape(rows, stop - start, length), buffer


def _in_parallel(ops: Any, chunks: list[tuple[int, int]], task: Any, window: Window, channels: int) -> None:
    """task(first, count) over ranges of `chunks`, one range per thread when worth it."""
    work = sum(stop - start for start, stop in chunks) * channels * prod(window.kernel) * prod(window.out_size)
    ops.parallel_for(task, (), len(chunks), work, PARALLEL_GRAIN)


def conv_forward(
    ops: Any,
    x: Any,
    weight: Any,
    window: Window,
    groups: int,
    bias: Optional[Any] = None,
    whole_batch_ok: bool = True,
) -> tuple[Any, Chunk]:
    """y = conv(x, weight) + bias: x (N, C, D, H, W), bias (C_out,) or None -> y (N, C_out, OD, OH, OW).

    The bias is added chunk by chunk, while each chunk's output is still in cache.
    `whole_batch_ok=False` keeps CHUNK_ELEMENTS chunks even for a small batch (see
    ONE_CHUNK_FACTOR: worth it when an input gradient follows).

    Returns (y, last): last is the final batch chunk's unrolled input, reusable by
    `conv_weight_grad` (the whole batch when it fit in one chunk).
    """
    n_batch, channels = x.shape[:2]
    out_channels = weight.shape[0]
    xp = ops.xp
    group_in = channels // groups * prod(window.kernel)
    group_out = out_channels // groups
    # (G, C_out/G, C/G*K): one weight matrix per group
    weight_mats = weight.reshape(groups, group_out, group_in)
    out = xp.empty((n_batch, out_channels, prod(window.out_size)), dtype=x.dtype)
    chunks = _chunks(ops, n_batch, channels, window, n_batch, whole_batch_ok)
    size = max((stop - start for start, stop in chunks), default=0)
    last: list[Chunk] = [(0, 0, xp.empty((0, 0, 0), dtype=x.dtype))]

    def task(first: int, count: int) -> None:
        buffer = None  # one unrolled buffer per thread, reused by its chunks
        for start, stop in chunks[first : first + count]:
            cols, buffer = _unroll(ops, x, window, start, stop, buffer, size)
            for g in range(groups):
                # (C_out/G, C/G*K) @ (n, C/G*K, L) -> (n, C_out/G, L), one BLAS call per sample
                xp.matmul(
                    weight_mats[g],
                    cols[g * group_in : (g + 1) * group_in].transpose(1, 0, 2),
                    out=out[start:stop, g * group_out : (g + 1) * group_out],
                )
            if bias is not None:
                out[start:stop] += bias[:, None]  # (C_out,) -> (C_out, 1), over (n, C_out, L)
            if stop == n_batch:
                last[0] = (start, stop, cols)

    _in_parallel(ops, chunks, task, window, channels)
    # (N, C_out, OD, OH, OW)
    return out.reshape(n_batch, out_channels, *window.out_size), last[0]


def conv_weight_grad(
    ops: Any, x: Any, grad_out: Any, window: Window, groups: int, last: Optional[Chunk] = None
) -> Any:
    """dW: x (N, C, ...), grad_out (N, C_out, ...) -> (C_out, C/G, *kernel).

    `last`, the final chunk's unrolled input from `conv_forward`, is used as it is (first,
    while it may still be in cache); only the samples before it are unrolled again.
    """
    n_batch, channels = x.shape[:2]
    out_channels = grad_out.shape[1]
    xp = ops.xp
    group_in = channels // groups * prod(window.kernel)
    group_out = out_channels // groups
    length = prod(window.out_size)
    # (N, C_out, L) -> (N, L, C_out): per-sample transposed views, no copy
    grad_t = grad_out.reshape(n_batch, out_channels, length).transpose(0, 2, 1)
    kept_from = n_batch if last is None else last[0]
    kept = None if last is None or last[1] == last[0] else last
    # the kept chunk first, while it may still be in cache
    chunks = ([kept[:2]] if kept is not None else []) + _chunks(ops, n_batch, channels, window, kept_from)
    size = max((stop - start for start, stop in chunks), default=0)
    partials: dict[int, Any] = {}  # the transposed weight gradient (G, C/G*K, C_out/G) of each range

    def task(first: int, count: int) -> None:
        # (G, C/G*K, C_out/G): the transposed weight gradient of each group, over these chunks
        grad_weight_t = xp.zeros((groups, group_in, group_out), dtype=x.dtype)
        buffer = None
        for start, stop in chunks[first : first + count]:
            if kept is not None and start == kept[0]:
                cols = kept[2]  # the forward's last chunk, still unrolled
            else:
                cols, buffer = _unroll(ops, x, window, start, stop, buffer, size)
            for g in range(groups):
                group_cols = cols[g * group_in : (g + 1) * group_in]
                group_grad_t = grad_t[start:stop, :, g * group_out : (g + 1) * group_out]
                if length >= PER_SAMPLE_MIN_LENGTH:
                    # (n, C/G*K, L) @ (n, L, C_out/G) -> (n, C/G*K, C_out/G), summed over the chunk
                    per_sample = xp.matmul(group_cols.transpose(1, 0, 2), group_grad_t)
                    grad_weight_t[g] += per_sample.sum(axis=0) if per_sample.shape[0] > 1 else per_sample[0]
                else:
                    # short outputs: (n, L, C_out/G) -> (n*L, C_out/G) (a copy), then one call
                    grad_flat = xp.ascontiguousarray(group_grad_t).reshape(-1, group_out)
                    # (C/G*K, n*L) @ (n*L, C_out/G)
                    grad_weight_t[g] += xp.matmul(group_cols.reshape(group_in, -1), grad_flat)
        partials[first] = grad_weight_t

    _in_parallel(ops, chunks, task, window, channels)
    # the ranges' sums added in range order: the same result for the same thread count
    grad_weight_t = partials.pop(0) if partials else xp.zeros((groups, group_in, group_out), dtype=x.dtype)
    for first in sorted(partials):
        grad_weight_t += partials[first]
    # (G, C/G*K, C_out/G) -> (C_out, C/G*K) -> (C_out, C/G, KD, KH, KW)
    grad_weight = grad_weight_t.transpose(0, 2, 1).reshape(out_channels, group_in)
    return grad_weight.reshape(out_channels, channels // groups, *window.kernel)


def conv_input_grad(ops: Any, grad_out: Any, weight: Any, window: Window, groups: int) -> Any:
    """dx = fold(W^T @ grad_out): grad_out (N, C_out, OD, OH, OW) -> (N, C, D, H, W)."""
    n_batch, out_channels = grad_out.shape[:2]
    xp = ops.xp
    channels = weight.shape[1] * groups
    group_in = weight.shape[1] * prod(window.kernel)
    group_out = out_channels // groups
    length = prod(window.out_size)
    # (G, C/G*K, C_out/G): the transposed weight matrix of each group
    weight_t = weight.reshape(groups, group_out, group_in).transpose(0, 2, 1)
    # (N, C_out, L)
    grad_mats = grad_out.reshape(n_batch, out_channels, length)
    grad_in = xp.empty((n_batch, channels, *window.in_size), dtype=grad_out.dtype)
    rows = channels * prod(window.kernel)
    # nothing is reused here, so no whole-batch chunk: a smaller buffer stays in cache
    chunks = _chunks(ops, n_batch, channels, window, n_batch, whole_batch_ok=False)
    size = max((stop - start for start, stop in chunks), default=0)

    def task(first: int, count: int) -> None:
        buffer = xp.empty(size * rows * length, dtype=grad_out.dtype)  # one per thread
        for start, stop in chunks[first : first + count]:
            n = stop - start
            # (C*K, n, L)
            dcols = buffer[: rows * n * length].reshape(rows, n, length)
            for g in range(groups):
                # (C/G*K, C_out/G) @ (n, C_out/G, L) -> (n, C/G*K, L)
                xp.matmul(
                    weight_t[g],
                    grad_mats[start:stop, g * group_out : (g + 1) * group_out],
                    out=dcols[g * group_in : (g + 1) * group_in].transpose(1, 0, 2),
                )
            # (C, KD, KH, KW, n, OD, OH, OW)
            dcols_8d = dcols.reshape(channels, *window.kernel, n, *window.out_size)
            ops.fold(dcols_8d, window, grad_in[start:stop])

    _in_parallel(ops, chunks, task, window, channels)
    return grad_in
