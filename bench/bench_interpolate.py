"""Interpolation benchmarks: F.interpolate ours vs PyTorch (CPU), one process, float32.

Run: python bench/bench_interpolate.py  (BENCH_THREADS=2 for 2 threads). Prints a markdown table
and, with --write, replaces the "## Interpolation" section of bench/RESULTS.md.
"""

from __future__ import annotations

import time

from common import THREADS, Table, print_and_write  # noqa: I001  (pins threads before imports)

import numpy as np  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from bench_pool import compare  # noqa: E402
from minitorch.ops.interpolate import interpolate  # noqa: E402

SECTION = "Interpolation"
NOTES = """
Timings alternate ours and torch call by call (the machine is shared; the table below is from
an idle moment, load ~0, 2026-11-27: earlier runs at load 15-22 swung by 1.5x, the ratio is the
figure to read), medians of 30. Each resized dim is a gather of its taps
(`take`, one per tap) weighed and summed, W first when the other dims grow (gathering along the
last axis is the slow one); the backward is the same gather with the transposed taps (each
input sample's readers), no scatter. PyTorch's 2-D nearest kernel for H_out + W_out <= 128
(64 + 64 here) is its channels-last loop, slow on a (N, C, H, W) input: hence the nearest rows.
"""

CASES = [
    ("bilinear", {"scale_factor": 2, "mode": "bilinear"}),
    ("nearest", {"scale_factor": 2, "mode": "nearest"}),
    ("bicubic", {"scale_factor": 2, "mode": "bicubic"}),
]


def main() -> Table:
    table = Table(f"Interpolation, float32, {THREADS} thread(s)", unit="ms")
    x = np.random.default_rng(0).standard_normal((32, 16, 32, 32)).astype(np.float32)
    for name, kwargs in CASES:
        compare(table, f"{name} 2x upsample 32x16x32x32", lambda t, k=kwargs: interpolate(t, **k),
                lambda t, k=kwargs: F.interpolate(t, **k), x, (32, 16, 64, 64))
    return table


if __name__ == "__main__":
    started = time.perf_counter()
    print_and_write(main(), "bench_interpolate.py", SECTION, NOTES, started)
