"""Mutation check: plant realistic bugs, one at a time, in a copy of the package and expect the
tests that guard that code to fail. Reports the kill rate, so the suite's strength is measured.

    python tests/mutation_check.py            # every mutant (a few minutes on 2 cores)
    python tests/mutation_check.py adam same  # mutants whose name contains a word

Each mutant replaces one exact snippet of one file (a mutant whose snippet no longer exists is
reported as stale: update it with the code). The copy lives in a temporary folder; the numba
cache is shared between runs so only the mutated file recompiles. Not part of the pytest run
(it runs the suite many times); the last measured result is in the project notes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Mutant:
    name: str
    path: str  # under minitorch/
    old: str
    new: str
    tests: tuple  # pytest arguments (files, -k expressions) that must catch it


MUTANTS = [
    Mutant("evaluate stays in training mode", "train/inference.py",
           '    """Mean loss, accuracy and class predictions (N,) of `model` in eval mode."""\n    model.eval()\n',
           '    """Mean loss, accuracy and class predictions (N,) of `model` in eval mode."""\n',
           ("tests/test_train_smoke.py",)),
    Mutant("random_shift_ shifts nothing", "train/tasks.py",
           "return rng.integers(-max_shift, max_shift + 1, size=(n, 2))",
           "return np.zeros((n, 2), dtype=np.int64)",
           ("tests/test_train_smoke.py",)),
    Mutant("xavier_uniform_ bound sqrt(3 / fans)", "nn/init.py",
           "bound = gain * math.sqrt(6.0 / (fan_in + fan_out))", "bound = gain * math.sqrt(3.0 / (fan_in + fan_out))",
           ("tests/test_nn_init.py",)),
    Mutant("calculate_gain tanh 4/3", "nn/init.py", "return 5.0 / 3.0", "return 4.0 / 3.0", ("tests/test_nn_init.py",)),
    Mutant("kaiming fan_out used for fan_in", "nn/init.py",
           'fan = fan_in if mode == "fan_in" else fan_out', 'fan = fan_out if mode == "fan_in" else fan_in',
           ("tests/test_nn_init.py",)),
    Mutant("predict ranks the least likely first", "cli.py",
           "order = np.argsort(-row)[:args.top]", "order = np.argsort(row)[:args.top]", ("tests/test_cli.py",)),
    Mutant("same padding: extra element on the low side", "ops/conv.py",
           "low = tuple(t // 2 for t in total)", "low = tuple((t + 1) // 2 for t in total)",
           ("tests/test_registry.py", "-k", "conv")),
    Mutant("to_index column-major", "core/strides.py",
           "    for i in range(len(shape) - 1, -1, -1):\n        out_index[i] = remaining % shape[i]",
           "    for i in range(len(shape)):\n        out_index[i] = remaining % shape[i]",
           ("tests/test_tensor_data.py",)),
    Mutant("conv bias gradient of an empty batch", "ops/conv.py",
           "grad.reshape(grad.shape[0], grad.shape[1], length)", "grad.reshape(grad.shape[0], grad.shape[1], -1)",
           ("tests/test_conv.py", "-k", "empty")),
    Mutant("logsumexp gradient of an infinite row", "ops/softmax.py",
           "        if bool(infinite.any()):", "        if False:", ("tests/test_softmax.py",)),
    Mutant("cross_entropy probabilities ignore ignore_index", "ops/loss.py",
           "        if ignore_index != -100:\n", "        if False:\n",
           ("tests/test_registry.py", "-k", "cross_entropy_probs")),
    Mutant("Adam without its first-moment bias correction", "optim/adam.py",
           "return lr / (1.0 - beta1**step), math.sqrt", "return lr, math.sqrt", ("tests/test_optim.py",)),
    Mutant("checkpoint tree: dict bodies unchecked", "io/checkpoint.py",
           "    if not isinstance(body, list):\n", "    if False:\n",
           ("tests/test_io_checkpoint.py", "tests/test_checkpoint_corpus.py")),
    Mutant("orphaned temporary folders kept", "io/atomic.py",
           '    if os.name != "posix":\n        return removed\n', "    return removed\n",
           ("tests/test_io_atomic.py",)),
    Mutant("labels not checked against the classes", "data/idx.py",
           "bad = np.flatnonzero(labels >= num_classes)", "bad = np.flatnonzero(labels > 255)",
           ("tests/test_cli_bad_input.py",)),
    Mutant("an existing run folder overwritten", "train/run_folder.py",
           "    if resume or not folder.is_dir() or not any(folder.iterdir()):", "    if True:",
           ("tests/test_cli_bad_input.py",)),
    Mutant("load_state_dict accepts complex values", "nn/module_state.py",
           'dtype.kind not in "biuf"', 'dtype.kind not in "biufc"', ("tests/test_nn_layers.py", "-k", "state_dict")),
]


def _run_tests(copy: Path, tests: tuple, env: dict) -> tuple[bool, float]:
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests],
                            cwd=copy, env=env, capture_output=True, text=True)
    return result.returncode == 0, time.perf_counter() - start


def main(words: list[str]) -> int:
    chosen = [m for m in MUTANTS if not words or any(w.lower() in m.name.lower() for w in words)]
    with tempfile.TemporaryDirectory(prefix="minitorch-mutants-") as tmp:
        copy = Path(tmp) / "repo"
        for part in ("minitorch", "tests"):
            shutil.copytree(ROOT / part, copy / part, ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
        shutil.copy(ROOT / "README.md", copy / "README.md")
        env = {**os.environ, "PYTHONPATH": str(copy), "NUMBA_CACHE_DIR": str(Path(tmp) / "numba-cache")}
        killed, stale, rows = 0, 0, []
        for mutant in chosen:
            target = copy / "minitorch" / mutant.path
            original = target.read_text()
            if original.count(mutant.old) != 1:
                stale += 1
                rows.append(("STALE", mutant.name, 0.0))
                continue
            passed, _ = _run_tests(copy, mutant.tests, env)  # the guarding tests pass on the real code
            if not passed:
                rows.append(("BROKEN", mutant.name + " (tests fail without the mutant)", 0.0))
                continue
            target.write_text(original.replace(mutant.old, mutant.new))
            try:
                survived, seconds = _run_tests(copy, mutant.tests, env)
            finally:
                target.write_text(original)
            killed += not survived
            rows.append(("killed" if not survived else "SURVIVED", mutant.name, seconds))
            print(f"{rows[-1][0]:>9}  {mutant.name}  ({seconds:.0f} s)", flush=True)
    live = len(chosen) - stale
    for status, name, _ in rows:
        if status in ("STALE", "BROKEN"):
            print(f"{status:>9}  {name}")
    print(f"kill rate: {killed}/{live} mutants killed" + (f" ({stale} stale)" if stale else ""))
    return 0 if killed == live and not stale else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
