"""The command line on bad input: one line naming the file (and row) and what is wrong, a
non-zero exit status, no traceback; existing run folders are never written into unasked."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from minitorch.cli import build_parser, main
from minitorch.train.config import config_for
from tests.train_fixtures import learnable_images, write_idx, write_mnist, write_sst2

ROOT = Path(__file__).resolve().parents[1]
TINY = ("--limit", "32", "--batch-size", "16", "--quiet", "--layers", "4:3:2")


def _fails(capsys, status, argv, *fragments):
    """Run `minitorch argv`; check the exit status, a one-line message holding `fragments`, no traceback."""
    try:
        got = main([str(a) for a in argv])
    except SystemExit as exit_:
        got = exit_.code
    err = capsys.readouterr().err
    assert got == status, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    for fragment in fragments:
        assert str(fragment) in err, err
    return err


def test_the_cli_config_is_config_for():
    # one source of defaults: the parser leaves unset flags None and config_for fills them
    from minitorch.cli import _train_config

    args = build_parser().parse_args(["train", "digits"])
    assert all(getattr(args, name) is None for name in ("epochs", "threads", "lr", "max_shift"))
    assert _train_config(args) == config_for("digits")
    assert config_for("digits").threads == 1 and config_for("mnist1d").max_shift == 0


def test_mnist_label_out_of_range(capsys, tmp_path):
    folder = write_mnist(tmp_path / "mnist", train=20, test=10)
    _, labels = learnable_images(20, seed=20)
    labels[7] = 200
    write_idx(folder / "train-labels-idx1-ubyte", labels)
    _fails(capsys, 1, ["train", "mnist", "--data", folder, "--quiet"],
           folder / "train-labels-idx1-ubyte", "row 7", "label 200", "0..9")


def test_sst2_label_out_of_range_and_not_utf8(capsys, tmp_path):
    folder = write_sst2(tmp_path / "sst2", train=20, test=10)
    train = folder / "train.tsv"
    lines = train.read_text().splitlines()
    lines[3] = "7\t" + lines[3].split("\t", 1)[1]
    train.write_text("\n".join(lines) + "\n")
    _fails(capsys, 1, ["train", "sst2", "--data", folder, "--quiet"], f"{train}:4", "label 7", "0..1")
    lines[3] = "1\tthe film"
    train.write_bytes(("\n".join(lines) + "\n").encode().replace(b"the film", b"the \xff\xfe film"))
    _fails(capsys, 1, ["train", "sst2", "--data", folder, "--quiet"], f"{train}:4", "not UTF-8")


def test_empty_data_sets_are_refused(capsys, tmp_path):
    folder = tmp_path / "mnist"
    folder.mkdir()
    write_idx(folder / "t10k-images-idx3-ubyte", np.zeros((0, 28, 28), np.uint8))
    write_idx(folder / "t10k-labels-idx1-ubyte", np.zeros(0, np.uint8))
    write_idx(folder / "train-images-idx3-ubyte", np.zeros((0, 28, 28), np.uint8))
    write_idx(folder / "train-labels-idx1-ubyte", np.zeros(0, np.uint8))
    _fails(capsys, 1, ["train", "mnist", "--data", folder, "--quiet"], "t10k-images-idx3-ubyte", "0 images")
    sst2 = write_sst2(tmp_path / "sst2", train=10, test=5)
    (sst2 / "test.tsv").write_text("label\tcontent\n")
    _fails(capsys, 1, ["train", "sst2", "--data", sst2, "--quiet"], sst2 / "test.tsv", "no data rows")


def test_an_existing_run_is_not_overwritten_unasked(capsys, tmp_path):
    run = tmp_path / "run"
    assert main(["train", "digits", "--epochs", "1", "--out", str(run), *TINY]) == 0
    capsys.readouterr()
    before = (run / "checkpoint.safetensors").read_bytes()
    _fails(capsys, 1, ["train", "digits", "--epochs", "1", "--seed", "5", "--out", run, *TINY],
           run, "already holds a run", "--resume", "--overwrite")
    assert (run / "checkpoint.safetensors").read_bytes() == before
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep")
    _fails(capsys, 1, ["train", "digits", "--out", tmp_path / "mine", *TINY], "already holds files")
    _fails(capsys, 2, ["train", "--resume", run, "--overwrite", "--quiet"], "pass one of them")
    assert main(["train", "digits", "--epochs", "1", "--seed", "5", "--out", str(run), "--overwrite", *TINY]) == 0
    assert (run / "checkpoint.safetensors").read_bytes() != before


def test_predict_names_corrupt_inputs(capsys, tmp_path):
    run = tmp_path / "run"
    assert main(["train", "digits", "--epochs", "1", "--out", str(run), *TINY]) == 0
    capsys.readouterr()
    corrupt = tmp_path / "bad.npy"
    np.save(corrupt, np.zeros((2, 8, 8)))
    corrupt.write_bytes(corrupt.read_bytes()[:70])
    _fails(capsys, 1, ["predict", run, corrupt], corrupt, "not a readable .npy array")
    strings = tmp_path / "strings.npy"
    np.save(strings, np.array(["a", "b"]))
    _fails(capsys, 1, ["predict", run, strings], strings, "expected numbers")
    fake_png = tmp_path / "digit.png"
    fake_png.write_bytes(b"not a png")
    _fails(capsys, 1, ["predict", run, fake_png], fake_png, "not an image")
    _fails(capsys, 1, ["predict", run, tmp_path / "missing.npy"], "missing.npy", "no such file")


def test_corrupt_checkpoints_are_named(capsys, tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    (run / "checkpoint.safetensors").write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json}")
    for argv in (["evaluate", run], ["predict", run, "x.npy"]):
        _fails(capsys, 1, argv, run / "checkpoint.safetensors", "not a valid safetensors file")
    _fails(capsys, 2, ["train", "--resume", tmp_path / "nowhere"], "no checkpoint.safetensors")


def test_glove_that_is_not_utf8_or_truncated(capsys, tmp_path):
    data = write_sst2(tmp_path / "sst2", train=20, test=5)
    glove = tmp_path / "glove.txt"
    glove.write_bytes(b"\xff\xfe 0.3 0.4\ngood 0.1 0.2\n")
    _fails(capsys, 1, ["train", "sst2", "--data", data, "--glove", glove, "--out", tmp_path / "r", "--quiet"],
           f"{glove}:1", "not UTF-8")
    packed = tmp_path / "glove.txt.gz"
    packed.write_bytes(gzip.compress(b"".join(b"w%d 0.1 0.2\n" % i for i in range(3000)))[:-20])
    _fails(capsys, 1, ["train", "sst2", "--data", data, "--glove", packed, "--out", tmp_path / "r", "--quiet"],
           packed, "truncated gzip")


@pytest.mark.parametrize("argv, status, fragment", [
    (["train", "digits", "--epochs", "0"], 2, "expected a positive integer, got 0"),
    (["train", "mnist", "--quiet"], 1, "pass --data DIR"),
    (["evaluate", "no/such/run"], 1, "no checkpoint at no/such/run"),
])
def test_real_processes_exit_with_one_line(argv, status, fragment, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("MINITORCH_DEBUG", None)
    result = subprocess.run([sys.executable, "-m", "minitorch", *argv], capture_output=True, text=True, env=env,
                            cwd=tmp_path, timeout=120)
    assert result.returncode == status and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and fragment in result.stderr
    assert result.stdout == ""


def test_gzip_idx_that_is_truncated(capsys, tmp_path):
    folder = write_mnist(tmp_path / "mnist", train=20, test=10)
    labels = folder / "t10k-labels-idx1-ubyte.gz"
    labels.write_bytes(gzip.compress(bytes(20))[:15])
    _fails(capsys, 1, ["train", "mnist", "--data", folder, "--quiet"], labels, "corrupt or truncated gzip")
