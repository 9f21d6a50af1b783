"""The `minitorch` command line: help, argument errors, a full tiny run, resume equality, evaluate, predict."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from minitorch.cli import main
from tests.train_fixtures import write_mnist, write_sst2

TIMING = ("seconds", "examples_per_s")


def _run(capsys, *argv):
    """(exit status, stdout, stderr) of `minitorch argv...`."""
    try:
        status = main(list(argv))
    except SystemExit as exit_:
        status = exit_.code
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _metrics(folder):
    rows = json.loads((folder / "metrics.json").read_text())
    return [{k: v for k, v in row.items() if k not in TIMING} for row in rows]


TINY = ("--limit", "48", "--batch-size", "16", "--quiet", "--layers", "4:3:2")


def test_help(capsys):
    status, out, _ = _run(capsys, "--help")
    assert status == 0 and "train" in out and "evaluate" in out and "predict" in out
    status, out, _ = _run(capsys, "train", "--help")
    assert status == 0 and "--resume" in out and "mnist1d" in out and "--limit" not in out


def test_python_dash_m():
    result = subprocess.run([sys.executable, "-m", "minitorch", "train", "--help"], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0 and "--batch-size" in result.stdout


@pytest.mark.parametrize(
    "argv, status, message",
    [
        (["train", "cifar"], 2, "invalid choice: 'cifar'"),
        (["train", "digits", "--epochs", "0"], 2, "expected a positive integer, got 0"),
        (["train", "digits", "--lr", "fast"], 2, "expected a positive number, got 'fast'"),
        (["train", "digits", "--optimizer", "lbfgs"], 2, "invalid choice: 'lbfgs'"),
        (["train"], 2, "name a task"),
        (["train", "digits", "--model", "lenet5", "--layers", "8:3"], 2, "--layers configures --model cnn"),
        (["train", "mnist", "--quiet"], 1, "pass --data DIR"),
        (["evaluate", "no/such/run"], 1, "no checkpoint at"),
        ([], 2, "required"),
    ],
)
def test_bad_arguments_give_clear_messages(capsys, tmp_path, argv, status, message):
    got, _, err = _run(capsys, *argv)
    assert got == status
    assert message in err
    assert "Traceback" not in err


@pytest.mark.parametrize("damage, message", [("truncate", "IDX data truncated"), ("magic", "not an IDX file")])
def test_bad_data_files_give_clear_messages(capsys, tmp_path, damage, message):
    folder = write_mnist(tmp_path / "mnist", train=20, test=10)
    images = folder / "train-images-idx3-ubyte"
    content = images.read_bytes()
    images.write_bytes(content[:-100] if damage == "truncate" else b"PK\x03\x04" + content[4:])
    status, _, err = _run(capsys, "train", "mnist", "--data", str(folder), "--quiet")
    assert status == 1 and message in err and str(images) in err


def test_resume_bad_arguments(capsys, tmp_path):
    status, _, err = _run(capsys, "train", "--resume", str(tmp_path))
    assert status == 2 and "no checkpoint.safetensors" in err


def test_train_writes_run_folder_then_evaluate_and_predict(capsys, tmp_path):
    run = tmp_path / "run"
    status, out, _ = _run(capsys, "train", "digits", "--epochs", "2", "--out", str(run), *TINY)
    assert status == 0 and "test accuracy" in out
    names = {p.name for p in run.iterdir()}
    assert {"checkpoint.safetensors", "metrics.csv", "metrics.json", "curves.png", "filters.png",
            "feature_maps_0.png", "confusion.png"} <= names
    header = (run / "metrics.csv").read_text().splitlines()[0]
    assert header.startswith("epoch,train_loss,train_acc,test_loss,test_acc,lr")

    status, out, _ = _run(capsys, "evaluate", str(run))
    assert status == 0 and "accuracy" in out
    from minitorch.data import load_digits

    images, labels = load_digits("test")
    np.save(tmp_path / "digits.npy", images[:4])
    status, out, _ = _run(capsys, "predict", str(run), str(tmp_path / "digits.npy"), "--top", "3")
    assert status == 0 and len(out.strip().splitlines()) == 4
    _check_ranking(out, run, images[:4])

    from PIL import Image

    Image.fromarray((255 * (1 - images[0])).astype(np.uint8)).save(tmp_path / "digit.png")  # dark ink on white
    status, out, _ = _run(capsys, "predict", str(run), str(tmp_path / "digit.png"))
    assert status == 0 and out.startswith(str(tmp_path / "digit.png"))

    status, _, err = _run(capsys, "train", "--resume", str(run), "--lr", "0.5")
    assert status == 2 and "differs from the run being resumed" in err


def _check_ranking(out, run, images):
    """predict's lines name the most likely class first and list classes by falling probability,
    the probabilities of the trained model computed here independently."""
    from minitorch.train.inference import predict_batches
    from minitorch.train.trainer import load_trained

    model, metadata = load_trained(run)
    probs = predict_batches(model, images.astype(np.float32)[:, None], dtype="float32")
    for line, row in zip(out.strip().splitlines(), probs):
        top, ranked = line.split(": ", 1)[1].split("  (")
        pairs = [item.rsplit(" ", 1) for item in ranked.rstrip(")").split(", ")]
        shown = [float(p.rstrip("%")) for _, p in pairs]
        assert [name for name, _ in pairs] == [metadata["class_names"][c] for c in np.argsort(-row)[:3]]
        assert top == pairs[0][0] and shown == sorted(shown, reverse=True)
        assert shown[0] == pytest.approx(100 * row.max(), abs=0.051)


def test_resume_continues_exactly(capsys, tmp_path):
    # the course network has dropout (RNG state) and Adam has moments: both must be restored
    common = ("train", "digits", "--model", "course", "--epochs", "3", "--limit", "48", "--batch-size", "16",
              "--quiet")
    straight, interrupted = tmp_path / "straight", tmp_path / "interrupted"
    assert _run(capsys, *common, "--out", str(straight))[0] == 0
    assert _run(capsys, *common, "--out", str(interrupted), "--stop-after", "1")[0] == 0
    assert len(_metrics(interrupted)) == 1
    assert _run(capsys, "train", "--resume", str(interrupted), "--quiet")[0] == 0
    assert _metrics(interrupted) == _metrics(straight)
    # a finished run can be extended: the cosine schedule is re-planned over the new length
    assert _run(capsys, "train", "--resume", str(interrupted), "--epochs", "4", "--quiet")[0] == 0
    rows = _metrics(interrupted)
    assert [row["epoch"] for row in rows] == [1, 2, 3, 4] and rows[3]["lr"] > 0


def test_resume_after_a_kill_between_checkpoint_and_metrics(capsys, tmp_path):
    # kill -9 can land after an epoch's checkpoint and before its metrics files: the history
    # travels inside the checkpoint, so the resumed run's metrics still have every epoch
    common = ("train", "digits", "--epochs", "3", "--limit", "48", "--batch-size", "16", "--quiet",
              "--layers", "4:3:2")
    straight, killed = tmp_path / "straight", tmp_path / "killed"
    assert _run(capsys, *common, "--out", str(straight))[0] == 0
    assert _run(capsys, *common, "--out", str(killed), "--stop-after", "2")[0] == 0
    one_epoch = json.loads((killed / "metrics.json").read_text())[:1]
    (killed / "metrics.json").write_text(json.dumps(one_epoch))  # as if killed before writing epoch 2's
    assert _run(capsys, "train", "--resume", str(killed), "--quiet")[0] == 0
    assert _metrics(killed) == _metrics(straight)


def test_predict_text(capsys, tmp_path):
    data = write_sst2(tmp_path / "sst2", train=60, test=20)
    run = tmp_path / "run"
    status, _, _ = _run(capsys, "train", "sst2", "--data", str(data), "--epochs", "1", "--out", str(run), "--quiet")
    assert status == 0
    status, out, _ = _run(capsys, "predict", str(run), "a good film .", "unseenword")
    lines = out.strip().splitlines()
    assert status == 0 and len(lines) == 2 and lines[0].startswith("a good film .")


def test_glove_initialises_the_embedding(capsys, tmp_path):
    data = write_sst2(tmp_path / "sst2", train=40, test=10)
    (tmp_path / "glove.txt").write_text("good 0.5 0.5 0.5 0.5\nbad -0.5 -0.5 -0.5 -0.5\nzzz 9 9 9 9\n")
    run = tmp_path / "run"
    argv = ("train", "sst2", "--data", str(data), "--epochs", "1", "--out", str(run), "--glove",
            str(tmp_path / "glove.txt"))
    status, _, err = _run(capsys, *argv, "--quiet")
    assert status == 1 and "expected dim=300" in err  # the default embedding has 300 dims, the file 4
    from minitorch.train.trainer import TrainConfig, Trainer

    config = TrainConfig("sst2", "kim_cnn", epochs=1, batch_size=8, lr=1e-3, data=str(data), out=str(run),
                         glove=str(tmp_path / "glove.txt"), model_options={"embedding_dim": 4, "num_filters": 2})
    trainer = Trainer(config, progress=False)
    vocab = trainer.data.metadata["vocab"]
    weight = trainer.model.embedding.weight.value.to_numpy()
    np.testing.assert_array_equal(weight[vocab.index("good")], np.float32([0.5] * 4))
    assert "zzz" not in vocab
    status, _, err = _run(capsys, "train", "digits", "--glove", str(tmp_path / "glove.txt"), "--quiet",
                          "--out", str(tmp_path / "d"))
    assert status == 1 and "--glove initialises word embeddings" in err
