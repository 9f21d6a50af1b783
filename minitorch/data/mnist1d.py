"""MNIST-1D: a small, fast, procedurally generated 1-D digit data set (local generator).

Source: S. Greydanus, "Scaling down Deep Learning", 2020, arXiv:2011.14439, and the reference
generator at https://github.com/greydanus/mnist1d (`mnist1d/data.py`, `mnist1d/transform.py`).
This is our own re-implementation of that procedure with numpy only (no scipy, no download,
no pickle cache). It draws random numbers in the same order from numpy's legacy
`RandomState(seed)`, so it reproduces the reference `make_dataset` output for the same arguments
(checked to 1e-15 against the published procedure run with scipy).

Procedure, per example of digit d (500 per class by default):
 1. take the length-12 template of d (a hand-drawn 1-D stroke), add 1e-8 so it is nonzero,
    append p ~ U{36..60} zeros;
 2. resample linearly to length template_len + padding[1] (= 72);
 3. scale the amplitude by 1 + scale_coeff * (u - 1/2);
 4. roll right by k ~ U{0..max_translation-1} steps (circular translation);
 5. replace the zero (padding) samples with correlated noise: corr_noise_scale * N(0, 1) smoothed
    by a Gaussian of sigma 2 (reflecting borders); then add iid noise iid_noise_scale * N(0, 1);
 6. shear: subtract shear_scale * (u - 1/2) * linspace(-1/2, 1/2) (a random linear trend);
 7. resample linearly to final_seq_length (= 40).
Then the examples are shuffled, the whole set is standardised to mean 0 and std 1, and the
first train_split share (80%) is the training split.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from minitorch.data.errors import DatasetError

__all__ = ["MNIST1D_DEFAULTS", "mnist1d_templates", "make_mnist1d", "load_mnist1d"]

MNIST1D_DEFAULTS = {
    "num_samples": 5000,
    "train_split": 0.8,
    "template_len": 12,
    "padding": (36, 60),
    "scale_coeff": 0.4,
    "max_translation": 48,
    "corr_noise_scale": 0.25,
    "iid_noise_scale": 2e-2,
    "shear_scale": 0.75,
    "final_seq_length": 40,
    "seed": 42,
}

# One row per digit 0..9: the stroke's height at 12 evenly spaced points (from the paper).
_STROKES = np.array([
    [5, 6, 6.5, 6.75, 7, 7, 7, 7, 6.75, 6.5, 6, 5],
    [5, 3, 3, 3.4, 3.8, 4.2, 4.6, 5, 5.4, 5.8, 5, 5],
    [5, 6, 6.5, 6.5, 6, 5.25, 4.75, 4, 3.5, 3.5, 4, 5],
    [5, 6, 6.5, 6.5, 6, 5, 5, 6, 6.5, 6.5, 6, 5],
    [5, 4.4, 3.8, 3.2, 2.6, 2.6, 5, 5, 5, 5, 5, 5],
    [5, 3, 3, 3, 3, 5, 6, 6.5, 6.5, 6, 4.5, 5],
    [5, 4, 3.5, 3.25, 3, 3, 3, 3, 3.25, 3.5, 4, 5],
    [5, 7, 7, 6.6, 6.2, 5.8, 5.4, 5, 4.6, 4.2, 5, 5],
    [5, 4, 3.5, 3.5, 4, 5, 5, 4, 3.5, 3.5, 4, 5],
    [5, 4, 3.5, 3.5, 4, 5, 5, 5, 5, 4.7, 4.3, 5],
])
_EPS = 1e-8
_SMOOTHING_SIGMA = 2.0


def mnist1d_templates() -> np.ndarray:
    """The ten digit templates, shape (10, 12): standardised per row, divided by 6, starting at 0."""
    strokes = _STROKES - _STROKES.mean(axis=1, keepdims=True)
    strokes = strokes / strokes.std(axis=1, keepdims=True)
    strokes = strokes - strokes[:, :1]  # every stroke starts (and ends) at 0
    return strokes / 6.0


def _resample(signal: np.ndarray, length: int) -> np.ndarray:
    """Linear interpolation of `signal` (on an even grid over [0, 1]) at `length` even points."""
    return np.interp(np.linspace(0.0, 1.0, length), np.linspace(0.0, 1.0, len(signal)), signal)


def _gaussian_kernel(sigma: float) -> np.ndarray:
    radius = int(4.0 * sigma + 0.5)  # truncate at 4 sigma, as scipy.ndimage does
    offsets = np.arange(-radius, radius + 1)
    weights = np.exp(-0.5 * (offsets / sigma) ** 2)
    return weights / weights.sum()


def _smooth(noise: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Gaussian smoothing with reflecting borders (d c b a | a b c d | d c b a)."""
    radius = len(kernel) // 2
    padded = np.pad(noise, radius, mode="symmetric")
    return np.convolve(padded, kernel, mode="valid")  # the kernel is symmetric


def _distort(template: np.ndarray, rng: np.random.RandomState, args: dict, kernel: np.ndarray) -> np.ndarray:
    """One random example from one template (steps 1-7 of the module docstring)."""
    low, high = args["padding"]
    pad = low + int(rng.random_sample() * (high - low + 1))
    signal = np.concatenate([template + _EPS, np.zeros(pad)])
    signal = _resample(signal, args["template_len"] + high)
    signal = signal * (1.0 + args["scale_coeff"] * (rng.random_sample() - 0.5))
    signal = np.roll(signal, rng.choice(args["max_translation"]))
    smooth_noise = _smooth(args["corr_noise_scale"] * rng.standard_normal(len(signal)), kernel)
    signal = np.where(signal != 0, signal, smooth_noise)
    signal = signal + args["iid_noise_scale"] * rng.standard_normal(len(signal))
    trend = args["shear_scale"] * (rng.random_sample() - 0.5)
    signal = signal - trend * np.linspace(-0.5, 0.5, len(signal))
    return _resample(signal, args["final_seq_length"])


@functools.lru_cache(maxsize=4)
def _generate(items: tuple) -> tuple[np.ndarray, np.ndarray]:
    args = dict(items)
    templates = mnist1d_templates()
    rng = np.random.RandomState(args["seed"])
    kernel = _gaussian_kernel(_SMOOTHING_SIGMA)
    per_class = args["num_samples"] // len(templates)
    xs = np.stack([_distort(templates[label], rng, args, kernel)
                   for label in range(len(templates)) for _ in range(per_class)])  # (N, final_seq_length)
    ys = np.repeat(np.arange(len(templates), dtype=np.int64), per_class)
    order = rng.permutation(len(ys))
    xs, ys = xs[order], ys[order]
    xs = (xs - xs.mean()) / xs.std()
    xs.flags.writeable = False  # cached: callers get copies
    ys.flags.writeable = False
    return xs, ys


def make_mnist1d(**overrides: Any) -> dict[str, np.ndarray]:
    """Generate MNIST-1D and split it.

    Args:
        **overrides: any key of `MNIST1D_DEFAULTS` (num_samples=5000, train_split=0.8,
            template_len=12, padding=(36, 60), scale_coeff=0.4, max_translation=48,
            corr_noise_scale=0.25, iid_noise_scale=0.02, shear_scale=0.75, final_seq_length=40, seed=42).

    Returns:
        {"x": (N_train, L) float64, "y": (N_train,) int64, "x_test": (N_test, L), "y_test": (N_test,)},
        L = final_seq_length; N_train = int(num_samples * train_split) (4,000 by default).
    """
    unknown = set(overrides) - set(MNIST1D_DEFAULTS)
    if unknown:
        raise DatasetError(f"make_mnist1d: unknown arguments {sorted(unknown)}; "
                           f"known: {sorted(MNIST1D_DEFAULTS)}")
    args = {**MNIST1D_DEFAULTS, **overrides}
    args["padding"] = tuple(int(p) for p in args["padding"])
    if args["num_samples"] < 10 or not 0.0 < args["train_split"] < 1.0 or args["max_translation"] < 1:
        raise DatasetError(f"make_mnist1d: need num_samples >= 10, 0 < train_split < 1 and "
                           f"max_translation >= 1, got {args}")
    xs, ys = _generate(tuple(sorted(args.items())))
    split = int(len(ys) * args["train_split"])
    return {"x": xs[:split].copy(), "y": ys[:split].copy(), "x_test": xs[split:].copy(), "y_test": ys[split:].copy()}


def load_mnist1d(split: str = "train", **overrides: Any) -> tuple[np.ndarray, np.ndarray]:
    """One split of MNIST-1D as (x, y): float64 (N, 40) signals and int64 (N,) labels.

    Args:
        split: "train" (4,000 examples by default) or "test" (1,000). Default "train".
        **overrides: generator arguments, see `make_mnist1d`.

    Example:
        >>> x, y = load_mnist1d("train")
        >>> x.shape, y.shape
        ((4000, 40), (4000,))
    """
    if split not in ("train", "test"):
        raise DatasetError(f"load_mnist1d: split must be 'train' or 'test', got {split!r}")
    data = make_mnist1d(**overrides)
    return (data["x"], data["y"]) if split == "train" else (data["x_test"], data["y_test"])
