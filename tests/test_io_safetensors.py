"""safetensors: round trips, byte compatibility with the reference package, refusal of bad files."""

import json
import os
import struct

import numpy as np
import pytest

from minitorch.io import atomic as atomic_module
from minitorch.io import safetensors as st
from minitorch.io.safetensors import CheckpointError, load_file, read_header, save_file


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


def test_tensors_are_aligned_and_cover_the_buffer(tmp_path):
    save_file(_arrays(), tmp_path / "c.safetensors")
    tensors, _, data_start = read_header(tmp_path / "c.safetensors")
    assert data_start % 8 == 0
    for info in tensors.values():
        assert info["data_offsets"][0] % st.DTYPES[info["dtype"]].itemsize == 0


def test_unsupported_dtype_and_bad_metadata_are_refused(tmp_path):
    with pytest.raises(CheckpointError, match="complex128"):
        save_file({"z": np.zeros(2, complex)}, tmp_path / "z.safetensors")
    with pytest.raises(CheckpointError, match="str to str"):
        save_file({"x": np.zeros(2)}, tmp_path / "z.safetensors", metadata={"epoch": 3})
    assert not (tmp_path / "z.safetensors").exists()


def test_files_interoperate_with_the_reference_package(tmp_path):
    numpy_api = pytest.importorskip("safetensors.numpy")
    arrays = _arrays()
    ours = tmp_path / "ours.safetensors"
    save_file(arrays, ours, metadata={"k": "v"})
    theirs_loaded = numpy_api.load_file(str(ours))
    for name, array in arrays.items():
        np.testing.assert_array_equal(theirs_loaded[name], array)
    theirs = tmp_path / "theirs.safetensors"
    numpy_api.save_file(arrays, str(theirs), metadata={"k": "v"})
    loaded, metadata = load_file(theirs)
    assert metadata == {"k": "v"}
    for name, array in arrays.items():
        np.testing.assert_array_equal(loaded[name], array)


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
    with pytest.raises(CheckpointError, match="header length"):
        load_file(garbage)
    not_json = tmp_path / "j.bin"
    not_json.write_bytes(struct.pack("<Q", 8) + b"not json")
    with pytest.raises(CheckpointError, match="JSON"):
        load_file(not_json)
    with pytest.raises(CheckpointError, match="JSON object"):
        load_file(_write_raw(tmp_path / "l.bin", [1, 2]))


def test_inconsistent_headers_are_refused(tmp_path):
    entry = {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}
    cases = {
        "size": ({"a": {**entry, "shape": [3]}}, bytes(8), "needs 12 bytes"),
        "range": ({"a": entry}, bytes(4), "truncated"),
        "overlap": ({"a": entry, "b": {**entry, "data_offsets": [4, 12]}}, bytes(12), "overlaps"),
        "gap": ({"a": {**entry, "data_offsets": [4, 12]}}, bytes(12), "gap"),
        "trailing": ({"a": entry}, bytes(12), "trailing"),
        "dtype": ({"a": {**entry, "dtype": "Q8"}}, bytes(8), "unsupported dtype"),
        "shape": ({"a": {**entry, "shape": [-2]}}, bytes(8), "invalid shape"),
        "offsets": ({"a": {**entry, "data_offsets": [8, 0]}}, bytes(8), "invalid data_offsets"),
        "metadata": ({"__metadata__": {"k": 1}, "a": entry}, bytes(8), "string values"),
    }
    for name, (header, data, message) in cases.items():
        with pytest.raises(CheckpointError, match=message):
            load_file(_write_raw(tmp_path / f"{name}.bin", header, data))


def test_crash_during_write_keeps_the_previous_file(tmp_path, monkeypatch):
    path = tmp_path / "model.safetensors"
    save_file({"w": np.ones(3, np.float32)}, path)
    before = path.read_bytes()

    def write_half_then_crash(f, header_bytes, arrays):
        f.write(header_bytes[:5])
        raise KeyboardInterrupt

    monkeypatch.setattr(st, "_write_payload", write_half_then_crash)
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
