"""Plots: every function writes a valid, non-blank PNG, atomically, without touching the backend."""

import os

import matplotlib
import numpy as np
import pytest
from matplotlib import image as mpimg

from minitorch.errors import ShapeError
from minitorch.io import atomic as atomic_module
from minitorch.train import MetricsLog
from minitorch.viz import plot_confusion, plot_curves, plot_feature_maps, plot_filters

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def assert_non_blank_png(path):
    assert path.read_bytes()[:8] == PNG_SIGNATURE
    pixels = mpimg.imread(path)  # (H, W, 4) floats in [0, 1]
    assert pixels.shape[0] > 100 and pixels.shape[1] > 100
    rgb = (pixels[..., :3] * 255).astype(np.int64)
    assert rgb.std() > 10
    assert len(np.unique(rgb @ np.array([65536, 256, 1]))) > 20  # distinct colours


def test_plot_curves_from_log_rows_or_columns(tmp_path):
    log = MetricsLog()
    for epoch in range(1, 6):
        log.append(epoch=epoch, train_loss=1 / epoch, test_loss=1.2 / epoch, train_acc=1 - 0.3 / epoch,
                   test_acc=1 - 0.35 / epoch)
    plot_curves(log, tmp_path / "curves.png", title="run")
    assert_non_blank_png(tmp_path / "curves.png")
    plot_curves(log.history, tmp_path / "rows.png")
    plot_curves({"loss": [3.0, 2.0, 1.5]}, tmp_path / "loss_only.png")
    assert_non_blank_png(tmp_path / "loss_only.png")
    with pytest.raises(ValueError, match="no metric"):
        plot_curves({"lr": [0.1]}, tmp_path / "none.png")


@pytest.mark.parametrize("shape", [(6, 1, 5, 5), (16, 6, 5, 5), (8, 1, 5), (8, 4, 3), (100, 20, 3, 3)])
def test_plot_filters(tmp_path, shape):
    weights = np.random.default_rng(0).standard_normal(shape)
    plot_filters(weights, tmp_path / "filters.png")
    assert_non_blank_png(tmp_path / "filters.png")


@pytest.mark.parametrize("shape", [(6, 24, 24), (16, 40)])
def test_plot_feature_maps(tmp_path, shape):
    maps = np.random.default_rng(1).random(shape)
    maps[0] = 0.0  # a dead channel must not break the per-map scaling
    plot_feature_maps(maps, tmp_path / "maps.png")
    assert_non_blank_png(tmp_path / "maps.png")


def test_plot_confusion_counts_and_normalized(tmp_path):
    matrix = np.array([[50, 3, 0], [4, 40, 6], [0, 2, 45]])
    plot_confusion(matrix, ["cat", "dog", "bird"], tmp_path / "confusion.png")
    assert_non_blank_png(tmp_path / "confusion.png")
    plot_confusion(matrix, None, tmp_path / "normalized.png", normalize=True)
    assert_non_blank_png(tmp_path / "normalized.png")


def test_bad_shapes_are_refused(tmp_path):
    with pytest.raises(ShapeError, match="plot_filters"):
        plot_filters(np.zeros((3, 3)), tmp_path / "x.png")
    with pytest.raises(ShapeError, match="maps\\[0\\]"):
        plot_feature_maps(np.zeros((2, 3, 4, 4)), tmp_path / "x.png")
    with pytest.raises(ShapeError, match="2 class names"):
        plot_confusion(np.eye(3), ["a", "b"], tmp_path / "x.png")
    assert os.listdir(tmp_path) == []


def test_backend_untouched_and_failed_save_keeps_old_file(tmp_path, monkeypatch):
    backend_before = dict.__getitem__(matplotlib.rcParams, "backend")
    path = tmp_path / "curves.png"
    plot_curves({"loss": [1.0, 0.5]}, path)
    assert dict.__getitem__(matplotlib.rcParams, "backend") == backend_before
    before = path.read_bytes()
    monkeypatch.setattr(atomic_module.os, "fsync", lambda fd: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(OSError):
        plot_curves({"loss": [9.0, 0.1]}, path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["curves.png"]
