"""Checkpoints (minitorch.save / minitorch.load) and zero-copy interop (numpy, DLPack), and the
same CNN in PyTorch and minitorch with weights crossing in both directions."""

from __future__ import annotations

import os

import numpy as np
import pytest
import torch
from safetensors.torch import load_file as torch_load_file
from safetensors.torch import save_file as torch_save_file

import minitorch
import minitorch.nn as nn
import minitorch.nn.functional as F
from minitorch.errors import ShapeError
from minitorch.io import CheckpointError, load_metadata

from .helpers import to_numpy


def _ours_cnn(dtype=None):
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1, dtype=dtype), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 6, 3, dtype=dtype), nn.Tanh(), nn.AvgPool2d(2),
        nn.Flatten(), nn.Linear(6, 5, dtype=dtype),
    )


def _torch_cnn():
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 4, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(4, 6, 3), torch.nn.Tanh(), torch.nn.AvgPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(6, 5),
    ).double()


def _compare_cnns(ours, theirs, seed=0):
    rng = np.random.default_rng(seed)
    x, y = rng.standard_normal((3, 1, 8, 8)), rng.integers(0, 5, 3)
    out = ours(minitorch.tensor(x))
    ref = theirs(torch.tensor(x))
    np.testing.assert_allclose(to_numpy(out), ref.detach().numpy(), rtol=1e-9, atol=1e-11)
    F.cross_entropy(out, y).backward()
    torch.nn.functional.cross_entropy(ref, torch.tensor(y)).backward()
    grads = dict(ours.named_parameters())
    for name, p in theirs.named_parameters():
        np.testing.assert_allclose(to_numpy(grads[name].value.grad), p.grad.numpy(), rtol=1e-9, atol=1e-11, err_msg=name)


def test_torch_weights_into_minitorch_through_a_safetensors_file(tmp_path):
    torch.manual_seed(0)
    theirs = _torch_cnn()
    torch_save_file(theirs.state_dict(), str(tmp_path / "torch.safetensors"))
    ours = _ours_cnn()
    ours.load_state_dict(minitorch.load(tmp_path / "torch.safetensors"))
    _compare_cnns(ours, theirs)


def test_minitorch_weights_into_torch(tmp_path):
    minitorch.manual_seed(1)
    ours = _ours_cnn()
    minitorch.save(ours.state_dict(), tmp_path / "ours.safetensors")
    theirs = _torch_cnn()
    theirs.load_state_dict(torch_load_file(str(tmp_path / "ours.safetensors")))  # torch reads our file
    _compare_cnns(ours, theirs, seed=1)
    theirs_direct = _torch_cnn()  # and in memory, through DLPack, without a file
    theirs_direct.load_state_dict({k: torch.from_dlpack(v) for k, v in ours.state_dict().items()})
    for a, b in zip(theirs.parameters(), theirs_direct.parameters()):
        assert torch.equal(a, b)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_round_trip_keeps_values_dtype_nesting_and_metadata(tmp_path, dtype):
    model = _ours_cnn(dtype)
    opt = minitorch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    F.cross_entropy(model(minitorch.rand((2, 1, 8, 8), dtype=dtype)), [0, 1]).backward()
    opt.step()
    path = tmp_path / "ckpt.safetensors"
    minitorch.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": 3}, path,
                   metadata={"arch": "cnn"})
    state = minitorch.load(path)
    assert state["epoch"] == 3 and load_metadata(path) == {"arch": "cnn"}
    for key, value in model.state_dict().items():
        assert state["model"][key].dtype == np.dtype(dtype)
        np.testing.assert_array_equal(to_numpy(state["model"][key]), to_numpy(value))
    fresh = _ours_cnn(dtype)
    fresh.load_state_dict(state["model"])
    x = minitorch.rand((2, 1, 8, 8), dtype=dtype)
    np.testing.assert_array_equal(to_numpy(fresh(x)), to_numpy(model(x)))
    assert state["optimizer"]["param_groups"][0]["lr"] == 0.1
    assert set(state["optimizer"]["state"]) == set(range(len(model.parameters())))


def test_truncated_and_corrupt_files_are_refused(tmp_path):
    path = tmp_path / "ckpt.safetensors"
    minitorch.save(_ours_cnn().state_dict(), path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 10])
    with pytest.raises(CheckpointError, match=str(path.name)):
        minitorch.load(path)
    path.write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json at all")
    with pytest.raises(CheckpointError):
        minitorch.load(path)
    path.write_bytes(b"abc")
    with pytest.raises(CheckpointError):
        minitorch.load(path)


def test_previous_checkpoint_survives_a_crash_mid_save(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.safetensors"
    first = _ours_cnn()
    minitorch.save(first.state_dict(), path)
    before = path.read_bytes()

    def crash(fd):
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(OSError, match="simulated"):
        minitorch.save(_ours_cnn().state_dict(), path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["ckpt.safetensors"]  # no temporary file left behind
    restored = _ours_cnn()
    restored.load_state_dict(minitorch.load(path))


def test_wrong_architecture_is_refused_with_the_offending_keys(tmp_path):
    path = tmp_path / "ckpt.safetensors"
    minitorch.save(_ours_cnn().state_dict(), path)
    other = nn.Sequential(nn.Conv2d(1, 4, 5, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(4, 6, 3), nn.Tanh(),
                          nn.AvgPool2d(2), nn.Flatten(), nn.Linear(6, 5))
    with pytest.raises(ShapeError, match=r"0\.weight: module has \(4, 1, 5, 5\), state_dict has \(4, 1, 3, 3\)"):
        other.load_state_dict(minitorch.load(path))
    with pytest.raises(KeyError, match="unexpected keys.*7.weight"):
        nn.Sequential(nn.Conv2d(1, 4, 3, padding=1)).load_state_dict(minitorch.load(path))


def test_numpy_interop_is_zero_copy():
    array = np.arange(12.0).reshape(3, 4)
    t = minitorch.from_numpy(array)
    array[0, 0] = 100.0
    assert t[0, 0] == 100.0
    transposed = minitorch.from_numpy(array.T)  # strided view, still shared
    assert transposed[0, 1] == array[1, 0] and np.shares_memory(np.asarray(transposed), array)
    view = np.asarray(t.permute(1, 0))
    assert view.shape == (4, 3) and np.shares_memory(view, array)


def test_dlpack_both_ways_is_zero_copy():
    source = torch.arange(12, dtype=torch.float32).reshape(3, 4)
    t = minitorch.from_dlpack(source)
    source[1, 2] = -5.0
    assert t.dtype == np.float32 and t[1, 2] == -5.0
    strided = minitorch.from_dlpack(source.t())
    assert strided.shape == (4, 3) and strided[2, 1] == -5.0
    ours = minitorch.tensor([[1.0, 2.0], [3.0, 4.0]]).permute(1, 0)
    back = torch.from_dlpack(ours)
    assert back.stride() == (1, 2) and back[0, 1].item() == 3.0
    ours[0, 1] = 9.0
    assert back[0, 1].item() == 9.0
    with pytest.raises(TypeError, match="__dlpack__"):
        minitorch.from_dlpack([1.0, 2.0])
