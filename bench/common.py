"""Shared benchmark plumbing: thread pinning, warm median timing, table printing and RESULTS.md.

Import this module FIRST in a benchmark script: it pins minitorch, numba, BLAS and torch to the
requested thread count (default 1) before those libraries load. Nothing else about the process
is tuned: the allocator runs with its defaults (minitorch keeps its large buffers in its own
workspace, backends/workspace.py), so the tables show the speed a plain script gets.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, List, Sequence

THREADS = int(os.environ.get("BENCH_THREADS", "1"))
for _name in ("MINITORCH_NUM_THREADS", "NUMBA_NUM_THREADS", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = str(THREADS)

import torch  # noqa: E402

torch.set_num_threads(THREADS)

__all__ = ["THREADS", "RESULTS", "median_time", "paired_medians", "machine", "Table", "write_section"]


def median_time(fn: Callable[[], object], repeats: int = 15, warmup: int = 3, min_time: float = 0.0) -> float:
    """Median wall time of `fn()` in seconds after `warmup` calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# After each pause, a library's calls are untimed until this much wall time has passed (at least
# one call), the same rule for both libraries. Right after a 0.2 s idle the first calls of either
# library run slow -- on one thread too (sigmoid 1M f32 at 1 thread, this VM: ~300 us, then 115-135,
# then the steady 106-110) -- and at 2 threads the other vCPU, halted while idle, takes ~0.2-0.3 ms
# to come back. A training loop has no such pauses; a few milliseconds of calls bring both back.
WARM_SECONDS = 5e-3


def paired_medians(ours: Callable[[], object], theirs: Callable[[], object], repeats: int, warmup: int = 3,
                   blocks: int = 3) -> tuple:
    """Median seconds of `ours()` and `theirs()`, both libraries in this process.

    One thread: timed alternately call by call, so drifts of the shared machine hit both. More
    threads: timed in alternating blocks (ours, torch, ours, ...) with a pause before each, since
    right after a parallel call a runtime's worker threads (torch's OpenMP, OpenBLAS's) keep
    spinning and would steal the cores from the other library's next call; after the pause each
    library runs untimed for WARM_SECONDS (the same rule for both). Warm at more threads
    includes minitorch's tiering: a kernel goes to TBB from its HOT_CALLS-th split call.
    """
    if THREADS > 1:
        from minitorch.backends.threads import HOT_CALLS

        warmup = max(warmup, HOT_CALLS)
    for _ in range(warmup):
        ours()
        theirs()
    times: tuple = ([], [])
    if THREADS == 1:
        for _ in range(repeats):
            for fn, bucket in ((ours, times[0]), (theirs, times[1])):
                start = time.perf_counter()
                fn()
                bucket.append(time.perf_counter() - start)
    else:
        per_block = max(1, repeats // blocks)
        for _ in range(blocks):
            for fn, bucket in ((ours, times[0]), (theirs, times[1])):
                time.sleep(0.2)  # let the other library's spinning threads go to sleep
                warm_until = time.perf_counter() + WARM_SECONDS
                fn()  # untimed: wake this library's threads (and the idle core)
                while time.perf_counter() < warm_until:
                    fn()
                for _ in range(per_block):
                    start = time.perf_counter()
                    fn()
                    bucket.append(time.perf_counter() - start)
    return statistics.median(times[0]), statistics.median(times[1])


def machine() -> str:
    """CPU model, core count and thread setting, for the results table."""
    model = platform.processor() or "unknown CPU"
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        for line in out.splitlines():
            if line.startswith("Model name"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"{model}, {os.cpu_count()} cores, {THREADS} thread(s), torch {torch.__version__}, {_blas()}, load average {load:.1f} at the end"


def _blas() -> str:
    """The BLAS numpy loaded and the kernels it runs ("Haswell": AVX2): OpenBLAS picks them from
    the CPU unless OPENBLAS_CORETYPE pins them (this VM's environment sets Haswell)."""
    from threadpoolctl import threadpool_info

    found = sorted({f"{i['internal_api']} {i['version']} {i.get('architecture') or ''}".strip() for i in threadpool_info() if i["user_api"] == "blas"})
    pinned = os.environ.get("OPENBLAS_CORETYPE")
    return "BLAS " + (", ".join(found) or "none loaded") + (f" (OPENBLAS_CORETYPE={pinned})" if pinned else "")


class Table:
    """Rows of (case, ours, torch, ratio, target) printed as markdown."""

    def __init__(self, title: str, unit: str = "ms"):
        self.title = title
        self.unit = unit
        self.rows: List[Sequence[str]] = []
        self.machine = ""  # the machine line of another process's run (default: this process's)

    def add(self, case: str, ours_s: float, torch_s: float, target: str = "") -> None:
        scale = 1e3 if self.unit == "ms" else 1e6
        ratio = ours_s / torch_s if torch_s > 0 else float("nan")
        row = (case, f"{ours_s * scale:.3f}", f"{torch_s * scale:.3f}", f"{ratio:.2f}x", target)
        self.rows.append(row)
        print(" | ".join(row), flush=True)

    def add_row(self, *cells: str) -> None:
        self.rows.append(cells)
        print(" | ".join(cells), flush=True)

    def markdown(self) -> str:
        header = f"| case | ours ({self.unit}) | torch ({self.unit}) | ours/torch | target |\n|---|---|---|---|---|\n"
        return f"### {self.title}\n\n{self.machine or machine()}\n\n" + header + "\n".join("| " + " | ".join(r) + " |" for r in self.rows) + "\n"


RESULTS = Path(__file__).with_name("RESULTS.md")


def write_section(heading: str, body: str) -> None:
    """Replace the `## heading` section of bench/RESULTS.md with `body` (appended if missing),
    leaving the other sections alone."""
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    section = f"## {heading}\n\n{body.rstrip()}\n"
    marker = f"## {heading}\n"
    if marker in text:
        start = text.index(marker)
        end = text.find("\n## ", start + len(marker))
        text = text[:start] + section + (text[end:] if end != -1 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text)


def print_and_write(table: Table, script: str, section: str, notes: str, started: float) -> None:
    """Print `table` as markdown; with `--write` on the command line also make it the `## section`
    of RESULTS.md, under the run line of `script` and `notes`; then the run's wall time."""
    print()
    print(table.markdown())
    if "--write" in sys.argv:
        write_section(section, f"`python bench/{script} --write`\n{notes}\n" + table.markdown())
    print(f"(ran in {time.perf_counter() - started:.0f} s)")
