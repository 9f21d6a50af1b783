"""PNG plots for training runs: learning curves, filters, feature maps, confusion matrix.

Figures are drawn with matplotlib's object API on an Agg canvas (`Figure` + `FigureCanvasAgg`),
never through pyplot, so the global backend a user chose (or will choose) is left alone and no
window ever opens. Every file is written atomically (temporary file, then rename).
"""

from __future__ import annotations

import math
import os
from typing import Any, Mapping, Sequence

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

from minitorch.errors import ShapeError
from minitorch.io.atomic import atomic_write

__all__ = ["plot_curves", "plot_filters", "plot_feature_maps", "plot_confusion"]


def _numpy(value: Any) -> np.ndarray:
    return np.asarray(value.to_numpy()) if hasattr(value, "to_numpy") else np.asarray(value)


def _new_figure(width: float, height: float) -> Figure:
    figure = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _save(figure: Figure, path: str | os.PathLike) -> None:
    with atomic_write(path, "wb") as f:
        figure.savefig(f, format="png")


def _columns(history: Any) -> dict[str, list]:
    """{metric: values} from a MetricsLog, a list of per-epoch dicts, or a dict of lists."""
    if hasattr(history, "columns"):
        return history.columns()
    if isinstance(history, Mapping):
        return {key: list(values) for key, values in history.items()}
    rows = list(history)
    keys = list(dict.fromkeys(key for row in rows for key in row))
    return {key: [row.get(key) for row in rows] for key in keys}


def _series_style(name: str) -> dict[str, Any]:
    if "train" in name:
        return {"color": "tab:blue", "linestyle": "-", "marker": "o"}
    if "test" in name or "val" in name:
        return {"color": "tab:orange", "linestyle": "--", "marker": "s"}
    return {"marker": "^"}


def plot_curves(history: Any, path: str | os.PathLike, title: str | None = None) -> None:
    """Loss and accuracy against epoch, train and test, in two panels.

    Metrics whose name contains "loss" go to the left panel, those containing "acc" to the
    right; "train..." series are solid blue, "test..."/"val..." dashed orange. The x axis is the
    "epoch" column when present, else 1, 2, ...

    Args:
        history: a MetricsLog, a list of per-epoch dicts, or a dict of lists, e.g.
            {"epoch": [1, 2], "train_loss": [...], "test_loss": [...], "train_acc": [...], "test_acc": [...]}.
        path: the PNG file.
        title: figure title. Default None.
    """
    columns = _columns(history)
    panels = [("loss", [k for k in columns if "loss" in k]), ("accuracy", [k for k in columns if "acc" in k])]
    panels = [(label, keys) for label, keys in panels if keys]
    if not panels:
        raise ValueError(f"plot_curves: no metric named like '*loss*' or '*acc*' in {list(columns)}")
    figure = _new_figure(5.0 * len(panels), 3.8)
    axes = figure.subplots(1, len(panels), squeeze=False)[0]
    for ax, (label, keys) in zip(axes, panels):
        for key in keys:
            values = np.array([math.nan if v is None else float(v) for v in columns[key]])
            epochs = columns.get("epoch") or list(range(1, len(values) + 1))
            ax.plot(np.asarray(epochs[:len(values)], dtype=float), values, label=key, **_series_style(key))
        ax.set_xlabel("epoch")
        ax.set_ylabel(label)
        ax.grid(True, alpha=0.3)
        ax.legend()
    if title:
        figure.suptitle(title)
    _save(figure, path)


def _mosaic(tiles: np.ndarray, columns: int, gap: int = 1) -> np.ndarray:
    """Tile a stack (K, h, w) into one image, `columns` tiles per row, NaN-filled gaps."""
    count, height, width = tiles.shape
    rows = -(-count // columns)
    image = np.full((rows * (height + gap) - gap, columns * (width + gap) - gap), np.nan)
    for k in range(count):
        top, left = (k // columns) * (height + gap), (k % columns) * (width + gap)
        image[top:top + height, left:left + width] = tiles[k]
    return image


def _show_mosaic(image: np.ndarray, cmap: str, norm: Normalize, title: str, path: str | os.PathLike,
                 xlabel: str = "", ylabel: str = "") -> None:
    height, width = image.shape
    scale = min(9.0 / max(width, 1), 7.0 / max(height, 1), 0.3)  # inches per pixel
    figure = _new_figure(max(width * scale, 3.0) + 1.2, max(height * scale, 2.0) + 0.8)
    ax = figure.subplots()
    colormap = matplotlib.colormaps[cmap].with_extremes(bad="0.85")
    shown = ax.imshow(image, cmap=colormap, norm=norm, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    figure.colorbar(shown, ax=ax, shrink=0.8)
    _save(figure, path)


def plot_filters(weights: Any, path: str | os.PathLike, title: str | None = None,
                 max_out_channels: int = 64, max_in_channels: int = 16) -> None:
    """Convolution filters as a grid of heat-map tiles on one symmetric blue-red scale.

    Args:
        weights: (C_out, C_in, kh, kw) for conv2d or (C_out, C_in, k) for conv1d.
        path: the PNG file.
        title: default "filters <shape>".
        max_out_channels: show at most this many output channels. Default 64.
        max_in_channels: show at most this many input channels. Default 16.

    Layout: conv2d with C_in = 1 -> a near-square grid of kh x kw tiles; otherwise one column
    per output channel and one row per input channel. conv1d -> one (C_in, k) tile per output
    channel; with C_in = 1 the tiles stack into one (C_out, k) heat map.
    """
    weights = _numpy(weights).astype(np.float64)
    if weights.ndim not in (3, 4):
        raise ShapeError(f"plot_filters: expected weights (C_out, C_in, kh, kw) or (C_out, C_in, k), got {weights.shape}")
    shown = weights[:max_out_channels, :max_in_channels]
    out_channels, in_channels = shown.shape[:2]
    gap, xlabel, ylabel = 1, "", ""
    if shown.ndim == 4 and in_channels == 1:
        tiles, columns = shown[:, 0], math.ceil(math.sqrt(out_channels))  # (C_out, kh, kw)
    elif shown.ndim == 4:
        # (C_out, C_in, kh, kw) -> (C_in, C_out, kh, kw) -> (C_in * C_out, kh, kw): row = input channel
        tiles, columns = shown.transpose(1, 0, 2, 3).reshape(-1, *shown.shape[2:]), out_channels
        xlabel, ylabel = "output channel", "input channel"
    elif in_channels == 1:
        tiles, columns, gap = shown, 1, 0  # (C_out, 1, k): one row per output channel
        xlabel, ylabel = "tap", "output channel"
    else:
        tiles, columns = shown, math.ceil(math.sqrt(out_channels))  # (C_out, C_in, k)
    limit = float(np.abs(shown).max()) or 1.0
    label = "filters " + "x".join(map(str, weights.shape))
    if shown.shape != weights.shape:
        label += f" (first {out_channels}x{in_channels} shown)"
    _show_mosaic(_mosaic(tiles, columns, gap), "RdBu_r", Normalize(-limit, limit), title or label, path, xlabel, ylabel)


def plot_feature_maps(maps: Any, path: str | os.PathLike, title: str | None = None, max_maps: int = 64) -> None:
    """The activations of one example: a grid of images (2-D) or a channel x position heat map (1-D).

    Args:
        maps: (C, H, W) or (C, L), one example's feature maps.
        path: the PNG file.
        title: default "feature maps <shape>".
        max_maps: show at most this many channels. Default 64.

    For 2-D maps each tile is scaled to its own range, so weak channels stay visible.
    """
    maps = _numpy(maps).astype(np.float64)
    if maps.ndim not in (2, 3):
        raise ShapeError(f"plot_feature_maps: expected one example's maps (C, H, W) or (C, L), got {maps.shape}; "
                         "index the batch first, e.g. maps[0]")
    shown = maps[:max_maps]
    label = title or "feature maps " + "x".join(map(str, maps.shape))
    if maps.ndim == 2:
        figure = _new_figure(7.0, min(1.5 + 0.25 * len(shown), 9.0))
        ax = figure.subplots()
        image = ax.imshow(shown, aspect="auto", cmap="viridis", interpolation="nearest")
        ax.set_xlabel("position")
        ax.set_ylabel("channel")
        ax.set_title(label, fontsize=10)
        figure.colorbar(image, ax=ax)
        _save(figure, path)
        return
    low = shown.min(axis=(1, 2), keepdims=True)
    span = shown.max(axis=(1, 2), keepdims=True) - low
    tiles = (shown - low) / np.where(span > 0, span, 1.0)  # (C, H, W), each in [0, 1]
    columns = math.ceil(math.sqrt(len(tiles)))
    _show_mosaic(_mosaic(tiles, columns), "viridis", Normalize(0.0, 1.0), label + " (each scaled to its range)", path)


def plot_confusion(matrix: Any, class_names: Sequence[str] | None, path: str | os.PathLike,
                   normalize: bool = False, title: str | None = None) -> None:
    """A confusion matrix (rows: true class, columns: predicted) with counts written in the cells.

    Args:
        matrix: (C, C) counts, e.g. from `minitorch.train.confusion_matrix`.
        class_names: C labels for the axes. None: "0", "1", ...
        path: the PNG file.
        normalize: colour and annotate by row share (recall per class) instead of counts. Default False.
        title: default "confusion matrix (accuracy xx.x%)".
    """
    matrix = _numpy(matrix)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ShapeError(f"plot_confusion: expected a square matrix (C, C), got {matrix.shape}")
    classes = len(matrix)
    names = [str(i) for i in range(classes)] if class_names is None else [str(n) for n in class_names]
    if len(names) != classes:
        raise ShapeError(f"plot_confusion: {len(names)} class names for a {classes}x{classes} matrix")
    total = matrix.sum()
    accuracy = np.trace(matrix) / total if total else math.nan
    rows = matrix.sum(axis=1, keepdims=True)
    shown = matrix / np.where(rows > 0, rows, 1) if normalize else matrix
    size = min(3.0 + 0.45 * classes, 12.0)
    figure = _new_figure(size + 1.0, size)
    ax = figure.subplots()
    image = ax.imshow(shown, cmap="Blues", interpolation="nearest")
    ax.set_xticks(range(classes), names, rotation=45 if max(map(len, names)) > 2 else 0, ha="right"
                  if max(map(len, names)) > 2 else "center")
    ax.set_yticks(range(classes), names)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title or f"confusion matrix (accuracy {accuracy * 100:.1f}%)", fontsize=10)
    if classes <= 30:
        threshold = shown.max() / 2 if shown.size else 0
        for i in range(classes):
            for j in range(classes):
                text = f"{shown[i, j]:.2f}" if normalize else f"{int(shown[i, j])}"
                ax.text(j, i, text, ha="center", va="center", fontsize=8,
                        color="white" if shown[i, j] > threshold else "black")
    figure.colorbar(image, ax=ax, shrink=0.8)
    _save(figure, path)
