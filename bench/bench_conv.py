"""Convolution benchmarks: forward + backward (input, weight, bias) against PyTorch, one process.

Run: python bench/bench_conv.py            (1 thread: float32 and float64 tables)
     BENCH_THREADS=2 python bench/bench_conv.py   (the 2-thread table)
     add --write to replace the "## Convolution" section of bench/RESULTS.md
     (the 1-thread run writes its tables, then runs the 2-thread one in a child process).

Each case times `out = conv(x, w, b); out.backward(g)` for ours and torch, alternating the two
in every repeat (this machine is shared, so drifts hit both), and reports the medians.
"""

from __future__ import annotations

import os
import subprocess
import sys

from common import THREADS, Table, paired_medians, write_section  # noqa: I001  (pins threads before imports)

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import minitorch  # noqa: E402
from minitorch.ops.conv import conv1d, conv2d  # noqa: E402


# name, dims, (N, C_in, *spatial), C_out, kernel, padding, input needs grad, torch 1T ms (issue), target
CASES = [
    ("a1", 2, (64, 1, 28, 28), 4, 3, 1, False, 0.91, 1.0),
    ("a3", 2, (64, 4, 28, 28), 8, 3, 1, True, 5.4, 1.0),
    ("b1", 2, (128, 1, 28, 28), 6, 5, 2, False, 3.0, 1.0),
    ("b2", 2, (128, 6, 14, 14), 16, 5, 0, True, 4.2, 1.0),
    ("c", 2, (32, 64, 56, 56), 64, 3, 1, True, 274.0, 1.5),
    ("d1", 1, (32, 50, 60), 100, 3, "same", True, 3.6, 1.0),
    ("d2", 1, (32, 50, 60), 100, 4, "same", True, 4.4, 1.0),
    ("d3", 1, (32, 50, 60), 100, 5, "same", True, 5.2, 1.0),
]


def conv_case(dims, in_shape, out_channels, kernel, padding, input_grad, dtype):
    """(ours, theirs) closures running forward + backward of one convolution."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal(in_shape).astype(dtype)
    w = (rng.standard_normal((out_channels, in_shape[1]) + (kernel,) * dims) * 0.1).astype(dtype)
    b = rng.standard_normal(out_channels).astype(dtype)
    ours_fn, torch_fn = (conv1d, F.conv1d) if dims == 1 else (conv2d, F.conv2d)
    g = rng.standard_normal(tuple(torch_fn(torch.from_numpy(x), torch.from_numpy(w), padding=padding).shape))
    g = g.astype(dtype)
    mx = minitorch.from_numpy(x, requires_grad=input_grad)
    mw, mb = minitorch.from_numpy(w, requires_grad=True), minitorch.from_numpy(b, requires_grad=True)
    mg = minitorch.from_numpy(g)
    tx = torch.from_numpy(x).requires_grad_(input_grad)
    tw, tb = torch.from_numpy(w).requires_grad_(), torch.from_numpy(b).requires_grad_()
    tg = torch.from_numpy(g)

    def ours():
        ours_fn(mx, mw, mb, padding=padding).backward(mg)
        mx.grad = mw.grad = mb.grad = None

    def theirs():
        torch_fn(tx, tw, tb, padding=padding).backward(tg)
        tx.grad = tw.grad = tb.grad = None

    return ours, theirs


def course_case():
    """The course's conv2d on (64, 1, 28, 28) x (4, 1, 3, 3), forward + backward (input and weight)."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal((64, 1, 28, 28)).astype(np.float32)
    w = rng.standard_normal((4, 1, 3, 3)).astype(np.float32)
    mx, mw = minitorch.from_numpy(x, requires_grad=True), minitorch.from_numpy(w, requires_grad=True)
    g = rng.standard_normal((64, 4, 28, 28)).astype(np.float32)
    mg = minitorch.from_numpy(g)
    tx, tw, tg = torch.from_numpy(x).requires_grad_(), torch.from_numpy(w).requires_grad_(), torch.from_numpy(g)

    def ours():
        minitorch.conv2d(mx, mw).backward(mg)
        mx.grad = mw.grad = None

    def theirs():  # the same maths in torch: pad right/bottom by K - 1, then a valid conv
        F.conv2d(F.pad(tx, (0, 2, 0, 2)), tw).backward(tg)
        tx.grad = tw.grad = None

    return ours, theirs


def run_tables() -> list[Table]:
    dtypes = [np.float32, np.float64] if THREADS == 1 else [np.float32]
    # first, while the heap is small: after case c's 100+ MB buffers small cases run slower
    course = Table(f"course conv2d (64,1,28,28) x (4,1,3,3) forward + backward, {THREADS} thread(s)")
    ours_s, torch_s = paired_medians(*course_case(), repeats=31)
    course.add("minitorch.conv2d (course semantics)", ours_s, torch_s, "<= 0.8 ms (50x under 32-44 ms)")
    tables = [course]
    for dtype in dtypes:
        name = np.dtype(dtype).name
        table = Table(f"conv forward + backward, {name}, {THREADS} thread(s)")
        for case, dims, shape, c_out, k, pad, input_grad, issue_ms, target in CASES:
            ours, theirs = conv_case(dims, shape, c_out, k, pad, input_grad, dtype)
            repeats = 7 if case == "c" else 31
            ours_s, torch_s = paired_medians(ours, theirs, repeats)
            label = f"{case}: N{shape[0]} {'x'.join(map(str, shape[1:]))} -> {c_out}, k{k} p{pad}"
            label += "" if input_grad else " (no input grad)"
            table.add(label, ours_s, torch_s, f"<= {target}x" if dtype == np.float32 and THREADS == 1 else "")
        tables.append(table)
    return tables


NOTES = """Forward + backward (input, weight and bias gradients; no input gradient where marked) through
the autodiff engine, `out = conv(x, w, b); out.backward(g)`, against `torch.nn.functional` in the
same process, timed alternately, median of 31 repeats (7 for case c); threads pinned, allocator untuned
(bench/common.py). Design: per batch chunk (about 256K elements of unrolled matrix), numba
im2col into a channel-major (C_in*K) x (n*L) matrix, one BLAS call per sample straight into the
(N, C_out, L) output; weight grad from the same unrolled matrix (the forward's last chunk is
reused, the others rebuilt); input grad W^T @ grad_out then numba col2im. The 2-core machine is
shared with other jobs, so single runs drift by 10-50%, and the ratios with them: on a loaded
machine PyTorch's column slows more than ours (b2 read 0.95-1.11x then), on an idle one (load ~0,
2026-11-27) b2 is 1.32-1.34x, d2 1.08-1.23x and d3 1.24-1.29x, the code of f97f417 measuring the
same within 3-8% in the same minute: those rows miss their 1.0x line. The course conv2d row's
absolute time follows the machine (0.7-1.0 ms; its 0.8 ms line is met only in the faster moments).
At 2 threads each thread takes an even range of the batch's samples and runs its own unfold,
BLAS calls (on one thread) and col2im; the input and weight gradients share one parallel region
(ops/conv_lowering.py). Both libraries are timed in blocks; whenever another job holds one of the
two cores, 2-thread timings of both libraries mostly measure waiting for that core. OpenBLAS
0.3.31 (numpy 2.4.6's) runs its AVX2 (Haswell) kernels on this AVX-512 Zen 5 CPU because the
machine's environment sets OPENBLAS_CORETYPE=Haswell (without it OpenBLAS detects the CPU as
SkylakeX and runs AVX-512 kernels: a 64x576x3136 sgemm on one thread took 1.83-1.90 ms with the
variable, 1.03-1.09 ms without, 2026-11-28 04:11, load ~1.9), while PyTorch's oneDNN and MKL use
AVX-512 whatever the variable says: the GEMM-bound case c is limited by that, not by threading
(with OPENBLAS_CORETYPE=SkylakeX instead, c ran 119 -> 72 ms at 2 threads against torch 88 ms:
one run, 2026-11-28 01:38, load ~1).
2-thread caveat (2026-11-28): after a pause (the 0.2 s before each block here) this VM's second
vCPU wakes slowly (~0.2-0.3 ms). Since session 6 the pool's threads claim ranges (the caller runs
a late thread's range itself) and each block starts after 5 ms of untimed calls for each library;
the tables below are measured with both (05:44, load ~1). Ours alone in a loop at 2 threads
(float32, no pauses, 05:55) reads b2 1.71-1.83 ms, d1 1.10-1.12, a3 1.18-1.21: about half the
2-thread table's figures. In some processes, more often when PyTorch's threads ran first, our
split calls fall into a state where the second thread does little, and stay in it even in a loop
(b2 3.1-3.7 ms); not explained yet (issue 15).
"""


def main() -> None:
    markdown = "\n".join(t.markdown() for t in run_tables())
    if THREADS == 1 and "--write" in sys.argv:
        env = dict(os.environ, BENCH_THREADS="2")
        child = subprocess.run([sys.executable, __file__, "--markdown"], env=env, capture_output=True, text=True)
        markdown += "\n" + child.stdout.split("<<<MARKDOWN>>>\n", 1)[-1]
        write_section("Convolution", NOTES + "\n" + markdown)
    elif "--markdown" in sys.argv:
        print("<<<MARKDOWN>>>\n" + markdown)


if __name__ == "__main__":
    main()
