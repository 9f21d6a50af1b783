"""Checkpoints: nested state dicts (model + optimizer + counters) round-trip exactly, with
their dtypes; malformed structure trees are refused with a CheckpointError naming the file."""

import json

import numpy as np
import pytest

import minitorch
from minitorch.io import checkpoint
from minitorch.io.safetensors_file import CheckpointError, load_file, save_file


class FakeTensor:
    """Stands in for minitorch.Tensor: only `to_numpy` matters to `save`."""

    def __init__(self, array):
        self.array = array

    def to_numpy(self):
        return self.array.T.T  # a view, like a strided tensor


def _training_state():
    rng = np.random.default_rng(1)
    weight = rng.standard_normal((6, 1, 3, 3)).astype(np.float32)
    return {
        "model": {"conv1.weight": FakeTensor(weight), "conv1.bias": np.zeros(6, np.float32)},
        "optimizer": {
            "state": {0: {"step": 10, "exp_avg": np.full((6, 1, 3, 3), 0.5)}, 1: {"step": 10}},
            "param_groups": [{"lr": 1e-3, "betas": (0.9, 0.999), "params": [0, 1], "name": None}],
        },
        "epoch": 4,
        "best_acc": 0.987,
        "done": False,
    }


def test_nested_state_round_trips_exactly_as_numpy(tmp_path):
    path = tmp_path / "ckpt.safetensors"
    state = _training_state()
    checkpoint.save(state, path, metadata={"arch": "lenet5", "widths": [6, 16]})
    loaded = checkpoint.load(path, as_numpy=True)
    assert loaded["epoch"] == 4 and loaded["best_acc"] == 0.987 and loaded["done"] is False
    assert list(loaded["optimizer"]["state"]) == [0, 1]  # int keys stay ints
    group = loaded["optimizer"]["param_groups"][0]
    assert group == {"lr": 1e-3, "betas": (0.9, 0.999), "params": [0, 1], "name": None}
    np.testing.assert_array_equal(loaded["model"]["conv1.weight"], state["model"]["conv1.weight"].array)
    assert loaded["model"]["conv1.weight"].dtype == np.float32
    np.testing.assert_array_equal(loaded["optimizer"]["state"][0]["exp_avg"], np.full((6, 1, 3, 3), 0.5))
    assert loaded["optimizer"]["state"][0]["exp_avg"].dtype == np.float64
    assert loaded["model"]["conv1.bias"].dtype == np.float32
    assert type(loaded["optimizer"]["state"][0]["step"]) is int
    assert checkpoint.load_metadata(path) == {"arch": "lenet5", "widths": [6, 16]}


def test_tensor_names_are_dotted_paths_readable_by_plain_safetensors(tmp_path):
    path = tmp_path / "ckpt.safetensors"
    checkpoint.save(_training_state(), path)
    arrays, _ = load_file(path)
    assert set(arrays) == {"model.conv1.weight", "model.conv1.bias", "optimizer.state.0.exp_avg"}
    flat = tmp_path / "flat.safetensors"
    checkpoint.save({"fc.weight": np.ones((2, 2))}, flat)
    assert set(load_file(flat)[0]) == {"fc.weight"}


def test_plain_safetensors_files_load_as_flat_dicts(tmp_path):
    path = tmp_path / "foreign.safetensors"
    save_file({"w": np.ones(3)}, path, metadata={"format": "pt"})
    assert list(checkpoint.load(path, as_numpy=True)) == ["w"]
    assert checkpoint.load_metadata(path) == {}


def test_unstorable_values_are_refused(tmp_path):
    path = tmp_path / "bad.safetensors"
    with pytest.raises(CheckpointError, match="same name 'a.b'"):
        checkpoint.save({"a.b": np.ones(1), "a": {"b": np.ones(1)}}, path)
    with pytest.raises(CheckpointError, match="cannot store set"):
        checkpoint.save({"a": {1, 2}}, path)
    with pytest.raises(CheckpointError, match="only str and int keys"):
        checkpoint.save({"a": {(1, 2): 3}}, path)
    with pytest.raises(CheckpointError, match="JSON"):
        checkpoint.save({"a": 1}, path, metadata={"f": object()})
    with pytest.raises(CheckpointError, match="expected a dict"):
        checkpoint.save([np.ones(1)], path)
    assert not path.exists()


@pytest.mark.parametrize("backend_name", ["SimpleBackend", "FastBackend"])
def test_load_returns_minitorch_tensors(tmp_path, backend_name):
    backend = getattr(minitorch, backend_name)
    path = tmp_path / "ckpt.safetensors"
    state = _training_state()
    state["model"]["fc.weight"] = minitorch.from_numpy(np.arange(6.0).reshape(2, 3), backend=backend).permute(1, 0)
    checkpoint.save(state, path)
    loaded = checkpoint.load(path, backend=backend)
    np.testing.assert_array_equal(loaded["model"]["fc.weight"].to_numpy(), np.arange(6.0).reshape(2, 3).T)
    weight = loaded["model"]["conv1.weight"]
    assert isinstance(weight, minitorch.Tensor) and weight.shape == (6, 1, 3, 3) and weight.backend is backend
    assert weight.dtype == np.float32 and loaded["model"]["fc.weight"].dtype == np.float64
    np.testing.assert_array_equal(weight.to_numpy(), _training_state()["model"]["conv1.weight"].array)
    assert loaded["epoch"] == 4
    assert isinstance(loaded["optimizer"]["state"][0]["exp_avg"], minitorch.Tensor)


def _with_block(tmp_path, name, block):
    """A file whose minitorch metadata block is `block` (a dict, or a raw string)."""
    path = tmp_path / f"{name}.safetensors"
    text = block if isinstance(block, str) else json.dumps(block)
    save_file({"w": np.ones(2, np.float32)}, path, metadata={"minitorch": text})
    return path


MALFORMED_TREES = {
    "dict_of_int": {"dict": 5},
    "dict_entry_not_pair": {"dict": [[1]]},
    "dict_key_list": {"dict": [[[1], 2]]},
    "list_of_dict": {"list": {"a": 1}},
    "tensor_int": {"tensor": 3},
    "tensor_missing": {"tensor": "nope"},
    "two_tags": {"list": [], "tuple": []},
    "unknown_tag": {"set": [1, 2]},
    "bare_list": [1, 2],
    "root_scalar": 5,
}


@pytest.mark.parametrize("name", MALFORMED_TREES)
def test_malformed_structure_trees_are_refused(tmp_path, name):
    path = _with_block(tmp_path, name, {"format_version": 1, "tree": MALFORMED_TREES[name], "metadata": {}})
    with pytest.raises(CheckpointError, match=f"{name}.safetensors: "):
        checkpoint.load(path)


@pytest.mark.parametrize("block, problem", [
    ("{not json", "not JSON"),
    ("[" * 100_000 + "]" * 100_000, "nests too deeply"),
    ({"format_version": 1, "metadata": {}}, "no structure tree"),
    ({"format_version": 99, "tree": {"dict": []}}, "format 99"),
    ({"format_version": 1, "tree": {"dict": []}, "metadata": [1]}, "not an object"),
], ids=["not_json", "deep", "no_tree", "newer_format", "metadata_list"])
def test_malformed_metadata_blocks_are_refused(tmp_path, block, problem):
    path = _with_block(tmp_path, "bad", block)
    for read in (checkpoint.load, checkpoint.load_metadata):
        with pytest.raises(CheckpointError, match=problem) as info:
            read(path)
        assert str(path) in str(info.value)


def test_deep_trees_are_refused_on_load_and_save(tmp_path):
    tree = {"dict": []}
    for _ in range(checkpoint.MAX_DEPTH + 1):
        tree = {"list": [tree]}
    path = _with_block(tmp_path, "deep", {"format_version": 1, "tree": {"dict": [["a", tree]]}})
    with pytest.raises(CheckpointError, match="deeper than"):
        checkpoint.load(path)
    cycle = {"a": []}
    cycle["a"].append(cycle)
    with pytest.raises(CheckpointError, match="deeper than .* cycle"):
        checkpoint.save(cycle, tmp_path / "cycle.safetensors")
    assert not (tmp_path / "cycle.safetensors").exists()
