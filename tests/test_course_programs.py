"""The MiniTorch course's own programs on this library.

Two parts:

* Always (CI): course-style programs written here in the way the course's project scripts use
  the library -- `minitorch.Module` subclasses holding `minitorch.Parameter(rand(...))`, reading
  `self.mode` that is never set, `minitorch.conv2d` / `avgpool2d` / `dropout` / `logsoftmax`,
  `minitorch.SGD` with no `zero_grad()`, `loss[0]` and `out[i, j]` as floats -- and the loss
  must fall within a couple of epochs; and the three data stand-ins read their small files.
* Opt-in, by hand: with `COURSE_EDITIONS_DIR` pointing at folders that each hold a course
  edition's `project/` (fetched copies of the public repositories; see docs/COURSE_MAP.md),
  every completed `run_scalar`, `run_tensor`, `run_fast_tensor`, `run_mnist_multiclass` and
  `run_sentiment` is imported UNCHANGED and trained for one epoch through its own classes, with
  `tests/course_standins.py` standing in for the `mnist`, `datasets` and `embeddings` packages.
  Small generated data by default; `COURSE_FULL=1` uses the course's own sizes (5,000 MNIST
  images, 450 SST-2 sentences) on the real files in `COURSE_DATA_DIR` (default /work/shared/data).
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import minitorch

from .course_standins import write_standins
from .course_style import BACKEND, Conv2d as CourseConv2d, Linear as CourseLinear
from .train_fixtures import write_mnist

class CourseNetwork(minitorch.Module):
    def __init__(self):
        super().__init__()
        self.mid = None
        self.conv1 = CourseConv2d(1, 8, 3, 3)
        self.linear = CourseLinear(8 * 4 * 4, 10)

    def forward(self, x):
        self.mid = self.conv1(x).relu()
        x = minitorch.nn.avgpool2d(self.mid, (2, 2))
        x = minitorch.dropout(x.view(x.shape[0], 128), 0.25, self.mode == "eval")  # `mode` is never set: None
        return minitorch.logsoftmax(self.linear(x), dim=1)


def test_course_style_image_program_learns():
    random.seed(0)  # the course seeds Python's random; minitorch.rand follows it
    rng = np.random.default_rng(3)
    labels = rng.integers(0, 10, size=96)
    images = 0.1 * rng.random((96, 8, 8))
    for image, y in zip(images, labels):  # the class is where a bright 2x2 square sits
        image[3 * (y // 4): 3 * (y // 4) + 2, 2 * (y % 4): 2 * (y % 4) + 2] = 1.0
    X = images.tolist()
    ys = [[1.0 if j == y else 0.0 for j in range(10)] for y in labels]
    model, batch = CourseNetwork(), 16
    optim = minitorch.SGD(model.parameters(), 1.0)
    epoch_losses = []
    for _ in range(4):
        model.train()
        total = 0.0
        for start in range(0, len(X), batch):
            x = minitorch.tensor(X[start:start + batch], backend=BACKEND).view(batch, 1, 8, 8)
            y = minitorch.tensor(ys[start:start + batch], backend=BACKEND)
            x.requires_grad_(True)
            out = model.forward(x).view(batch, 10)
            loss = -((out * y).sum(1) / y.shape[0]).sum()
            loss.view(1).backward()
            total += loss[0]  # a float, as in the course
            optim.step()  # no zero_grad(): the course's SGD replaces each value
        epoch_losses.append(total)
    assert isinstance(epoch_losses[0], float)
    assert epoch_losses[-1] < 0.8 * epoch_losses[0], epoch_losses
    model.eval()
    out = model.forward(minitorch.tensor(X[:batch], backend=BACKEND).view(batch, 1, 8, 8))
    assert isinstance(out[0, 3], float) and model.mid.shape == (batch, 8, 8, 8)


class ScalarLinear(minitorch.Module):
    def __init__(self, in_size, out_size):
        super().__init__()
        self.weights = [[self.add_parameter(f"weight_{i}_{j}", minitorch.Scalar(2 * (random.random() - 0.5)))
                         for j in range(out_size)] for i in range(in_size)]
        self.bias = [self.add_parameter(f"bias_{j}", minitorch.Scalar(2 * (random.random() - 0.5)))
                     for j in range(out_size)]

    def forward(self, inputs):
        return [self.bias[j].value + sum(x * self.weights[i][j].value for i, x in enumerate(inputs))
                for j in range(len(self.bias))]


def test_course_style_scalar_program_learns():
    random.seed(1)
    data = minitorch.datasets["Simple"](30)
    layer1, layer2 = ScalarLinear(2, 3), ScalarLinear(3, 1)
    model = minitorch.Module()
    model.layer1, model.layer2 = layer1, layer2
    optim = minitorch.SGD(model.parameters(), 0.5)
    losses = []
    for _ in range(15):
        optim.zero_grad()
        total = 0.0
        for x, y in zip(data.X, data.y):
            hidden = [h.relu() for h in layer1.forward([minitorch.Scalar(v) for v in x])]
            out = layer2.forward(hidden)[0].sigmoid()
            prob = out if y == 1 else -out + 1.0
            loss = -prob.log()
            (loss / len(data.X)).backward()
            total += loss.data
        losses.append(total)
        optim.step()
    assert losses[-1] < losses[0], losses


def test_standins_read_local_files(tmp_path):
    write_mnist(tmp_path / "mnist", train=20, test=8)
    (tmp_path / "sst2").mkdir()
    (tmp_path / "sst2" / "train.tsv").write_text("label\tsentence\n1\ta fine film\n0\tdull\n")
    (tmp_path / "sst2" / "dev.tsv").write_text("label\tcontent\n1\tgood .\n")
    code = textwrap.dedent("""
        from mnist import MNIST
        from datasets import load_dataset
        import embeddings
        images, labels = MNIST("project/data/").load_training()
        data = load_dataset("glue", "sst2")
        glove = embeddings.GloveEmbedding("wikipedia_gigaword", d_emb=50, show_progress=True)
        assert len(images) == len(labels) == 20 and len(images[0]) == 784, (len(images), len(images[0]))
        assert data["train"]["sentence"] == ["a fine film", "dull"] and data["validation"]["label"] == [1]
        assert "film" in glove and len(glove.emb("film")) == 50 and glove.emb("film") == glove.emb("film")
    """)
    env = dict(os.environ, COURSE_MNIST_DIR=str(tmp_path / "mnist"), COURSE_SST2_DIR=str(tmp_path / "sst2"),
               PYTHONPATH=str(write_standins(tmp_path / "standins")))
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=tmp_path)


# ## The course's own scripts, unchanged (opt-in: needs fetched copies of the course)

EDITIONS = Path(os.environ["COURSE_EDITIONS_DIR"]) if os.environ.get("COURSE_EDITIONS_DIR") else None
FULL = os.environ.get("COURSE_FULL") == "1"

# how each script's own classes are driven for one epoch (the scripts' __main__ blocks run
# hundreds of epochs); `m` is the unchanged script imported as a module
DRIVERS = {
    "run_scalar": "m.ScalarTrain(2).train(minitorch.datasets['Simple'](PTS), 0.5, max_epochs=1)",
    "run_tensor": "m.TensorTrain(2).train(minitorch.datasets['Simple'](PTS), 0.5, max_epochs=1)",
    "run_fast_tensor": "m.FastTrain(10, backend=minitorch.TensorBackend(minitorch.FastOps))"
                       ".train(minitorch.datasets['Split'](PTS), 0.05, max_epochs=1)",
    "run_mnist_multiclass": "m.ImageTrain().train(m.make_mnist(0, N_TRAIN), m.make_mnist(N_TRAIN, N_TRAIN + N_VAL),"
                            " learning_rate=0.01, max_epochs=1)",
    "run_sentiment": "train, val = m.encode_sentiment_data(load_dataset('glue', 'sst2'),"
                     " embeddings.GloveEmbedding('wikipedia_gigaword', d_emb=50, show_progress=True), N_TRAIN, N_VAL)\n"
                     "m.SentenceSentimentTrain(m.CNNSentimentKim(feature_map_size=100, filter_sizes=[3, 4, 5],"
                     " dropout=0.25)).train(train, 0.01, max_epochs=1, data_val=val)",
}
TRAINERS = {"run_scalar": "ScalarTrain", "run_tensor": "TensorTrain", "run_fast_tensor": "FastTrain",
            "run_mnist_multiclass": "ImageTrain", "run_sentiment": "SentenceSentimentTrain"}
SIZES = {"run_mnist_multiclass": (5000, 500) if FULL else (48, 16), "run_sentiment": (450, 100) if FULL else (30, 10)}


def _scripts():
    if EDITIONS is None:
        return [pytest.param(None, None, marks=pytest.mark.skip(reason="set COURSE_EDITIONS_DIR to run"))]
    found = []
    for edition in sorted(p for p in EDITIONS.iterdir() if (p / "project").is_dir()):
        for name in DRIVERS:
            script = edition / "project" / f"{name}.py"
            if not script.exists():
                continue
            text, trainer = script.read_text(), TRAINERS[name]
            why = ("a template with unfilled parts" if "NotImplementedError" in text
                   or ("Network(" in text and "class Network" not in text)
                   else f"no {trainer} class to drive (the 2020 layout trains at import)"
                   if f"class {trainer}" not in text else None)
            marks = [pytest.mark.skip(reason=why)] if why else []
            found.append(pytest.param(edition, name, id=f"{edition.name}-{name}", marks=marks))
    return found


def _small_sst2(folder: Path) -> Path:
    rng = np.random.default_rng(0)
    words = ["good", "bad", "fine", "dull", "great", "awful", "film", "plot", "the", "a"]
    for split, n, column in (("train", 60, "sentence"), ("dev", 20, "content")):
        rows = [f"{rng.integers(2)}\t{' '.join(rng.choice(words, rng.integers(3, 9)))}" for _ in range(n)]
        (folder / f"{split}.tsv").parent.mkdir(parents=True, exist_ok=True)
        (folder / f"{split}.tsv").write_text(f"label\t{column}\n" + "\n".join(rows) + "\n")
    return folder


@pytest.mark.parametrize("edition,name", _scripts())
def test_course_script_runs_unchanged(tmp_path, edition, name):
    data = Path(os.environ.get("COURSE_DATA_DIR", "/work/shared/data"))
    mnist_dir = data / "mnist" if FULL else write_mnist(tmp_path / "mnist", train=80, test=16)
    sst2_dir = data / "sst2" if FULL else _small_sst2(tmp_path / "sst2")
    n_train, n_val = SIZES.get(name, (0, 0))
    driver = textwrap.dedent(f"""
        import importlib.util, os, sys
        sys.path[:] = [p for p in sys.path if p not in ("", ".", os.getcwd())]  # not the edition's own minitorch/ (cwd)
        import minitorch
        assert not minitorch.__file__.startswith(os.getcwd()), minitorch.__file__
        from datasets import load_dataset
        import embeddings
        PTS, N_TRAIN, N_VAL = 50, {n_train}, {n_val}
        spec = importlib.util.spec_from_file_location("{name}", "project/{name}.py")
        m = importlib.util.module_from_spec(spec)
        sys.modules["{name}"] = m
        spec.loader.exec_module(m)  # the course's file, unchanged
    """) + DRIVERS[name] + "\nprint('COURSE SCRIPT DONE')\n"
    standins = write_standins(tmp_path / "standins")
    env = dict(os.environ, COURSE_MNIST_DIR=str(mnist_dir), COURSE_SST2_DIR=str(sst2_dir),
               PYTHONPATH=os.pathsep.join([str(standins), str(edition / "project")]
                                         + ([os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else [])))
    result = subprocess.run([sys.executable, "-c", driver], env=env, cwd=edition, capture_output=True, text=True,
                            timeout=3600)
    print(result.stdout[-3000:])
    assert result.returncode == 0, result.stderr[-5000:]
    assert "COURSE SCRIPT DONE" in result.stdout
