"""Data-parallel training: shards, dropout rows, and real 2-3 process MPI jobs on this machine.

The MPI jobs run with the launcher's loopback settings (minitorch.distributed.launch), so their
traffic stays on 127.0.0.1 / shared memory. Each job takes a few seconds.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from minitorch.cli import main
from minitorch.core.random import batch_random, batch_rows
from minitorch.distributed import DistributedError, ProcessGroup, shard
from minitorch.distributed.launch import LOOPBACK_ENVIRONMENT, describe_status, find_mpiexec
from minitorch.io import load
from minitorch.data import ArrayDataset, DataLoader
from minitorch.train.tasks import TaskData, random_shift_
from minitorch.train.training_batches import TrainingBatches
from minitorch.train.trainer import TrainConfig, Trainer

HERE = Path(__file__).resolve().parent
README = HERE.parent / "README.md"
# 120 digits in batches of 25: shards of 13/12 rows and a last batch of 20; float64 so that "equal up
# to rounding" can be tight; dropout 0.5 and +-1 px shifts stay on (the digits recipe)
RUN = ("--limit", "120", "--batch-size", "25", "--epochs", "2", "--layers", "4:3:2", "--dtype", "float64", "--quiet")
TIMING = ("seconds", "examples_per_s")


def _environment(**extra: str) -> dict:
    return {**LOOPBACK_ENVIRONMENT, **os.environ, "PYTHONPATH": str(HERE.parent), **extra}


def _metrics(folder: Path) -> list:
    rows = json.loads((folder / "metrics.json").read_text())
    return [{k: v for k, v in row.items() if k not in TIMING} for row in rows]


def _parameters(folder: Path) -> dict:
    return {name: np.asarray(value) for name, value in load(folder / "checkpoint.safetensors", as_numpy=True)["model"].items()}


def _assert_same_run(a: Path, b: Path, tolerance: float = 1e-9) -> None:
    first, second = _metrics(a), _metrics(b)
    assert [row["epoch"] for row in first] == [row["epoch"] for row in second]
    for x, y in zip(first, second):
        for key in x:
            assert x[key] == pytest.approx(y[key], rel=tolerance, abs=tolerance), key
    pa, pb = _parameters(a), _parameters(b)
    assert pa.keys() == pb.keys()
    for name in pa:
        np.testing.assert_allclose(pa[name], pb[name], rtol=0, atol=tolerance, err_msg=name)


# ------------------------------------------------------------------ shards and random rows (one process)
@pytest.mark.parametrize("total, size", [(10, 3), (25, 2), (20, 2), (64, 4), (7, 7), (5, 1)])
def test_shards_cover_the_batch_in_order(total, size):
    parts = [shard(total, rank, size) for rank in range(size)]
    assert [p.start for p in parts] == [0] + [p.stop for p in parts[:-1]]
    assert parts[-1].stop == total
    assert max(p.examples for p in parts) - min(p.examples for p in parts) <= 1
    assert sum(p.weight for p in parts) == pytest.approx(1.0)
    assert [p.stop - p.start for p in parts] == [len(a) for a in np.array_split(np.arange(total), size)]


def test_a_rank_without_rows_computes_one_row_with_weight_zero():
    parts = [shard(2, rank, 3) for rank in range(3)]
    assert [(p.start, p.stop, p.examples) for p in parts] == [(0, 1, 1), (1, 2, 1), (0, 1, 0)]
    assert parts[2].weight == 0.0
    with pytest.raises(ValueError, match="rank 3 outside a group of 3"):
        shard(2, 3, 3)


def test_shard_draws_are_rows_of_the_whole_batch_draw():
    whole = np.random.default_rng(5)
    expected = whole.random((10, 3, 2))
    after = whole.random()
    for start, stop in ((0, 4), (4, 7), (7, 10)):
        rng = np.random.default_rng(5)
        with batch_rows(start, stop, 10):
            np.testing.assert_array_equal(batch_random(rng, (stop - start, 3, 2)), expected[start:stop])
        assert rng.random() == after  # the generator advanced as one process's did
    with batch_rows(0, 4, 10), pytest.raises(ValueError, match="leading dim should be the shard's 4 rows"):
        batch_random(np.random.default_rng(0), (3, 4))
    np.testing.assert_array_equal(batch_random(np.random.default_rng(1), (2, 2)), np.random.default_rng(1).random((2, 2)))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_shard_of_a_fresh_draw_skips_the_other_rows_and_gets_the_same_numbers(dtype):
    """dropout's draw (the library's generator, just keyed): a shard advances past the rows before
    it instead of drawing them -- odd offsets of float32 (half of a 64-bit step) included."""
    import random

    from minitorch.core.random import default_generator

    for start, stop, total in ((0, 4, 10), (3, 7, 10), (7, 10, 10), (1, 2, 3)):
        random.seed(11)
        expected = default_generator().random((total, 3), dtype=dtype)  # 3 numbers a row: odd offsets
        random.seed(11)
        with batch_rows(start, stop, total):
            part = batch_random(default_generator(), (stop - start, 3), dtype, fresh=True)
        assert part.dtype == dtype
        np.testing.assert_array_equal(part, expected[start:stop])


def _training_data(x: np.ndarray) -> TaskData:
    y = np.arange(len(x)) % 3
    return TaskData(x, y, x[:0], y[:0], x.shape[1:], ["a", "b", "c"])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_each_rank_gets_its_rows_of_one_process_batches_shifted_alike(dtype):
    """A rank gathers and shifts only its rows; they equal the rows of one process's batches, which
    equal the whole-batch formulation (DataLoader's order, random_shift_ with the batch's minimum as
    fill): uneven shards, a last batch of 2 rows on 3 ranks (a rank without rows gets row 0)."""
    x = np.random.default_rng(0).standard_normal((17, 1, 6, 5)).astype(np.float32) + 3.0
    data = _training_data(x)
    loader = DataLoader(ArrayDataset(x, data.y_train), batch_size=5, shuffle=True, seed=4, dtype=dtype)
    for epoch in (0, 1):
        loader.set_epoch(epoch)
        rng = np.random.default_rng([4, epoch, 1])
        expected = [(random_shift_(images.to_numpy(), rng, 2), labels) for images, labels in loader]
        for size in (1, 2, 3):
            ranks = [list(TrainingBatches(data, 5, False, dtype, None, max_shift=2, seed=4).epoch(
                epoch, lambda n, r=r: shard(n, r, size))) for r in range(size)]
            assert [len(batches) for batches in ranks] == [len(expected)] * size
            for step, (images, labels) in enumerate(expected):
                parts = [batches[step] for batches in ranks]
                got = np.concatenate([p.inputs.to_numpy()[:p.part.examples] for p in parts])
                assert got.dtype == np.dtype(dtype)
                np.testing.assert_array_equal(got, images)
                np.testing.assert_array_equal(np.concatenate([p.targets[:p.part.examples] for p in parts]), labels)
                empty = [p for p in parts if p.part.examples == 0]
                for p in empty:  # computes row 0, shifted as the whole batch's row 0
                    np.testing.assert_array_equal(p.inputs.to_numpy(), images[:1])


def test_text_ranks_get_their_rows_and_the_whole_batch_ids():
    ids = np.zeros((9, 8), dtype=np.int64)
    for i in range(9):
        ids[i, :2 + i % 4] = np.arange(1, 3 + i % 4) + i
    data = _training_data(ids)
    whole = list(TrainingBatches(data, 4, True, "float32", None, seed=1).epoch(0, lambda n: shard(n, 0, 1)))
    for r in (0, 1):
        for one, mine in zip(whole, TrainingBatches(data, 4, True, "float32", None, seed=1).epoch(
                0, lambda n: shard(n, r, 2))):
            np.testing.assert_array_equal(mine.batch_ids, one.inputs)  # all-padding columns trimmed alike
            np.testing.assert_array_equal(mine.inputs, one.inputs[mine.part.rows])
            np.testing.assert_array_equal(mine.targets, one.targets[mine.part.rows])


class _Doubling(ProcessGroup):
    """Rank 0 of 2 whose partner holds the same numbers: every all-reduce doubles the buffer."""

    rank, size = 0, 2

    def all_reduce_(self, array):
        array *= 2
        return array


def test_reduce_gradients_reuses_its_buffer_without_stale_values():
    """Gradient tensors made once over the buffer: new gradients each call, a switch between the
    dense and the sparse layout, more extras than the buffer holds (a new buffer), None kept."""
    import minitorch
    from minitorch import nn
    from minitorch.distributed import DataParallel

    model = nn.Sequential(nn.Embedding(6, 2), nn.Linear(2, 3), nn.Linear(3, 1))
    model.to(minitorch.FastBackend, "float64")
    parallel = DataParallel(model, _Doubling())
    parameters = [p.value for p in model.parameters()]
    rng = np.random.default_rng(0)
    for step, (sparse, extras) in enumerate([(False, [1.0]), (False, [2.0, 3.0]), (True, [4.0]),
                                             (False, list(range(20))), (True, [5.0])]):
        grads = [rng.standard_normal(p.shape) for p in parameters]
        if sparse:
            grads[0][[0, 2, 3, 5]] = 0.0  # the embedding's rows outside the batch's ids
        for p, g in zip(parameters, grads):
            p.grad = minitorch.from_numpy(g.copy(), backend=p.backend)
        parameters[-1].grad = None  # on every rank: stays None
        rows = {model.parameters()[0]: np.array([1, 4])} if sparse else None
        sums = parallel.reduce_gradients(0.25, extras, rows=rows)
        np.testing.assert_array_equal(sums, 2 * np.asarray(extras, dtype=np.float64))
        for p, g in zip(parameters[:-1], grads[:-1]):
            np.testing.assert_allclose(p.grad.to_numpy(), 0.5 * g, rtol=0, atol=1e-15, err_msg=f"step {step}")
        assert parameters[-1].grad is None


def test_a_trainer_refuses_a_worker_count_its_group_lacks(tmp_path):
    config = TrainConfig("digits", "cnn", epochs=1, batch_size=8, lr=1e-3, workers=2, limit=16, out=str(tmp_path))
    with pytest.raises(DistributedError, match="workers=2 but 1 process"):
        Trainer(config, progress=False, group=ProcessGroup())


def test_readme_data_parallel_loop_runs_in_one_process():
    """README's loop as written; in a plain process world() is a group of one and the loop trains as usual."""
    import minitorch
    import minitorch.nn.functional as F
    from minitorch import nn, optim

    block = next(b for b in re.findall(r"```python\n(.*?)```", README.read_text(), re.S) if "DataParallel" in b)
    minitorch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, 3))
    rng = np.random.default_rng(0)
    batches = [(rng.standard_normal((5, 4)), rng.integers(0, 3, 5)) for _ in range(3)]
    before = [p.value.to_numpy().copy() for p in model.parameters()]
    namespace = {"minitorch": minitorch, "F": F, "model": model, "batches": batches,
                 "optimizer": optim.SGD(model.parameters(), lr=0.1)}
    exec(compile(block, "README.md", "exec"), namespace)
    assert namespace["part"].weight == 1.0
    assert any(not np.array_equal(a, p.value.to_numpy()) for a, p in zip(before, model.parameters()))


def test_workers_on_the_gpu_are_refused(tmp_path):
    class TwoRanks(ProcessGroup):
        size = 2

    config = TrainConfig("digits", "cnn", epochs=1, batch_size=8, lr=1e-3, workers=2, device="cuda", limit=16,
                         out=str(tmp_path))
    with pytest.raises(DistributedError, match="runs on the CPU; --workers with --device cuda"):
        Trainer(config, progress=False, group=TwoRanks())


def test_exit_statuses_in_words():
    assert "killed by signal 9 (SIGKILL)" in describe_status(9)
    assert "killed by signal 9" in describe_status(137)
    assert "stopped answering" in describe_status(70)
    assert describe_status(1) == "exit status 1"


# ------------------------------------------------------------------ real MPI jobs
@pytest.mark.parametrize("ranks", [2, 3])
def test_data_parallel_steps_equal_one_process(ranks):
    """DataParallel on 2 and 3 ranks against one process: uneven shards, empty shards, dropout."""
    result = subprocess.run([find_mpiexec(), "-n", str(ranks), sys.executable, str(HERE / "distributed_steps.py")],
                            capture_output=True, text=True, timeout=180, env=_environment())
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(re.findall(r"ok rank (\d+) of", result.stdout)) == [str(rank) for rank in range(ranks)], result.stdout


def test_two_workers_train_as_one_process_and_resume_its_runs(tmp_path, capsys):
    """`--workers 2` takes the steps of one process (metrics and weights equal up to rounding), and
    2 workers resume a run one process stopped after epoch 1 (rank 0 hands the checkpoint to rank 1)
    to end where both do."""
    one, two, resumed = tmp_path / "one", tmp_path / "two", tmp_path / "resumed"
    assert main(["train", "digits", *RUN, "--out", str(one)]) == 0
    assert main(["train", "digits", *RUN, "--out", str(two), "--workers", "2"]) == 0
    assert "test accuracy" in capsys.readouterr().out  # the parent reports as one process does
    _assert_same_run(one, two)
    assert sorted(p.name for p in two.iterdir()) == sorted(p.name for p in one.iterdir())  # rank 0 wrote it all
    assert main(["train", "digits", *RUN, "--out", str(resumed), "--stop-after", "1"]) == 0
    assert len(_metrics(resumed)) == 1
    assert main(["train", "--resume", str(resumed), "--workers", "2", "--quiet"]) == 0
    _assert_same_run(one, resumed)


def _rank_pid(parent: int, rank: int) -> int | None:
    """The pid of MPI rank `rank` among the descendants of `parent` (read from /proc)."""
    children: dict = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    todo = list(children.get(parent, []))
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            environment = (Path("/proc") / str(pid) / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if f"PMI_RANK={rank}".encode() in environment:
            return pid
    return None


def _start_long_run(out: Path, start_new_session: bool = False, **extra: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "minitorch", "train", "digits", "--limit", "120", "--batch-size", "25",
               "--epochs", "500", "--layers", "4:3:2", "--quiet", "--workers", "2", "--out", str(out)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=_environment(**extra), start_new_session=start_new_session)


def _wait_for_checkpoint(job: subprocess.Popen, out: Path) -> int:
    deadline = time.monotonic() + 120
    while not (out / "checkpoint.safetensors").exists():
        assert job.poll() is None and time.monotonic() < deadline, "the job ended or stalled before epoch 1"
        time.sleep(0.1)
    pid = None
    while pid is None and time.monotonic() < deadline:
        pid = _rank_pid(job.pid, 1)
    assert pid is not None, "rank 1 not found"
    return pid


def _finish(job: subprocess.Popen, seconds: float = 60) -> tuple:
    try:
        out, err = job.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        job.kill()
        job.communicate()
        raise AssertionError(f"the job was still running {seconds} s after losing a worker (it hangs)")
    return job.returncode, out, err


def _assert_checkpoint_intact(out: Path, err: str) -> None:
    epoch = int(load(out / "checkpoint.safetensors", as_numpy=True)["epoch"])
    assert epoch >= 1
    assert f"the checkpoint of epoch {epoch} in {out} is intact; continue with: minitorch train --resume {out}" in err


def test_a_killed_worker_ends_the_job_with_a_clear_error(tmp_path):
    out = tmp_path / "run"
    job = _start_long_run(out)
    rank1 = _wait_for_checkpoint(job, out)
    os.kill(rank1, signal.SIGKILL)
    status, _, err = _finish(job)
    assert status == 1, err
    assert "minitorch train: error: the 2 workers failed" in err and "killed by signal 9 (SIGKILL)" in err, err
    _assert_checkpoint_intact(out, err)
    assert _rank_pid(job.pid, 0) is None


def test_a_stuck_worker_times_out_instead_of_hanging(tmp_path):
    out = tmp_path / "run"
    job = _start_long_run(out, MINITORCH_DISTRIBUTED_TIMEOUT="5")
    rank1 = _wait_for_checkpoint(job, out)
    os.kill(rank1, signal.SIGSTOP)  # alive but silent: only the watchdog can end this
    try:
        status, _, err = _finish(job)
    finally:
        try:
            os.kill(rank1, signal.SIGKILL)
        except ProcessLookupError:
            pass
    assert status == 1, err
    assert "rank 0 waited 5 s in all-reduce for the other ranks: a worker is stuck or gone" in err, err
    assert "a worker stopped answering and the job was aborted" in err, err
    _assert_checkpoint_intact(out, err)


def test_ctrl_c_stops_every_worker_and_says_how_to_resume(tmp_path):
    out = tmp_path / "run"
    job = _start_long_run(out, start_new_session=True)
    _wait_for_checkpoint(job, out)
    os.killpg(job.pid, signal.SIGINT)  # a terminal's Ctrl-C reaches the whole foreground group
    status, _, err = _finish(job)
    epoch = int(load(out / "checkpoint.safetensors", as_numpy=True)["epoch"])
    assert status == 130 and f"interrupted after epoch {epoch}; continue with: minitorch train --resume {out}" in err, err


def test_workers_without_an_mpi_launcher_fail_clearly(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("MINITORCH_MPIEXEC", str(tmp_path / "no-mpiexec"))
    status = main(["train", "digits", *RUN, "--out", str(tmp_path / "run"), "--workers", "2"])
    err = capsys.readouterr().err
    assert status == 1 and "could not start" in err and 'pip install "minitorch-cnn[distributed]"' in err, err
