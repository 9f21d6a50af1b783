"""Cold start: `import minitorch`, and a fresh process to the end of its first LeNet-5 training
step, with an empty numba cache (NUMBA_CACHE_DIR set to a new folder: a fresh install) and with
a warm one (the same folder again). Whole processes, medians of a few runs.

Run: python bench/bench_cold.py [--write]   (--write replaces "## Cold start" in bench/RESULTS.md)
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile

from common import THREADS, Table, machine, write_section  # noqa: I001  (pins threads before imports)

from bench_train import COLD_START as FIRST_STEP  # noqa: E402  (the first LeNet-5 step, timed from process start)

IMPORT = (
    "import time; t, c = time.perf_counter(), time.process_time(); import minitorch; "
    "print(time.perf_counter() - t, time.process_time() - c)"
)


def run(code: str, cache: str) -> tuple:
    """(wall, CPU) seconds the child reports."""
    env = dict(os.environ, NUMBA_CACHE_DIR=cache)
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True)
    wall, cpu = out.stdout.strip().splitlines()[-1].split()
    return float(wall), float(cpu)


def cold_and_warm(code: str, repeats: int) -> tuple:
    """((wall, CPU) medians with an empty cache, the same with the cache that run left)."""
    cold, warm = [], []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as cache:
            cold.append(run(code, cache))
            warm.append(run(code, cache))
    return tuple(tuple(statistics.median(column) for column in zip(*runs)) for runs in (cold, warm))


def main() -> None:
    table = Table(f"Cold start, {THREADS} thread(s)", unit="s")
    print(machine())
    repeats = int(os.environ.get("BENCH_REPEATS", "3"))
    for name, code, target in (("import minitorch", IMPORT, "< 0.3 s"), ("process start to end of first LeNet-5 step", FIRST_STEP, "< 3 s")):
        for label, (wall, cpu) in zip(("empty", "warm"), cold_and_warm(code, repeats)):
            table.add_row(f"{name}, {label} numba cache", f"{wall:.2f} (CPU {cpu:.2f})", "", "", target)
    if "--write" in sys.argv:
        notes = (
            "Whole processes (the torch column is empty: this measures our start-up alone); medians of "
            "BENCH_REPEATS runs; wall time with the process's CPU time beside it (on a busy machine the "
            "CPU time is what the same run takes when it has a core to itself). `import minitorch` imports no "
            "numba: the first compiled kernel does (`minitorch/backends/compiled.py`), so numba's own import "
            "(~0.15 s) is inside the first-step rows."
        )
        write_section("Cold start", f"`python bench/bench_cold.py --write`\n\n{notes}\n\n" + table.markdown())


if __name__ == "__main__":
    main()
