"""The `minitorch` command line: train, evaluate and predict.

    minitorch train digits                         # the 8x8 digits, under a minute
    minitorch train mnist --data DIR --model lenet5 --epochs 15
    minitorch train mnist1d
    minitorch train sst2 --data DIR
    minitorch train --resume runs/digits-20261123-170000 --epochs 30
    minitorch evaluate runs/digits-20261123-170000
    minitorch predict runs/digits-20261123-170000 digit.png
    minitorch predict runs/sst2-... "a gorgeous , witty , seductive movie ."

Also `python -m minitorch ...`. Errors in the arguments or the data print one line and exit
with status 2 (arguments) or 1 (anything else), without a traceback (set MINITORCH_DEBUG=1
for the traceback).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any, Callable, List, Optional, Sequence

import numpy as np

__all__ = ["main", "build_parser"]

TRAIN_EPILOG = """tasks:
  digits         scikit-learn's 8x8 digits (bundled, no download); default model cnn
  mnist          MNIST IDX files in --data (also fashion-mnist, kmnist); default model lenet5
  mnist1d        MNIST-1D signals generated locally; default model signal_cnn
  sst2           SST-2 train.tsv/test.tsv in --data; default model kim_cnn

models: course, lenet5, signal_cnn, kim_cnn, cnn (--layers C:K[:S[:act]],...)
Unset options take the task's defaults; with --resume, the saved run's settings."""


class UsageError(Exception):
    """Bad combination of arguments (exit status 2)."""


def _number(convert: Callable[[str], Any], accept: Callable[[Any], bool], expected: str) -> Callable[[str], Any]:
    """An argparse `type` that converts with `convert` and refuses values `accept` rejects."""

    def parse(text: str) -> Any:
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}") from None
        if not accept(value):
            raise argparse.ArgumentTypeError(f"expected {expected}, got {value}")
        return value

    return parse


_positive_int = _number(int, lambda value: value >= 1, "a positive integer")
_positive_float = _number(float, lambda value: value > 0, "a positive number")
_nonnegative_float = _number(float, lambda value: not value < 0, "a number >= 0")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `minitorch` (sub-commands train, evaluate, predict)."""
    from minitorch.models import MODELS
    from minitorch.train.tasks import TASKS
    from minitorch.train.trainer import BACKENDS, OPTIMIZERS, SCHEDULERS

    parser = argparse.ArgumentParser(prog="minitorch", description="Train and use CNNs with minitorch.")
    commands = parser.add_subparsers(dest="command", metavar="{train,evaluate,predict}")
    commands.required = True

    train = commands.add_parser("train", help="train a model on a task", epilog=TRAIN_EPILOG,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    train.add_argument("task", nargs="?", choices=sorted(TASKS), metavar="task",
                       help=f"one of {', '.join(TASKS)} (optional with --resume)")
    train.add_argument("--model", choices=sorted(MODELS), help="model (default: the task's)")
    train.add_argument("--layers", metavar="SPEC", help="conv layers of --model cnn, e.g. '32:3,64:3:2:relu'")
    train.add_argument("--epochs", type=_positive_int, metavar="N", help="number of epochs")
    train.add_argument("--batch-size", type=_positive_int, metavar="N", help="examples per step")
    train.add_argument("--lr", type=_positive_float, metavar="LR", help="learning rate")
    train.add_argument("--optimizer", choices=OPTIMIZERS, help="optimizer (default adam)")
    train.add_argument("--weight-decay", type=_nonnegative_float, metavar="WD", help="L2 weight decay")
    train.add_argument("--momentum", type=_nonnegative_float, metavar="M", help="SGD momentum (default 0.9)")
    train.add_argument("--scheduler", choices=SCHEDULERS, help="learning-rate schedule per epoch (default cosine)")
    train.add_argument("--backend", choices=sorted(BACKENDS), help="tensor backend (default fast)")
    train.add_argument("--dtype", choices=("float32", "float64"), help="parameter and data type (default float32)")
    train.add_argument("--threads", type=_positive_int, metavar="N",
                       help="CPU threads for kernels and BLAS (default 1: these small models gain nothing "
                            "from more, and lose much on a busy machine)")
    train.add_argument("--seed", type=int, metavar="N",
                       help="seed of initialisation, shuffling and dropout (default 0)")
    train.add_argument("--data", metavar="DIR", help="folder with the task's files (mnist, sst2)")
    train.add_argument("--out", metavar="DIR", help="run folder (default runs/<task>-<timestamp>)")
    train.add_argument("--resume", metavar="RUN", help="continue the run in this folder")
    train.add_argument("--glove", metavar="FILE", help="GloVe text file to initialise the word embeddings (sst2)")
    train.add_argument("--no-augment", dest="augment", action="store_false", default=None,
                       help="no random shifts of training images")
    train.add_argument("--quiet", action="store_true", help="no progress bar or status lines")
    train.add_argument("--limit", type=_positive_int, help=argparse.SUPPRESS)  # cap examples per split (tests)
    train.add_argument("--stop-after", type=_positive_int, help=argparse.SUPPRESS)  # simulate an interruption

    evaluate = commands.add_parser("evaluate", help="test accuracy of a trained run")
    evaluate.add_argument("run", help="run folder (or its checkpoint.safetensors)")
    evaluate.add_argument("--data", metavar="DIR", help="data folder, if it moved since training")
    evaluate.add_argument("--batch-size", type=_positive_int, default=256, metavar="N",
                          help="examples per batch (default 256)")
    evaluate.add_argument("--threads", type=_positive_int, default=1, metavar="N", help="CPU threads (default 1)")
    evaluate.add_argument("--limit", type=_positive_int, help=argparse.SUPPRESS)

    predict = commands.add_parser("predict", help="classify images, signals or sentences with a trained run")
    predict.add_argument("run", help="run folder (or its checkpoint.safetensors)")
    predict.add_argument("inputs", nargs="+",
                         help="image files (.png, .jpg), .npy arrays of raw examples, or sentences for text "
                              "tasks ('-' reads lines from stdin)")
    predict.add_argument("--top", type=_positive_int, default=3, metavar="K",
                         help="classes shown per input (default 3)")
    predict.add_argument("--threads", type=_positive_int, default=1, metavar="N", help="CPU threads (default 1)")
    return parser


# ---------------------------------------------------------------------------- train
def _train_config(args: argparse.Namespace) -> Any:
    from minitorch.io import load_metadata
    from minitorch.train.tasks import get_task
    from minitorch.train.trainer import CHECKPOINT, TrainConfig, default_run_folder

    given = {key: value for key, value in vars(args).items() if value is not None}
    if args.resume:
        folder = Path(args.resume)
        if not (folder / CHECKPOINT).exists():
            raise UsageError(f"--resume {folder}: no {CHECKPOINT} there; pass the folder of an earlier run")
        config = TrainConfig.from_dict(load_metadata(folder / CHECKPOINT)["config"])
        if args.task is not None and args.task != config.task:
            raise UsageError(f"--resume {folder} is a {config.task!r} run, not {args.task!r}")
        changeable = {"epochs", "threads", "data"}
        fixed = {"model", "batch_size", "lr", "optimizer", "weight_decay", "momentum", "scheduler", "backend",
                 "dtype", "seed", "limit", "augment", "glove"}
        for key in sorted(fixed & set(given)):
            if given[key] != getattr(config, key):
                raise UsageError(f"--{key.replace('_', '-')} {given[key]} differs from the run being resumed "
                                 f"({getattr(config, key)}); only --epochs, --threads and --data can change")
        if args.layers is not None and args.layers != config.model_options.get("layers"):
            raise UsageError("--layers differs from the run being resumed; only --epochs, --threads and --data "
                             "can change")
        if args.out is not None and Path(args.out) != folder:
            raise UsageError("--out and --resume name different folders; a resumed run stays in its folder")
        for key in changeable & set(given):
            setattr(config, key, given[key])
        config.out = str(folder)
        return config
    if args.task is None:
        raise UsageError("name a task (e.g. `minitorch train digits`) or --resume a run folder")
    task = get_task(args.task)
    model = given.get("model", task.model)
    if args.layers is not None and model != "cnn":
        raise UsageError(f"--layers configures --model cnn, not {model!r}")
    return TrainConfig(
        task=task.name, model=model, epochs=given.get("epochs", task.epochs),
        batch_size=given.get("batch_size", task.batch_size), lr=given.get("lr", task.lr),
        optimizer=given.get("optimizer", task.optimizer),
        weight_decay=given.get("weight_decay", task.weight_decay), momentum=given.get("momentum", 0.9),
        scheduler=given.get("scheduler", task.scheduler), backend=given.get("backend", "fast"),
        dtype=given.get("dtype", "float32"), threads=given.get("threads", 1), seed=given.get("seed", 0),
        data=args.data,
        out=args.out or default_run_folder(task.name), limit=args.limit,
        augment=given.get("augment", True), glove=args.glove,
        model_options={"layers": args.layers} if args.layers else {},
    )


def _cmd_train(args: argparse.Namespace) -> int:
    from minitorch.train.trainer import Trainer

    config = _train_config(args)
    trainer = Trainer(config, resume=bool(args.resume), progress=not args.quiet)
    start = time.perf_counter()
    try:
        history = trainer.fit(stop_after=args.stop_after)
    except KeyboardInterrupt:
        print(f"\ninterrupted after epoch {trainer.epoch}; continue with: minitorch train --resume {config.out}",
              file=sys.stderr)
        return 130
    if len(history):
        last = history[-1]
        print(f"{config.task} {config.model}: test accuracy {100 * last['test_acc']:.2f}% after "
              f"{last['epoch']} epochs ({time.perf_counter() - start:.1f} s); run folder {config.out}")
    return 0


# ---------------------------------------------------------------------------- evaluate
def _cmd_evaluate(args: argparse.Namespace) -> int:
    from minitorch.train.metrics import confusion_matrix
    from minitorch.train.tasks import get_task
    from minitorch.train.inference import evaluate, set_threads
    from minitorch.train.trainer import BACKENDS, TrainConfig, load_trained

    set_threads(args.threads)
    model, metadata = load_trained(args.run)
    config = TrainConfig.from_dict(metadata["config"])
    task = get_task(config.task)
    data = task.load(args.data if args.data is not None else config.data, args.limit or config.limit)
    if task.is_text:
        data.x_test = _encode_with_vocab(data.x_test, data.metadata["vocab"], metadata["vocab"])
    loss, accuracy, predicted = evaluate(model, data.x_test, data.y_test, args.batch_size, task.is_text,
                                         config.dtype, BACKENDS[config.backend])
    matrix = confusion_matrix(data.y_test, predicted, num_classes=len(metadata["class_names"]))
    print(f"{config.task} {config.model}: test loss {loss:.4f}, accuracy {100 * accuracy:.2f}% "
          f"({int(np.trace(matrix))}/{len(data.y_test)})")
    for name, row in zip(metadata["class_names"], matrix):
        total = row.sum()
        recall = f"{100 * row[metadata['class_names'].index(name)] / total:.1f}%" if total else "n/a"
        print(f"  {name:>12}: {recall} correct of {total}")
    return 0


def _encode_with_vocab(ids: np.ndarray, data_vocab: List[str], model_vocab: List[str]) -> np.ndarray:
    """Re-map token ids from the vocabulary the data was loaded with to the model's vocabulary."""
    if data_vocab == model_vocab:
        return ids
    lookup = {token: index for index, token in enumerate(model_vocab)}
    table = np.array([lookup.get(token, 1) for token in data_vocab], dtype=np.int64)  # unknown -> <unk> = 1
    return table[ids]


# ---------------------------------------------------------------------------- predict
def _load_image(path: Path, height: int, width: int) -> np.ndarray:
    """A grayscale image in [0, 1], ink bright on dark (as MNIST), resized to (height, width)."""
    from PIL import Image

    with Image.open(path) as image:
        gray = image.convert("L").resize((width, height), Image.BILINEAR)
    pixels = np.asarray(gray, dtype=np.float64) / 255.0
    if np.median(pixels) > 0.5:  # dark ink on a light background: invert
        pixels = 1.0 - pixels
    return pixels


def _raw_examples(path: Path, input_shape: Sequence[int]) -> np.ndarray:
    """Raw examples (N, *size) from an image or a .npy file, for the task's `prepare`."""
    size = tuple(input_shape[1:])  # (C, *size) -> size
    if path.suffix.lower() == ".npy":
        array = np.load(path, allow_pickle=False)
        if array.shape == size:
            array = array[None]  # one example -> (1, *size)
        if array.shape[1:] != size:
            raise ValueError(f"{path}: expected raw examples of shape {size} or (N, {', '.join(map(str, size))}), "
                             f"got {array.shape}")
        if array.dtype == np.uint8:
            array = array.astype(np.float64) / 255.0
        return array
    if len(size) != 2:
        raise ValueError(f"{path}: this run classifies signals of length {size[0]}; give a .npy file")
    return _load_image(path, *size)[None]  # (1, H, W)


def _cmd_predict(args: argparse.Namespace) -> int:
    from minitorch.data import Tokenizer, Vocabulary
    from minitorch.train.tasks import encode_texts, get_task
    from minitorch.train.inference import predict_batches, set_threads
    from minitorch.train.trainer import BACKENDS, TrainConfig, load_trained

    set_threads(args.threads)
    model, metadata = load_trained(args.run)
    config = TrainConfig.from_dict(metadata["config"])
    task = get_task(config.task)
    names = metadata["class_names"]
    if task.is_text:
        texts = [line.strip() for line in sys.stdin if line.strip()] if args.inputs == ["-"] else list(args.inputs)
        inputs = encode_texts(texts, Vocabulary(metadata["vocab"]), Tokenizer())
        labels = texts
    else:
        raw, labels = [], []
        for name in args.inputs:
            path = Path(name)
            if not path.exists():
                raise FileNotFoundError(f"{path}: no such file (give image files or .npy arrays)")
            examples = _raw_examples(path, metadata["input_shape"])
            raw.append(examples)
            labels += [str(path)] if len(examples) == 1 else [f"{path}[{i}]" for i in range(len(examples))]
        inputs = task.prepare(np.concatenate(raw))
    probs = predict_batches(model, inputs, is_text=task.is_text, dtype=config.dtype, backend=BACKENDS[config.backend])
    for label, row in zip(labels, probs):
        order = np.argsort(-row)[:args.top]
        ranked = ", ".join(f"{names[c]} {100 * row[c]:.1f}%" for c in order)
        print(f"{label}: {names[order[0]]}  ({ranked})")
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command line; returns the exit status (0 success, 1 failure, 2 bad arguments)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    commands = {"train": _cmd_train, "evaluate": _cmd_evaluate, "predict": _cmd_predict}
    from minitorch.io import CheckpointError

    try:
        return commands[args.command](args)
    except UsageError as error:
        parser.exit(2, f"minitorch {args.command}: error: {error}\n")
    except (ValueError, CheckpointError, OSError) as error:  # DatasetError is a ValueError
        if os.environ.get("MINITORCH_DEBUG"):
            raise
        print(f"minitorch {args.command}: error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
