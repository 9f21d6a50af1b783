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
whatever the batch size. With more than one thread the batch is first cut into one range of
samples per thread (`ops.parallel_for`; each range chunked on its own, one reused buffer per
range, BLAS on one thread meanwhile, the weight gradient's per-range sums added in a fixed
order). The forward hands back each range's last chunk (still in its buffer), so the weight
gradient rebuilds every chunk but those; when each range fits in one chunk, it rebuilds
nothing. (Keeping every chunk instead was measured slower: reading a whole batch's unrolled
matrix back from memory costs more than unrolling it again in cache.)
`ops` is the tensor backend's ops class: its array namespace `ops.xp` does the matrix products
and its `unfold` / `fold` kernels (the window view of `core/window.py`, copied to a matrix, and
its adjoint) the rest.
"""

from __future__ import annotations

from math import prod
from typing import Any, Callable, Optional

from ..core.window import Window

__all__ = ["CHUNK_ELEMENTS", "PARALLEL_GRAIN", "conv_forward", "conv_gradients", "conv_input_grad", "conv_weight_grad"]

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

# Work per thread (see `_work`) from which the batch is spread over the backend's threads
# (each runs its samples' unfold, BLAS on one thread, and fold).
PARALLEL_GRAIN = 1 << 17

# Multiply-adds that cost about as much as copying one unrolled element (see `_work`).
MACS_PER_ELEMENT = 16


def _work(n: int, channels: int, window: Window, group_out: int) -> int:
    """The work of `n` samples in units of one unrolled element copied: the copy itself plus
    the group_out multiply-adds each unrolled element takes part in. Measured at one thread on
    the bench_conv cases, a phase costs about 0.3 ns per element and 0.018 ns per multiply-add
    (C_out 4: 0.37 ns per element, C_out 100: 2.1 ns)."""
    elements = n * channels * prod(window.kernel) * prod(window.out_size)
    return elements + elements * group_out // MACS_PER_ELEMENT


def _ranges(ops: Any, n_batch: int, work: int) -> list[tuple[int, int]]:
    """(start, stop) of the contiguous sample ranges the batch is split into, one per thread
    the backend spreads `work` over (one range when it runs serially): as even as whole
    samples allow, so that no thread waits for another."""
    parts = max(1, min(ops.parallel_parts(work, PARALLEL_GRAIN), n_batch))
    return [(n_batch * i // parts, n_batch * (i + 1) // parts) for i in range(parts)]


def _chunks(ops: Any, first: int, end: int, channels: int, window: Window, whole_batch_ok: bool) -> list[tuple[int, int]]:
    """(start, stop) of the chunks covering samples [first, end) of one range, `_chunk_size` samples each."""
    step = _chunk_size(ops, end - first, channels, window, whole_batch_ok)
    return [(start, min(start + step, end)) for start in range(first, end, step)]


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


# A task on one range of samples [start, stop) of the batch.
RangeTask = Callable[[int, int], None]


def _run_ranges(ops: Any, n_batch: int, channels: int, window: Window, group_out: int, *tasks: RangeTask) -> None:
    """Each task over each range of `_ranges`, one range per thread (`ops.parallel_for` splits
    the same `_work` the same way), all tasks in one parallel region. The forward and the
    gradients of one convolution get the same ranges, so a kept chunk ends the range reusing it."""
    work = _work(n_batch, channels, window, group_out)
    ranges = _ranges(ops, n_batch, work)

    def run(first: int, count: int) -> None:
        for start, stop in ranges[first : first + count]:
            for task in tasks:
                task(start, stop)

    ops.parallel_for(run, (), len(ranges), work, PARALLEL_GRAIN)


def conv_forward(
    ops: Any,
    x: Any,
    weight: Any,
    window: Window,
    groups: int,
    bias: Optional[Any] = None,
    whole_batch_ok: bool = True,
) -> tuple[Any, list[Chunk]]:
    """y = conv(x, weight) + bias: x (N, C, D, H, W), bias (C_out,) or None -> y (N, C_out, OD, OH, OW).

    The bias is added chunk by chunk, while each chunk's output is still in cache.
    `whole_batch_ok=False` keeps CHUNK_ELEMENTS chunks even for a small batch (see
    ONE_CHUNK_FACTOR: worth it when an input gradient follows).

    Returns (y, kept): kept holds the final chunk of each thread's range, still unrolled in
    that thread's buffer, reusable by `conv_weight_grad` (the whole range when it fit in one chunk).
    """
    n_batch, channels = x.shape[:2]
    out_channels = weight.shape[0]
    xp = ops.xp
    group_in = channels // groups * prod(window.kernel)
    group_out = out_channels // groups
    # (G, C_out/G, C/G*K): one weight matrix per group
    weight_mats = weight.reshape(groups, group_out, group_in)
    out = xp.empty((n_batch, out_channels, prod(window.out_size)), dtype=x.dtype)
    kept: dict[int, Chunk] = {}  # by range start

    def task(first: int, end: int) -> None:
        chunks = _chunks(ops, first, end, channels, window, whole_batch_ok)
        if not chunks:
            return
        size = chunks[0][1] - chunks[0][0]
        buffer = None  # one unrolled buffer per range, reused by its chunks
        for start, stop in chunks:
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
        kept[first] = (start, stop, cols)

    _run_ranges(ops, n_batch, channels, window, group_out, task)
    # (N, C_out, OD, OH, OW)
    return out.reshape(n_batch, out_channels, *window.out_size), list(kept.values())


def _weight_grad_task(
    ops: Any, x: Any, grad_out: Any, window: Window, groups: int, kept: Optional[list[Chunk]]
) -> tuple[RangeTask, Callable[[], Any]]:
    """The weight gradient (see `conv_weight_grad`) as (task per range, result)."""
    n_batch, channels = x.shape[:2]
    out_channels = grad_out.shape[1]
    xp = ops.xp
    group_in = channels // groups * prod(window.kernel)
    group_out = out_channels // groups
    length = prod(window.out_size)
    # (N, C_out, L) -> (N, L, C_out): per-sample transposed views, no copy
    grad_t = grad_out.reshape(n_batch, out_channels, length).transpose(0, 2, 1)
    kept_by_stop = {stop: (start, stop, cols) for start, stop, cols in kept or () if stop > start}
    partials: dict[int, Any] = {}  # the transposed weight gradient (G, C/G*K, C_out/G) of each range

    def task(first: int, end: int) -> None:
        reused = kept_by_stop.get(end)
        if reused is not None and reused[0] < first:  # the forward split the batch otherwise
            reused = None
        # (start, stop, cols or None): the kept chunk first, while it may still be in cache
        chunks = [reused] if reused is not None else []
        rebuilt = _chunks(ops, first, end if reused is None else reused[0], channels, window, True)
        chunks += [(start, stop, None) for start, stop in rebuilt]
        size = max((stop - start for start, stop in rebuilt), default=0)
        # (G, C/G*K, C_out/G): the transposed weight gradient of each group, over this range
        grad_weight_t = xp.zeros((groups, group_in, group_out), dtype=x.dtype)
        buffer = None
        for start, stop, cols in chunks:
            if cols is None:
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

    def result() -> Any:
        # the ranges' sums added in range order: the same result for the same thread count
        grad_weight_t = partials.pop(0) if partials else xp.zeros((groups, group_in, group_out), dtype=x.dtype)
        for first in sorted(partials):
            grad_weight_t += partials[first]
        # (G, C/G*K, C_out/G) -> (C_out, C/G*K) -> (C_out, C/G, KD, KH, KW)
        grad_weight = grad_weight_t.transpose(0, 2, 1).reshape(out_channels, group_in)
        return grad_weight.reshape(out_channels, channels // groups, *window.kernel)

    return task, result


def _input_grad_task(ops: Any, grad_out: Any, weight: Any, window: Window, groups: int) -> tuple[RangeTask, Any]:
    """The input gradient (see `conv_input_grad`) as (task per range, the array it fills)."""
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

    def task(first: int, end: int) -> None:
        # nothing is reused here, so no whole-batch chunk: a smaller buffer stays in cache
        chunks = _chunks(ops, first, end, channels, window, whole_batch_ok=False)
        if not chunks:
            return
        size = chunks[0][1] - chunks[0][0]
        buffer = xp.empty(size * rows * length, dtype=grad_out.dtype)  # one per range
        for start, stop in chunks:
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

    return task, grad_in


def conv_weight_grad(
    ops: Any, x: Any, grad_out: Any, window: Window, groups: int, kept: Optional[list[Chunk]] = None
) -> Any:
    """dW: x (N, C, ...), grad_out (N, C_out, ...) -> (C_out, C/G, *kernel).

    `kept`, chunks still unrolled by `conv_forward`, are used as they are (first, while they
    may still be in cache): a range ending with a kept chunk unrolls only the samples before it.
    """
    task, result = _weight_grad_task(ops, x, grad_out, window, groups, kept)
    _run_ranges(ops, x.shape[0], x.shape[1], window, grad_out.shape[1] // groups, task)
    return result()


def conv_input_grad(ops: Any, grad_out: Any, weight: Any, window: Window, groups: int) -> Any:
    """dx = fold(W^T @ grad_out): grad_out (N, C_out, OD, OH, OW) -> (N, C, D, H, W)."""
    task, grad_in = _input_grad_task(ops, grad_out, weight, window, groups)
    _run_ranges(ops, grad_out.shape[0], weight.shape[1] * groups, window, grad_out.shape[1] // groups, task)
    return grad_in


def conv_gradients(
    ops: Any, x: Any, grad_out: Any, weight: Any, window: Window, groups: int, kept: Optional[list[Chunk]] = None
) -> tuple[Any, Any]:
    """(dx, dW) of `conv_input_grad` and `conv_weight_grad` together, each thread running both
    on its range of samples: one parallel region instead of two (a region's hand-off costs tens
    of microseconds with a sleeping pool)."""
    input_task, grad_in = _input_grad_task(ops, grad_out, weight, window, groups)
    weight_task, result = _weight_grad_task(ops, x, grad_out, window, groups, kept)
    _run_ranges(ops, x.shape[0], x.shape[1], window, grad_out.shape[1] // groups, input_task, weight_task)
    return grad_in, result()
