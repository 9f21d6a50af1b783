"""Checkpoints: nested state dicts of tensors (model, optimizer, counters) in one safetensors file.

A state dict may nest: `{"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": 3}`.
Arrays and tensors become safetensors entries named by their path joined with "."
(`"model.conv1.weight"`, `"optimizer.state.0.exp_avg"`); everything else (the nesting, int
keys, lists, tuples, numbers, strings, None) is recorded as JSON in the header's metadata
under the key "minitorch", together with the caller's own `metadata` dict. `load` rebuilds
the nested structure exactly. A flat `{name: tensor}` dict saves as an ordinary
safetensors file that other tools (PyTorch's `safetensors.torch.load_file`) read directly.

Encoding of the structure ("tree"): a JSON scalar stands for itself; a tagged object stands
for a container or a tensor: `{"dict": [[key, child], ...]}` (keys str or int, order kept),
`{"list": [...]}`, `{"tuple": [...]}`, `{"tensor": "flat.name"}`.
"""

from __future__ import annotations

import json
import os
from typing import Any, Mapping

import numpy as np

from minitorch.io.safetensors import CheckpointError, load_file, read_header, save_file

__all__ = ["save", "load", "load_metadata", "CheckpointError"]

_METADATA_KEY = "minitorch"
_FORMAT_VERSION = 1
_SCALARS = (type(None), bool, int, float, str)


def _as_array(value: Any) -> np.ndarray | None:
    """The numpy array behind a tensor-like value, or None if it is not one."""
    if isinstance(value, np.ndarray):
        return value
    if hasattr(value, "to_numpy"):
        return np.asarray(value.to_numpy())
    inner = getattr(value, "value", None)  # a MiniTorch Parameter wraps its tensor in .value
    if inner is not None and hasattr(inner, "to_numpy"):
        return np.asarray(inner.to_numpy())
    return None


def _encode(value: Any, path: tuple, arrays: dict[str, np.ndarray]) -> Any:
    """JSON tree for `value`; its arrays are added to `arrays` under their dotted path."""
    array = _as_array(value)
    if array is not None:
        name = ".".join(str(part) for part in path)
        if name in arrays:
            raise CheckpointError(
                f"checkpoint.save: two entries flatten to the same name {name!r}; "
                "rename a key so that joining the nested keys with '.' is unique"
            )
        arrays[name] = array
        return {"tensor": name}
    if isinstance(value, Mapping):
        items = []
        for key, child in value.items():
            if type(key) is not str and type(key) is not int:
                raise CheckpointError(
                    f"checkpoint.save: key {key!r} at {'.'.join(map(str, path)) or '<root>'} is a "
                    f"{type(key).__name__}; only str and int keys can be stored"
                )
            items.append([key, _encode(child, path + (key,), arrays)])
        return {"dict": items}
    if isinstance(value, (list, tuple)):
        children = [_encode(child, path + (i,), arrays) for i, child in enumerate(value)]
        return {"tuple" if isinstance(value, tuple) else "list": children}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, _SCALARS):
        return value
    raise CheckpointError(
        f"checkpoint.save: cannot store {type(value).__name__} at {'.'.join(map(str, path))}; "
        "use tensors, numpy arrays, dicts, lists, tuples, numbers, strings or None"
    )


def _decode(tree: Any, arrays: Mapping[str, Any], path: str) -> Any:
    if not isinstance(tree, dict):
        return tree
    if len(tree) != 1:
        raise CheckpointError(f"{path}: corrupt minitorch structure node {tree!r}")
    (tag, body), = tree.items()
    if tag == "tensor":
        if body not in arrays:
            raise CheckpointError(f"{path}: structure refers to tensor {body!r}, which the file does not contain")
        return arrays[body]
    if tag == "dict":
        return {key: _decode(child, arrays, path) for key, child in body}
    if tag == "list":
        return [_decode(child, arrays, path) for child in body]
    if tag == "tuple":
        return tuple(_decode(child, arrays, path) for child in body)
    raise CheckpointError(f"{path}: unknown minitorch structure tag {tag!r}")


def save(obj: Mapping[str, Any], path: str | os.PathLike, metadata: Mapping[str, Any] | None = None) -> None:
    """Save a (possibly nested) state dict to a safetensors file, atomically.

    Args:
        obj: a dict whose leaves are tensors (anything with `to_numpy()`), numpy arrays, or
            JSON scalars; values may be dicts (str or int keys), lists or tuples.
        path: destination file (written to a temporary file, fsynced, then renamed).
        metadata: optional JSON-able dict stored beside the tensors (config, vocabulary, ...);
            read it back with `load_metadata`.

    Example:
        >>> save({"model": model.state_dict(), "epoch": 3}, "ckpt.safetensors",
        ...      metadata={"arch": "lenet5"})  # doctest: +SKIP
    """
    if not isinstance(obj, Mapping):
        raise CheckpointError(f"checkpoint.save: expected a dict (state dict), got {type(obj).__name__}")
    arrays: dict[str, np.ndarray] = {}
    tree = _encode(obj, (), arrays)
    try:
        block = json.dumps({"format_version": _FORMAT_VERSION, "tree": tree, "metadata": dict(metadata or {})})
    except (TypeError, ValueError) as err:
        raise CheckpointError(f"checkpoint.save: metadata is not JSON-serialisable ({err})") from None
    save_file(arrays, path, metadata={_METADATA_KEY: block})


def _read_block(path: str | os.PathLike, strings: Mapping[str, str]) -> dict | None:
    if _METADATA_KEY not in strings:
        return None  # a plain safetensors file written by another tool
    try:
        block = json.loads(strings[_METADATA_KEY])
    except json.JSONDecodeError as err:
        raise CheckpointError(f"{path}: corrupt minitorch metadata ({err})") from None
    if not isinstance(block, dict) or "tree" not in block:
        raise CheckpointError(f"{path}: minitorch metadata has no structure tree")
    return block


def load(path: str | os.PathLike, as_numpy: bool = False, backend: Any = None) -> dict:
    """Load a checkpoint written by `save` (or any safetensors file) and rebuild its nesting.

    Args:
        path: the file.
        as_numpy: if True, leaves are numpy arrays; otherwise float32/float64 arrays become
            minitorch Tensors (other dtypes, e.g. int64, stay numpy arrays). Default False.
        backend: the TensorBackend for the tensors (default: minitorch's default backend).

    Returns:
        The saved dict, with the same keys, nesting, lists, tuples and scalars.

    Raises:
        CheckpointError: the file is truncated, corrupt or inconsistent.

    Example:
        >>> state = load("ckpt.safetensors")  # doctest: +SKIP
        >>> model.load_state_dict(state["model"]); epoch = state["epoch"]  # doctest: +SKIP
    """
    arrays, strings = load_file(path)
    if not as_numpy:
        from minitorch import from_numpy  # lazy: io sits beside the core, not under it

        arrays = {name: from_numpy(array, backend=backend) if array.dtype.kind == "f" and array.itemsize >= 4 else array
                  for name, array in arrays.items()}
    block = _read_block(path, strings)
    if block is None:
        return dict(arrays)
    return _decode(block["tree"], arrays, str(path))


def load_metadata(path: str | os.PathLike) -> dict:
    """The `metadata` dict given to `save` ({} if none, or if another tool wrote the file).

    Reads only the header, not the tensors.
    """
    _, strings, _ = read_header(path)
    block = _read_block(path, strings)
    return {} if block is None else dict(block.get("metadata", {}))
