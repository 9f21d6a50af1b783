"""scikit-learn's bundled 8x8 handwritten digits (1,797 images, no download).

The images come from the UCI "Optical Recognition of Handwritten Digits" set, with pixel
counts 0..16; we scale them to [0, 1] and split 80/20 per class (stratified), deterministically
from a seed, so every class keeps its proportion in both splits.
"""

from __future__ import annotations

import numpy as np

from minitorch.data.errors import DatasetError

__all__ = ["load_digits", "stratified_split"]


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
    from sklearn.datasets import load_digits as sklearn_digits  # lazy: optional and slow to import

    bunch = sklearn_digits()
    x = bunch.images.astype(np.float64) / 16.0  # (N, 8, 8)
    y = bunch.target.astype(np.int64)
    if split != "all":
        train, test = stratified_split(y, test_fraction, seed)
        chosen = train if split == "train" else test
        x, y = x[chosen], y[chosen]
    if flatten:
        x = x.reshape(len(x), -1)  # (N, 8, 8) -> (N, 64)
    return x, y
