"""A corrupt-checkpoint corpus generated from a real training checkpoint: truncations, bit flips in
the length prefix and the header, hostile shapes, offsets and dtypes, deep nesting, malformed
structure trees. Loading any of them either works (a flip in tensor bytes or in header padding
changes nothing structural) or raises a CheckpointError naming the file; never another exception.
"""

from __future__ import annotations

import json
import struct

import numpy as np
import pytest

import minitorch
from minitorch import nn, optim
from minitorch.io import CheckpointError, load, load_metadata, save


@pytest.fixture(scope="module")
def good_file(tmp_path_factory):
    """A checkpoint as the trainer writes it: model, Adam state, counters, metadata."""
    minitorch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.Flatten(), nn.Linear(8, 3))
    opt = optim.Adam(model.parameters(), lr=1e-2)
    loss = model(minitorch.rand((2, 1, 4, 4))).sum()
    loss.backward()
    opt.step()
    path = tmp_path_factory.mktemp("good") / "checkpoint.safetensors"
    save({"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": 3}, path,
         metadata={"config": {"task": "digits"}, "class_names": list("abc")})
    return path


def _header(content: bytes) -> tuple[int, dict]:
    (length,) = struct.unpack("<Q", content[:8])
    return length, json.loads(content[8:8 + length])


def _with_header(content: bytes, header: dict) -> bytes:
    """`content` with its JSON header replaced (padded to a multiple of 8, as writers do)."""
    length, _ = _header(content)
    raw = json.dumps(header).encode()
    raw += b" " * (-(8 + len(raw)) % 8)
    return struct.pack("<Q", len(raw)) + raw + content[8 + length:]


def _corpus(content: bytes) -> dict[str, bytes]:
    rng = np.random.default_rng(12)
    length, header = _header(content)
    corpus = {}
    for cut in [0, 1, 7, 8, 9, 8 + length // 2, 8 + length - 1, 8 + length, 8 + length + 1, len(content) - 1]:
        corpus[f"truncated_at_{cut}"] = content[:cut]
    for bit in range(64):  # every bit of the length prefix
        flipped = bytearray(content)
        flipped[bit // 8] ^= 1 << (bit % 8)
        corpus[f"length_bit_{bit}"] = bytes(flipped)
    for k, position in enumerate(rng.integers(8, 8 + length, size=80)):  # header bytes
        flipped = bytearray(content)
        flipped[position] ^= 1 << int(rng.integers(0, 8))
        corpus[f"header_flip_{k}_at_{position}"] = bytes(flipped)
    for k, position in enumerate(rng.integers(8 + length, len(content), size=5)):  # tensor bytes
        flipped = bytearray(content)
        flipped[position] ^= 0xFF
        corpus[f"data_flip_{k}"] = bytes(flipped)
    name = next(key for key in header if key != "__metadata__")
    entry = header[name]
    hostile = {
        "shape_2^32x2^32": {**entry, "shape": [2**32, 2**32], "data_offsets": [0, 0]},
        "shape_2^64": {**entry, "shape": [2**64]},
        "shape_negative": {**entry, "shape": [-1] + entry["shape"][1:]},
        "shape_float": {**entry, "shape": [float(s) for s in entry["shape"]]},
        "shape_string": {**entry, "shape": "big"},
        "offsets_reversed": {**entry, "data_offsets": entry["data_offsets"][::-1]},
        "offsets_past_end": {**entry, "data_offsets": [0, 2**62]},
        "offsets_three": {**entry, "data_offsets": entry["data_offsets"] + [0]},
        "dtype_complex64": {**entry, "dtype": "C64"},
        "dtype_bfloat16": {**entry, "dtype": "BF16"},
        "dtype_unknown": {**entry, "dtype": "F128"},
        "dtype_missing": {key: value for key, value in entry.items() if key != "dtype"},
        "entry_not_object": [1, 2, 3],
    }
    for label, bad_entry in hostile.items():
        corpus[label] = _with_header(content, {**header, name: bad_entry})
    corpus["header_not_object"] = _with_header(content, [header])
    corpus["header_deep"] = struct.pack("<Q", 200_000) + b"[" * 100_000 + b"]" * 100_000
    corpus["metadata_not_strings"] = _with_header(content, {**header, "__metadata__": {"minitorch": {"tree": 1}}})
    block = json.loads(header["__metadata__"]["minitorch"])
    for label, tree in {
        "tree_dict_of_int": {"dict": 5},
        "tree_dict_of_singletons": {"dict": [[1]]},
        "tree_deep": None,  # text built below: 100 levels, beyond MAX_DEPTH
        "tree_missing_tensor": {"dict": [["w", {"tensor": "nope"}]]},
        "tree_root_list": {"list": []},
    }.items():
        text = json.dumps({**block, "tree": tree}) if label != "tree_deep" else (
            '{"format_version": 1, "tree": ' + '{"list": [' * 100 + "1" + "]}" * 100 + "}")
        corpus[label] = _with_header(content, {**header, "__metadata__": {"minitorch": text}})
    corpus["block_deep"] = _with_header(content, {**header, "__metadata__": {"minitorch": "[" * 100_000}})
    return corpus


def test_the_corpus_is_refused_or_harmless(good_file, tmp_path):
    content = good_file.read_bytes()
    corpus = _corpus(content)
    assert len(corpus) > 150
    refused = []
    for label, data in corpus.items():
        path = tmp_path / f"{label}.safetensors"
        path.write_bytes(data)
        for read in (load, load_metadata):
            try:
                read(path)
            except CheckpointError as err:
                assert str(path) in str(err), f"{label}: {read.__name__} does not name the file: {err}"
                refused.append(label)
            except Exception as err:  # noqa: BLE001 - the point: nothing else may escape
                pytest.fail(f"{label}: {read.__name__} raised {type(err).__name__}: {err}")
    must_refuse = [label for label in corpus if not label.startswith(("header_flip", "data_flip"))
                   and label not in ("dtype_complex64",)]
    assert set(must_refuse) <= set(refused), sorted(set(must_refuse) - set(refused))


def test_structural_damage_is_refused_with_what_is_wrong(good_file, tmp_path):
    content = good_file.read_bytes()
    corpus = _corpus(content)
    expected = {
        "shape_2^32x2^32": "overflow",
        "truncated_at_0": "header too small",
        "offsets_past_end": "offset",
        "dtype_bfloat16": "bfloat16",
        "tree_dict_of_int": "dict holds 5",
        "tree_deep": "deeper than",
        "block_deep": "nests too deeply",
        "tree_missing_tensor": "'nope'",
    }
    for label, fragment in expected.items():
        path = tmp_path / f"{label}.safetensors"
        path.write_bytes(corpus[label])
        with pytest.raises(CheckpointError, match=fragment):
            load(path)


def test_the_good_file_loads(good_file):
    state = load(good_file)
    assert state["epoch"] == 3 and state["model"]["0.weight"].shape == (2, 1, 3, 3)
    assert state["model"]["0.weight"].dtype == np.float64 and isinstance(state["model"]["0.weight"], minitorch.Tensor)
    assert load_metadata(good_file)["class_names"] == ["a", "b", "c"]
