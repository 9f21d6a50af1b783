"""Thread scaling of a training step, minitorch and PyTorch: 1, 2, 4, 8, 16 threads.

Each thread count runs in a fresh process (both libraries pin their thread pools when they
load): the LeNet-5 step (batch 64) and the course network's (batch 16), float32, same weights
and batch in both libraries, medians of alternating blocks (bench/common.paired_medians).
Counts above the machine's cores are skipped unless named. About 20 s per count.

Run: python bench/bench_threads.py [--threads 1,2,4,8,16] [--repeats 40]
Writes a markdown table to $OUT/bench_threads.md when OUT is set, else prints it only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

CHILD = """
import json, sys
sys.path.insert(0, {here!r})
from common import paired_medians  # pins the thread count first (BENCH_THREADS)
from bench_train import CourseNetwork, LeNet5, TorchCourse, TorchLeNet, step_pair
rows = {{}}
for name, ours, theirs, batch, log_probs in (("LeNet-5", LeNet5(), TorchLeNet(), 64, False),
                                             ("course network", CourseNetwork(), TorchCourse(), 16, True)):
    rows[name] = paired_medians(*step_pair(ours, theirs, batch, log_probs), repeats={repeats}, warmup=5)
print(json.dumps(rows))
"""


def measure(threads: int, repeats: int) -> dict:
    env = dict(os.environ, BENCH_THREADS=str(threads))
    code = CHILD.format(here=str(HERE), repeats=repeats)
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def table(results: dict) -> str:
    names = list(next(iter(results.values())))
    head = "| threads | " + " | ".join(
        f"{n} ours (ms) | {n} torch (ms) | ours/torch | ours vs 1 thread | torch vs 1 thread" for n in names
    ) + " |"
    lines = [head, "|" + "---|" * (1 + 5 * len(names))]
    base = results[min(results)]
    for threads, rows in sorted(results.items()):
        cells = [str(threads)]
        for n in names:
            ours, theirs = rows[n]
            cells += [f"{ours * 1e3:.2f}", f"{theirs * 1e3:.2f}", f"{ours / theirs:.2f}x",
                      f"{base[n][0] / ours:.2f}x", f"{base[n][1] / theirs:.2f}x"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", default="1,2,4,8,16", help="comma-separated thread counts")
    parser.add_argument("--repeats", type=int, default=40, help="timed steps per library and count")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    asked = [int(t) for t in args.threads.split(",")]
    counts = [t for t in asked if t <= cores or args.threads != parser.get_default("threads")]
    start = time.perf_counter()
    results = {}
    for threads in counts:
        results[threads] = measure(threads, args.repeats)
        print(f"{threads} thread(s): {results[threads]}", file=sys.stderr, flush=True)
    import torch

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    text = (
        f"### Training-step thread scaling\n\n{cpu_model()}, {cores} logical CPUs, torch {torch.__version__}, "
        f"load average {load:.1f} at the end, {time.perf_counter() - start:.0f} s\n\n"
        "Step = zero_grad, forward, loss, backward, SGD(momentum 0.9); float32; medians of alternating "
        "blocks; each count in a fresh process. 'vs 1 thread' is the speed-up over the same library's "
        "1-thread time.\n\n" + table(results)
    )
    print(text)
    if os.environ.get("OUT"):
        target = Path(os.environ["OUT"]) / "bench_threads.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
        print(f"wrote {target}", file=sys.stderr)


if __name__ == "__main__":
    main()
