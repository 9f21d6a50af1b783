"""`Explainer`: a trained run, its examples, and the JSON the explain page asks for.

    explainer = Explainer("runs/mnist-20261123-170000")
    explainer.info()                       # run facts, classes, mode, examples (once per page)
    result = explainer.explain({"pixels": [...]})   # one forward pass: every layer's output
    explainer.tables(result["pass"], 3)    # the arithmetic of every unit of layer 3

One `explain` call runs the model once (`record_forward`) and returns all the layers' outputs
and the class probabilities; the pass is kept (the last `KEEP_PASSES`) so that clicking a unit
asks only for the arithmetic of its layer, computed from that same pass. The page never runs the
model itself. Thread-safe: the server's threads share one explainer behind a lock.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import numpy as np

from minitorch.data import Vocabulary
from minitorch.explain.arithmetic import layer_tables
from minitorch.explain.inputs import MAX_SENTENCE_CHARS, InputError, load_examples, parse_input
from minitorch.explain.layers import Layer, encode_array, layers_of
from minitorch.explain.record import record_forward
from minitorch.explain.sentence import explain_sentence
from minitorch.train.inference import to_tensor
from minitorch.train.tasks import get_task
from minitorch.train.trainer import BACKENDS, TrainConfig, load_trained

__all__ = ["Explainer", "KEEP_PASSES"]

KEEP_PASSES = 32


class Explainer:
    """Explains one trained run (a folder written by `minitorch train`).

    Args:
        run: the run folder.
        data: the data folder for test examples (default: the one the run was trained on).
        examples: how many test examples the picker offers. Default 24.
    """

    def __init__(self, run: str | Path, data: Optional[str] = None, examples: int = 24):
        self.run = Path(run)
        self.model, self.metadata = load_trained(self.run)
        self.config = TrainConfig.from_dict(self.metadata["config"])
        self.task = get_task(self.config.task)
        self.input_shape = tuple(self.metadata["input_shape"])
        self.class_names: List[str] = list(self.metadata["class_names"])
        if self.task.is_text:
            self.mode = "sentence"
            if not hasattr(self.model, "convs"):
                raise ValueError(f"explain: the sentence view needs a Kim CNN; {self.config.model!r} is not one")
        else:
            self.mode = "image" if len(self.input_shape) == 3 else "signal"
        self.vocab = Vocabulary(self.metadata["vocab"]) if self.task.is_text else None
        self.examples = load_examples(self.task, data if data is not None else self.config.data, examples)
        self._passes: "OrderedDict[str, Tuple[Any, List[Layer]]]" = OrderedDict()
        self._count = 0
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ page facts
    def _last_epoch(self) -> Dict[str, Any]:
        """The run's last metrics row (epoch, test accuracy, ...), {} when metrics.json is unreadable."""
        try:
            rows = json.loads((self.run / "metrics.json").read_text())
            return dict(rows[-1])
        except (OSError, ValueError, KeyError, IndexError, TypeError):
            return {}

    def info(self) -> Dict[str, Any]:
        """What the page needs once: run facts, classes, the input's shape and kind, the examples."""
        examples: Dict[str, Any] = {"labels": self.examples.labels, "note": self.examples.note}
        last = self._last_epoch()
        if self.mode == "sentence":
            examples["sentences"] = self.examples.inputs
        elif self.examples.inputs:
            examples["inputs"] = encode_array(np.stack(self.examples.inputs))  # (N, *input_shape)
        return {
            "run": self.run.resolve().name, "task": self.config.task, "model": self.config.model,
            "mode": self.mode, "input_shape": list(self.input_shape), "classes": self.class_names,
            "epochs": last.get("epoch"), "test_accuracy": last.get("test_acc"), "examples": examples,
            "max_sentence_chars": MAX_SENTENCE_CHARS,
        }

    # ------------------------------------------------------------------ one forward pass
    def explain(self, request: Any) -> Dict[str, Any]:
        """Run the model once on the requested input; every layer's output and the probabilities."""
        min_length = max(getattr(self.model, "kernel_sizes", (1,)))
        parsed = parse_input(request, self.task, self.input_shape, self.examples, self.vocab, min_length)
        model_input = parsed["model_input"]
        if self.mode != "sentence":
            model_input = to_tensor(np.asarray(model_input), self.config.dtype, BACKENDS[self.config.backend])
        with self._lock:
            recording = record_forward(self.model, model_input)
            layers = [] if self.mode == "sentence" else layers_of(recording)
            self._count += 1
            pass_id = str(self._count)
            self._passes[pass_id] = (recording, layers)
            while len(self._passes) > KEEP_PASSES:
                self._passes.popitem(last=False)
        result: Dict[str, Any] = {
            "pass": pass_id, "label": parsed["label"], "predicted": int(np.argmax(recording.probabilities)),
            "probabilities": [float(p) for p in recording.probabilities],
        }
        if self.mode == "sentence":
            result["sentence"] = explain_sentence(self.model, recording, parsed["words"], parsed["known"])
        else:
            result["layers"] = [layer.to_json() for layer in layers]
        return result

    def tables(self, pass_id: str, layer: int) -> Dict[str, Any]:
        """The arithmetic of every unit of one layer of a kept pass (see `layer_tables`)."""
        with self._lock:
            if pass_id not in self._passes:
                raise InputError(f"pass {pass_id!r} is no longer kept (the last {KEEP_PASSES} are); explain again")
            layers = self._passes[pass_id][1]
        if not isinstance(layer, int) or not 0 <= layer < len(layers):
            raise InputError(f"layer: expected an index in 0..{len(layers) - 1}, got {layer!r}")
        return layer_tables(layers[layer])

    def all_tables(self, pass_id: str) -> Dict[str, Any]:
        """Every explained layer's tables of a kept pass, by layer index, without the conv products
        (for the static export, which would otherwise hold megabytes per example)."""
        with self._lock:
            layers = self._passes[pass_id][1]
        return {str(layer.index): tables for layer in layers if (tables := layer_tables(layer, with_products=False))}
