"""A run folder: what `minitorch train` writes into it, its default name, and the refusal to
overwrite another run's files unasked."""

from __future__ import annotations

import time
from pathlib import Path

__all__ = ["CHECKPOINT", "RUN_FILES", "default_run_folder", "prepare_folder"]

CHECKPOINT = "checkpoint.safetensors"
RUN_FILES = (CHECKPOINT, "metrics.csv", "metrics.json", "curves.png", "filters.png", "feature_maps_*.png",
             "confusion.png")  # what a run writes into its folder (--overwrite removes these only)


def default_run_folder(task: str) -> str:
    """runs/<task>-<YYYYmmdd-HHMMSS> under the current directory (-2, -3, ... if that exists)."""
    stem = Path("runs") / f"{task}-{time.strftime('%Y%m%d-%H%M%S')}"
    folder, count = stem, 1
    while folder.exists():
        count += 1
        folder = stem.with_name(f"{stem.name}-{count}")
    return str(folder)


def prepare_folder(folder: Path, resume: bool, overwrite: bool) -> None:
    """Refuse to write into an existing, non-empty run folder unless resuming or told to overwrite
    (then the previous run's files, and only those, are removed)."""
    if resume or not folder.is_dir() or not any(folder.iterdir()):
        return
    if not overwrite:
        what = "a run" if (folder / CHECKPOINT).exists() else "files"
        raise FileExistsError(f"{folder} already holds {what}; continue it with --resume {folder}, or pass "
                              "--overwrite to replace it (Trainer: resume=True / overwrite=True)")
    for pattern in RUN_FILES:
        for path in folder.glob(pattern):
            path.unlink()
