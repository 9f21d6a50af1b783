"""MNIST-format IDX files (MNIST, Fashion-MNIST, KMNIST, EMNIST), gzip-compressed or raw.

IDX layout (http://yann.lecun.com/exdb/mnist/, bottom of the page), all big-endian:

    bytes 0-1   zero
    byte  2     element type: 0x08 ubyte, 0x09 byte, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64
    byte  3     ndim
    then ndim   uint32 sizes, then prod(sizes) elements in C order.

MNIST images are magic 0x00000803 (ubyte, 3 dims: N, 28, 28); labels are 0x00000801 (ubyte, N).
"""

from __future__ import annotations

import gzip
import os
import urllib.error
import urllib.request
import zlib
from pathlib import Path

import numpy as np

from minitorch.data.errors import DatasetError
from minitorch.io.atomic import atomic_write

__all__ = ["DatasetError", "read_idx", "load_mnist", "find_mnist_files", "download_mnist", "MNIST_MIRRORS"]

_GZIP_MAGIC = b"\x1f\x8b"
_IDX_TYPES: dict[int, np.dtype] = {
    0x08: np.dtype("u1"),
    0x09: np.dtype("i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_SPLIT_STEMS = {"train": "train", "test": "t10k"}
MNIST_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)


def _read_bytes(path: Path) -> bytes:
    with open(path, "rb") as f:
        content = f.read()
    if content[:2] != _GZIP_MAGIC:
        return content
    try:
        return gzip.decompress(content)
    except (OSError, EOFError, zlib.error) as err:
        raise DatasetError(f"{path}: corrupt or truncated gzip data ({err}); download the file again") from None


def read_idx(path: str | os.PathLike, expected_ndim: int | None = None) -> np.ndarray:
    """Read one IDX file (gzip detected by its magic bytes, not its name).

    Args:
        path: the file.
        expected_ndim: if given, refuse files with another number of dimensions (e.g. 3 for images).

    Returns:
        A numpy array with the file's shape, native byte order (uint8 for MNIST).

    Raises:
        DatasetError: wrong magic number, unknown element type, truncated or oversized data.

    Example:
        >>> images = read_idx("t10k-images-idx3-ubyte.gz", expected_ndim=3)  # doctest: +SKIP
    """
    path = Path(path)
    content = _read_bytes(path)
    if len(content) < 4 or content[0] != 0 or content[1] != 0:
        raise DatasetError(f"{path}: not an IDX file (magic {content[:4].hex() or 'missing'}, "
                           "expected 0000 followed by a type code and ndim, e.g. 00000803 for MNIST images)")
    type_code, ndim = content[2], content[3]
    if type_code not in _IDX_TYPES:
        raise DatasetError(f"{path}: unknown IDX element type 0x{type_code:02x} "
                           f"(known: {', '.join(f'0x{c:02x}' for c in _IDX_TYPES)})")
    if expected_ndim is not None and ndim != expected_ndim:
        raise DatasetError(f"{path}: IDX file has {ndim} dimensions (magic 0x{type_code:02x}{ndim:02x}), "
                           f"expected {expected_ndim} (0x{type_code:02x}{expected_ndim:02x}); "
                           "images and labels swapped?")
    data_start = 4 + 4 * ndim
    if len(content) < data_start:
        raise DatasetError(f"{path}: truncated IDX header ({len(content)} bytes, need {data_start} for {ndim} sizes)")
    shape = tuple(int(size) for size in np.frombuffer(content, dtype=">u4", count=ndim, offset=4))
    dtype = _IDX_TYPES[type_code]
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    actual = len(content) - data_start
    if actual != expected:
        problem = "truncated" if actual < expected else "has trailing bytes"
        raise DatasetError(f"{path}: IDX data {problem}: header shape {shape} needs {expected} bytes, "
                           f"file holds {actual}")
    data = np.frombuffer(content, dtype=dtype, count=expected // dtype.itemsize, offset=data_start)
    return data.reshape(shape).astype(dtype.newbyteorder("="))  # copy: writable, native order


def find_mnist_files(root: str | os.PathLike, split: str = "train") -> tuple[Path, Path]:
    """Locate the (images, labels) IDX files of a split in `root`.

    Accepts the MNIST / Fashion-MNIST / KMNIST names, raw or gzip, with "-" or "." before
    "idx" and an optional prefix (EMNIST: "emnist-digits-train-images-idx3-ubyte"):
    `train-images-idx3-ubyte[.gz]`, `train-labels-idx1-ubyte[.gz]`, `t10k-...` for "test".
    """
    if split not in _SPLIT_STEMS:
        raise DatasetError(f"load_mnist: split must be 'train' or 'test', got {split!r}")
    root = Path(root)
    stem = _SPLIT_STEMS[split]
    found = []
    for kind, idx in (("images", "idx3"), ("labels", "idx1")):
        matches = sorted(p for p in root.glob(f"*{stem}-{kind}[-.]{idx}-ubyte*")
                         if p.name.endswith(("ubyte", "ubyte.gz")))
        raw = [p for p in matches if not p.name.endswith(".gz")]
        if not matches:
            raise DatasetError(
                f"load_mnist: no {split} {kind} in {root} (looked for {stem}-{kind}-{idx}-ubyte or "
                f"{stem}-{kind}-{idx}-ubyte.gz); run minitorch.data.download_mnist({str(root)!r}) "
                "or copy the MNIST files there"
            )
        if len({p.name.removesuffix(".gz") for p in matches}) > 1:
            raise DatasetError(f"load_mnist: several {split} {kind} files in {root}: "
                               f"{[p.name for p in matches]}; keep one data set per folder")
        found.append(raw[0] if raw else matches[0])  # prefer the uncompressed copy: faster
    return found[0], found[1]


def load_mnist(root: str | os.PathLike, split: str = "train",
               num_classes: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Load MNIST (or Fashion-MNIST / KMNIST, same format) from IDX files in `root`.

    Args:
        root: folder holding the four IDX files (gzip or raw).
        split: "train" (60,000 images) or "test" (10,000). Default "train".
        num_classes: if given, every label must lie in [0, num_classes). Default None.

    Returns:
        (images, labels): uint8 array of shape (N, 28, 28) and int64 array of shape (N,).

    Raises:
        DatasetError: files missing, malformed, empty, with different counts, or a label out of
            range (the message names the file and the row).

    Example:
        >>> images, labels = load_mnist("data/mnist", split="test")  # doctest: +SKIP
        >>> x = images.astype(np.float32) / 255.0  # doctest: +SKIP
    """
    image_path, label_path = find_mnist_files(root, split)
    images = read_idx(image_path, expected_ndim=3)
    labels = read_idx(label_path, expected_ndim=1)
    if images.dtype != np.uint8 or labels.dtype != np.uint8:
        raise DatasetError(f"load_mnist: expected unsigned-byte IDX files (magic 0x0803 / 0x0801), got "
                           f"{images.dtype} images and {labels.dtype} labels")
    if len(images) != len(labels):
        raise DatasetError(f"load_mnist: {image_path.name} has {len(images)} images but "
                           f"{label_path.name} has {len(labels)} labels; the files belong to different sets")
    if len(images) == 0:
        raise DatasetError(f"{image_path}: holds 0 images; nothing to train or test on")
    if num_classes is not None:
        bad = np.flatnonzero(labels >= num_classes)
        if len(bad):
            raise DatasetError(f"{label_path}: row {bad[0]}: label {labels[bad[0]]} is outside the {num_classes} "
                               f"classes 0..{num_classes - 1} ({len(bad)} such rows)")
    return images, labels.astype(np.int64)


def download_mnist(root: str | os.PathLike, mirrors: tuple[str, ...] = MNIST_MIRRORS,
                   timeout: float = 30.0) -> Path:
    """Download the four MNIST .gz files into `root` (skipping files already there).

    Each file is checked as IDX and written atomically. Without network access this raises a
    DatasetError that says which files to put where.

    Args:
        root: destination folder (created if missing).
        mirrors: base URLs tried in order. Default: PyTorch's and Google's mirrors.
        timeout: seconds per request. Default 30.

    Returns:
        The folder, ready for `load_mnist(root, split)`.
    """
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    names = [f"{stem}-{kind}-ubyte.gz" for stem in ("train", "t10k")
             for kind in ("images-idx3", "labels-idx1")]
    for name in names:
        target = root / name
        if target.exists():
            continue
        errors = []
        for mirror in mirrors:
            try:
                with urllib.request.urlopen(mirror + name, timeout=timeout) as response:
                    content = response.read()
                with atomic_write(target, "wb") as f:
                    f.write(content)
                read_idx(target)
                break
            except (OSError, urllib.error.URLError, DatasetError) as err:
                target.unlink(missing_ok=True)
                errors.append(f"{mirror + name}: {err}")
        else:
            raise DatasetError(
                f"download_mnist: could not download {name} ({'; '.join(errors)}). "
                f"Without network access, copy the files {', '.join(names)} (gzip or unpacked) "
                f"into {root.resolve()} by hand, then call load_mnist({str(root)!r})."
            )
    return root
