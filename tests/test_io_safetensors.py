"""safetensors files: round trips, layouts and byte orders, refusal of bad files with a
CheckpointError naming the file, atomic writes."""

import json
import os
import struct

import numpy as np
import pytest

from minitorch.io import atomic as atomic_module
from minitorch.io import safetensors_file as st
from minitorch.io.safetensors_file import CheckpointError, load_file, read_metadata, save_file


def _arrays():
    rng = np.random.default_rng(0)
    return {
        "conv.weight": rng.standard_normal((4, 3, 5, 5)).astype(np.float32),
        "conv.bias": rng.standard_normal(4),  # float64
        "steps": np.array(7, dtype=np.int64),  # 0-d
        "ids": np.arange(6, dtype=np.int32).reshape(2, 3),
        "pixels": np.arange(5, dtype=np.uint8),
        "empty": np.zeros((0, 3), np.float32),
        "mask": np.array([True, False]),
    }


def test_round_trip_preserves_values_dtypes_shapes_and_metadata(tmp_path):
    path = tmp_path / "a.safetensors"
    arrays = _arrays()
    save_file(arrays, path, metadata={"note": "hello", "epoch": "3"})
    loaded, metadata = load_file(path)
    assert metadata == {"note": "hello", "epoch": "3"}
    assert set(loaded) == set(arrays)
    for name, array in arrays.items():
        assert loaded[name].dtype == array.dtype and loaded[name].shape == array.shape
        np.testing.assert_array_equal(loaded[name], array)
        assert loaded[name].flags.writeable
    assert (8 + struct.unpack("<Q", path.read_bytes()[:8])[0]) % 8 == 0


def test_non_contiguous_and_big_endian_inputs_are_stored_c_ordered_little_endian(tmp_path):
    base = np.arange(24, dtype=np.float64).reshape(4, 6)
    arrays = {"t": base.T, "s": base[:, ::2], "be": base.astype(">f4")}
    save_file(arrays, tmp_path / "b.safetensors")
    loaded, _ = load_file(tmp_path / "b.safetensors")
    for name, array in arrays.items():
        np.testing.assert_array_equal(loaded[name], array)
    assert loaded["be"].dtype == np.float32


def test_metadata_reads_without_the_tensors(tmp_path):
    save_file(_arrays(), tmp_path / "c.safetensors", metadata={"a": "1"})
    assert read_metadata(tmp_path / "c.safetensors") == {"a": "1"}
    save_file({"w": np.ones(1)}, tmp_path / "d.safetensors")
    assert read_metadata(tmp_path / "d.safetensors") == {}


def test_unsupported_dtype_names_and_bad_metadata_are_refused(tmp_path):
    with pytest.raises(CheckpointError, match="'z' has dtype complex128"):
        save_file({"z": np.zeros(2, complex)}, tmp_path / "z.safetensors")
    with pytest.raises(CheckpointError, match="'s' has dtype <U1"):
        save_file({"s": np.array(["a"])}, tmp_path / "z.safetensors")
    with pytest.raises(CheckpointError, match="str to str"):
        save_file({"x": np.zeros(2)}, tmp_path / "z.safetensors", metadata={"epoch": 3})
    with pytest.raises(CheckpointError, match="invalid tensor name '__metadata__'"):
        save_file({"__metadata__": np.zeros(2)}, tmp_path / "z.safetensors")
    assert os.listdir(tmp_path) == []


def test_missing_files_and_folders_raise_os_errors_naming_them(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.safetensors"):
        load_file(tmp_path / "nope.safetensors")
    with pytest.raises(IsADirectoryError, match="is a folder"):
        load_file(tmp_path)


def _write_raw(path, header, data=b"", header_len=None, pad=True):
    raw = json.dumps(header).encode()
    if pad:
        raw += b" " * (-(8 + len(raw)) % 8)
    path.write_bytes(struct.pack("<Q", len(raw) if header_len is None else header_len) + raw + data)
    return path


@pytest.mark.parametrize("cut", [0, 5, 8, 20, -1])
def test_truncated_files_are_refused(tmp_path, cut):
    path = tmp_path / "t.safetensors"
    save_file({"w": np.ones((3, 4), np.float32)}, path)
    content = path.read_bytes()
    path.write_bytes(content[:cut] if cut >= 0 else content[:-1])
    with pytest.raises(CheckpointError, match="t.safetensors"):
        load_file(path)


def test_garbage_and_bad_headers_are_refused(tmp_path):
    garbage = tmp_path / "g.bin"
    garbage.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(64))
    not_json = tmp_path / "j.bin"
    not_json.write_bytes(struct.pack("<Q", 8) + b"not json")
    for path in (garbage, not_json, _write_raw(tmp_path / "l.bin", [1, 2])):
        with pytest.raises(CheckpointError, match=f"{path.name}: not a valid safetensors file"):
            load_file(path)


ENTRY = {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}
BAD_HEADERS = {
    "size": ({"a": {**ENTRY, "shape": [3]}}, bytes(8)),
    "range": ({"a": ENTRY}, bytes(4)),
    "overlap": ({"a": ENTRY, "b": {**ENTRY, "data_offsets": [4, 12]}}, bytes(12)),
    "gap": ({"a": {**ENTRY, "data_offsets": [4, 12]}}, bytes(12)),
    "trailing": ({"a": ENTRY}, bytes(12)),
    "dtype": ({"a": {**ENTRY, "dtype": "Q8"}}, bytes(8)),
    "shape": ({"a": {**ENTRY, "shape": [-2]}}, bytes(8)),
    "offsets": ({"a": {**ENTRY, "data_offsets": [8, 0]}}, bytes(8)),
    "metadata": ({"__metadata__": {"k": 1}, "a": ENTRY}, bytes(8)),
    # issue 12: sizes overflowing int64 passed the hand-written check, then numpy raised
    "overflow": ({"a": {**ENTRY, "shape": [2**32, 2**32], "data_offsets": [0, 0]}}, b""),
    "overflow_u64": ({"a": {**ENTRY, "shape": [2**64], "data_offsets": [0, 0]}}, b""),
    "empty_but_huge": ({"a": {**ENTRY, "shape": [0, 2**62], "data_offsets": [0, 0]}}, b""),
    "bfloat16": ({"a": {**ENTRY, "dtype": "BF16", "data_offsets": [0, 4]}}, bytes(4)),
    "float8": ({"a": {**ENTRY, "dtype": "F8_E4M3", "data_offsets": [0, 2]}}, bytes(2)),
}


@pytest.mark.parametrize("name", BAD_HEADERS)
def test_inconsistent_and_hostile_headers_are_refused(tmp_path, name):
    header, data = BAD_HEADERS[name]
    path = _write_raw(tmp_path / f"{name}.bin", header, data)
    with pytest.raises(CheckpointError, match=f"{name}.bin: not a valid safetensors file"):
        load_file(path)


def test_deeply_nested_header_is_refused(tmp_path):
    path = tmp_path / "deep.bin"
    raw = b"[" * 100_000 + b"]" * 100_000
    path.write_bytes(struct.pack("<Q", len(raw)) + raw)
    with pytest.raises(CheckpointError, match="deep.bin"):
        load_file(path)
    with pytest.raises(CheckpointError, match="deep.bin"):
        read_metadata(path)


def test_crash_during_write_keeps_the_previous_file(tmp_path, monkeypatch):
    path = tmp_path / "model.safetensors"
    save_file({"w": np.ones(3, np.float32)}, path)
    before = path.read_bytes()

    def write_half_then_crash(arrays, tmp, metadata):
        tmp.write_bytes(b"\x10\x00\x00")
        raise KeyboardInterrupt

    monkeypatch.setattr(st, "_serialize", write_half_then_crash)
    with pytest.raises(KeyboardInterrupt):
        save_file({"w": np.zeros(1000, np.float32)}, path)
    monkeypatch.undo()

    def failing_fsync(fd):
        raise OSError("disk full")

    monkeypatch.setattr(atomic_module.os, "fsync", failing_fsync)
    with pytest.raises(OSError, match="disk full"):
        save_file({"w": np.zeros(1000, np.float32)}, path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["model.safetensors"]  # no temporary files left behind


def test_saved_file_gets_the_usual_permissions(tmp_path):
    path = tmp_path / "m.safetensors"
    save_file({"w": np.ones(1)}, path)
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask
