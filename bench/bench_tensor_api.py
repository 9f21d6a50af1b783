"""Tensor API benchmarks (issue 11): slicing views, reshape views, advanced indexing, cat/stack,
split, where, clamp, pow, max along a dim.

Each row times forward + backward (an upstream gradient of the output's shape) of ours and
PyTorch's in this process, float32, warm, medians; view creation is forward only, no graph.

Run: python bench/bench_tensor_api.py  (BENCH_THREADS=2 for 2 threads)
"""

from __future__ import annotations

import time

from common import THREADS, Table, median_time, write_section  # noqa: I001  (pins threads before imports)

import numpy as np  # noqa: E402
import torch  # noqa: E402

import minitorch  # noqa: E402

TARGET = "<= 1.2x"


def pair(array: np.ndarray, requires_grad: bool = True):
    return minitorch.from_numpy(array.copy(), requires_grad=requires_grad), torch.from_numpy(array.copy()).requires_grad_(requires_grad)


def fwd_bwd(table: Table, case: str, inputs, ours, theirs, repeats: int = 15) -> None:
    """Time out = f(*inputs); out.backward(g) for ours and torch."""
    (mine, torch_inputs) = inputs
    g_np = np.random.default_rng(1).standard_normal(tuple(theirs(*torch_inputs).shape)).astype(np.float32)
    g, tg = minitorch.from_numpy(g_np), torch.from_numpy(g_np)

    def run_ours() -> None:
        for t in mine:
            t.grad = None
        ours(*mine).backward(g)

    def run_torch() -> None:
        for t in torch_inputs:
            t.grad = None
        theirs(*torch_inputs).backward(tg)

    table.add(case, median_time(run_ours, repeats), median_time(run_torch, repeats), TARGET)


def slicing(table: Table) -> None:
    x_np = np.random.default_rng(0).standard_normal((64, 3, 32, 32)).astype(np.float32)
    x, tx = pair(x_np, requires_grad=False)

    def many(fn):
        return lambda: [fn() for _ in range(1000)]

    ours = median_time(many(lambda: x[:, 1:3])) / 1000
    theirs = median_time(many(lambda: tx[:, 1:3])) / 1000
    table.add("view x[:, 1:3] of (64, 3, 32, 32), no grad (per view)", ours, theirs, "< 5 us, " + TARGET)
    ours = median_time(many(lambda: x[:, 1:3].reshape(64, -1))) / 1000
    theirs = median_time(many(lambda: tx[:, 1:3].reshape(64, -1))) / 1000
    table.add("x[:, 1:3].reshape(64, -1), a view of strided data, no grad", ours, theirs, TARGET)
    x, tx = pair(x_np)
    fwd_bwd(table, "x[:, 1:3] of (64, 3, 32, 32) fwd+bwd", ([x], [tx]), lambda a: a[:, 1:3], lambda a: a[:, 1:3])


def advanced(table: Table) -> None:
    rng = np.random.default_rng(2)
    w_np = rng.standard_normal((50_000, 300)).astype(np.float32)
    rows = rng.integers(0, 50_000, size=4096)
    index, t_index = minitorch.from_numpy(rows), torch.from_numpy(rows)
    w, tw = pair(w_np)
    fwd_bwd(table, "x[idx], 4096 random rows of (50000, 300) fwd+bwd", ([w], [tw]), lambda a: a[index], lambda a: a[t_index], 7)


def joins(table: Table) -> None:
    rng = np.random.default_rng(3)
    parts = [pair(rng.standard_normal((64, 128)).astype(np.float32)) for _ in range(8)]
    mine, theirs = [p[0] for p in parts], [p[1] for p in parts]
    fwd_bwd(table, "cat of 8 (64, 128) fwd+bwd", (mine, theirs), lambda *xs: minitorch.cat(xs, 0), lambda *xs: torch.cat(xs, 0))
    fwd_bwd(table, "stack of 8 (64, 128) fwd+bwd", (mine, theirs), lambda *xs: minitorch.stack(xs, 0), lambda *xs: torch.stack(xs, 0))
    w, tw = pair(rng.standard_normal((512, 1024)).astype(np.float32))
    fwd_bwd(table, "split (512, 1024) into 8, cat in reverse order, fwd+bwd", ([w], [tw]),
            lambda a: minitorch.cat(a.split(64, 0)[::-1], 0), lambda a: torch.cat(a.split(64, 0)[::-1], 0))


def extremes(table: Table) -> None:
    rng = np.random.default_rng(5)
    x, tx = pair(rng.standard_normal((256, 1000)).astype(np.float32))
    fwd_bwd(table, "x.max(1).values of (256, 1000) fwd+bwd", ([x], [tx]), lambda a: a.max(1).values, lambda a: a.max(1).values)
    y, ty = pair(rng.standard_normal((16, 8, 28, 28)).astype(np.float32))
    fwd_bwd(table, "course maxpool2d 2x2 of (16, 8, 28, 28) fwd+bwd (torch: max_pool2d)", ([y], [ty]),
            lambda a: minitorch.maxpool2d(a, (2, 2)), lambda a: torch.nn.functional.max_pool2d(a, 2))


def elementwise(table: Table) -> None:
    rng = np.random.default_rng(4)
    for shape in ((64, 128), (512, 512)):
        a_np = rng.standard_normal(shape).astype(np.float32)
        b_np = rng.standard_normal(shape).astype(np.float32)
        name = f"({shape[0]}, {shape[1]})"
        (a, ta), (b, tb) = pair(a_np), pair(b_np)
        mask, t_mask = minitorch.from_numpy(a_np > 0), torch.from_numpy(a_np > 0)
        fwd_bwd(table, f"where(mask, a, b) {name} fwd+bwd", ([a, b], [ta, tb]),
                lambda x, y: minitorch.where(mask, x, y), lambda x, y: torch.where(t_mask, x, y))
        fwd_bwd(table, f"clamp(-0.5, 0.5) {name} fwd+bwd", ([a], [ta]), lambda x: x.clamp(-0.5, 0.5), lambda x: x.clamp(-0.5, 0.5))
        fwd_bwd(table, f"x ** 2 {name} fwd+bwd", ([a], [ta]), lambda x: x ** 2, lambda x: x ** 2)
        p_np = np.abs(a_np) + 0.1
        p, tp = pair(p_np)
        fwd_bwd(table, f"x ** 1.5 {name} fwd+bwd", ([p], [tp]), lambda x: x ** 1.5, lambda x: x ** 1.5)


def main() -> None:
    table = Table(f"Tensor API, float32, {THREADS} thread(s)", unit="us")
    print(f"# tensor API benchmarks, {THREADS} thread(s)")
    slicing(table)
    advanced(table)
    joins(table)
    extremes(table)
    elementwise(table)
    print()
    print(table.markdown())
    write_section(f"Tensor API ({THREADS} thread(s))", "`python bench/bench_tensor_api.py`\n\n" + table.markdown())


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"(ran in {time.perf_counter() - start:.0f} s)")
