"""Normalization layers' speed: BatchNorm2d and LayerNorm training steps, ours vs PyTorch.

float32, one thread, both libraries in this process on the same data and weights. "fwd+bwd" =
the layer's forward in training mode (batch statistics, running statistics updated), then
backward of a fixed upstream gradient into the input, weight and bias.

Run: python bench/bench_norm.py   (writes "## Normalization" in bench/RESULTS.md)
"""

from __future__ import annotations

from common import RESULTS, THREADS, Table, machine, paired_medians, write_section  # noqa: I001  (pins threads before imports)

import numpy as np  # noqa: E402
import torch  # noqa: E402

import minitorch  # noqa: E402
from minitorch import nn  # noqa: E402

SECTION = "Normalization"


def layer_case(make, make_ref, shape):
    """fwd+bwd of our layer and torch's (same weights, same input and upstream gradient)."""
    layer, ref = make(), make_ref()
    layer.load_state_dict({k: v.numpy() for k, v in ref.state_dict().items()})
    rng = np.random.default_rng(0)
    x_np = rng.normal(0.5, 2.0, shape).astype(np.float32)
    g_np = rng.standard_normal(shape).astype(np.float32)
    x, tx = minitorch.from_numpy(x_np, requires_grad=True), torch.from_numpy(x_np).requires_grad_(True)
    g, tg = minitorch.from_numpy(g_np), torch.from_numpy(g_np)

    def ours():
        layer(x).backward(g)

    def theirs():
        ref(tx).backward(tg)

    return ours, theirs


def main() -> None:
    table = Table(f"Normalization ({THREADS} thread)", unit="ms")
    cases = [
        ("BatchNorm2d(32) train fwd+bwd, (64, 32, 16, 16)", layer_case(
            lambda: nn.BatchNorm2d(32, dtype="float32"), lambda: torch.nn.BatchNorm2d(32), (64, 32, 16, 16))),
        ("LayerNorm(256) fwd+bwd, (64, 128, 256)", layer_case(
            lambda: nn.LayerNorm(256, dtype="float32"), lambda: torch.nn.LayerNorm(256), (64, 128, 256))),
    ]
    for name, (ours, theirs) in cases:
        table.add(name, *paired_medians(ours, theirs, repeats=50, warmup=5), "<= 1.0x")
    write_section(SECTION, "Run: `python bench/bench_norm.py`. float32, training mode.\n\n" + table.markdown())
    print(f"\n{machine()}; wrote {RESULTS}")


if __name__ == "__main__":
    main()
