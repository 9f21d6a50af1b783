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
`{"list": [...]}`, `{"tuple": [...]}`, `{"tensor": "flat.name"}`. Trees nest at most
`MAX_DEPTH` levels. A file is untrusted input: any tree that is not of this form, nests
deeper, or names a tensor the file lacks is refused with a `CheckpointError` naming the file.
"""

from __future__ import annotations

import json
import os
from typing import Any, Mapping

import numpy as np

from minitorch.io.safetensors_file import CheckpointError, load_file, read_metadata, save_file

__all__ = ["save", "load", "load_metadata", "CheckpointError", "MAX_DEPTH"]

_METADATA_KEY = "minitorch"
_FORMAT_VERSION = 1
_SCALARS = (type(None), bool, int, float, str)
MAX_DEPTH = 64  # a training state nests 5-6 levels; this bounds hostile and cyclic structures


def _as_array(value: Any) -> np.ndarray | None:
    """The numpy array behind a tensor-like value, or None if it is not one."""
    if isinstance(value, np.ndarray):
        return value
    if hasattr(value, "__cuda_array_interface__") and hasattr(value, "get"):
        return value.get()  # a device array (a GPU optimizer's state): its host copy
    if hasattr(value, "to_numpy"):
        return np.asarray(value.to_numpy())
    inner = getattr(value, "value", None)  # a MiniTorch Parameter wraps its tensor in .value
    if inner is not None and hasattr(inner, "to_numpy"):
        return np.asarray(inner.to_numpy())
    return None


def _encode(value: Any, path: tuple, arrays: dict[str, np.ndarray]) -> Any:
    """JSON tree for `value`; its arrays are added to `arrays` under their dotted path."""
    if len(path) > MAX_DEPTH:
        raise CheckpointError(f"checkpoint.save: the state nests deeper than {MAX_DEPTH} levels (at "
                              f"{'.'.join(map(str, path[:8]))}...); is it a cycle?")
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


def _decode(tree: Any, arrays: Mapping[str, Any], path: str, depth: int = 0) -> Any:
    """The value a (validated) tree node stands for; CheckpointError on anything malformed."""
    if isinstance(tree, _SCALARS):
        return tree
    if depth >= MAX_DEPTH:
        raise CheckpointError(f"{path}: minitorch structure nests deeper than {MAX_DEPTH} levels")
    if not isinstance(tree, dict) or len(tree) != 1:
        raise CheckpointError(f"{path}: corrupt minitorch structure node {_short(tree)} (expected a scalar or "
                              "one of {'dict'|'list'|'tuple'|'tensor': ...})")
    (tag, body), = tree.items()
    if tag == "tensor":
        if not isinstance(body, str):
            raise CheckpointError(f"{path}: corrupt minitorch structure: tensor name {_short(body)} is not a string")
        if body not in arrays:
            raise CheckpointError(f"{path}: structure refers to tensor {body!r}, which the file does not contain")
        return arrays[body]
    if tag not in ("dict", "list", "tuple"):
        raise CheckpointError(f"{path}: unknown minitorch structure tag {_short(tag)}")
    if not isinstance(body, list):
        raise CheckpointError(f"{path}: corrupt minitorch structure: {tag} holds {_short(body)}, not a list")
    if tag == "dict":
        pairs = []
        for item in body:
            if not (isinstance(item, list) and len(item) == 2 and type(item[0]) in (str, int)):
                raise CheckpointError(f"{path}: corrupt minitorch structure: dict entry {_short(item)} is not "
                                      "a [key, value] pair with a str or int key")
            pairs.append((item[0], _decode(item[1], arrays, path, depth + 1)))
        return dict(pairs)
    children = [_decode(child, arrays, path, depth + 1) for child in body]
    return children if tag == "list" else tuple(children)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


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
    """The minitorch block of the header metadata, checked; None for another tool's file."""
    if _METADATA_KEY not in strings:
        return None  # a plain safetensors file written by another tool
    try:
        block = json.loads(strings[_METADATA_KEY])
    except (json.JSONDecodeError, RecursionError) as err:
        problem = "nests too deeply" if isinstance(err, RecursionError) else f"is not JSON ({err})"
        raise CheckpointError(f"{path}: corrupt minitorch metadata: it {problem}") from None
    if not isinstance(block, dict) or "tree" not in block:
        raise CheckpointError(f"{path}: minitorch metadata has no structure tree")
    version = block.get("format_version", _FORMAT_VERSION)
    if type(version) is not int or version > _FORMAT_VERSION:
        raise CheckpointError(f"{path}: minitorch checkpoint format {_short(version)}; this minitorch reads format "
                              f"{_FORMAT_VERSION} (upgrade minitorch)")
    if not isinstance(block.get("metadata", {}), dict):
        raise CheckpointError(f"{path}: corrupt minitorch metadata: 'metadata' is {_short(block['metadata'])}, "
                              "not an object")
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
    leaves: dict[str, Any] = dict(arrays)
    if not as_numpy:
        from minitorch import from_numpy  # lazy: io sits beside the core, not under it

        leaves = {name: from_numpy(array, backend=backend) if array.dtype.kind == "f" and array.itemsize >= 4 else array
                  for name, array in arrays.items()}
    block = _read_block(path, strings)
    if block is None:
        return leaves
    state = _decode(block["tree"], leaves, str(path))
    if not isinstance(state, dict):
        raise CheckpointError(f"{path}: corrupt minitorch structure: the root is {_short(state)}, not a dict")
    return state


def load_metadata(path: str | os.PathLike) -> dict:
    """The `metadata` dict given to `save` ({} if none, or if another tool wrote the file).

    Reads only the header, not the tensors.
    """
    block = _read_block(path, read_metadata(path))
    return {} if block is None else dict(block.get("metadata", {}))
