"""The training progress bar (tqdm) on terminals and logs; accuracy, confusion matrix, MetricsLog files."""

import csv
import io
import json
import os

import numpy as np
import pytest
from tqdm import tqdm

from minitorch.errors import ShapeError
from minitorch.io import atomic as atomic_module
from minitorch.train import MetricsLog, Trainer, accuracy, config_for, confusion_matrix
from minitorch.train import trainer as trainer_module


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def _trainer(tmp_path, log):
    config = config_for("digits", layers="4:3:2", epochs=2, batch_size=8, limit=32, out=str(tmp_path / "run"))
    return Trainer(config, log=log)


class EveryStepBar(tqdm):
    """tqdm drawing every update (the default waits 0.1 s between draws, longer than this epoch)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, mininterval=0, miniters=1, **kwargs)


def test_the_bar_shows_loss_accuracy_rate_and_eta_on_a_terminal(tmp_path, monkeypatch):
    monkeypatch.setattr(trainer_module, "tqdm", EveryStepBar)
    log = FakeTerminal()
    _trainer(tmp_path, log).train_epoch()
    frames = [frame for frame in log.getvalue().split("\r") if "/32 [" in frame and "| 0/32" not in frame]
    assert frames, log.getvalue()
    for frame in frames:  # e.g. "epoch 1/2:  25%|##5  | 8/32 [00:00<00:02, 10.7img/s, loss=2.3859, acc=12.5%]"
        assert frame.startswith("epoch 1/2:") and "img/s, loss=" in frame and ", acc=" in frame
        assert "<" in frame.split("[")[1]  # elapsed<ETA


def test_no_bar_in_logs_but_a_line_per_epoch(tmp_path):
    log = io.StringIO()
    _trainer(tmp_path, log).fit(plots=False)
    text = log.getvalue()
    assert "\r" not in text
    epochs = [line for line in text.splitlines() if line.startswith("epoch ")]
    assert len(epochs) == 2 and "examples/s" in epochs[0] and "acc" in epochs[0]
    quiet = io.StringIO()
    Trainer(config_for("digits", layers="4:3:2", epochs=1, limit=16, out=str(tmp_path / "q")), log=quiet,
            progress=False).fit(plots=False)
    assert quiet.getvalue() == ""


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
