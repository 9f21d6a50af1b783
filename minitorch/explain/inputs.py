"""What the explain page can feed a model: the run's test examples, and validated user input.

`load_examples` takes the first test examples of the run's task (from the data folder the run
was trained on, or `--data`); when the data is not there the page still works with drawn or
typed input. `parse_input` turns one request (`{"example": i}`, `{"pixels": [...]}`,
`{"signal": [...]}` or `{"sentence": "..."}`) into a model input, refusing anything malformed
with an `InputError` whose message the server returns as JSON.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import numpy as np

from minitorch.data import DatasetError, Tokenizer, Vocabulary, read_sst2
from minitorch.train.tasks import MIN_TEXT_LENGTH, Task

__all__ = ["InputError", "Examples", "load_examples", "parse_input", "MAX_SENTENCE_CHARS", "MAX_SENTENCE_WORDS",
           "MAX_SIGNAL_ABS"]

MAX_SENTENCE_CHARS = 600
MAX_SENTENCE_WORDS = 80
MAX_SIGNAL_ABS = 1e3


class InputError(ValueError):
    """A request the page sent (or a user typed) that the model cannot take; the message says why."""


@dataclass
class Examples:
    """Test examples for the picker: model inputs (N, *input_shape) or sentences, labels, and a note
    when none could be loaded."""

    inputs: List[Any] = field(default_factory=list)
    labels: List[int] = field(default_factory=list)
    note: str = ""


def load_examples(task: Task, data_dir: Optional[str], count: int) -> Examples:
    """The first `count` test examples of `task` (sentences as text for text tasks)."""
    try:
        if task.is_text:
            if data_dir is None:
                raise DatasetError("the run has no data folder")
            texts, labels = read_sst2(Path(data_dir) / "test.tsv")
            return Examples(list(texts[:count]), [int(y) for y in labels[:count]])
        data = task.load(data_dir)
    except (DatasetError, OSError) as error:
        return Examples(note=f"no test examples ({error}); pass --data DIR to pick from the test set")
    return Examples(list(data.x_test[:count]), [int(y) for y in data.y_test[:count]])


def _numbers(values: Any, count: int, what: str, low: float, high: float) -> np.ndarray:
    """A flat list of exactly `count` finite numbers in [low, high] (rows of lists are flattened)."""
    if isinstance(values, list) and values and isinstance(values[0], list):
        values = [v for row in values if isinstance(row, list) for v in row]
    if not isinstance(values, list) or len(values) != count:
        size = len(values) if isinstance(values, list) else type(values).__name__
        raise InputError(f"{what}: expected a list of {count} numbers, got {size}")
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in values):
        raise InputError(f"{what}: every value must be a finite number")
    array = np.asarray(values, dtype=np.float64)
    if array.min() < low or array.max() > high:
        raise InputError(f"{what}: values must lie in [{low:g}, {high:g}], got [{array.min():g}, {array.max():g}]")
    return array


def _sentence(text: Any, vocab: Optional[Vocabulary], min_length: int) -> Dict[str, Any]:
    if vocab is None:
        raise InputError("this run has no vocabulary: it does not classify sentences")
    if not isinstance(text, str):
        raise InputError(f"sentence: expected text, got {type(text).__name__}")
    if len(text) > MAX_SENTENCE_CHARS:
        raise InputError(f"sentence: {len(text)} characters; at most {MAX_SENTENCE_CHARS}")
    words = Tokenizer()(text)
    if not words:
        raise InputError("sentence: type at least one word")
    if len(words) > MAX_SENTENCE_WORDS:
        raise InputError(f"sentence: {len(words)} words; at most {MAX_SENTENCE_WORDS}")
    ids = vocab.encode_batch([words], min_length=max(min_length, MIN_TEXT_LENGTH))  # (1, L)
    return {"model_input": ids, "words": words, "known": [word in vocab for word in words]}


def parse_input(request: Any, task: Task, input_shape: Sequence[int], examples: Examples,
                vocab: Optional[Vocabulary], min_length: int = MIN_TEXT_LENGTH) -> Dict[str, Any]:
    """A request -> {"model_input": (1, *shape) array, "label": int or None, "words"/"known" for text}.

    Raw pixels are ink-bright values in [0, 1] (the page's canvas), prepared by the task as its
    training images were (e.g. MNIST's standardisation); signals are raw values.
    """
    if not isinstance(request, dict):
        raise InputError("expected a JSON object with one of: example, pixels, signal, sentence")
    if "example" in request:
        index = request["example"]
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(examples.inputs):
            raise InputError(f"example: expected an index in 0..{len(examples.inputs) - 1}, got {index!r}")
        label = examples.labels[index]
        if task.is_text:
            return {**_sentence(examples.inputs[index], vocab, min_length), "label": label}
        return {"model_input": np.asarray(examples.inputs[index])[None], "label": label}
    if task.is_text:
        if "sentence" not in request:
            raise InputError("this run classifies sentences: send {\"sentence\": \"...\"} or {\"example\": i}")
        return {**_sentence(request["sentence"], vocab, min_length), "label": None}
    size = tuple(input_shape[1:])  # (C, *size) -> size
    prepare = task.prepare
    if prepare is None:
        raise InputError(f"task {task.name!r} has no preprocessing for raw input; pick a test example")
    if len(size) == 2:
        if "pixels" not in request:
            raise InputError("this run classifies images: send {\"pixels\": [H*W values in 0..1]} or {\"example\": i}")
        pixels = _numbers(request["pixels"], size[0] * size[1], f"pixels ({size[0]}x{size[1]} image)", 0.0, 1.0)
        return {"model_input": prepare(pixels.reshape((1,) + size)), "label": None}
    if "signal" not in request:
        raise InputError("this run classifies signals: send {\"signal\": [L values]} or {\"example\": i}")
    signal = _numbers(request["signal"], size[0], f"signal (length {size[0]})", -MAX_SIGNAL_ABS, MAX_SIGNAL_ABS)
    return {"model_input": prepare(signal.reshape((1,) + size)), "label": None}
