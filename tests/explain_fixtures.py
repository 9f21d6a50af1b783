"""Tiny trained runs for the explain tests: made once per session, in seconds."""

from __future__ import annotations

from pathlib import Path

from minitorch.cli import main
from tests.train_fixtures import write_mnist, write_sst2


def train_run(root: Path, name: str) -> Path:
    """A run folder of one tiny training: "lenet" (28x28 IDX images), "course", "digits", "signal", "sst2"."""
    out = root / name
    if (out / "checkpoint.safetensors").exists():
        return out
    quick = ["--epochs", "1", "--batch-size", "16", "--quiet", "--out", str(out)]
    if name in ("lenet", "course"):
        data = write_mnist(root / "mnist-data", train=64, test=24)
        argv = ["train", "mnist", "--data", str(data), "--model", "lenet5" if name == "lenet" else "course"]
    elif name == "digits":
        argv = ["train", "digits", "--limit", "48", "--layers", "4:3,6:3:2"]
    elif name == "signal":
        argv = ["train", "mnist1d", "--limit", "64"]
    else:
        data = write_sst2(root / "sst2-data", train=60, test=16)
        argv = ["train", "sst2", "--data", str(data)]
    assert main(argv + quick) == 0
    return out
