"""Classification metrics and a per-epoch metrics log saved as CSV and JSON.

Inputs may be numpy arrays or minitorch Tensors (anything with `to_numpy()`).
"""

from __future__ import annotations

import csv
import json
import math
import os
from typing import Any, Iterator, Mapping, Sequence

import numpy as np

from minitorch.errors import ShapeError
from minitorch.io.atomic import atomic_write

__all__ = ["accuracy", "confusion_matrix", "MetricsLog"]


def _numpy(value: Any) -> np.ndarray:
    return np.asarray(value.to_numpy()) if hasattr(value, "to_numpy") else np.asarray(value)


def _predictions(output: Any, target: np.ndarray, op: str) -> np.ndarray:
    """Class predictions from (N,) labels or (N, C) scores (argmax over C)."""
    output = _numpy(output)
    if output.ndim == 2:
        output = output.argmax(axis=1)  # (N, C) -> (N,)
    if output.shape != target.shape or target.ndim != 1:
        raise ShapeError(f"{op}: expected output (N,) or (N, C) and target (N,), got output "
                         f"{_numpy(output).shape} and target {target.shape}")
    return output.astype(np.int64)


def accuracy(output: Any, target: Any) -> float:
    """Fraction of correct predictions.

    accuracy = mean(argmax_c output[n, c] == target[n])

    Args:
        output: scores or logits (N, C), or predicted classes (N,).
        target: true classes (N,), integers.

    Shape:
        output (N, C) or (N,), target (N,); returns a Python float in [0, 1] (nan if N = 0).

    Example:
        >>> accuracy(np.array([[0.1, 0.9], [0.8, 0.2]]), np.array([1, 1]))
        0.5
    """
    target = _numpy(target)
    predicted = _predictions(output, target, "accuracy")
    return float(np.mean(predicted == target)) if len(target) else math.nan


def confusion_matrix(target: Any, output: Any, num_classes: int | None = None) -> np.ndarray:
    """Counts of (true class, predicted class) pairs.

    matrix[i, j] = #{n : target[n] = i and prediction[n] = j}  (rows: truth, columns: prediction,
    as in scikit-learn).

    Args:
        target: true classes (N,).
        output: scores (N, C) or predicted classes (N,).
        num_classes: C. Default None: 1 + the largest class seen (or output's C).

    Shape:
        returns an int64 array (C, C).

    Example:
        >>> confusion_matrix(np.array([0, 1, 1]), np.array([0, 1, 0]))
        array([[1, 0],
               [1, 1]])
    """
    target = _numpy(target).astype(np.int64)
    raw = _numpy(output)
    predicted = _predictions(raw, target, "confusion_matrix")
    if num_classes is None:
        seen = max(int(target.max(initial=-1)), int(predicted.max(initial=-1))) + 1
        num_classes = max(seen, raw.shape[1] if raw.ndim == 2 else 0)
    if len(target) and (min(target.min(), predicted.min()) < 0
                        or max(target.max(), predicted.max()) >= num_classes):
        raise ShapeError(f"confusion_matrix: classes must lie in [0, {num_classes}), got target range "
                         f"[{target.min()}, {target.max()}] and prediction range [{predicted.min()}, {predicted.max()}]")
    counts = np.bincount(target * num_classes + predicted, minlength=num_classes * num_classes)
    return counts.reshape(num_classes, num_classes)  # (C * C,) -> (C, C)


def _plain(value: Any) -> Any:
    """A JSON-able Python value for numbers, numpy scalars and 0-d tensors/arrays."""
    if hasattr(value, "to_numpy") or isinstance(value, (np.ndarray, np.generic)):
        array = _numpy(value)
        if array.size != 1:
            raise ShapeError(f"MetricsLog.append: metrics must be scalars, got shape {array.shape}")
        return array.reshape(()).item()
    return value


class MetricsLog:
    """Per-epoch metrics: a list of dicts, written atomically to CSV and JSON.

    Args:
        history: earlier rows (e.g. from `MetricsLog.read_json` when resuming). Default None.

    Example:
        >>> log = MetricsLog()
        >>> _ = log.append(epoch=1, train_loss=0.52, test_acc=0.91)
        >>> log.column("test_acc")
        [0.91]
    """

    def __init__(self, history: Sequence[Mapping[str, Any]] | None = None):
        self.history: list[dict[str, Any]] = [dict(row) for row in history or []]

    def append(self, metrics: Mapping[str, Any] | None = None, **values: Any) -> dict[str, Any]:
        """Add one row (e.g. one epoch) and return it. Numpy/tensor scalars become Python numbers."""
        row = {key: _plain(value) for key, value in {**(metrics or {}), **values}.items()}
        self.history.append(row)
        return row

    def __len__(self) -> int:
        return len(self.history)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.history)

    def __getitem__(self, index: int) -> dict[str, Any]:
        return self.history[index]

    def keys(self) -> list[str]:
        """All metric names, in the order first seen."""
        return list(dict.fromkeys(key for row in self.history for key in row))

    def column(self, key: str) -> list[Any]:
        """The values of one metric over the rows (None where a row lacks it)."""
        return [row.get(key) for row in self.history]

    def columns(self) -> dict[str, list[Any]]:
        """{metric: values over the rows}, the form `minitorch.viz.plot_curves` accepts."""
        return {key: self.column(key) for key in self.keys()}

    def best(self, key: str, mode: str = "max") -> dict[str, Any]:
        """The row with the largest (mode="max") or smallest (mode="min") value of `key`."""
        if mode not in ("max", "min"):
            raise ValueError(f"MetricsLog.best: mode must be 'max' or 'min', got {mode!r}")
        rows = [row for row in self.history if row.get(key) is not None]
        if not rows:
            raise KeyError(f"MetricsLog.best: no row has metric {key!r}; known: {self.keys()}")
        pick = max if mode == "max" else min
        return pick(rows, key=lambda row: row[key])

    def write_csv(self, path: str | os.PathLike) -> None:
        """Write a CSV file with a header of all metric names (empty cells where missing)."""
        with atomic_write(path, "w") as f:
            writer = csv.DictWriter(f, fieldnames=self.keys(), restval="")
            writer.writeheader()
            writer.writerows(self.history)

    def write_json(self, path: str | os.PathLike) -> None:
        """Write the rows as a JSON list of objects."""
        with atomic_write(path, "w") as f:
            json.dump(self.history, f, indent=1)
            f.write("\n")

    @classmethod
    def read_json(cls, path: str | os.PathLike) -> MetricsLog:
        """A log with the rows of a file written by `write_json` (to resume training)."""
        with open(path, encoding="utf-8") as f:
            rows = json.load(f)
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            raise ValueError(f"MetricsLog.read_json: {path} does not hold a JSON list of objects")
        return cls(rows)
