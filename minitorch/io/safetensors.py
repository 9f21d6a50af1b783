"""The safetensors file format, written and read with numpy only.

Layout (https://github.com/huggingface/safetensors, "Format"):

    [8 bytes]  N, the header length, unsigned 64-bit little-endian
    [N bytes]  a UTF-8 JSON object, padded with spaces so that 8 + N is a multiple of 8:
               {"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...,
                "__metadata__": {"key": "string value", ...}}   (metadata is optional)
    [rest]     the byte buffer: every tensor's raw little-endian, C-ordered bytes at
               [begin, end) relative to the start of the buffer.

The tensors cover the buffer exactly: no gaps, no overlaps, no trailing bytes. We write them
largest item size first (then by name), so every tensor starts at an offset aligned to its
item size, as the reference implementation does. Files written here load with the
`safetensors` package and vice versa.
"""

from __future__ import annotations

import json
import os
import struct
from pathlib import Path
from typing import IO, Mapping

import numpy as np

from minitorch.io.atomic import atomic_write

__all__ = ["CheckpointError", "save_file", "load_file", "read_header", "DTYPES"]

# safetensors dtype name -> numpy little-endian dtype.
DTYPES: dict[str, np.dtype] = {
    "F64": np.dtype("<f8"),
    "F32": np.dtype("<f4"),
    "F16": np.dtype("<f2"),
    "I64": np.dtype("<i8"),
    "I32": np.dtype("<i4"),
    "I16": np.dtype("<i2"),
    "I8": np.dtype("i1"),
    "U8": np.dtype("u1"),
    "BOOL": np.dtype("?"),
}
_NAMES_BY_KIND = {(dt.kind, dt.itemsize): name for name, dt in DTYPES.items()}

# Same bound as the reference implementation: refuse absurd header lengths early.
_MAX_HEADER_BYTES = 100_000_000
_METADATA_KEY = "__metadata__"


class CheckpointError(ValueError):
    """A checkpoint file is truncated, corrupt, or cannot represent the given data."""


def _dtype_name(array: np.ndarray, key: str) -> str:
    name = _NAMES_BY_KIND.get((array.dtype.kind, array.dtype.itemsize))
    if name is None:
        supported = ", ".join(DTYPES)
        raise CheckpointError(
            f"save_file: tensor {key!r} has dtype {array.dtype}, which safetensors cannot store "
            f"here (supported: {supported}); convert it with .astype(np.float32) first"
        )
    return name


def save_file(arrays: Mapping[str, np.ndarray], path: str | os.PathLike,
              metadata: Mapping[str, str] | None = None) -> None:
    """Write numpy arrays to a safetensors file, atomically.

    The file is written to a temporary name in the same folder, flushed, fsynced and renamed
    over `path`, so a crash mid-save leaves any previous file intact.

    Args:
        arrays: name -> array (any strides and byte order; stored C-ordered little-endian).
        path: destination file.
        metadata: optional name -> string pairs stored in the header's "__metadata__".

    Example:
        >>> save_file({"w": np.zeros((2, 3), np.float32)}, "model.safetensors")  # doctest: +SKIP
    """
    header: dict[str, object] = {}
    if metadata is not None:
        for key, value in metadata.items():
            if not isinstance(key, str) or not isinstance(value, str):
                raise CheckpointError(
                    f"save_file: metadata must map str to str, got {key!r}: {type(value).__name__}; "
                    "encode other values with json.dumps"
                )
        header[_METADATA_KEY] = dict(metadata)

    entries = []
    for key, value in arrays.items():
        if not isinstance(key, str) or key == _METADATA_KEY:
            raise CheckpointError(f"save_file: invalid tensor name {key!r} (must be a str, not {_METADATA_KEY!r})")
        array = np.asarray(value)
        name = _dtype_name(array, key)
        entries.append((key, name, np.asarray(array, dtype=DTYPES[name], order="C")))
    # Largest item size first keeps every tensor aligned to its item size in the buffer.
    entries.sort(key=lambda entry: (-entry[2].itemsize, entry[0]))

    offset = 0
    for key, name, array in entries:
        header[key] = {"dtype": name, "shape": list(array.shape), "data_offsets": [offset, offset + array.nbytes]}
        offset += array.nbytes

    header_bytes = json.dumps(header, separators=(",", ":")).encode("utf-8")
    header_bytes += b" " * (-(8 + len(header_bytes)) % 8)
    with atomic_write(path, "wb") as f:
        _write_payload(f, header_bytes, [array for _, _, array in entries])


def _write_payload(f: IO[bytes], header_bytes: bytes, arrays: list[np.ndarray]) -> None:
    f.write(struct.pack("<Q", len(header_bytes)))
    f.write(header_bytes)
    for array in arrays:
        f.write(memoryview(array.reshape(-1)).cast("B"))


def _fail(path: Path, problem: str) -> CheckpointError:
    return CheckpointError(f"{path}: not a valid safetensors file: {problem}")


def read_header(path: str | os.PathLike) -> tuple[dict[str, dict], dict[str, str], int]:
    """Read and validate a safetensors header without reading the tensors.

    Returns:
        (tensors, metadata, data_start): name -> {"dtype", "shape", "data_offsets"} sorted by
        offset, the "__metadata__" strings ({} if absent), and the file offset of the buffer.

    Raises:
        CheckpointError: on any truncation or inconsistency, naming the file and the problem.
    """
    path = Path(path)
    file_size = path.stat().st_size
    with open(path, "rb") as f:
        prefix = f.read(8)
        if len(prefix) < 8:
            raise _fail(path, f"file is {file_size} bytes, too short for the 8-byte header length")
        (header_len,) = struct.unpack("<Q", prefix)
        if header_len > _MAX_HEADER_BYTES or 8 + header_len > file_size:
            raise _fail(path, f"header length {header_len} does not fit in a {file_size}-byte file "
                              "(truncated, or not a safetensors file)")
        raw = f.read(header_len)
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise _fail(path, f"header is not valid UTF-8 JSON ({err})") from None
    if not isinstance(header, dict):
        raise _fail(path, f"header must be a JSON object, got {type(header).__name__}")

    metadata = header.pop(_METADATA_KEY, None) or {}
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise _fail(path, f"{_METADATA_KEY} must be an object of string values")

    buffer_size = file_size - 8 - header_len
    for name, info in header.items():
        _check_entry(path, name, info)
    tensors = dict(sorted(header.items(), key=lambda item: tuple(item[1]["data_offsets"])))
    expected_begin = 0
    for name, info in tensors.items():
        begin, end = info["data_offsets"]
        if begin != expected_begin:
            kind = "overlaps the previous tensor" if begin < expected_begin else "leaves a gap before it"
            raise _fail(path, f"tensor {name!r} starts at byte {begin} and {kind} (expected {expected_begin})")
        expected_begin = end
    if expected_begin > buffer_size:
        raise _fail(path, f"tensors need {expected_begin} data bytes but only {buffer_size} follow the header "
                          "(file truncated)")
    if expected_begin < buffer_size:
        raise _fail(path, f"{buffer_size - expected_begin} trailing bytes after the last tensor")
    return tensors, metadata, 8 + header_len


def _check_entry(path: Path, name: str, info: object) -> None:
    if not isinstance(info, dict) or set(info) != {"dtype", "shape", "data_offsets"}:
        raise _fail(path, f"entry {name!r} must have exactly dtype, shape and data_offsets, got {info!r}")
    dtype, shape, offsets = info["dtype"], info["shape"], info["data_offsets"]
    if dtype not in DTYPES:
        raise _fail(path, f"tensor {name!r} has unsupported dtype {dtype!r} (supported: {', '.join(DTYPES)})")
    if not isinstance(shape, list) or not all(type(d) is int and d >= 0 for d in shape):
        raise _fail(path, f"tensor {name!r} has invalid shape {shape!r}")
    if (not isinstance(offsets, list) or len(offsets) != 2
            or not all(type(o) is int and o >= 0 for o in offsets) or offsets[0] > offsets[1]):
        raise _fail(path, f"tensor {name!r} has invalid data_offsets {offsets!r}")
    expected = int(np.prod(shape, dtype=np.int64)) * DTYPES[dtype].itemsize
    if offsets[1] - offsets[0] != expected:
        raise _fail(path, f"tensor {name!r} of dtype {dtype} and shape {shape} needs {expected} bytes "
                          f"but data_offsets {offsets} span {offsets[1] - offsets[0]}")


def load_file(path: str | os.PathLike) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """Read a safetensors file into writable numpy arrays.

    Args:
        path: the file.

    Returns:
        (arrays, metadata): name -> numpy array (native dtype, in file order), and the
        "__metadata__" strings ({} if absent).

    Raises:
        CheckpointError: the file is truncated or corrupt (the message names the file and the problem).

    Example:
        >>> arrays, metadata = load_file("model.safetensors")  # doctest: +SKIP
    """
    tensors, metadata, data_start = read_header(path)
    buffer = bytearray(os.path.getsize(path) - data_start)
    with open(path, "rb") as f:
        f.seek(data_start)
        if f.readinto(buffer) != len(buffer):
            raise _fail(Path(path), "file changed size while reading")
    arrays = {}
    for name, info in tensors.items():
        dtype = DTYPES[info["dtype"]]
        begin, end = info["data_offsets"]
        flat = np.frombuffer(buffer, dtype=dtype, count=(end - begin) // dtype.itemsize, offset=begin)
        if begin % dtype.itemsize:
            flat = flat.copy()  # unaligned in a foreign file: copy so kernels get aligned memory
        arrays[name] = flat.reshape(tuple(info["shape"])).astype(dtype.newbyteorder("="), copy=False)
    return arrays, dict(metadata)
