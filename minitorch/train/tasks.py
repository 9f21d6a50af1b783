"""Training tasks: what `minitorch train <task>` loads and how it turns raw examples into inputs.

A `Task` names a data set, where it comes from and the preprocessing that turns raw examples
into model inputs; its training recipe (model, epochs, learning rate, ...) is in
`minitorch.train.config.TASK_DEFAULTS`. `Task.load(data_dir, limit)` returns a `TaskData`:
train and test arrays ready for the DataLoader, plus what the model and the checkpoint need
(input shape, classes, vocabulary). Loading refuses empty splits and labels outside the task's
classes, naming the file and the row.

| task | data | split |
|---|---|---|
| digits | the 8x8 digits shipped with the package | stratified 80/20, seed 0 |
| mnist, fashion-mnist, kmnist | IDX files in --data | train/t10k; t10k only: first 8,000 / last 2,000 |
| mnist1d | generated (Greydanus 2020), seed 42 | 4,000 / 1,000 |
| sst2 | train.tsv / test.tsv in --data | the files' split |

The package never reads a data folder by default: IDX and TSV tasks need `--data DIR`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple, cast

import numpy as np

from minitorch.backends import compiled
from minitorch.data import (
    DatasetError,
    Tokenizer,
    Vocabulary,
    find_mnist_files,
    load_digits,
    load_mnist,
    load_mnist1d,
    read_sst2,
)
from minitorch.errors import ShapeError

__all__ = ["Task", "TaskData", "TASKS", "get_task", "random_shifts", "shifted", "random_shift_", "trim_padding",
           "channel_first", "normalize_mnist", "encode_texts", "MNIST_MEAN", "MNIST_STD"]

MNIST_MEAN, MNIST_STD = 0.1307, 0.3081  # the usual MNIST pixel statistics (of the 60,000 training images)
HOLDOUT_TRAIN = 8000  # with only the t10k files: train on the first 8,000, test on the last 2,000
MIN_TEXT_LENGTH = 5  # the widest Kim filter
_DIGIT_NAMES = [str(d) for d in range(10)]
_SENTIMENTS = ["negative", "positive"]


@dataclass
class TaskData:
    """Train and test examples of a task, ready for `ArrayDataset`.

    Attributes:
        x_train, y_train, x_test, y_test: float arrays (N, *input_shape) (int64 token ids for
            text) and int64 labels (N,).
        input_shape: one example's shape, without the batch dim.
        class_names: one name per class.
        model_options: extra constructor arguments the data implies (e.g. vocab_size).
        metadata: JSON-able facts to keep in the checkpoint (e.g. the vocabulary).
        note: a line describing the split, printed by the trainer.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    input_shape: Tuple[int, ...]
    class_names: List[str]
    model_options: Dict[str, Any] = field(default_factory=dict)
    metadata: Dict[str, Any] = field(default_factory=dict)
    note: str = ""

    @property
    def num_classes(self) -> int:
        return len(self.class_names)


@dataclass(frozen=True)
class Task:
    """A named data set: where it comes from, its classes' preprocessing, whether it is text.

    Attributes:
        name: the task's name on the command line.
        description: one line for `minitorch train --help`.
        loader: data folder (or None) -> TaskData.
        needs_data: the task reads files from `--data DIR`.
        is_text: inputs are token ids (the batches drop all-padding columns).
        prepare: raw examples (N, *size) -> model inputs, for `minitorch predict`.
    """

    name: str
    description: str
    loader: Callable[[Optional[Path]], TaskData]
    needs_data: bool = False
    is_text: bool = False
    prepare: Optional[Callable[[np.ndarray], np.ndarray]] = None

    def load(self, data_dir: Optional[str] = None, limit: Optional[int] = None) -> TaskData:
        """Load the data (from `data_dir` when the task reads files), capping each split at `limit`."""
        if self.needs_data and data_dir is None:
            raise DatasetError(f"task {self.name!r} reads files: pass --data DIR ({self.description})")
        root = Path(data_dir) if data_dir is not None else None
        if root is not None and not root.is_dir():
            raise DatasetError(f"task {self.name!r}: --data {root} is not a folder")
        data = self.loader(root)
        if limit is not None:
            data.x_train, data.y_train = data.x_train[:limit], data.y_train[:limit]
            data.x_test, data.y_test = data.x_test[:limit], data.y_test[:limit]
        return data


# ----------------------------------------------------------------------------- preprocessing
def normalize_mnist(images: np.ndarray) -> np.ndarray:
    """uint8 (N, 28, 28) or floats in [0, 1] -> standardised float32 (N, 1, 28, 28)."""
    x = images.astype(np.float32)
    if images.dtype == np.uint8:
        x /= 255.0
    return ((x - MNIST_MEAN) / MNIST_STD)[:, None]  # (N, H, W) -> (N, 1, H, W)


def channel_first(x: np.ndarray) -> np.ndarray:
    """Raw examples (N, *size) -> float32 model inputs (N, 1, *size), values unchanged."""
    return x.astype(np.float32)[:, None]  # (N, *size) -> (N, 1, *size)


def random_shifts(rng: np.random.Generator, n: int, max_shift: int) -> np.ndarray:
    """(n, 2) translations (dy, dx), each drawn uniformly from [-max_shift, max_shift]^2 by `rng`."""
    return rng.integers(-max_shift, max_shift + 1, size=(n, 2))


def shifted(source: np.ndarray, rows: np.ndarray, shifts: np.ndarray, fill: float, dtype: Any) -> np.ndarray:
    """Examples `rows` of `source` (N, C, H, W) as a new `dtype` array (n, C, H, W), example i
    translated by shifts[i] = (dy, dx): its content moves down by dy and right by dx, and the
    uncovered pixels get `fill`. One compiled pass (`backends/fast_shift.py`): the gather, the
    conversion and the shift of a training batch.

    Raises:
        ShapeError: `source` is not (N, C, H, W) or `shifts` not (len(rows), 2).
    """
    if source.ndim != 4 or shifts.shape != (len(rows), 2):
        raise ShapeError(f"random shifts translate images (N, C, H, W) by (n, 2) shifts, got images "
                         f"{tuple(source.shape)} and shifts {tuple(shifts.shape)} for {len(rows)} rows; "
                         f"--max-shift applies to image tasks only (use --max-shift 0)")
    out = np.empty((len(rows),) + tuple(source.shape[1:]), dtype=dtype)
    fill = float(fill)
    return compiled.fast_shift.shifted_rows(np.ascontiguousarray(source), np.asarray(rows, dtype=np.int64),
                                            np.asarray(shifts, dtype=np.int64), fill, out)


def random_shift_(images: np.ndarray, rng: np.random.Generator, max_shift: int) -> np.ndarray:
    """Translate each image (N, C, H, W) in place by up to `max_shift` pixels per axis.

    The usual data augmentation for digits: every example gets its own (dy, dx), drawn
    uniformly from [-max_shift, max_shift]^2 by `rng` (`random_shifts`). Uncovered pixels get the
    batch's smallest value (the background of digit images, also after standardisation).
    A data-parallel rank translates only its rows of a batch, with the whole batch's draws and
    fill (`minitorch.train.training_batches`).
    """
    rows = np.arange(len(images))
    images[...] = shifted(images, rows, random_shifts(rng, len(images), max_shift), images.min(), images.dtype)
    return images


def trim_padding(ids: np.ndarray, min_length: int = MIN_TEXT_LENGTH) -> np.ndarray:
    """Drop the all-padding columns at the end of a batch of token ids (B, L) -> (B, L')."""
    used = np.flatnonzero((ids != Vocabulary.pad_index).any(axis=0))
    length = max(min_length, int(used[-1]) + 1 if len(used) else 0)
    return ids[:, :length]


# ----------------------------------------------------------------------------- loaders
def _digits(_: Optional[Path]) -> TaskData:
    x_train, y_train = load_digits("train", seed=0)
    x_test, y_test = load_digits("test", seed=0)
    return TaskData(channel_first(x_train), y_train, channel_first(x_test), y_test, (1, 8, 8), _DIGIT_NAMES,
                    note="digits: 1,438 train / 359 test (stratified 20% held out, split seed 0)")


def _idx_loader(class_names: List[str]) -> Callable[[Optional[Path]], TaskData]:
    def load(root: Optional[Path]) -> TaskData:
        root = cast(Path, root)  # Task.load requires --data for this task
        try:
            find_mnist_files(root, "train")
            has_train = True
        except DatasetError:
            has_train = False
        test_images, test_labels = load_mnist(root, "test", num_classes=len(class_names))
        if has_train:
            train_images, train_labels = load_mnist(root, "train", num_classes=len(class_names))
            note = f"{len(train_images):,} train / {len(test_images):,} test images from {root}"
        else:
            if len(test_images) <= HOLDOUT_TRAIN:
                raise DatasetError(f"{root}: only t10k files ({len(test_images)} images) and no train files; "
                                   f"need more than {HOLDOUT_TRAIN} images to hold some out")
            train_images, train_labels = test_images[:HOLDOUT_TRAIN], test_labels[:HOLDOUT_TRAIN]
            test_images, test_labels = test_images[HOLDOUT_TRAIN:], test_labels[HOLDOUT_TRAIN:]
            note = (f"no train-*-ubyte files in {root}: training on the first {HOLDOUT_TRAIN:,} t10k images, "
                    f"testing on the last {len(test_images):,}")
        height, width = train_images.shape[1:]
        return TaskData(normalize_mnist(train_images), train_labels, normalize_mnist(test_images), test_labels,
                        (1, height, width), class_names, note=note)

    return load


def _mnist1d(_: Optional[Path]) -> TaskData:
    x_train, y_train = load_mnist1d("train")
    x_test, y_test = load_mnist1d("test")
    return TaskData(channel_first(x_train), y_train, channel_first(x_test), y_test, (1, x_train.shape[1]), _DIGIT_NAMES,
                    note=f"MNIST-1D: {len(x_train):,} train / {len(x_test):,} test signals (generator seed 42)")


def encode_texts(texts: List[str], vocab: Vocabulary, tokenizer: Tokenizer) -> np.ndarray:
    """Token ids of sentences, padded to the longest: int64 (N, L)."""
    return vocab.encode_batch([tokenizer(text) for text in texts], min_length=MIN_TEXT_LENGTH)


def _sst2(root: Optional[Path]) -> TaskData:
    root = cast(Path, root)  # Task.load requires --data for this task
    paths = {split: root / f"{split}.tsv" for split in ("train", "test")}
    for split, path in paths.items():
        if not path.exists():
            raise DatasetError(f"sst2: {path} is missing; --data must hold train.tsv and test.tsv "
                               "(SST-2 TSV files with a header naming the 'label' and 'sentence' columns)")
    tokenizer = Tokenizer()
    train_texts, y_train = read_sst2(paths["train"], num_classes=len(_SENTIMENTS))
    test_texts, y_test = read_sst2(paths["test"], num_classes=len(_SENTIMENTS))
    vocab = Vocabulary.build(tokenizer(text) for text in train_texts)
    x_train = encode_texts(train_texts, vocab, tokenizer)
    x_test = encode_texts(test_texts, vocab, tokenizer)
    return TaskData(x_train, y_train, x_test, y_test, (x_train.shape[1],), _SENTIMENTS,
                    model_options={"vocab_size": len(vocab)}, metadata={"vocab": vocab.to_list()},
                    note=f"SST-2: {len(x_train):,} train / {len(x_test):,} test sentences, {len(vocab):,} words")


_IDX_HELP = "IDX files train/t10k-images-idx3-ubyte[.gz] and -labels-idx1-ubyte[.gz]"
_FASHION = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
_KMNIST = ["o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"]

TASKS: Dict[str, Task] = {
    task.name: task
    for task in (
        Task("digits", "the 8x8 handwritten digits shipped with minitorch (UCI optdigits, CC BY 4.0)", _digits,
             prepare=channel_first),
        Task("mnist", f"MNIST {_IDX_HELP}", _idx_loader(_DIGIT_NAMES), needs_data=True, prepare=normalize_mnist),
        Task("fashion-mnist", f"Fashion-MNIST {_IDX_HELP}", _idx_loader(_FASHION), needs_data=True,
             prepare=normalize_mnist),
        Task("kmnist", f"KMNIST {_IDX_HELP}", _idx_loader(_KMNIST), needs_data=True, prepare=normalize_mnist),
        Task("mnist1d", "MNIST-1D signals generated locally (Greydanus 2020)", _mnist1d, prepare=channel_first),
        Task("sst2", "SST-2 train.tsv and test.tsv (label, sentence columns)", _sst2, needs_data=True, is_text=True),
    )
}


def get_task(name: str) -> Task:
    """The task called `name` (ValueError listing the known tasks otherwise)."""
    if name not in TASKS:
        raise ValueError(f"unknown task {name!r}; choose one of {', '.join(TASKS)}")
    return TASKS[name]
