"""The 8x8 handwritten digits (1,797 images), shipped with the package: no download.

The images are the test split of the UCI "Optical Recognition of Handwritten Digits" data set
(Alpaydin and Kaynak 1998, CC BY 4.0), in the copy scikit-learn distributes:
`minitorch/data/files/digits.csv.gz`, with its attribution and licence in `DIGITS-LICENSE.txt`
beside it. Each pixel counts the ink pixels of a 4x4 block (0..16); we scale them to [0, 1] and
split 80/20 per class (stratified), deterministically from a seed, so every class keeps its
proportion in both splits.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from minitorch.data.errors import DatasetError

__all__ = ["load_digits", "stratified_split", "DIGITS_FILE"]

DIGITS_FILE = Path(__file__).parent / "files" / "digits.csv.gz"


@lru_cache(maxsize=1)
def _read_digits() -> tuple[np.ndarray, np.ndarray]:
    """(pixel counts uint8 (1797, 8, 8), labels int64 (1797,)) from the shipped file, checked."""
    try:
        table = np.loadtxt(DIGITS_FILE, delimiter=",", dtype=np.int64, ndmin=2)
    except (OSError, ValueError, EOFError) as err:
        raise DatasetError(f"{DIGITS_FILE}: cannot read the shipped digits ({err}); reinstall minitorch") from None
    pixels, labels = table[:, :64], table[:, 64] if table.shape[1] == 65 else None
    if labels is None or len(table) != 1797 or pixels.min() < 0 or pixels.max() > 16 or not set(labels) <= set(range(10)):
        raise DatasetError(f"{DIGITS_FILE}: expected 1,797 rows of 64 pixel counts in 0..16 and a digit, got a "
                           f"{table.shape} table; reinstall minitorch")
    return pixels.reshape(-1, 8, 8).astype(np.uint8), labels


def stratified_split(labels: np.ndarray, test_fraction: float = 0.2, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Indices of a stratified, seeded train/test split.

    Each class contributes round(test_fraction * count) examples to the test split.

    Args:
        labels: (N,) integer class labels.
        test_fraction: share of each class put in the test split. Default 0.2.
        seed: random seed. Default 0.

    Returns:
        (train_indices, test_indices), each sorted ascending.
    """
    if not 0.0 < test_fraction < 1.0:
        raise DatasetError(f"stratified_split: test_fraction must be in (0, 1), got {test_fraction}")
    rng = np.random.default_rng(seed)
    test_parts = []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        count = int(round(test_fraction * len(members)))
        test_parts.append(rng.permutation(members)[:count])
    test = np.sort(np.concatenate(test_parts))
    train = np.setdiff1d(np.arange(len(labels)), test)
    return train, test


def load_digits(split: str = "train", seed: int = 0, test_fraction: float = 0.2,
                flatten: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The 8x8 digits, scaled to [0, 1], with a stratified deterministic split.

    Args:
        split: "train", "test" or "all". Default "train".
        seed: seed of the split. Default 0.
        test_fraction: share of each class in the test split. Default 0.2.
        flatten: return (N, 64) instead of (N, 8, 8). Default False.

    Returns:
        (x, y): float64 array (N, 8, 8) in [0, 1] and int64 labels (N,).
        With the defaults, train has 1,438 and test 359 examples.

    Example:
        >>> x, y = load_digits("train")
        >>> x.shape, y.shape
        ((1438, 8, 8), (1438,))
    """
    if split not in ("train", "test", "all"):
        raise DatasetError(f"load_digits: split must be 'train', 'test' or 'all', got {split!r}")
    counts, labels = _read_digits()
    x = counts.astype(np.float64) / 16.0  # (N, 8, 8)
    y = labels.copy()
    if split != "all":
        train, test = stratified_split(y, test_fraction, seed)
        chosen = train if split == "train" else test
        x, y = x[chosen], y[chosen]
    if flatten:
        x = x.reshape(len(x), -1)  # (N, 8, 8) -> (N, 64)
    return x, y
