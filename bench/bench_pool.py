"""Pooling and softmax benchmarks: ours vs PyTorch (CPU), one process, float32.

Run: python bench/bench_pool.py  (BENCH_THREADS=2 for the 2-thread figures). Prints a markdown
table and, with --write, replaces the "## Pooling and softmax" section of bench/RESULTS.md.
"""

from __future__ import annotations

import time

from common import THREADS, Table, paired_medians, print_and_write  # noqa: I001  (pins threads before imports)

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import minitorch  # noqa: E402
from minitorch.ops.pad import pad  # noqa: E402
from minitorch.ops.pool import avg_pool2d, max_pool2d  # noqa: E402
from minitorch.ops.softmax import log_softmax, softmax  # noqa: E402

SECTION = "Pooling and softmax" + ("" if THREADS == 1 else f", {THREADS} threads")  # (--write: one section per count)
NOTES = """
Timings alternate ours and torch call by call (the machine is shared), medians of 30 (15 for
the 4096x1000 rows, 200 for 64x10). The course's tile-based pooling is built as the issue asks
(a row-major copy of the window view, then a reduction over the last dim): the copy and its
adjoint are the backend's tile kernels (fast_pool.py, 2x2 blocks unrolled: forward 54 us,
forward+backward 118 us here at one thread). Rows of 4 (the 2x2 tile) reduce in dedicated numba
kernels that vectorise across rows (first-max as a branch-free tree, sum as two pairwise adds;
both about 9x faster than the general row scan or BLAS on 100K rows), so both course functions
meet the 1.5x-of-fused target (and run faster than the fused kernels here).
`pad` (not an issue target, listed because every op is benchmarked) is numpy slicing: a
strided copy of the interior plus the edges, about 1.5x torch's forward at this size and at or
under torch's time once the backward is included.
"""


def _pair(x_np: np.ndarray):
    """The same float32 data as a minitorch leaf and a torch leaf (both requiring grad)."""
    ours = minitorch.from_numpy(x_np.copy()).requires_grad_(True)
    theirs = torch.from_numpy(x_np.copy()).requires_grad_(True)
    return ours, theirs


def _forward_backward(fn, x, upstream):
    def step():
        x.grad = None
        fn(x).backward(upstream)

    return step


def compare(table: Table, name: str, ours_fn, torch_fn, x_np: np.ndarray, out_shape, repeats: int = 30) -> None:
    """Forward (no graph) and forward+backward of ours and torch on the same input."""
    ours_x, torch_x = _pair(x_np)
    upstream = np.random.default_rng(1).standard_normal(out_shape).astype(np.float32)

    def ours_forward():
        with minitorch.no_grad():
            ours_fn(ours_x)

    def torch_forward():
        with torch.no_grad():
            torch_fn(torch_x)

    table.add(f"{name} forward", *paired_medians(ours_forward, torch_forward, repeats), "<= 1.0x")
    ours_step = _forward_backward(ours_fn, ours_x, minitorch.from_numpy(upstream))
    torch_step = _forward_backward(torch_fn, torch_x, torch.from_numpy(upstream))
    table.add(f"{name} forward+backward", *paired_medians(ours_step, torch_step, repeats), "<= 1.0x")


def course_vs_fused(table: Table, x_np: np.ndarray) -> None:
    """MiniTorch's tile-based pooling against our fused kernels (ratio column: tile / fused)."""
    x, _ = _pair(x_np)
    upstream = minitorch.from_numpy(np.ones((64, 8, 14, 14), dtype=np.float32))
    cases = [
        ("course maxpool2d (tile) vs fused max_pool2d", lambda t: minitorch.maxpool2d(t, (2, 2)), lambda t: max_pool2d(t, 2)),
        ("course avgpool2d (tile) vs fused avg_pool2d", lambda t: minitorch.avgpool2d(t, (2, 2)), lambda t: avg_pool2d(t, 2)),
    ]
    for name, course, fused in cases:
        tile_s, fused_s = paired_medians(_forward_backward(course, x, upstream), _forward_backward(fused, x, upstream), 20)
        table.add_row(
            f"{name}, forward+backward", f"{tile_s * 1e3:.3f}", f"{fused_s * 1e3:.3f} (fused)", f"{tile_s / fused_s:.2f}x", "<= 1.5x"
        )


def main() -> Table:
    table = Table(f"Pooling and softmax, float32, {THREADS} thread(s)", unit="ms")
    rng = np.random.default_rng(0)
    images = rng.standard_normal((64, 8, 28, 28)).astype(np.float32)
    compare(table, "max_pool2d 2x2/2 64x8x28x28", lambda t: max_pool2d(t, 2), lambda t: F.max_pool2d(t, 2), images, (64, 8, 14, 14))
    compare(table, "avg_pool2d 2x2/2 64x8x28x28", lambda t: avg_pool2d(t, 2), lambda t: F.avg_pool2d(t, 2), images, (64, 8, 14, 14))
    logits = rng.standard_normal((4096, 1000)).astype(np.float32)
    compare(table, "softmax dim 1 of 4096x1000", lambda t: softmax(t, 1), lambda t: torch.softmax(t, 1), logits, logits.shape, 15)
    compare(table, "log_softmax dim 1 of 4096x1000", lambda t: log_softmax(t, 1), lambda t: torch.log_softmax(t, 1), logits, logits.shape, 15)
    small = rng.standard_normal((64, 10)).astype(np.float32)
    compare(table, "softmax dim 1 of 64x10", lambda t: softmax(t, 1), lambda t: torch.softmax(t, 1), small, small.shape, 200)
    for mode in ("constant", "reflect"):
        compare(table, f"pad {mode} (1, 1, 1, 1) 64x8x28x28", lambda t, m=mode: pad(t, (1, 1, 1, 1), mode=m),
                lambda t, m=mode: F.pad(t, (1, 1, 1, 1), mode=m), images, (64, 8, 30, 30))
    course_vs_fused(table, images)
    return table


if __name__ == "__main__":
    started = time.perf_counter()
    notes = NOTES if THREADS == 1 else f"\nWith BENCH_THREADS={THREADS} in the environment: ours and torch timed in alternating blocks, each after a 0.2 s pause and\n5 ms of untimed calls (bench/common.py paired_medians), both on {THREADS} threads.\n"
    print_and_write(main(), "bench_pool.py", SECTION, notes, started)
