"""IDX / MNIST reading on small hand-made files: gzip and raw, and every refusal."""

import gzip
import struct
import urllib.request

import numpy as np
import pytest

from minitorch.data import DatasetError, download_mnist, find_mnist_files, load_mnist, read_idx


def _idx_bytes(array, type_code=0x08):
    header = bytes([0, 0, type_code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype({0x08: "u1", 0x0D: ">f4"}[type_code]).tobytes()


def _write(path, content, compress):
    path.write_bytes(gzip.compress(content) if compress else content)
    return path


def _mnist_folder(folder, split="train", n=5, compress=True, n_labels=None):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, size=n_labels or n, dtype=np.uint8)
    stem = "train" if split == "train" else "t10k"
    suffix = ".gz" if compress else ""
    _write(folder / f"{stem}-images-idx3-ubyte{suffix}", _idx_bytes(images), compress)
    _write(folder / f"{stem}-labels-idx1-ubyte{suffix}", _idx_bytes(labels), compress)
    return images, labels


@pytest.mark.parametrize("compress", [True, False])
@pytest.mark.parametrize("split", ["train", "test"])
def test_load_mnist_reads_gzip_and_raw(tmp_path, compress, split):
    images, labels = _mnist_folder(tmp_path, split, compress=compress)
    x, y = load_mnist(tmp_path, split)
    assert x.dtype == np.uint8 and x.shape == (5, 28, 28)
    assert y.dtype == np.int64 and y.shape == (5,)
    np.testing.assert_array_equal(x, images)
    np.testing.assert_array_equal(y, labels)


def test_gzip_is_detected_by_content_not_name(tmp_path):
    array = np.arange(12, dtype=np.float32).reshape(3, 4)
    path = _write(tmp_path / "no-suffix", _idx_bytes(array, 0x0D), compress=True)
    result = read_idx(path)
    assert result.dtype == np.float32 and result.dtype.isnative
    np.testing.assert_array_equal(result, array)


def test_dotted_and_prefixed_names_are_found(tmp_path):
    images = np.zeros((2, 28, 28), np.uint8)
    (tmp_path / "emnist-digits-train-images.idx3-ubyte").write_bytes(_idx_bytes(images))
    (tmp_path / "emnist-digits-train-labels.idx1-ubyte").write_bytes(_idx_bytes(np.zeros(2, np.uint8)))
    image_path, label_path = find_mnist_files(tmp_path, "train")
    assert image_path.name.startswith("emnist") and "labels" in label_path.name


def test_wrong_magic_truncation_and_trailing_bytes_are_refused(tmp_path):
    good = _idx_bytes(np.zeros((2, 28, 28), np.uint8))
    with pytest.raises(DatasetError, match="not an IDX file"):
        read_idx(_write(tmp_path / "png", b"\x89PNG" + good[4:], False))
    with pytest.raises(DatasetError, match="unknown IDX element type 0x07"):
        read_idx(_write(tmp_path / "type", b"\x00\x00\x07\x03" + good[4:], False))
    with pytest.raises(DatasetError, match="truncated: header shape"):
        read_idx(_write(tmp_path / "short", good[:-10], False))
    with pytest.raises(DatasetError, match="truncated IDX header"):
        read_idx(_write(tmp_path / "header", good[:9], True))
    with pytest.raises(DatasetError, match="trailing bytes"):
        read_idx(_write(tmp_path / "long", good + b"x", False))
    with pytest.raises(DatasetError, match="expected 1"):
        read_idx(_write(tmp_path / "dims", good, False), expected_ndim=1)
    with pytest.raises(DatasetError, match="gzip"):
        read_idx(_write(tmp_path / "gz", gzip.compress(good)[:-20], False))


def test_count_mismatch_and_missing_files_are_refused(tmp_path):
    with pytest.raises(DatasetError, match="download_mnist"):
        load_mnist(tmp_path, "train")
    _mnist_folder(tmp_path, "train", n=5, n_labels=4)
    with pytest.raises(DatasetError, match="5 images but .* 4 labels"):
        load_mnist(tmp_path, "train")
    with pytest.raises(DatasetError, match="split"):
        load_mnist(tmp_path, "validation")


def test_download_without_network_says_where_to_put_files(tmp_path, monkeypatch):
    def offline(url, timeout=None):
        raise urllib.error.URLError("no network")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    with pytest.raises(DatasetError, match="copy the files .*train-images-idx3-ubyte.gz"):
        download_mnist(tmp_path / "mnist")
    assert list((tmp_path / "mnist").iterdir()) == []
