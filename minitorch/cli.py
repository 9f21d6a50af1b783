"""The `minitorch` command line: train, evaluate, predict, explain and figures.

    minitorch train digits                         # the 8x8 digits, under a minute
    minitorch train mnist --data DIR --model lenet5 --epochs 15
    minitorch train mnist1d
    minitorch train sst2 --data DIR
    minitorch train --resume runs/digits-20261123-170000 --epochs 30
    minitorch train digits --workers 2             # data-parallel, 2 local processes (MPI)
    mpiexec -n 8 -hosts a,b minitorch train mnist --data DIR   # data-parallel on two machines
    minitorch evaluate runs/digits-20261123-170000
    minitorch predict runs/digits-20261123-170000 digit.png
    minitorch predict runs/sst2-... "a gorgeous , witty , seductive movie ."
    minitorch explain runs/digits-20261123-170000     # a local page: every layer, every unit's arithmetic
    minitorch figures docs/figures                    # the course's convolution figures

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
from typing import Any, List, NoReturn, Optional, Sequence

import numpy as np

from minitorch.data import DatasetError
from minitorch.errors import DTypeError, IndexingError

__all__ = ["main", "build_parser", "synopsis"]


class UsageError(Exception):
    """Bad combination of arguments (exit status 2)."""


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors: the message and where to find the usage, not the usage."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _train_epilog() -> str:
    from minitorch.models import MODELS
    from minitorch.train.config import TASK_DEFAULTS
    from minitorch.train.tasks import TASKS

    width = max(map(len, TASKS))
    lines = ["tasks:"] + [f"  {name:<{width}}  {task.description}; default model {TASK_DEFAULTS[name]['model']}"
                          for name, task in TASKS.items()]
    return "\n".join(lines + ["", f"models: {', '.join(sorted(MODELS))} (cnn: --layers)",
                              "Unset options take the task's defaults; with --resume, the saved run's settings."])


def _add_setting(parser: argparse.ArgumentParser, setting: Any) -> None:
    """The flag of one `TrainConfig` field (`batch_size` -> --batch-size N); unset flags stay None."""
    from minitorch.train.config import task_default_text

    meta, defaults = setting.metadata, task_default_text(setting.name)
    help_text = argparse.SUPPRESS if meta["hidden"] else f"{meta['help']} ({defaults})" if defaults else meta["help"]
    parser.add_argument("--" + setting.name.replace("_", "-"), dest=setting.name, type=meta["parse"],
                        choices=meta["choices"], metavar=meta["metavar"], help=help_text)


def _default(name: str) -> Any:
    from minitorch.train.config import TrainConfig

    return TrainConfig.__dataclass_fields__[name].default


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `minitorch`; the train flags come from `TrainConfig`'s fields."""
    from minitorch.explain.cli import add_commands as add_explain_commands
    from minitorch.train.config import positive_int, setting_fields
    from minitorch.train.inference import EVAL_BATCH_SIZE
    from minitorch.train.tasks import TASKS

    parser = _Parser(prog="minitorch", description="Train and use CNNs with minitorch.")
    commands = parser.add_subparsers(dest="command", metavar="{train,evaluate,predict,explain,figures}")
    commands.required = True

    train = commands.add_parser("train", help="train a model on a task", epilog=_train_epilog(),
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    train.add_argument("task", nargs="?", choices=list(TASKS), metavar="TASK",
                       help=f"one of {', '.join(TASKS)} (optional with --resume)")
    for setting in setting_fields():
        _add_setting(train, setting)
    train.add_argument("--resume", metavar="RUN", help="continue the run in this folder")
    train.add_argument("--overwrite", action="store_true", help="replace the run in an existing --out folder")
    train.add_argument("--quiet", action="store_true", help="no progress bar or status lines")
    train.add_argument("--stop-after", type=positive_int, help=argparse.SUPPRESS)  # simulate an interruption

    threads = dict(type=positive_int, default=_default("threads"), metavar="N",
                   help=f"CPU threads (default {_default('threads')})")
    evaluate = commands.add_parser("evaluate", help="test accuracy of a trained run")
    evaluate.add_argument("run", metavar="RUN", help="run folder (or its checkpoint.safetensors)")
    evaluate.add_argument("--data", metavar="DIR", help="data folder, if it moved since training")
    evaluate.add_argument("--batch-size", type=positive_int, default=EVAL_BATCH_SIZE, metavar="N",
                          help=f"examples per batch (default {EVAL_BATCH_SIZE})")
    evaluate.add_argument("--threads", **threads)
    evaluate.add_argument("--limit", type=positive_int, help=argparse.SUPPRESS)

    predict = commands.add_parser("predict", help="classify images, signals or sentences with a trained run")
    predict.add_argument("run", metavar="RUN", help="run folder (or its checkpoint.safetensors)")
    predict.add_argument("inputs", nargs="+", metavar="INPUT",
                         help="image files (.png, .jpg), .npy arrays of raw examples, or sentences for text "
                              "tasks ('-' reads lines from stdin)")
    predict.add_argument("--top", type=positive_int, default=3, metavar="K",
                         help="classes shown per input (default 3)")
    predict.add_argument("--threads", **threads)
    add_explain_commands(commands)  # explain, figures (minitorch/explain/cli.py)
    return parser


def synopsis(width: int = 100) -> str:
    """One usage block per sub-command, generated from the parser (README's "The command line")."""
    parser = build_parser()
    commands = next(action for action in parser._actions if isinstance(action, argparse._SubParsersAction))
    blocks = []
    for name, sub in commands.choices.items():
        line, lines = f"minitorch {name}", []
        for word in map(_usage_word, sub._actions):
            if word is None:
                continue
            if len(line) + 1 + len(word) > width:
                lines.append(line)
                line = "   "
            line += " " + word
        blocks.append("\n".join(lines + [line]))
    return "\n".join(blocks)


def _usage_word(action: argparse.Action) -> Optional[str]:
    """How one argument appears in the synopsis: TASK choices, [--flag METAVAR], INPUT...; None if hidden."""
    if action.help == argparse.SUPPRESS or isinstance(action, argparse._HelpAction):
        return None
    shown = "{" + ",".join(map(str, action.choices)) + "}" if action.choices else str(action.metavar)
    if not action.option_strings:
        return f"[{shown}]" if action.nargs == "?" else f"{shown}..." if action.nargs == "+" else shown
    return f"[{action.option_strings[-1]}]" if action.nargs == 0 else f"[{action.option_strings[-1]} {shown}]"


# ---------------------------------------------------------------------------- train
def _train_config(args: argparse.Namespace) -> Any:
    from minitorch.io import load_metadata
    from minitorch.train.config import TrainConfig, config_for, setting_fields
    from minitorch.train.trainer import CHECKPOINT

    given = {f.name: getattr(args, f.name) for f in setting_fields() if getattr(args, f.name) is not None}
    if args.resume:
        folder = Path(args.resume)
        if not (folder / CHECKPOINT).exists():
            raise UsageError(f"--resume {folder}: no {CHECKPOINT} there; pass the folder of an earlier run")
        if args.overwrite:
            raise UsageError("--resume continues a run and --overwrite replaces it: pass one of them")
        config = TrainConfig.from_dict(load_metadata(folder / CHECKPOINT)["config"])
        if args.task is not None and args.task != config.task:
            raise UsageError(f"--resume {folder} is a {config.task!r} run, not {args.task!r}")
        out = given.pop("out", None)
        if out is not None and Path(out) != folder:
            raise UsageError("--out and --resume name different folders; a resumed run stays in its folder")
        changeable = {f.name for f in setting_fields() if f.metadata["resumable"]}
        for key in sorted(set(given) - changeable):
            if given[key] != getattr(config, key):
                raise UsageError(f"--{key.replace('_', '-')} {given[key]} differs from the run being resumed "
                                 f"({getattr(config, key)}); only {', '.join('--' + k for k in sorted(changeable))} "
                                 "can change")
        for key in changeable & set(given):
            setattr(config, key, given[key])
        config.out = str(folder)
        return config
    if args.task is None:
        raise UsageError("name a task (e.g. `minitorch train digits`) or --resume a run folder")
    config = config_for(args.task, **given)
    if config.layers is not None and config.model != "cnn":
        raise UsageError(f"--layers configures --model cnn, not {config.model!r}")
    return config


def _cmd_train(args: argparse.Namespace) -> int:
    from minitorch.distributed import in_mpi_job
    from minitorch.train.trainer import Trainer

    if in_mpi_job():  # one rank of a job an MPI launcher started (mpiexec -n N minitorch train ...)
        return _train_rank(args)
    config = _train_config(args)
    if config.workers > 1:
        return _launch_workers(args, config)
    trainer = Trainer(config, resume=bool(args.resume), progress=not args.quiet, overwrite=args.overwrite)
    start = time.perf_counter()
    try:
        history = trainer.fit(stop_after=args.stop_after)
    except KeyboardInterrupt:
        print(f"\ninterrupted after epoch {trainer.epoch}; continue with: minitorch train --resume {config.out}",
              file=sys.stderr)
        return 130
    _print_summary(config, history, start)
    return 0


def _print_summary(config: Any, history: Any, start: float) -> None:
    if len(history):
        last = history[-1]
        print(f"{config.task} {config.model}: test accuracy {100 * last['test_acc']:.2f}% after "
              f"{last['epoch']} epochs ({time.perf_counter() - start:.1f} s); run folder {config.out}")


def _launch_workers(args: argparse.Namespace, config: Any) -> int:
    """`--workers N` in a plain process: run N local ranks under mpiexec and report as one process."""
    from minitorch.distributed import launch
    from minitorch.distributed.launch import describe_status
    from minitorch.io import load
    from minitorch.train.metrics import MetricsLog
    from minitorch.train.trainer import CHECKPOINT

    start = time.perf_counter()
    status = launch(config, config.workers, resume=bool(args.resume), overwrite=args.overwrite,
                    stop_after=args.stop_after, quiet=args.quiet)
    folder = Path(config.out)
    if status == 0:
        _print_summary(config, MetricsLog.read_json(folder / "metrics.json"), start)
        return 0
    checkpoint = folder / CHECKPOINT
    epoch = int(load(checkpoint, as_numpy=True)["epoch"]) if checkpoint.exists() else None
    if status == 130:  # Ctrl-C reached every rank: as a single process reports it
        print(f"\ninterrupted after epoch {epoch}; continue with: minitorch train --resume {folder}"
              if epoch else "\ninterrupted before the first epoch ended", file=sys.stderr)
        return 130
    if epoch is not None:
        kept = f"the checkpoint of epoch {epoch} in {folder} is intact; continue with: minitorch train --resume {folder}"
    else:
        kept = "no epoch finished, so no checkpoint was written"
    print(f"minitorch train: error: the {config.workers} workers failed ({describe_status(status)}); {kept}",
          file=sys.stderr)
    return 1


def _train_rank(args: argparse.Namespace) -> int:
    """This process is one rank of an MPI job: rank 0 settles the run's settings (it alone reads a
    resumed run's folder) and every rank trains its replica."""
    from minitorch.distributed import world
    from minitorch.distributed.worker import on_every_rank
    from minitorch.train.trainer import Trainer

    group = world()
    config, failure = None, None
    if group.is_root:
        try:
            config = _train_config(args)
            if args.workers is not None and args.workers != group.size:
                raise UsageError(f"--workers {args.workers}, but the MPI job has {group.size} processes; leave "
                                 f"--workers out under an MPI launcher")
            config.workers = group.size
        except Exception as error:  # every rank must hear of it, or the others would wait for rank 0
            failure = error
    config, status = group.broadcast_object((config, 0 if failure is None else 2 if isinstance(failure, UsageError)
                                             else 1))
    if failure is not None:
        raise failure  # rank 0 reports it
    if status:
        return status

    def train() -> int:
        start = time.perf_counter()
        trainer = Trainer(config, resume=bool(args.resume), progress=not args.quiet, overwrite=args.overwrite,
                          group=group)
        history = trainer.fit(stop_after=args.stop_after)
        if group.is_root:
            _print_summary(config, history, start)
        return 0

    return on_every_rank(group, train)


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

    try:
        with Image.open(path) as image:
            gray = image.convert("L").resize((width, height), Image.Resampling.BILINEAR)
    except (OSError, ValueError) as err:  # PIL's UnidentifiedImageError is an OSError
        raise DatasetError(f"{path}: not an image PIL can read ({err})") from None
    pixels = np.asarray(gray, dtype=np.float64) / 255.0
    if np.median(pixels) > 0.5:  # dark ink on a light background: invert
        pixels = 1.0 - pixels
    return pixels


def _raw_examples(path: Path, input_shape: Sequence[int]) -> np.ndarray:
    """Raw examples (N, *size) from an image or a .npy file, for the task's `prepare`."""
    size = tuple(input_shape[1:])  # (C, *size) -> size
    if path.suffix.lower() == ".npy":
        try:
            array = np.load(path, allow_pickle=False)
        except (OSError, ValueError, EOFError) as err:
            raise DatasetError(f"{path}: not a readable .npy array ({err})") from None
        if array.dtype.kind not in "biuf":
            raise DatasetError(f"{path}: holds {array.dtype} values; expected numbers (raw examples)")
        if array.shape == size:
            array = array[None]  # one example -> (1, *size)
        if array.shape[1:] != size:
            raise DatasetError(f"{path}: expected raw examples of shape {size} or (N, {', '.join(map(str, size))}), "
                               f"got {array.shape}")
        if array.dtype == np.uint8:
            array = array.astype(np.float64) / 255.0
        return array
    if len(size) != 2:
        raise DatasetError(f"{path}: this run classifies signals of length {size[0]}; give a .npy file")
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
        if not texts:
            raise UsageError("no sentences to classify on stdin")
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
        if task.prepare is None:
            raise UsageError(f"task {task.name!r} has no preprocessing for raw examples")
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
    from minitorch.distributed import DistributedError
    from minitorch.explain.cli import COMMANDS as EXPLAIN_COMMANDS

    commands = {"train": _cmd_train, "evaluate": _cmd_evaluate, "predict": _cmd_predict, **EXPLAIN_COMMANDS}
    try:
        return commands[args.command](args)
    except UsageError as error:
        parser.exit(2, f"minitorch {args.command}: error: {_one_line(error)}\n")
    # ValueError covers DatasetError, CheckpointError and ShapeError; OSError missing or unwritable files
    except (ValueError, OSError, IndexingError, DTypeError, DistributedError) as error:
        if os.environ.get("MINITORCH_DEBUG"):
            raise
        print(f"minitorch {args.command}: error: {_one_line(error)}", file=sys.stderr)
        return 1


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())


if __name__ == "__main__":
    sys.exit(main())
