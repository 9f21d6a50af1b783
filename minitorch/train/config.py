"""Every setting of a training run, each default written once (nanoGPT's settings at the top).

`TrainConfig` lists the settings with their general defaults and help texts; `TASK_DEFAULTS`
gives each task's recipe as overrides of those defaults; `config_for(task, **given)` combines
them, settings given explicitly winning. The `minitorch train` flags are generated from the
fields (`minitorch.cli`), their help lists the per-task defaults, and README's command-line
synopsis (`minitorch.cli.synopsis()`) and recipe table (`recipe_table()`) are generated from
both; tests/test_readme.py checks that README holds them.

A task's recipe may tune its own default model (`layers`, `model_options`); those settings are
dropped when another model is chosen.
"""

from __future__ import annotations

import argparse
import dataclasses
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Optional

import minitorch
from minitorch.models import MODELS

__all__ = ["TrainConfig", "TASK_DEFAULTS", "config_for", "setting_fields", "task_default_text", "recipe_table", "OPTIMIZERS", "SCHEDULERS",
           "BACKENDS", "DTYPES", "DEVICES", "MODEL_SETTINGS", "positive_int", "positive_float", "nonnegative_float",
           "nonnegative_int"]

OPTIMIZERS = ("sgd", "adam", "adamw")
SCHEDULERS = ("cosine", "step", "none")
BACKENDS = {"fast": minitorch.FastBackend, "simple": minitorch.SimpleBackend}
DTYPES = ("float32", "float64")
DEVICES = ("cpu", "cuda")
MODEL_SETTINGS = ("layers", "model_options")  # belong to the task's default model


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


positive_int = _number(int, lambda value: value >= 1, "a positive integer")
nonnegative_int = _number(int, lambda value: value >= 0, "an integer >= 0")
positive_float = _number(float, lambda value: value > 0, "a positive number")
nonnegative_float = _number(float, lambda value: not value < 0, "a number >= 0")


def _setting(default: Any, help: str, *, metavar: Optional[str] = None, choices: Any = None,
             parse: Optional[Callable[[str], Any]] = None, resumable: bool = False, hidden: bool = False,
             flag: bool = True) -> Any:
    """A dataclass field carrying its command-line flag: help, metavar, choices, parser, whether
    `--resume` may change it, whether the flag is hidden (tests only) or absent."""
    metadata = {"help": help, "metavar": metavar, "choices": choices, "parse": parse, "resumable": resumable,
                "hidden": hidden, "flag": flag}
    if isinstance(default, dict):
        return field(default_factory=lambda: dict(default), metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass
class TrainConfig:
    """Everything that defines a run (saved in its checkpoint; `--resume` reads it back).

    Each field is a `minitorch train` flag (`batch_size` is `--batch-size`) except `task` (the
    positional argument) and `model_options` (constructor arguments of the model, from the
    task's recipe).
    """

    task: str = _setting("digits", "what to train on", flag=False)
    model: str = _setting("cnn", "model", choices=tuple(sorted(MODELS)))
    layers: Optional[str] = _setting(None, "conv layers of --model cnn, e.g. '32:3,64:3:2:relu' (C:K[:S[:act]])",
                                     metavar="SPEC")
    epochs: int = _setting(10, "number of epochs", metavar="N", parse=positive_int, resumable=True)
    batch_size: int = _setting(64, "examples per step", metavar="N", parse=positive_int)
    lr: float = _setting(1e-3, "learning rate", metavar="LR", parse=positive_float)
    optimizer: str = _setting("adam", "optimizer", choices=OPTIMIZERS)
    weight_decay: float = _setting(0.0, "L2 weight decay", metavar="WD", parse=nonnegative_float)
    momentum: float = _setting(0.9, "SGD momentum", metavar="M", parse=nonnegative_float)
    scheduler: str = _setting("cosine", "learning-rate schedule, stepped once per epoch", choices=SCHEDULERS)
    max_shift: int = _setting(0, "random shifts of training images by up to PX pixels per axis (0: none)",
                              metavar="PX", parse=nonnegative_int)
    backend: str = _setting("fast", "tensor backend", choices=tuple(BACKENDS))
    dtype: str = _setting("float32", "parameter and data type", choices=DTYPES)
    device: str = _setting("cpu", "where the model trains: cpu, or cuda (the GPU backend; needs a GPU and the "
                                  "gpu extra)", choices=DEVICES)
    threads: int = _setting(1, "CPU threads for kernels and BLAS (these small models gain little from more, and "
                               "lose much on a busy machine)", metavar="N", parse=positive_int, resumable=True)
    workers: int = _setting(1, "data-parallel worker processes on this machine, through MPI (the distributed "
                               "extra); the run takes the steps of one process", metavar="N", parse=positive_int,
                            resumable=True)
    seed: int = _setting(0, "seed of initialisation, shuffling, augmentation and dropout", metavar="N", parse=int)
    data: Optional[str] = _setting(None, "folder with the task's files (mnist, sst2)", metavar="DIR", resumable=True)
    out: Optional[str] = _setting(None, "run folder (default: runs/<task>-<timestamp>)", metavar="DIR")
    glove: Optional[str] = _setting(None, "GloVe text file to initialise the word embeddings (sst2)", metavar="FILE")
    limit: Optional[int] = _setting(None, "cap on examples per split (tests)", parse=positive_int, hidden=True)
    model_options: Dict[str, Any] = _setting({}, "constructor arguments of the model", flag=False)

    def to_dict(self) -> Dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values: Dict[str, Any]) -> "TrainConfig":
        """The config saved in a checkpoint (older ones: `augment` and `layers` in model_options)."""
        values = dict(values)
        options = dict(values.get("model_options") or {})
        if "layers" in options and values.get("layers") is None:
            values["layers"] = options.pop("layers")
            values["model_options"] = options
        if values.get("augment") is False:
            values["max_shift"] = 0
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{key: value for key, value in values.items() if key in known})


TASK_DEFAULTS: Dict[str, Dict[str, Any]] = {
    "digits": dict(model="cnn", layers="32:3,32:3,64:3:2", model_options={"dropout": 0.5}, epochs=40,
                   batch_size=32, lr=2e-3, weight_decay=1e-4, max_shift=1),
    "mnist": dict(model="lenet5", epochs=15, batch_size=64, lr=2e-3, max_shift=2),
    "fashion-mnist": dict(model="lenet5", epochs=15, batch_size=64, lr=2e-3, max_shift=2),
    "kmnist": dict(model="lenet5", epochs=15, batch_size=64, lr=2e-3, max_shift=2),
    "mnist1d": dict(model="signal_cnn", model_options={"channels": 64}, epochs=60, batch_size=100, lr=1e-2),
    "sst2": dict(model="kim_cnn", epochs=4, batch_size=50, lr=1e-3),
}


def setting_fields() -> list:
    """The fields of `TrainConfig` that are command-line flags, in order."""
    return [f for f in dataclasses.fields(TrainConfig) if f.metadata["flag"]]


def config_for(task: str, **given: Any) -> TrainConfig:
    """The config of a run of `task`: general defaults, then the task's recipe, then `given`.

    The recipe's `layers` and `model_options` apply only to the task's own model.

    Example:
        >>> config_for("mnist", epochs=3).lr, config_for("mnist", epochs=3).epochs
        (0.002, 3)
    """
    if task not in TASK_DEFAULTS:
        raise ValueError(f"unknown task {task!r}; choose one of {', '.join(TASK_DEFAULTS)}")
    recipe = dict(TASK_DEFAULTS[task])
    if given.get("model", recipe["model"]) != recipe["model"]:
        for name in MODEL_SETTINGS:
            recipe.pop(name, None)
    return TrainConfig(task=task, **{**recipe, **given})


def task_default_text(name: str) -> str:
    """The default of setting `name` for the help text: general and per-task, e.g.
    "default 0.001; digits 0.002, mnist 0.002, ..." (only tasks that differ are listed; "" for
    a setting that is unset by default everywhere)."""
    general = next(f.default for f in dataclasses.fields(TrainConfig) if f.name == name)
    per_task = [f"{task} {_show(recipe[name])}" for task, recipe in TASK_DEFAULTS.items()
                if name in recipe and recipe[name] != general]
    if general is None and not per_task:
        return ""
    text = "default " + ("none" if general is None else _show(general))
    return text + (f"; {', '.join(per_task)}" if per_task else "")


def _show(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


RECIPE_COLUMNS = ("model", "epochs", "batch_size", "lr", "optimizer", "scheduler", "weight_decay", "max_shift")


def recipe_table() -> str:
    """A Markdown table of every task's defaults (README's "Recipes")."""
    lines = ["| task | " + " | ".join(RECIPE_COLUMNS) + " |", "|---" * (len(RECIPE_COLUMNS) + 1) + "|"]
    for task in TASK_DEFAULTS:
        config = config_for(task)
        lines.append(f"| {task} | " + " | ".join(_show(getattr(config, name)) for name in RECIPE_COLUMNS) + " |")
    return "\n".join(lines)
