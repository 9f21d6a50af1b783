"""Atomic writes and orphaned temporary folders: a writer killed outright (kill -9) leaves the
target intact and its temporary folder behind; the next atomic write into that folder removes
the temporary folders of dead writers and nothing else."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from minitorch.io import atomic, load, remove_orphans, save
from minitorch.io.atomic import atomic_write

ROOT = Path(__file__).resolve().parents[1]


def _temp_name(target: str, pid: int, host: str = atomic._HOST) -> str:
    return f".{target}.{pid}-{host}.abc123_x.tmp"


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_temporary_names_record_the_writer(tmp_path):
    seen = []

    with atomic_write(tmp_path / "out.txt", "w") as f:
        seen = [p.name for p in tmp_path.iterdir()]
        f.write("x")
        assert Path(f.name).parent.name == seen[0] and Path(f.name).name == "out.txt"
    assert len(seen) == 1 and atomic._TEMP_NAME.match(seen[0])
    assert seen[0].startswith(f".out.txt.{os.getpid()}-{atomic._HOST}.")
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_only_temporary_files_of_dead_writers_are_removed(tmp_path):
    old = time.time() - 3600
    files = {
        "dead": _temp_name("ckpt.safetensors", _dead_pid()),
        "older_than_our_process": _temp_name("ckpt.safetensors", os.getpid()),  # our pid, reused
        "ours_now": _temp_name("metrics.json", os.getpid()),
        "running_parent": _temp_name("ckpt.safetensors", os.getppid()),
        "other_host": _temp_name("ckpt.safetensors", _dead_pid(), host="0badc0de"),
        "not_ours": ".ckpt.safetensors.tmp",
        "user_file": "notes.tmp",
    }
    for name in files.values():
        if name.endswith(".tmp") and name != files["not_ours"] and name != files["user_file"]:
            (tmp_path / name).mkdir()
            (tmp_path / name / "partial.bin").write_text("partial")
        else:
            (tmp_path / name).write_text("partial")
    (tmp_path / ".other.12-0badc0de.zz.tmp").write_text("a file, not a writer's folder")
    os.utime(tmp_path / files["older_than_our_process"], (old, old))
    removed = {p.name for p in remove_orphans(tmp_path)}
    assert removed == {files["dead"], files["older_than_our_process"]}
    kept = {p.name for p in tmp_path.iterdir()}
    assert kept == (set(files.values()) - removed) | {".other.12-0badc0de.zz.tmp"}


def test_the_next_atomic_write_cleans_the_folder(tmp_path):
    orphan = tmp_path / _temp_name("checkpoint.safetensors", _dead_pid())
    orphan.mkdir()
    (orphan / "checkpoint.safetensors").write_bytes(b"\0" * 100)
    with atomic_write(tmp_path / "metrics.json", "w") as f:
        f.write("[]")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["metrics.json"]


CHILD = r"""
import sys
import numpy as np
from minitorch.io import save

path = sys.argv[1]
weights = np.arange(4_000_000, dtype=np.float32)  # 16 MB: each save takes a while
save({"model": {"w": weights}, "epoch": 0}, path)
print("ready", flush=True)
epoch = 1
while True:
    save({"model": {"w": weights + epoch}, "epoch": epoch}, path)
    epoch += 1
"""


def _kill_mid_save(target: Path) -> int:
    """Start a process saving `target` in a loop; kill -9 it while a temporary folder exists."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(target)], stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert child.stdout.readline().strip() == "ready"
        deadline = time.monotonic() + 30
        while not any(atomic._TEMP_NAME.match(p.name) for p in target.parent.iterdir()):
            assert time.monotonic() < deadline, "the child never started a second save"
            time.sleep(0.001)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
    assert child.returncode == -signal.SIGKILL
    return child.pid


@pytest.mark.slow
def test_kill_9_during_saves_keeps_the_checkpoint_and_orphans_are_cleaned(tmp_path):
    target = tmp_path / "checkpoint.safetensors"
    for _ in range(3):  # each new writer's first save removes the orphan its killed predecessor left
        pid = _kill_mid_save(target)
        orphans = [p.name for p in tmp_path.iterdir() if p != target]
        assert len(orphans) == 1 and int(atomic._TEMP_NAME.match(orphans[0])["pid"]) == pid, orphans

    state = load(target, as_numpy=True)  # intact: one complete save, whichever came last
    expected = np.arange(4_000_000, dtype=np.float32) + state["epoch"]
    np.testing.assert_array_equal(state["model"]["w"], expected)
    assert state["model"]["w"].dtype == np.float32

    save({"epoch": 99}, tmp_path / "other.safetensors")  # any atomic write into the folder
    assert sorted(p.name for p in tmp_path.iterdir()) == ["checkpoint.safetensors", "other.safetensors"]
