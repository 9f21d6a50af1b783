"""Running a classifier over arrays: batching, loss, evaluation, class probabilities, threads.

Shared by the trainer (`minitorch train`) and the `evaluate` / `predict` commands.
"""

from __future__ import annotations

from typing import Any, Iterator, Optional, Tuple

import numpy as np

import minitorch
from minitorch import nn
from minitorch.data import ArrayDataset, DataLoader
from minitorch.nn import functional as F
from minitorch.train.tasks import trim_padding

__all__ = ["set_threads", "to_tensor", "class_loss", "batches", "evaluate", "predict_batches", "EVAL_BATCH_SIZE"]

EVAL_BATCH_SIZE = 256  # examples per batch when nothing is learned (evaluate, predict)


def set_threads(threads: Optional[int]) -> None:
    """Use `threads` CPU threads in minitorch's kernels, numba and BLAS: the process's one thread
    policy (`minitorch.backends.threads.set_num_threads`; None: leave it as it is)."""
    if threads is None:
        return
    from minitorch.backends.threads import set_num_threads

    set_num_threads(int(threads))


def to_tensor(array: np.ndarray, dtype: str, backend: Any) -> Any:
    """Float arrays -> Tensors in `dtype`; token ids (integers) stay numpy."""
    if array.dtype.kind in "iu":
        return array
    return minitorch.from_numpy(np.ascontiguousarray(array, dtype=dtype), backend=backend)


def class_loss(model: nn.Module, output: Any, target: np.ndarray) -> Any:
    """Mean negative log-likelihood of the targets: NLL for log-probability outputs, else cross-entropy."""
    if getattr(model, "returns_log_probs", False):
        return F.nll_loss(output, target)
    return F.cross_entropy(output, target)


def batches(x: np.ndarray, y: np.ndarray, batch_size: int, is_text: bool, dtype: str, backend: Any,
            shuffle: bool = False, seed: int = 0, epoch: int = 0) -> Iterator[Tuple[Any, np.ndarray]]:
    """(inputs, targets) mini-batches; text batches lose their all-padding columns."""
    loader = DataLoader(ArrayDataset(x, y), batch_size=batch_size, shuffle=shuffle, seed=seed,
                        dtype=dtype, backend=backend)
    loader.set_epoch(epoch)
    for inputs, targets in loader:
        yield (trim_padding(inputs) if is_text else inputs), targets


def evaluate(model: nn.Module, x: np.ndarray, y: np.ndarray, batch_size: int = EVAL_BATCH_SIZE, is_text: bool = False,
             dtype: str = "float32", backend: Any = None) -> Tuple[float, float, np.ndarray]:
    """Mean loss, accuracy and class predictions (N,) of `model` in eval mode."""
    model.eval()
    total_loss, predictions = 0.0, []
    with minitorch.no_grad():
        for inputs, targets in batches(x, y, batch_size, is_text, dtype, backend):
            output = model(inputs)
            total_loss += class_loss(model, output, targets).item() * len(targets)
            predictions.append(output.to_numpy().argmax(axis=1))
    predicted = np.concatenate(predictions) if predictions else np.zeros(0, dtype=np.int64)
    accuracy = float(np.mean(predicted == y)) if len(y) else float("nan")
    return total_loss / max(len(y), 1), accuracy, predicted


def predict_batches(model: nn.Module, x: np.ndarray, batch_size: int = EVAL_BATCH_SIZE, is_text: bool = False,
                    dtype: str = "float32", backend: Any = None) -> np.ndarray:
    """Class probabilities (N, C) of `model` in eval mode."""
    model.eval()
    rows = []
    with minitorch.no_grad():
        for start in range(0, len(x), batch_size):
            chunk = x[start:start + batch_size]
            inputs = trim_padding(chunk) if is_text else to_tensor(chunk, dtype, backend)
            logits = model(inputs).to_numpy().astype(np.float64)
            logits -= logits.max(axis=1, keepdims=True)
            probs = np.exp(logits)
            rows.append(probs / probs.sum(axis=1, keepdims=True))
    return np.concatenate(rows)
