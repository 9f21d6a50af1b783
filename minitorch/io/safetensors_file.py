"""safetensors files through the `safetensors` package (its numpy API), with our error contract.

The format (https://github.com/huggingface/safetensors): an 8-byte little-endian header length,
a JSON header giving each tensor's dtype, shape and byte range (and optional string metadata
under "__metadata__"), then the tensors' raw little-endian bytes. The package writes it and
validates every header it reads (lengths, byte ranges covering the buffer exactly, shapes whose
size overflows, nesting). Around it this module adds what a training library needs:

* saving is atomic (`atomic_path`: a temporary file in the same folder, fsync, rename), so a
  crash mid-save leaves the previous file intact; arrays of any layout and byte order are
  stored C-ordered and little-endian;
* every failure is a `CheckpointError` naming the file and what is wrong (files are untrusted
  input): never the package's `SafetensorError`, a numpy `ValueError` or a bare `TypeError`;
* loaded arrays are writable, aligned and in native byte order.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping

import numpy as np
import safetensors.numpy
from safetensors import SafetensorError, safe_open

from minitorch.io.atomic import atomic_path

__all__ = ["CheckpointError", "save_file", "load_file", "read_metadata", "STORABLE_DTYPES"]

# What the package's numpy API reads and writes (its BF16 and F8 types have no numpy dtype).
STORABLE_DTYPES = tuple(np.dtype(t) for t in (np.float64, np.float32, np.float16, np.int64, np.int32, np.int16,
                                              np.int8, np.uint64, np.uint32, np.uint16, np.uint8, np.bool_,
                                              np.complex64))
_METADATA_KEY = "__metadata__"
# What reading a hostile file can raise from the package or from numpy shaping its bytes.
_READ_ERRORS = (SafetensorError, ValueError, TypeError, AttributeError, OverflowError, MemoryError, KeyError)


class CheckpointError(ValueError):
    """A checkpoint file is truncated, corrupt, or cannot represent the given data."""


def _fail(path: Path, problem: object) -> CheckpointError:
    return CheckpointError(f"{path}: not a valid safetensors file: {problem}")


def _storable(key: object, value: object) -> np.ndarray:
    """`value` as a C-ordered little-endian array the format can hold (CheckpointError if none)."""
    if not isinstance(key, str) or key == _METADATA_KEY:
        raise CheckpointError(f"save_file: invalid tensor name {key!r} (must be a str, not {_METADATA_KEY!r})")
    array = np.asarray(value)
    if array.dtype.newbyteorder("=") not in STORABLE_DTYPES:
        raise CheckpointError(
            f"save_file: tensor {key!r} has dtype {array.dtype}, which safetensors cannot store (supported: "
            f"{', '.join(str(d) for d in STORABLE_DTYPES)}); convert it with .astype(np.float32) first"
        )
    return np.asarray(array, dtype=array.dtype.newbyteorder("<"), order="C")  # (not ascontiguousarray: keeps 0-d)


def _serialize(arrays: Mapping[str, np.ndarray], path: Path, metadata: dict | None) -> None:
    safetensors.numpy.save_file(dict(arrays), path, metadata=metadata)


def save_file(arrays: Mapping[str, np.ndarray], path: str | os.PathLike,
              metadata: Mapping[str, str] | None = None) -> None:
    """Write numpy arrays to a safetensors file, atomically.

    Args:
        arrays: name -> array (any strides and byte order; stored C-ordered little-endian).
        path: destination file (its folder must exist).
        metadata: optional name -> string pairs stored in the header's "__metadata__".

    Raises:
        CheckpointError: a name, dtype or metadata value the format cannot hold.

    Example:
        >>> save_file({"w": np.zeros((2, 3), np.float32)}, "model.safetensors")  # doctest: +SKIP
    """
    if metadata is not None:
        for key, value in metadata.items():
            if not isinstance(key, str) or not isinstance(value, str):
                raise CheckpointError(
                    f"save_file: metadata must map str to str, got {key!r}: {type(value).__name__}; "
                    "encode other values with json.dumps"
                )
    prepared = {key: _storable(key, value) for key, value in arrays.items()}
    with atomic_path(path) as tmp:
        try:
            _serialize(prepared, tmp, None if metadata is None else dict(metadata))
        except SafetensorError as err:
            raise CheckpointError(f"save_file: cannot write {path}: {err}") from None


def _refuse_folder(path: Path) -> None:
    if path.is_dir():
        raise IsADirectoryError(f"{path} is a folder, not a safetensors file")


def read_metadata(path: str | os.PathLike) -> dict[str, str]:
    """The header's "__metadata__" strings ({} if absent), without reading the tensors.

    Raises:
        CheckpointError: the header is truncated, corrupt or inconsistent with the file.
    """
    path = Path(path)
    _refuse_folder(path)
    try:
        with safe_open(path, framework="np") as f:
            return dict(f.metadata() or {})
    except _READ_ERRORS as err:
        raise _fail(path, err) from None


def load_file(path: str | os.PathLike) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """Read a safetensors file into writable numpy arrays.

    Args:
        path: the file.

    Returns:
        (arrays, metadata): name -> numpy array (native byte order), and the "__metadata__"
        strings ({} if absent).

    Raises:
        CheckpointError: the file is truncated or corrupt, or holds a dtype numpy cannot
            represent (the message names the file, the tensor and the problem).

    Example:
        >>> arrays, metadata = load_file("model.safetensors")  # doctest: +SKIP
    """
    path = Path(path)
    _refuse_folder(path)
    arrays = {}
    try:
        with safe_open(path, framework="np") as f:
            metadata = dict(f.metadata() or {})
            for name in f.keys():
                try:
                    array = f.get_tensor(name)
                except _READ_ERRORS as err:
                    raise _fail(path, f"tensor {name!r}: {err}") from None
                arrays[name] = np.require(array, array.dtype.newbyteorder("="), ["W", "A"])
    except CheckpointError:
        raise
    except _READ_ERRORS as err:
        raise _fail(path, err) from None
    return arrays, metadata
