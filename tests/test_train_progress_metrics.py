"""Progress bar output on terminals and logs; accuracy, confusion matrix, MetricsLog files."""

import csv
import io
import json
import os

import numpy as np
import pytest

from minitorch.errors import ShapeError
from minitorch.io import atomic as atomic_module
from minitorch.train import MetricsLog, ProgressBar, accuracy, confusion_matrix, format_duration


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_plain_lines_when_not_a_terminal():
    out = io.StringIO()
    bar = ProgressBar(range(4), desc="epoch 1", file=out, log_interval=0.0)
    for _ in bar:
        bar.set_postfix(loss=0.12345678, acc="97.1%")
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue()
    assert lines[-1].startswith("epoch 1: 100%|#########################| 4/4 [00:00<00:00, ")
    assert lines[-1].endswith(" it/s, loss=0.1235, acc=97.1%]")
    assert len(lines) == 5  # one per update (log_interval=0) and the final one


def test_terminal_redraws_in_place_and_ends_the_line():
    out = FakeTerminal()
    with ProgressBar(total=10, desc="train", file=out, mininterval=0.0, unit="img") as bar:
        bar.update(5)
        assert "50%" in bar.format() and "img/s" in bar.format()
    text = out.getvalue()
    assert text.count("\n") == 1 and text.endswith("\n") and text.count("\r") == 3
    assert "5/10" in text.splitlines()[-1].split("\r")[-1]


def test_unknown_total_disable_and_rate_long_intervals():
    out = io.StringIO()
    with ProgressBar(iter([1, 2, 3]), file=out) as bar:
        assert list(bar) == [1, 2, 3]
    assert out.getvalue().startswith("3 it [00:00, ")
    quiet = io.StringIO()
    assert sum(ProgressBar(range(5), file=quiet, disable=True, log_interval=0.0)) == 10
    assert quiet.getvalue() == ""
    assert format_duration(3725.2) == "1:02:05" and format_duration(65) == "01:05"


def test_accuracy_from_scores_or_labels():
    target = np.array([0, 2, 1, 2])
    scores = np.array([[3.0, 1, 0], [0, 1, 5], [0, 1, 0.5], [9, 0, 0]])
    assert accuracy(scores, target) == 0.75
    assert accuracy(np.array([0, 2, 1, 1]), target) == 0.75
    with pytest.raises(ShapeError, match="accuracy"):
        accuracy(scores[:3], target)


def test_confusion_matrix_matches_scikit_learn():
    from sklearn import metrics
    rng = np.random.default_rng(0)
    target, predicted = rng.integers(0, 4, 50), rng.integers(0, 4, 50)
    ours = confusion_matrix(target, predicted, num_classes=4)
    np.testing.assert_array_equal(ours, metrics.confusion_matrix(target, predicted, labels=range(4)))
    assert confusion_matrix(np.array([0, 1]), np.eye(3)[[0, 1]]).shape == (3, 3)
    with pytest.raises(ShapeError, match=r"\[0, 2\)"):
        confusion_matrix(np.array([0, 5]), np.array([0, 1]), num_classes=2)


def test_metrics_log_writes_csv_and_json_atomically(tmp_path, monkeypatch):
    log = MetricsLog()
    log.append(epoch=1, train_loss=np.float32(0.5), test_acc=0.9)
    log.append({"epoch": 2, "train_loss": 0.25}, test_acc=0.95, lr=0.01)
    assert log.keys() == ["epoch", "train_loss", "test_acc", "lr"]
    assert log.column("lr") == [None, 0.01] and log.best("test_acc")["epoch"] == 2
    assert log.best("train_loss", mode="min")["epoch"] == 2
    log.write_csv(tmp_path / "m.csv")
    log.write_json(tmp_path / "m.json")
    with open(tmp_path / "m.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows[0] == {"epoch": "1", "train_loss": "0.5", "test_acc": "0.9", "lr": ""}
    assert json.loads((tmp_path / "m.json").read_text())[1]["lr"] == 0.01
    assert MetricsLog.read_json(tmp_path / "m.json").history == log.history

    before = (tmp_path / "m.json").read_text()
    log.append(epoch=3)
    monkeypatch.setattr(atomic_module.os, "fsync", lambda fd: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(OSError):
        log.write_json(tmp_path / "m.json")
    assert (tmp_path / "m.json").read_text() == before
    assert sorted(os.listdir(tmp_path)) == ["m.csv", "m.json"]
    with pytest.raises(ShapeError, match="scalars"):
        log.append(loss=np.ones(3))
