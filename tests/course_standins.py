"""Local stand-ins for the three data packages the MiniTorch course's project scripts import.

The course's Module 4 scripts read MNIST with `python-mnist` (`from mnist import MNIST`), SST-2
with HuggingFace `datasets` (`load_dataset("glue", "sst2")`) and GloVe vectors with `embeddings`
(`embeddings.GloveEmbedding("wikipedia_gigaword", d_emb=50, show_progress=True)`), all of which
download. `write_standins(folder)` writes three tiny modules of those names into `folder` that
answer the same calls from local files instead (nothing is downloaded, nothing is added to the
library); put `folder` first on `sys.path` before importing a course script.

* `mnist.MNIST(path).load_training()` / `.load_testing()`: (images as lists of 784 ints,
  labels) read from the IDX files (gzip or raw) in `$COURSE_MNIST_DIR`; the training split is the
  t10k file when no train file is there (only t10k ships on the development machine).
* `datasets.load_dataset("glue", "sst2")`: {"train", "validation"} -> {"sentence": [...],
  "label": [...]} read from `$COURSE_SST2_DIR/train.tsv` and `dev.tsv` (label column first; the
  text column is "sentence" or "content").
* `embeddings.GloveEmbedding(name, d_emb, ...)`: `w in e`, `e.emb(w)` and `e.d_emb`, with a
  fixed pseudo-random vector per word (no GloVe file is available here), so every word is
  "known" and the vectors repeat across runs.
"""

from __future__ import annotations

from pathlib import Path

MNIST_MODULE = '''
import gzip, os
from pathlib import Path

import numpy as np


def _read_idx(path):
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def _find(folder, prefixes, kind):
    for prefix in prefixes:
        for suffix in ("", ".gz"):
            path = Path(folder) / f"{prefix}-{kind}{suffix}"
            if path.exists():
                return path
    raise FileNotFoundError(f"stand-in mnist: no {prefixes} {kind} file in {folder}")


class MNIST:
    def __init__(self, path=".", *args, **kwargs):
        self.folder = os.environ.get("COURSE_MNIST_DIR", path)

    def _load(self, prefixes):
        images = _read_idx(_find(self.folder, prefixes, "images-idx3-ubyte"))
        labels = _read_idx(_find(self.folder, prefixes, "labels-idx1-ubyte"))
        return images.reshape(len(images), -1).tolist(), labels.tolist()

    def load_training(self):
        return self._load(("train", "t10k"))

    def load_testing(self):
        return self._load(("t10k",))
'''

DATASETS_MODULE = '''
import csv, os
from pathlib import Path


def _split(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f, delimiter="\\t", quoting=csv.QUOTE_NONE))
    header, body = rows[0], rows[1:]
    text = header.index("sentence") if "sentence" in header else header.index("content")
    label = header.index("label")
    return {"sentence": [r[text] for r in body], "label": [int(r[label]) for r in body]}


def load_dataset(name, config=None, *args, **kwargs):
    if (name, config) != ("glue", "sst2"):
        raise ValueError(f"stand-in datasets: only load_dataset('glue', 'sst2'), got {name!r}, {config!r}")
    folder = Path(os.environ["COURSE_SST2_DIR"])
    return {"train": _split(folder / "train.tsv"), "validation": _split(folder / "dev.tsv")}
'''

EMBEDDINGS_MODULE = '''
import zlib

import numpy as np


class GloveEmbedding:
    def __init__(self, name="wikipedia_gigaword", d_emb=50, show_progress=False, default="none"):
        self.d_emb = d_emb

    def __contains__(self, word):
        return True

    def emb(self, word, default=None):
        rng = np.random.default_rng(zlib.crc32(word.encode("utf-8")))
        return (0.1 * rng.standard_normal(self.d_emb)).tolist()
'''


def write_standins(folder: Path) -> Path:
    """Write `mnist.py`, `datasets.py` and `embeddings.py` into `folder`; return it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mnist.py").write_text(MNIST_MODULE)
    (folder / "datasets.py").write_text(DATASETS_MODULE)
    (folder / "embeddings.py").write_text(EMBEDDINGS_MODULE)
    return folder
