"""Layer, loss and optimizer speed: fused Linear, fused cross-entropy, activations, SGD/Adam steps,
ours vs PyTorch.

float32, one thread, both libraries in this process on the same data. "fwd+bwd" = forward,
then backward of a fixed upstream gradient (Linear) or of the loss itself (cross-entropy).

Run: python bench/bench_nn.py   (writes "## Layers, losses, optimizers" in bench/RESULTS.md)
"""

from __future__ import annotations


from common import RESULTS, THREADS, Table, machine, median_time, write_section  # noqa: I001  (pins threads before imports)

import numpy as np  # noqa: E402
import torch  # noqa: E402

import minitorch  # noqa: E402
from minitorch import nn, optim  # noqa: E402
from minitorch.nn import functional as F  # noqa: E402

SECTION = "Layers, losses, optimizers"


def linear_case(batch: int, n_in: int, n_out: int):
    layer = nn.Linear(n_in, n_out, dtype="float32")
    ref = torch.nn.Linear(n_in, n_out)
    ref.load_state_dict({k: torch.from_numpy(np.array(v.to_numpy())) for k, v in layer.state_dict().items()})
    rng = np.random.default_rng(0)
    x_np = rng.standard_normal((batch, n_in)).astype(np.float32)
    g_np = rng.standard_normal((batch, n_out)).astype(np.float32)
    x, tx = minitorch.from_numpy(x_np, requires_grad=True), torch.from_numpy(x_np).requires_grad_(True)
    g, tg = minitorch.from_numpy(g_np), torch.from_numpy(g_np)

    def ours():
        layer(x).backward(g)

    def theirs():
        ref(tx).backward(tg)

    return ours, theirs


def cross_entropy_case(batch: int, classes: int, smoothing: float):
    rng = np.random.default_rng(1)
    z_np = rng.standard_normal((batch, classes)).astype(np.float32)
    y_np = rng.integers(0, classes, batch)
    z, tz, ty = minitorch.from_numpy(z_np, requires_grad=True), torch.from_numpy(z_np).requires_grad_(True), torch.from_numpy(y_np)

    def ours():
        F.cross_entropy(z, y_np, label_smoothing=smoothing).backward()

    def theirs():
        torch.nn.functional.cross_entropy(tz, ty, label_smoothing=smoothing).backward()

    return ours, theirs


def activation_case(ours_fn, theirs_fn, shape=(64, 256, 32)):
    """An elementwise activation forward, then backward of a fixed upstream gradient."""
    rng = np.random.default_rng(3)
    x_np, g_np = rng.standard_normal(shape).astype(np.float32), rng.standard_normal(shape).astype(np.float32)
    x, tx = minitorch.from_numpy(x_np, requires_grad=True), torch.from_numpy(x_np).requires_grad_(True)
    g, tg = minitorch.from_numpy(g_np), torch.from_numpy(g_np)

    def ours():
        x.grad = None
        ours_fn(x).backward(g)

    def theirs():
        tx.grad = None
        theirs_fn(tx).backward(tg)

    return ours, theirs


TF = torch.nn.functional
# the activations whose float32 forms are vectorised (backends/fast_activation.py)
TRANSCENDENTAL = [
    ("gelu tanh", lambda x: F.gelu(x, approximate="tanh"), lambda x: TF.gelu(x, approximate="tanh")),
    ("silu", F.silu, TF.silu),
    ("mish", F.mish, TF.mish),
    ("elu", F.elu, TF.elu),
    ("selu", F.selu, TF.selu),
    ("celu alpha=2", lambda x: F.celu(x, 2.0), lambda x: TF.celu(x, 2.0)),
    ("softplus", F.softplus, TF.softplus),
    ("logsigmoid", F.logsigmoid, TF.logsigmoid),
    ("tanhshrink", F.tanhshrink, TF.tanhshrink),
]


def optimizer_case(make, make_ref):
    """One step over LeNet-5-sized parameters with fixed gradients."""
    shapes = [(6, 1, 5, 5), (6,), (16, 6, 5, 5), (16,), (120, 400), (120,), (84, 120), (84,), (10, 84), (10,)]
    rng = np.random.default_rng(2)
    params, ref_params = [], []
    for shape in shapes:
        value = rng.standard_normal(shape).astype(np.float32)
        p = nn.Parameter(minitorch.from_numpy(value.copy()))
        p.value.grad = minitorch.from_numpy(rng.standard_normal(shape).astype(np.float32))
        q = torch.nn.Parameter(torch.from_numpy(value.copy()))
        q.grad = torch.from_numpy(p.value.grad.to_numpy().copy())
        params.append(p)
        ref_params.append(q)
    opt, ref_opt = make(params), make_ref(ref_params)
    return opt.step, ref_opt.step


def main() -> None:
    table = Table(f"Layers, losses, optimizers ({THREADS} thread)", unit="us")
    cases = [
        ("Linear 400->120 fwd+bwd, batch 64", linear_case(64, 400, 120)),
        ("Linear 84->10 fwd+bwd, batch 64", linear_case(64, 84, 10)),
        ("cross_entropy fwd+bwd, (64, 10)", cross_entropy_case(64, 10, 0.0)),
        ("cross_entropy label_smoothing=0.1 fwd+bwd, (256, 100)", cross_entropy_case(256, 100, 0.1)),
        ("gelu fwd+bwd, (64, 256, 32)", activation_case(F.gelu, torch.nn.functional.gelu)),
        ("leaky_relu fwd+bwd, (64, 256, 32)", activation_case(F.leaky_relu, torch.nn.functional.leaky_relu)),
    ] + [
        (f"{name} fwd+bwd, (64, 256, 32)", activation_case(ours, theirs)) for name, ours, theirs in TRANSCENDENTAL
    ] + [
        ("SGD(momentum=0.9) step, LeNet-5 params", optimizer_case(
            lambda p: optim.SGD(p, lr=0.01, momentum=0.9), lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.9))),
        ("Adam step, LeNet-5 params", optimizer_case(
            lambda p: optim.Adam(p, lr=1e-3), lambda p: torch.optim.Adam(p, lr=1e-3, foreach=False))),
        ("AdamW step, LeNet-5 params", optimizer_case(
            lambda p: optim.AdamW(p, lr=1e-3), lambda p: torch.optim.AdamW(p, lr=1e-3, foreach=False))),
    ]
    for name, (ours, theirs) in cases:
        table.add(name, median_time(ours, repeats=200, warmup=20), median_time(theirs, repeats=200, warmup=20), "<= 1.0x")
    write_section(SECTION, "Run: `python bench/bench_nn.py`. float32; torch's optimizers with foreach=False "
                  "(its default on CPU).\n\n" + table.markdown())
    print(f"\n{machine()}; wrote {RESULTS}")


if __name__ == "__main__":
    main()
