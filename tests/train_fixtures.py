"""Tiny data files for the training and CLI tests: learnable IDX images and SST-2 TSV."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np


def write_idx(path: Path, array: np.ndarray, compress: bool = False) -> None:
    """Write an unsigned-byte IDX file (magic 0x08, ndim) of `array`."""
    header = struct.pack(">BBBB", 0, 0, 0x08, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    content = header + np.ascontiguousarray(array, dtype=np.uint8).tobytes()
    path.write_bytes(gzip.compress(content) if compress else content)


def learnable_images(count: int, seed: int = 0, side: int = 28) -> tuple[np.ndarray, np.ndarray]:
    """uint8 images (count, side, side) whose class (0..9) is a bright 4x4 square's position."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, size=count)
    images = rng.integers(0, 40, size=(count, side, side)).astype(np.uint8)
    for image, label in zip(images, labels):
        row, col = 4 + 8 * (label // 4), 2 + 6 * (label % 4)
        image[row:row + 4, col:col + 4] = 250
    return images, labels.astype(np.uint8)


def write_mnist(folder: Path, train: int = 96, test: int = 48) -> Path:
    """A folder with the four MNIST-named IDX files (train raw, t10k gzip)."""
    folder.mkdir(parents=True, exist_ok=True)
    for stem, count, compress in (("train", train, False), ("t10k", test, True)):
        images, labels = learnable_images(count, seed=count)
        suffix = ".gz" if compress else ""
        write_idx(folder / f"{stem}-images-idx3-ubyte{suffix}", images, compress)
        write_idx(folder / f"{stem}-labels-idx1-ubyte{suffix}", labels, compress)
    return folder


def write_sst2(folder: Path, train: int = 120, test: int = 40) -> Path:
    """train.tsv / test.tsv with sentiment carried by 'good'/'great' vs 'bad'/'awful'."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    filler = ["the", "movie", "was", "a", "film", "plot", "really", "quite", "story", "acting"]
    cues = {1: ["good", "great", "fine"], 0: ["bad", "awful", "dull"]}
    for name, count, column in (("train", train, "sentence"), ("test", test, "content")):
        lines = [f"label\t{column}"]
        for _ in range(count):
            label = int(rng.integers(0, 2))
            words = list(rng.choice(filler, size=int(rng.integers(4, 9))))
            words.insert(int(rng.integers(0, len(words))), str(rng.choice(cues[label])))
            lines.append(f"{label}\t{' '.join(words)} .")
        (folder / f"{name}.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder
