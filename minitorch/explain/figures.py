"""The MiniTorch course's convolution figures, drawn from real tensors (`minitorch figures DIR`).

Every number in a figure is computed by the library while the figure is drawn: the course's
`conv1d`/`conv2d`/`unroll`/`tile`, autodiff, and `F.conv1d`. The backward figure checks itself:
the input gradient computed as a right-anchored convolution with the reversed kernel must equal
the gradient autodiff computes for `conv1d`, else `write_figures` raises.

| file | the course's figure |
|---|---|
| conv1d | the kernel sliding over the input; each output[i] written out as its sum |
| anchors | a kernel anchored left (forward) and right (backward) |
| backward | grad_input = reversed kernel anchored right over grad_output, checked against autodiff |
| channels | in_channels=2, out_channels=3: every channel of the window feeds each output |
| conv2d | a 3x3 box anchored top-left, zeros past the edge |
| unroll | unroll(input, K) @ weight: the convolution as one matrix product |
| tile | pooling as tensor origami: tile (H, W) into (H/kh, W/kw, kh*kw), then reduce |
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable, Dict, List, Sequence, Tuple

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

import minitorch
from minitorch.io.atomic import atomic_write
from minitorch.nn import functional as F

__all__ = ["write_figures", "FIGURES", "backward_check"]

_IN, _W, _OUT, _HI = "#dbeafe", "#fde68a", "#dcfce7", "#fca5a5"  # input, weight, output, highlight


def _t(values: Any) -> minitorch.Tensor:
    return minitorch.tensor(np.asarray(values, dtype=np.float64).tolist())


def _figure(width: float, height: float) -> Tuple[Figure, Any]:
    figure = Figure(figsize=(width, height), dpi=110)
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_xlim(0, width * 10)
    axes.set_ylim(height * 10, 0)  # y grows downwards, 10 units per inch
    axes.axis("off")
    return figure, axes


def _cells(axes: Any, values: np.ndarray, x: float, y: float, size: float = 6, colors: Any = None, fmt: str = "{:g}",
           label: str = "") -> None:
    """A grid of numbered cells (rows x cols) with its top-left corner at (x, y)."""
    grid = np.atleast_2d(values)
    for r, row in enumerate(grid):
        for c, value in enumerate(row):
            color = colors[r][c] if colors is not None and np.ndim(colors) == 2 else (colors or "white")
            axes.add_patch(Rectangle((x + c * size, y + r * size), size, size, facecolor=color, edgecolor="#475569", lw=0.8))
            axes.text(x + (c + 0.5) * size, y + (r + 0.5) * size, fmt.format(value), ha="center", va="center",
                      fontsize=7.5 if size < 6 else 9, family="monospace")
    if label:
        axes.text(x, y - 1.2, label, fontsize=9, va="bottom", color="#334155")


def _colors(shape: Tuple[int, ...], base: str, picks: Sequence[Tuple[int, int]] = (), pick: str = _HI) -> List[List[str]]:
    rows, cols = shape if len(shape) == 2 else (1, shape[0])
    table = [[base] * cols for _ in range(rows)]
    for r, c in picks:
        if 0 <= r < rows and 0 <= c < cols:
            table[r][c] = pick
    return table


# ----------------------------------------------------------------------------- figures
def conv1d_figure() -> Figure:
    x, w = _t([1, 2, 3, 4, 5, 6]), _t([5, 2, 3])
    out = minitorch.conv1d(x.view(1, 1, 6), w.view(1, 1, 3)).to_numpy()[0, 0]  # the course's conv1d
    xs, ws, T, K = x.to_numpy(), w.to_numpy(), 6, 3
    figure, axes = _figure(9.5, 0.85 * T + 2.4)
    axes.text(2, 4, "conv1d: the kernel slides along the input (anchored left, zeros past the edge)", fontsize=11)
    for i in range(T):
        y = 10 + 8.5 * i
        padded = np.concatenate([xs, np.zeros(K - 1)])
        window = [(0, i + k) for k in range(K)]
        _cells(axes, padded, 2, y, colors=_colors((T + K - 1,), _IN, window))
        terms = " + ".join(f"{ws[k]:g}·{padded[i + k]:g}" for k in range(K))
        axes.text(52, y + 3, f"output[{i}] = {terms} = {out[i]:g}", va="center", fontsize=10, family="monospace")
    _cells(axes, out[None], 2, 10 + 8.5 * T + 2, colors=_OUT, label="output")
    return figure


def anchors_figure() -> Figure:
    x, w = _t([1, 2, 3, 4, 5, 6]), _t([5, 2, 3])
    left = minitorch.conv1d(x.view(1, 1, 6), w.view(1, 1, 3)).to_numpy()[0, 0]
    # right-anchored: output[i] = sum_k w[k] * x[i - k], a PyTorch-style conv of the reversed kernel padded on the left
    flipped = minitorch.from_numpy(np.ascontiguousarray(w.to_numpy()[::-1]).reshape(1, 1, 3))
    right = F.conv1d(x.view(1, 1, 6), flipped, padding=2).to_numpy()[0, 0, :6]
    xs, ws, i = x.to_numpy(), w.to_numpy(), 3
    figure, axes = _figure(9.5, 3.6)
    axes.text(2, 4, f"the same kernel w = {ws.astype(int).tolist()}, anchored left and right (output position {i})", fontsize=11)
    _cells(axes, xs[None], 2, 12, colors=_colors((6,), _IN, [(0, i + k) for k in range(3)]), label="anchored left (forward)")
    axes.text(42, 15, f"out[{i}] = w[0]·x[{i}] + w[1]·x[{i + 1}] + w[2]·x[{i + 2}] = {left[i]:g}", va="center",
              family="monospace", fontsize=10)
    _cells(axes, xs[None], 2, 27, colors=_colors((6,), _IN, [(0, i - k) for k in range(3)]), label="anchored right")
    axes.text(42, 30, f"out[{i}] = w[0]·x[{i}] + w[1]·x[{i - 1}] + w[2]·x[{i - 2}] = {right[i]:g}", va="center",
              family="monospace", fontsize=10)
    return figure


def backward_check(seed: int = 0) -> Dict[str, np.ndarray]:
    """Gradients of the course's conv1d by autodiff and as convolutions; raises if they differ.

    grad_input[i] = sum_k w[k] * d[i - k]  (the reversed kernel anchored right over grad_output d)
    grad_weight[k] = sum_i d[i] * x[i + k]  (grad_output slid along the input, anchored left)
    """
    rng = np.random.default_rng(seed)
    x = minitorch.tensor(rng.integers(-3, 4, size=(1, 1, 7)).astype(float).tolist(), requires_grad=True)
    w = minitorch.tensor(rng.integers(-2, 3, size=(1, 1, 3)).astype(float).tolist(), requires_grad=True)
    d = minitorch.tensor(rng.integers(-2, 3, size=(1, 1, 7)).astype(float).tolist())
    (minitorch.conv1d(x, w) * d).sum().backward()
    if x.grad is None or w.grad is None:
        raise AssertionError("figures: autodiff gave conv1d no gradient")
    x_grad, w_grad = x.grad.to_numpy(), w.grad.to_numpy()
    flipped = minitorch.from_numpy(np.ascontiguousarray(w.detach().to_numpy()[..., ::-1]))
    as_conv = F.conv1d(d, flipped, padding=2).to_numpy()[..., :7]  # right-anchored, reversed kernel
    weight_as_conv = minitorch.conv1d(x.detach().permute(1, 0, 2).contiguous(), d).to_numpy()[..., :3]
    for name, autodiff, conv in (("grad_input", x_grad, as_conv), ("grad_weight", w_grad, weight_as_conv)):
        if not np.allclose(autodiff, conv, atol=1e-12):
            raise AssertionError(f"figures: {name} as a convolution {conv.ravel()} != autodiff {autodiff.ravel()}")
    return {"x": x.detach().to_numpy()[0, 0], "w": w.detach().to_numpy()[0, 0], "d": d.to_numpy()[0, 0],
            "grad_input": as_conv[0, 0], "grad_weight": weight_as_conv[0, 0], "autodiff_input": x_grad[0, 0]}


def backward_figure() -> Figure:
    g = backward_check()
    d, w, gi, i = g["d"], g["w"], g["grad_input"], 3
    figure, axes = _figure(10, 4.6)
    axes.text(2, 4, "backward of conv1d: the reversed kernel, anchored right, slides over grad_output", fontsize=11)
    _cells(axes, d[None], 2, 13, colors=_colors((7,), _OUT, [(0, i - k) for k in range(3)]), label="grad_output d")
    _cells(axes, w[::-1][None], 52, 13, colors=_W, label="weight, reversed")
    _cells(axes, gi[None], 2, 29, colors=_colors((7,), _IN, [(0, i)]), label="grad_input")
    axes.text(2, 41, f"grad_input[{i}] = w[0]·d[{i}] + w[1]·d[{i - 1}] + w[2]·d[{i - 2}] = "
                     f"{w[0]:g}·{d[i]:g} + {w[1]:g}·{d[i - 1]:g} + {w[2]:g}·{d[i - 2]:g} = {gi[i]:g}", family="monospace",
              fontsize=9.5)
    axes.text(52, 32, "✓ equals autodiff's x.grad", color="#15803d", fontsize=10, va="center")
    return figure


def channels_figure() -> Figure:
    rng = np.random.default_rng(1)
    x = _t(rng.integers(0, 4, size=(1, 2, 8)))
    w = _t(rng.integers(-1, 2, size=(3, 2, 3)))
    out = minitorch.conv1d(x, w).to_numpy()[0]
    xs, ws, t, o = x.to_numpy()[0], w.to_numpy(), 2, 1
    figure, axes = _figure(11.5, 5.8)
    axes.text(2, 4, "channels: in_channels=2, out_channels=3, K=3, T=8 — a Linear over 2×3 values at every position",
              fontsize=10.5)
    _cells(axes, xs, 2, 12, colors=_colors((2, 8), _IN, [(c, t + k) for c in range(2) for k in range(3)]), label="input (2, 8)")
    for c_out in range(3):
        _cells(axes, ws[c_out], 56 + 19 * c_out, 12, colors=_W if c_out != o else "#fbbf24", label=f"weight[{c_out}]")
    _cells(axes, out, 2, 30, colors=_colors((3, 8), _OUT, [(o, t)]), label="output (3, 8)")
    terms = " + ".join(f"{ws[o, c, k]:g}·{xs[c, t + k]:g}" for c in range(2) for k in range(3))
    axes.text(2, 52, f"output[{o}, {t}] = Σ_c Σ_k weight[{o}, c, k]·input[c, {t} + k] = {terms} = {out[o, t]:g}",
              family="monospace", fontsize=8.5)
    return figure


def conv2d_figure() -> Figure:
    rng = np.random.default_rng(2)
    x = _t(rng.integers(0, 5, size=(1, 1, 6, 6)))
    w = _t(rng.integers(-1, 2, size=(1, 1, 3, 3)))
    out = minitorch.conv2d(x, w).to_numpy()[0, 0]
    xs, ws, (i, j) = x.to_numpy()[0, 0], w.to_numpy()[0, 0], (1, 2)
    figure, axes = _figure(11, 5.8)
    axes.text(2, 4, "conv2d: a 3×3 box anchored top-left; zip-reduce over the whole box (zeros past the edge)", fontsize=10.5)
    _cells(axes, xs, 2, 12, colors=_colors((6, 6), _IN, [(i + a, j + b) for a in range(3) for b in range(3)]), label="input (6, 6)")
    _cells(axes, ws, 44, 12, colors=_W, label="weight (3, 3)")
    _cells(axes, out, 66, 12, colors=_colors((6, 6), _OUT, [(i, j)]), label="output (6, 6)")
    terms = " + ".join(f"{ws[a, b]:g}·{xs[i + a, j + b]:g}" for a in range(3) for b in range(3))
    axes.text(2, 52, f"output[{i}, {j}] = {terms} = {out[i, j]:g}", family="monospace", fontsize=8.5)
    return figure


def unroll_figure() -> Figure:
    x, w, K = _t([1, 2, 3, 4, 5, 6]), _t([5, 2, 3]), 3
    unrolled = minitorch.unroll(x, K)  # (T, K)
    out = (unrolled @ w.view(K, 1)).view(6).to_numpy()
    figure, axes = _figure(9.5, 5.4)
    axes.text(2, 4, "unroll(input, K) @ weight.view(K, 1): the convolution as one matrix product", fontsize=11)
    _cells(axes, unrolled.to_numpy(), 4, 13, colors=_colors((6, 3), _IN, [(2, k) for k in range(3)]), label="unroll(input, 3)  (6, 3)")
    axes.text(25, 31, "@", fontsize=16, ha="center", va="center")
    _cells(axes, w.to_numpy()[:, None], 30, 22, colors=_W, label="weight (3, 1)")
    axes.text(41, 31, "=", fontsize=16, ha="center", va="center")
    _cells(axes, out[:, None], 46, 13, colors=_colors((6, 1), _OUT, [(2, 0)]), label="output (6, 1)")
    row, ws = unrolled.to_numpy()[2], w.to_numpy()
    same = np.array_equal(out, minitorch.conv1d(x.view(1, 1, 6), w.view(1, 1, K)).to_numpy()[0, 0])
    axes.text(58, 28, f"row 2: {' + '.join(f'{a:g}·{b:g}' for a, b in zip(ws, row))} = {out[2]:g}\n"
                      f"{'same as' if same else 'DIFFERS from'} conv1d(input, weight)", fontsize=9.5, family="monospace",
              va="center")
    return figure


def tile_figure() -> Figure:
    x = _t(np.arange(16).reshape(1, 1, 4, 4) % 7)
    tiled, new_h, new_w = minitorch.tile(x, (2, 2))  # (1, 1, 2, 2, 4)
    blocks = tiled.to_numpy()[0, 0].reshape(4, 4)  # one row per 2x2 block
    pooled = minitorch.maxpool2d(x, (2, 2)).to_numpy()[0, 0]
    averaged = minitorch.avgpool2d(x, (2, 2)).to_numpy()[0, 0]
    palette = ["#dbeafe", "#fde68a", "#dcfce7", "#fce7f3"]
    colors = [[palette[(r // 2) * 2 + c // 2] for c in range(4)] for r in range(4)]
    figure, axes = _figure(10, 5.4)
    axes.text(2, 4, "pooling as tensor origami: tile (4, 4) into (2, 2, 4), then reduce the last dim", fontsize=11)
    _cells(axes, x.to_numpy()[0, 0], 2, 12, colors=colors, label="input (4, 4)")
    _cells(axes, blocks, 34, 12, colors=[[palette[r]] * 4 for r in range(4)], label=f"tile: ({new_h}, {new_w}, 4)")
    _cells(axes, pooled, 66, 12, colors=[[palette[r * 2 + c] for c in range(2)] for r in range(2)], label="max → maxpool2d")
    _cells(axes, averaged, 66, 32, colors=[[palette[r * 2 + c] for c in range(2)] for r in range(2)], fmt="{:.2f}",
           label="mean → avgpool2d")
    return figure


FIGURES: Dict[str, Callable[[], Figure]] = {
    "conv1d": conv1d_figure, "anchors": anchors_figure, "backward": backward_figure, "channels": channels_figure,
    "conv2d": conv2d_figure, "unroll": unroll_figure, "tile": tile_figure,
}


def write_figures(folder: str | os.PathLike, formats: Sequence[str] = ("png", "svg")) -> List[Path]:
    """Draw every figure into `folder` (created if missing) in each format; returns the paths written."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, draw in FIGURES.items():
        figure = draw()
        for fmt in formats:
            path = out / f"{name}.{fmt}"
            with atomic_write(path, "wb") as f:
                figure.savefig(f, format=fmt, metadata={"Date": None} if fmt == "svg" else {"Software": None})
            written.append(path)
    return written
