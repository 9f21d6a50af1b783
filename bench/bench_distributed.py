"""Data-parallel training: all-reduce cost per step and the throughput of 2 workers against 1.

1. All-reduce per step, 2 ranks on this machine, for the gradients of the course CNN, the digits
   CNN, LeNet-5 and the Kim CNN with SST-2's vocabulary (13,835 x 300 embedding): the raw sum of
   one float32 buffer over MPI (mpi4py + MPICH, what minitorch.distributed uses) and over
   torch.distributed's gloo backend (TCP on 127.0.0.1), and our whole per-step overhead
   (`DataParallel.reduce_gradients`: write the weighted gradients into this rank's slot of an MPI
   shared-memory window, meet at a barrier, add the slots, hand the sums back). Ranks meet at a
   barrier before each repetition; medians.
2. `minitorch train digits` and the MNIST split (`--mnist DIR`: train on the first 8,000 t10k
   images, test on the last 2,000), one process at one thread against `--workers 2` at one
   thread each: test accuracy, training throughput (examples/s of rank 0's training loop, the
   same definition for 1 and 2 processes: the global batch's examples over the epoch's seconds,
   evaluation and checkpointing excluded; median over epochs 2..E) and wall time of the command.
   With --repeats N the 1- and 2-worker runs alternate N times and the medians are reported.
3. Where the 2-worker run loses against the ideal 2.0x (the MNIST recipe, with --mnist): the
   time per step of one process, of one rank alone (its half of the batch, with a stand-in partner
   whose all-reduce doubles the buffer: no waiting), of two such ranks running at once
   (independent processes: no waiting, but sharing the caches and memory), and of the real
   2-worker run (the steps above). one / rank alone is the bound that per-op overhead sets (a half
   batch costs more than half a step), one / two at once adds what running side by side costs,
   and the real run adds the ranks waiting for each other and the sum.
4. The machine's parallel capacity before and after: two independent CPU-bound processes
   against one (the ceiling of any speed-up from 2 ranks; 2.0 on an idle 2-core machine).

Measuring (the throughput rows mean nothing on a shared machine: two lockstep ranks wait for
each other whenever either is descheduled):
  1. nothing else running: `uptime` shows a 1-minute load average under ~0.3;
  2. python bench/bench_distributed.py --mnist /work/shared/data/mnist --repeats 3
     (MNIST t10k IDX files; about 4 minutes; add --training-only to skip the all-reduce table,
     which also needs torch);
  3. the printed capacity must be >= 1.9 before and after, else rerun later. The section
     "## Data-parallel training" in bench/RESULTS.md is rewritten with the load averages and
     capacities of the run.

Run: python bench/bench_distributed.py [--mnist DIR] [--repeats N] [--skip-training | --training-only]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import machine, write_section  # noqa: I001  (pins threads before imports)

import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent
SST2_BATCH_WORDS = 300  # distinct words in a batch of 50 SST-2 training phrases: 280 on average (measured)
MODELS = {  # name -> (model, input shape, classes, options)
    "course CNN": ("course", (1, 28, 28), 10, {}),
    "digits CNN": ("cnn", (1, 8, 8), 10, {"layers": "32:3,32:3,64:3:2", "dropout": 0.5}),
    "LeNet-5": ("lenet5", (1, 28, 28), 10, {}),
    "Kim CNN (SST-2)": ("kim_cnn", (60,), 2, {"vocab_size": 13835}),
}


def _median_seconds(fn, barrier, repeats: int) -> float:
    for _ in range(3):
        barrier()
        fn()
    times = []
    for _ in range(repeats):
        barrier()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def mpi_child() -> None:
    """Under mpiexec -n 2: raw MPI all-reduce and DataParallel.reduce_gradients per model (JSON from rank 0)."""
    import minitorch
    from minitorch.distributed import DataParallel, world
    from minitorch.models import build_model

    group = world()
    rows = {}
    for name, (model_name, shape, classes, options) in MODELS.items():
        model = build_model(model_name, shape, classes, **options)
        model.to(minitorch.FastBackend, "float32")
        parallel = DataParallel(model, group)
        rng = np.random.default_rng(group.rank)
        for p in model.parameters():
            p.value.grad = minitorch.from_numpy(rng.standard_normal(p.value.shape).astype(np.float32))
        size = sum(p.value.size for p in model.parameters())
        repeats = 200 if size < 1e6 else 30
        flat = np.ones(size, dtype=np.float32)
        raw = _median_seconds(lambda: group.all_reduce_(flat), group.barrier, repeats)
        whole = _median_seconds(lambda: parallel.reduce_gradients(0.5, [1.0, 2.0]), group.barrier, repeats)
        rows[name] = {"parameters": size, "mpi": raw, "reduce_gradients": whole}
        embedding = getattr(model, "embedding", None)
        if embedding is not None:  # as the trainer sends it: only the rows of one batch's words
            words = np.arange(0, embedding.num_embeddings, embedding.num_embeddings // SST2_BATCH_WORDS)
            sparse = {embedding.weight: words}
            rows[name]["sparse_rows"] = len(words)
            rows[name]["reduce_sparse"] = _median_seconds(lambda: parallel.reduce_gradients(0.5, [1.0], rows=sparse),
                                                          group.barrier, repeats)
    if group.is_root:
        print(json.dumps(rows), flush=True)


def gloo_child(rank: int, port: int, sizes: dict, out: str) -> None:
    import torch
    import torch.distributed as dist

    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=2)
    rows = {}
    for name, size in sizes.items():
        flat = torch.ones(size, dtype=torch.float32)
        rows[name] = _median_seconds(lambda: dist.all_reduce(flat), dist.barrier, 200 if size < 1e6 else 30)
    if rank == 0:
        Path(out).write_text(json.dumps(rows))
    dist.destroy_process_group()


def all_reduce_table() -> str:
    from minitorch.distributed.launch import LOOPBACK_ENVIRONMENT, find_mpiexec

    environment = {**LOOPBACK_ENVIRONMENT, **os.environ}
    result = subprocess.run([find_mpiexec(), "-n", "2", sys.executable, __file__, "--mpi-child"], env=environment,
                            capture_output=True, text=True, check=True)
    mpi = json.loads(result.stdout.strip().splitlines()[-1])
    import torch.multiprocessing as mp

    with tempfile.TemporaryDirectory() as folder:
        out = str(Path(folder) / "gloo.json")
        mp.spawn(gloo_child, args=(29517, {name: row["parameters"] for name, row in mpi.items()}, out), nprocs=2)
        gloo = json.loads(Path(out).read_text())
    lines = ["| gradient of | parameters | MB (float32) | MPI all-reduce ms | gloo all-reduce ms | gloo / MPI | "
             "reduce_gradients ms (ours: MPI shared memory) |", "|---|---|---|---|---|---|---|"]
    for name, row in mpi.items():
        lines.append(f"| {name} | {row['parameters']:,} | {row['parameters'] * 4 / 1e6:.2f} | {row['mpi'] * 1e3:.3f} | "
                     f"{gloo[name] * 1e3:.3f} | {gloo[name] / row['mpi']:.1f}x | {row['reduce_gradients'] * 1e3:.3f} |")
        print(lines[-1], flush=True)
        if "reduce_sparse" in row:
            lines.append(f"| {name}, embedding rows of one batch's words only ({row['sparse_rows']:,} of the "
                         f"vocabulary), as the trainer sends it | | | | | | {row['reduce_sparse'] * 1e3:.3f} |")
            print(lines[-1], flush=True)
    return "\n".join(lines)


def _train(task: str, workers: int, folder: Path, extra: list) -> dict:
    out = folder / f"{task}-{workers}"
    command = [sys.executable, "-m", "minitorch", "train", task, "--quiet", "--threads", "1", "--out", str(out), *extra]
    if workers > 1:
        command += ["--workers", str(workers)]
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, text=True)
    wall = time.perf_counter() - start
    rows = json.loads((out / "metrics.json").read_text())
    rate = statistics.median(row["examples_per_s"] for row in rows[1:]) if len(rows) > 1 else rows[0]["examples_per_s"]
    return {"acc": rows[-1]["test_acc"], "rate": rate, "wall": wall, "epochs": len(rows)}


def training_table(mnist: str | None, repeats: int = 1, rates: dict | None = None) -> str:
    runs = [("digits", [])] + ([("mnist", ["--data", mnist])] if mnist else [])
    lines = ["| task (default recipe) | epochs | test acc, 1 process | test acc, 2 workers | examples/s, 1 | "
             "examples/s, 2 | throughput ratio | wall s, 1 | wall s, 2 | wall ratio |", "|---|---|---|---|---|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as folder:
        for task, extra in runs:
            pairs = [tuple(_train(task, workers, Path(folder) / str(i), extra) for workers in (1, 2))
                     for i in range(repeats)]
            for i, (one, two) in enumerate(pairs):
                print(f"{task} run {i + 1}: {one['rate']:.0f} -> {two['rate']:.0f} examples/s "
                      f"({two['rate'] / one['rate']:.2f}x), load {_load()}", flush=True)
            one, two = ({key: statistics.median(run[k][key] for run in pairs) for key in pairs[0][k]} for k in (0, 1))
            if rates is not None:
                rates[task] = (one["rate"], two["rate"])
            lines.append(f"| {task} | {one['epochs']:.0f} | {100 * one['acc']:.2f}% | {100 * two['acc']:.2f}% | "
                         f"{one['rate']:.0f} | {two['rate']:.0f} | {two['rate'] / one['rate']:.2f}x | "
                         f"{one['wall']:.1f} | {two['wall']:.1f} | {one['wall'] / two['wall']:.2f}x |")
            print(lines[-1], flush=True)
    return "\n".join(lines)


def step_child(task: str, data: str | None, workers: int, epochs: int) -> None:
    """One process's training loop (workers=1) or one rank's (workers=2, partner stood in for by an
    all-reduce that doubles the buffer); prints the median seconds of an epoch's steps (epochs 2..E)."""
    import tempfile as temporary

    from minitorch.distributed.group import ProcessGroup
    from minitorch.train.config import config_for
    from minitorch.train.trainer import Trainer

    class Partner(ProcessGroup):  # rank 0 of 2 whose partner holds the same numbers
        rank, size = 0, 2

        def all_reduce_(self, array: np.ndarray) -> np.ndarray:
            array *= 2
            return array

    extra = {"data": data} if data else {}
    with temporary.TemporaryDirectory() as folder:
        config = config_for(task, epochs=epochs, threads=1, out=folder, workers=workers, **extra)
        trainer = Trainer(config, progress=False, group=Partner() if workers == 2 else None)
        steps = -(-len(trainer.data.y_train) // config.batch_size)
        seconds = [trainer.train_epoch()["seconds"] / steps for _ in range(epochs)]
    print(statistics.median(seconds[1:]), flush=True)


def step_table(mnist: str, rates: tuple, repeats: int, epochs: int = 4) -> str:
    """The MNIST recipe's step: one process, one rank alone, two ranks at once (children alternated
    `repeats` times, medians), and the 2-worker run of the training table (`rates`: its median
    examples/s of 1 process and of 2 workers)."""
    from minitorch.train.config import config_for

    batch_size = config_for("mnist").batch_size
    command = [sys.executable, __file__, "--step-child", "mnist", mnist]

    def run(*workers: int) -> list:
        children = [subprocess.Popen(command + [str(w), str(epochs)], stdout=subprocess.PIPE, text=True)
                    for w in workers]
        return [float(child.communicate()[0]) for child in children]

    runs = [(run(1)[0], run(2)[0], statistics.mean(run(2, 2))) for _ in range(repeats)]
    one, alone, together = (statistics.median(run[k] for run in runs) for k in range(3))
    (cli_one, cli_two), real = rates, batch_size / rates[1]
    rows = [(f"one process, batch {batch_size}", one, "1.00x"),
            (f"one rank alone, its {batch_size // 2} rows (no partner to wait for)", alone, f"{one / alone:.2f}x"),
            ("two ranks at once, independent (caches and memory shared, no waiting)", together,
             f"{one / together:.2f}x"),
            ("the 2-worker run of the table above (waiting for each other, the sum; against that table's one "
             "process)", real, f"{cli_two / cli_one:.2f}x")]
    lines = ["| MNIST recipe (LeNet-5), one training step | ms | one process / this |", "|---|---|---|"]
    lines += [f"| {name} | {seconds * 1e3:.3f} | {ratio} |" for name, seconds, ratio in rows]
    print("\n".join(lines), flush=True)
    return "\n".join(lines)


NOTES = """
Targets: 2 workers reach one process's accuracy; throughput >= 1.6x of one single-threaded process.
On a shared machine the two lockstep ranks wait for each other whenever either is descheduled, so
the throughput columns mean little unless the load average stays well under 2 through the run.
In float32 one process and 2 workers round differently (each rank's half-batch gradient, weighted
and summed), and the difference grows over the epochs: the test accuracies can differ by a few
test images (float64 runs agree to 1e-9: tests/test_distributed.py).
capacity() runs a cache-resident loop; a training step is not: two ranks running side by side
each lose 5-20% to the shared L3 and memory (the "two ranks at once" row), and the per-op Python
(loss, optimizer, data: +40-55%) more than the GEMMs and kernels (+13-19%), measured in session 6.
Ray (2.60, measured once by hand in a separate environment, not by this script): 340 MB installed,
`ray.init()` 6.0 s and 2 actors with their collective group 2.7 s on this machine; its CPU collective
backend is torch's gloo (so torch is needed too), all-reduce 0.23-0.30 ms for the small gradients,
13 ms for the Kim CNN's.
"""


def spin_child(seconds: float = 3.0) -> None:
    """One single-threaded CPU-bound loop (small matmuls and tanh); prints its iterations per second."""
    a = np.random.default_rng(0).standard_normal((200, 200))
    start, count = time.perf_counter(), 0
    while time.perf_counter() - start < seconds:
        for _ in range(20):
            a = np.tanh(a @ a * 0.01)
        count += 1
    print(count / (time.perf_counter() - start), flush=True)


def capacity() -> float:
    """How many cores' worth this machine gives 2 independent processes right now: the summed rate
    of two concurrent CPU-bound loops over one loop's rate alone (2.0 on an idle 2-core machine).
    No data-parallel speed-up on 2 ranks can exceed it."""
    environment = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    command = [sys.executable, __file__, "--spin-child"]

    def rates(copies: int) -> list:
        children = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=environment)
                    for _ in range(copies)]
        return [float(child.communicate()[0]) for child in children]

    alone = (rates(1)[0] + rates(1)[0]) / 2
    return sum(rates(2)) / alone


def _load() -> str:
    return ", ".join(f"{value:.1f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mnist", metavar="DIR", help="folder with the MNIST t10k IDX files (the MNIST split row), "
                        "e.g. /work/shared/data/mnist")
    parser.add_argument("--repeats", type=int, default=1, metavar="N",
                        help="alternate the 1- and 2-worker trainings N times and report medians (default 1)")
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--skip-training", action="store_true", help="only the all-reduce table")
    only.add_argument("--training-only", action="store_true", help="only the training table (no torch needed)")
    parser.add_argument("--mpi-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--spin-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--step-child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mpi_child:
        mpi_child()
        return
    if args.spin_child:
        spin_child()
        return
    if args.step_child:
        task, data, workers, epochs = args.step_child
        step_child(task, data, int(workers), int(epochs))
        return
    before, cores_before = _load(), capacity()
    print(f"capacity before: 2 independent processes at {cores_before:.2f}x of one (load {before})", flush=True)
    reduce = "" if args.training_only else all_reduce_table()
    rates: dict = {}
    training = "" if args.skip_training else training_table(args.mnist, max(1, args.repeats), rates)
    steps = step_table(args.mnist, rates["mnist"], max(1, args.repeats)) if "mnist" in rates else ""
    cores = capacity()
    print(f"capacity after: {cores:.2f}x", flush=True)
    if training and min(cores, cores_before) < 1.9:
        print("WARNING: the machine was not idle (capacity < 1.9): the throughput ratios are not valid", flush=True)
    command = "python bench/bench_distributed.py" + (" --mnist DIR" if args.mnist else "") + (
        f" --repeats {args.repeats}" if args.repeats > 1 else "") + (" --training-only" if args.training_only else "")
    body = (f"`{command}` on {machine()}; process niceness {os.nice(0)}; load average (1, 5, 15 min) {before} "
            f"before, {_load()} after. 2 ranks on this machine (shared memory for MPI, TCP on 127.0.0.1 for gloo), "
            f"float32, medians.\n")
    if reduce:
        body += f"\n### All-reduce per step\n\n{reduce}\n"
    if training:
        body += f"\n### Two workers against one process (1 thread each)\n\n{training}\n"
    if steps:
        body += (f"\n### Where the 2-worker step loses\n\nThe median step of epochs 2-4 of each training loop "
                 f"(one thread each; the first three rows alternated {max(1, args.repeats)} times, medians; the "
                 f"last from the table above).\n\n{steps}\n")
    body += (f"\nThe machine's parallel capacity before and after (`capacity()`: two independent single-threaded "
             f"CPU-bound processes together, against one alone; 2.00x on an idle 2-core machine, and the ceiling "
             f"of any 2-rank speed-up): **{cores_before:.2f}x** and **{cores:.2f}x**.\n")
    write_section("Data-parallel training", body + NOTES)


if __name__ == "__main__":
    main()
