"""The training loop behind `minitorch train`: seed, data, model, optimizer, epochs, run folder.

One run writes everything to its folder (default `runs/<task>-<timestamp>`):

    checkpoint.safetensors   model + optimizer + scheduler + RNG state + epoch, and the run's
                             config, classes and vocabulary in the metadata (for --resume,
                             `minitorch evaluate` and `minitorch predict`)
    metrics.csv, metrics.json   one row per epoch: losses, accuracies, learning rate, time
    curves.png               loss and accuracy against epoch
    filters.png              the first convolution's filters
    feature_maps_<i>.png     the first convolution's activations for test examples 0, 1, 2
    confusion.png            the test confusion matrix

A checkpoint is written after every epoch. Resuming restores the model, the optimizer, the
scheduler and the random generator (dropout), and the DataLoader's order depends only on
(seed, epoch), so a resumed run continues with exactly the losses of an uninterrupted one.

Data-parallel (`workers` > 1, see minitorch.distributed): every rank runs this loop on its shard
of each global batch and the gradients are all-reduced before each step, so the run takes one
process's steps; rank 0 alone prints, reads and writes the run folder.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import IO, Any, Dict, Optional, Tuple

import numpy as np
from tqdm import tqdm

import minitorch
from minitorch import nn, optim
from minitorch.backends.device import backend_for
from minitorch.core.random import get_rng_state, manual_seed, set_rng_state
from minitorch.data import Vocabulary, load_glove
from minitorch.distributed.data_parallel import DataParallel
from minitorch.distributed.group import DistributedError, ProcessGroup, root_file
from minitorch.io import load, load_metadata, save
from minitorch.models import build_model
from minitorch.train.config import BACKENDS, OPTIMIZERS, SCHEDULERS, TrainConfig
from minitorch.train.inference import class_loss, evaluate, set_threads, to_tensor
from minitorch.train.metrics import MetricsLog, confusion_matrix
from minitorch.train.run_folder import CHECKPOINT, RUN_FILES, default_run_folder, prepare_folder
from minitorch.train.tasks import Task, TaskData, get_task, trim_padding
from minitorch.train.training_batches import TrainingBatches

__all__ = ["TrainConfig", "Trainer", "train", "load_trained", "default_run_folder", "CHECKPOINT", "BACKENDS",
           "RUN_FILES"]

def _optimizer(config: TrainConfig, model: nn.Module) -> Any:
    params = model.parameters()
    if config.optimizer == "sgd":
        return optim.SGD(params, lr=config.lr, momentum=config.momentum, weight_decay=config.weight_decay)
    if config.optimizer == "adam":
        return optim.Adam(params, lr=config.lr, weight_decay=config.weight_decay)
    if config.optimizer == "adamw":
        return optim.AdamW(params, lr=config.lr, weight_decay=config.weight_decay)
    raise ValueError(f"unknown optimizer {config.optimizer!r}; choose one of {', '.join(OPTIMIZERS)}")


def _scheduler(config: TrainConfig, optimizer: Any) -> Any:
    if config.scheduler == "cosine":
        return optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=config.epochs)
    if config.scheduler == "step":
        return optim.lr_scheduler.StepLR(optimizer, step_size=max(1, config.epochs // 3), gamma=0.1)
    if config.scheduler == "none":
        return None
    raise ValueError(f"unknown scheduler {config.scheduler!r}; choose one of {', '.join(SCHEDULERS)}")


def _first_conv_weight(model: nn.Module) -> Optional[np.ndarray]:
    """The weight (C_out, C_in, *kernel) of the first convolution, if any."""
    for name, parameter in model.named_parameters():
        array = np.asarray(parameter.value.to_numpy())
        if name.endswith("weight") and array.ndim in (3, 4):
            return array
    return None


class Trainer:
    """One training run: builds everything from a `TrainConfig` and trains epoch by epoch.

    Args:
        config: the run's settings (`config_for(task, ...)` fills in the task's recipe);
            `config.out` is the run folder.
        resume: continue from the checkpoint in `config.out`. Default False.
        overwrite: replace the run in an existing, non-empty `config.out` (without it, and
            without `resume`, such a folder is refused). Default False.
        progress: show a progress bar per epoch (on a terminal) and status lines (on rank 0).
            Default True.
        log: where to print them. Default sys.stderr.
        group: the data-parallel ranks this process belongs to (`minitorch.distributed.world()`);
            `config.workers` must equal its size. Default a group of one.

    Example:
        >>> config = config_for("digits", epochs=1, out="runs/demo")  # doctest: +SKIP
        >>> Trainer(config).fit()  # doctest: +SKIP
    """

    def __init__(self, config: TrainConfig, resume: bool = False, progress: bool = True,
                 log: Optional[IO[str]] = None, overwrite: bool = False, group: Optional[ProcessGroup] = None):
        self.config = config
        self.group = ProcessGroup() if group is None else group
        if config.workers != self.group.size:
            raise DistributedError(f"this run has workers={config.workers} but {self.group.size} process(es) run it; "
                                   f"start the workers with `minitorch train --workers {config.workers}`, "
                                   f"`minitorch.train.train(config)` or an MPI launcher (mpiexec -n {config.workers})")
        if self.group.size > 1 and config.device != "cpu":
            raise DistributedError(f"data-parallel training runs on the CPU; --workers with --device {config.device} "
                                   "is not supported yet")
        self.progress = progress and self.group.is_root
        self.log = sys.stderr if log is None else log
        if config.backend not in BACKENDS:
            raise ValueError(f"unknown backend {config.backend!r}; choose one of {', '.join(BACKENDS)}")
        self.host_backend = BACKENDS[config.backend]  # batches are built (and augmented) here
        self.backend = self.host_backend if config.device == "cpu" else backend_for(config.device)
        if config.out is None:
            config.out = default_run_folder(config.task)
        self.folder = Path(config.out)
        if self.group.is_root:
            prepare_folder(self.folder, resume, overwrite)
        set_threads(config.threads)
        self.task: Task = get_task(config.task)
        self.data: TaskData = self.task.load(config.data, config.limit)
        self.batches = TrainingBatches(self.data, config.batch_size, self.task.is_text, config.dtype, self.host_backend,
                                       config.max_shift, config.seed)
        manual_seed(config.seed)
        layers = {"layers": config.layers} if config.layers is not None else {}
        self.model_options = {**config.model_options, **layers, **self.data.model_options}
        self.model = build_model(config.model, self.data.input_shape, self.data.num_classes, **self.model_options)
        self.model.to(self.backend, config.dtype)
        if config.glove is not None and not resume:
            self._load_glove(config.glove)
        self.optimizer = _optimizer(config, self.model)
        self.scheduler = _scheduler(config, self.optimizer)
        self.parallel = DataParallel(self.model, self.group)
        self.epoch = 0
        self.history = MetricsLog()
        self.test_predictions: Optional[np.ndarray] = None  # of the current epoch's model
        if resume:
            self._restore()
        self.parallel.broadcast_parameters()  # every replica starts from rank 0's weights

    def _load_glove(self, path: str) -> None:
        """Copy pretrained vectors into the embedding (Kim's CNN-non-static); unseen words stay random."""
        embedding = getattr(self.model, "embedding", None)
        if not self.task.is_text or embedding is None:
            raise ValueError(f"--glove initialises word embeddings; task {self.config.task!r} with model "
                             f"{self.config.model!r} has none")
        vocab = Vocabulary(self.data.metadata["vocab"])
        weights, found = load_glove(path, vocab, embedding.embedding_dim, seed=self.config.seed)
        embedding.weight.value.to_numpy()[...] = weights
        self._say(f"GloVe: {found:,} of {len(vocab):,} words found in {path}")

    # ------------------------------------------------------------------ checkpoint
    def _metadata(self) -> Dict[str, Any]:
        return {
            "config": self.config.to_dict(),
            "input_shape": list(self.data.input_shape),
            "class_names": self.data.class_names,
            "model_options": self.model_options,
            "minitorch_version": minitorch.__version__,
            **self.data.metadata,
        }

    def save_checkpoint(self) -> Path:
        """Write the checkpoint of the current epoch (atomically) and return its path."""
        state = {
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "scheduler": self.scheduler.state_dict() if self.scheduler is not None else {},
            "epoch": self.epoch,
            "rng": get_rng_state(),
            "history": [dict(row) for row in self.history],  # with the weights: metrics.json may lag a kill
        }
        path = self.folder / CHECKPOINT
        save(state, path, metadata=self._metadata())
        return path

    def _restore(self) -> None:
        with root_file(self.group, self.folder / CHECKPOINT) as path:  # rank 0's checkpoint on every rank
            state = load(path, backend=self.backend)
            saved_epochs = int(load_metadata(path)["config"]["epochs"])
        self.model.load_state_dict(state["model"])  # copies into the float32/float64 parameters in place
        self.optimizer.load_state_dict(state["optimizer"])
        if self.scheduler is not None and state["scheduler"]:
            self.scheduler.load_state_dict(state["scheduler"])
            self._stretch_schedule(saved_epochs)
        self.epoch = int(state["epoch"])
        set_rng_state(state["rng"])
        rows = state.get("history")
        if rows is None:  # a checkpoint written before the history moved into it
            metrics = self.folder / "metrics.json"
            rows = MetricsLog.read_json(metrics).history if self.group.is_root and metrics.exists() else []
        self.history = MetricsLog(rows[:self.epoch])

    def _stretch_schedule(self, saved_epochs: int) -> None:
        """After `--epochs` changed on resume, re-plan the schedule over the new number of epochs
        (from the current epoch on); with the same number of epochs nothing changes."""
        if saved_epochs == self.config.epochs:
            return
        scheduler = self.scheduler
        if hasattr(scheduler, "T_max"):
            scheduler.T_max = self.config.epochs
        if hasattr(scheduler, "step_size"):
            scheduler.step_size = max(1, self.config.epochs // 3)
        for group, lr in zip(self.optimizer.param_groups, scheduler._get_closed_form_lr()):
            group["lr"] = lr

    # ------------------------------------------------------------------ loop
    def _say(self, message: str) -> None:
        if self.progress:
            print(message, file=self.log, flush=True)

    def train_epoch(self) -> Dict[str, float]:
        """One pass over the training set; returns its mean loss, accuracy and throughput.

        Data-parallel: every rank walks the same global batches and augmentation, computes its
        rows (`TrainingBatches`) and takes the step with the all-reduced gradient.
        """
        config, data, parallel = self.config, self.data, self.parallel
        self.model.train()
        unit = "sent" if self.task.is_text else "img"
        # disable=None: tqdm draws only on a terminal; logs get the status line of each epoch
        bar = tqdm(total=len(data.y_train), desc=f"epoch {self.epoch + 1}/{config.epochs}", unit=unit,
                   disable=None if self.progress else True, file=self.log, leave=False, dynamic_ncols=True)
        loss_sum, correct, seen = 0.0, 0, 0
        start = time.perf_counter()
        embedding = getattr(self.model, "embedding", None) if self.task.is_text else None
        for batch in self.batches.epoch(self.epoch, parallel.shard):
            part, inputs, targets = batch.part, batch.inputs, batch.targets
            count = part.total
            rows = None
            if parallel.enabled and embedding is not None and batch.batch_ids is not None:
                rows = {embedding.weight: np.unique(batch.batch_ids)}  # only the global batch's words get gradients
            if not self.task.is_text:
                inputs = inputs.to(self.backend)  # to the GPU with --device cuda
            with part.random_rows():
                output = self.model(inputs)
                loss = class_loss(self.model, output, targets)
            self.optimizer.zero_grad()
            loss.backward()
            hits = (output.to_numpy().argmax(axis=1) == targets)[:part.examples].sum()
            step_loss, step_correct = parallel.reduce_gradients(part.weight, [loss.item() * part.examples, hits],
                                                                rows=rows)
            self.optimizer.step()
            loss_sum += step_loss
            correct += int(round(step_correct))
            seen += count
            if not bar.disable:  # (formatting the postfix of a hidden bar costs as much as a small op)
                bar.set_postfix({"loss": f"{loss_sum / seen:.4f}", "acc": f"{100.0 * correct / seen:.1f}%"},
                                refresh=False)
                bar.update(count)
        bar.close()
        seconds = time.perf_counter() - start
        return {"train_loss": loss_sum / max(seen, 1), "train_acc": correct / max(seen, 1),
                "seconds": seconds, "examples_per_s": seen / seconds if seconds > 0 else 0.0}

    def fit(self, stop_after: Optional[int] = None, plots: bool = True) -> MetricsLog:
        """Train until `config.epochs`, checkpointing each epoch; then write the plots.

        Args:
            stop_after: end after this many epochs, as an interruption would (the schedule
                still spans `config.epochs`; continue with `resume=True`). Default None.
            plots: write the PNGs at the end. Default True.
        """
        config = self.config
        last_epoch = config.epochs if stop_after is None else min(config.epochs, stop_after)
        root = self.group.is_root
        if root:
            self.folder.mkdir(parents=True, exist_ok=True)
        self._say(self.data.note)
        self._say(f"model {config.model}: {sum(p.value.size for p in self.model.parameters()):,} parameters; "
                  f"run folder {self.folder}" + (f"; {self.group.size} workers" if self.parallel.enabled else ""))
        if self.epoch >= config.epochs:
            self._say(f"already trained for {self.epoch} epochs (--epochs {config.epochs}); nothing to do")
        while self.epoch < last_epoch:
            lr = self.optimizer.param_groups[0]["lr"]
            row = self.train_epoch()
            test_loss, test_acc, self.test_predictions = self.parallel.evaluate(  # each rank a part of the test set
                lambda x, y: evaluate(self.model, x, y, is_text=self.task.is_text, dtype=config.dtype,
                                      backend=self.backend), self.data.x_test, self.data.y_test)
            if self.scheduler is not None:
                self.scheduler.step()
            self.epoch += 1
            self.history.append(epoch=self.epoch, train_loss=row["train_loss"], train_acc=row["train_acc"],
                                test_loss=test_loss, test_acc=test_acc, lr=lr, seconds=row["seconds"],
                                examples_per_s=row["examples_per_s"])
            self._say(f"epoch {self.epoch}/{config.epochs}: train loss {row['train_loss']:.4f} "
                      f"acc {100 * row['train_acc']:.2f}% | test loss {test_loss:.4f} acc {100 * test_acc:.2f}% "
                      f"| {tqdm.format_interval(row['seconds'])}, {row['examples_per_s']:.0f} examples/s")
            if root:
                self.save_checkpoint()
                self.history.write_csv(self.folder / "metrics.csv")
                self.history.write_json(self.folder / "metrics.json")
        if plots and root:
            self.write_plots()
        return self.history

    def write_plots(self) -> None:
        """Curves, first-layer filters, feature maps of three test inputs, confusion matrix."""
        from minitorch.viz import plot_confusion, plot_curves, plot_feature_maps, plot_filters

        config, data = self.config, self.data
        if len(self.history):
            plot_curves(self.history, self.folder / "curves.png", title=f"{config.task} / {config.model}")
        weight = _first_conv_weight(self.model)
        if weight is not None:
            plot_filters(weight, self.folder / "filters.png", title=f"first-layer filters {tuple(weight.shape)}")
        examples = data.x_test[:3]
        if hasattr(self.model, "feature_maps") and len(examples):
            self.model.eval()
            with minitorch.no_grad():
                if self.task.is_text:
                    inputs = trim_padding(examples)
                else:
                    inputs = to_tensor(examples, config.dtype, self.backend)
                maps = self.model.feature_maps(inputs).to_numpy()
            for i, example_maps in enumerate(maps):
                plot_feature_maps(example_maps, self.folder / f"feature_maps_{i}.png",
                                  title=f"first-layer feature maps, test example {i} (class "
                                        f"{data.class_names[data.y_test[i]]})")
        predicted = self.test_predictions
        if predicted is None:  # resumed a finished run: nothing evaluated in this process yet
            _, _, predicted = evaluate(self.model, data.x_test, data.y_test, is_text=self.task.is_text,
                                       dtype=config.dtype, backend=self.backend)
        matrix = confusion_matrix(data.y_test, predicted, num_classes=data.num_classes)
        plot_confusion(matrix, data.class_names, self.folder / "confusion.png")


def train(config: TrainConfig, resume: bool = False, progress: bool = True,
          stop_after: Optional[int] = None) -> MetricsLog:
    """Train a run described by `config` (see `Trainer`); returns the per-epoch metrics.

    With `config.workers` > 1 in a plain process, this starts that many local worker processes
    (`mpiexec`, see `minitorch.distributed.launch`), waits for them and returns the metrics rank 0
    wrote; inside an MPI job of that size (e.g. a script run by `mpiexec -n 4`), this process
    trains its rank's replica.
    """
    from minitorch.distributed import in_mpi_job, launch, world
    from minitorch.distributed.launch import describe_status

    if config.workers == 1 or in_mpi_job():  # under an MPI launcher the job's size must be config.workers
        group = world() if in_mpi_job() else None
        return Trainer(config, resume=resume, progress=progress, group=group).fit(stop_after)
    if config.out is None:
        config.out = default_run_folder(config.task)
    status = launch(config, config.workers, resume=resume, stop_after=stop_after, quiet=not progress)
    if status != 0:
        raise DistributedError(f"the {config.workers} workers failed ({describe_status(status)}); the run folder "
                               f"{config.out} keeps the checkpoint of the last finished epoch")
    return MetricsLog.read_json(Path(config.out) / "metrics.json")


def load_trained(path: str | Path, backend: str = "fast") -> Tuple[nn.Module, Dict[str, Any]]:
    """The model and metadata of a run folder or checkpoint file, ready for inference.

    Returns:
        (model in eval mode, metadata dict with "config", "input_shape", "class_names", ...).
    """
    path = Path(path)
    if path.is_dir():
        path = path / CHECKPOINT
    if not path.exists():
        raise FileNotFoundError(f"no checkpoint at {path}; pass a run folder written by `minitorch train` "
                                f"or its {CHECKPOINT}")
    metadata = load_metadata(path)
    if "config" not in metadata:
        raise ValueError(f"{path} has no minitorch run metadata; it was not written by `minitorch train`")
    config = TrainConfig.from_dict(metadata["config"])
    model = build_model(config.model, tuple(metadata["input_shape"]), len(metadata["class_names"]),
                        **metadata.get("model_options", {}))
    state = load(path, backend=BACKENDS[backend])
    model.load_state_dict(state["model"])
    model.to(BACKENDS[backend], config.dtype)
    model.eval()
    return model, metadata
