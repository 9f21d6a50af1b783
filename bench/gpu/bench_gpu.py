"""GPU benchmarks: minitorch's CUDA backend beside PyTorch CUDA, in one process, CUDA-synchronised.

Sections (each runs on its own: a failure is recorded in its table and the next one starts):

* matmul 4096^3 fp32: torch.matmul, ours through cuBLAS (`a @ b` on CUDA tensors, and raw
  `cupy.matmul`), our numba register-tiled kernel and the course's tiled kernel, in TFLOP/s;
* launch overhead: small (1,000-element) elementwise ops issued back to back, per op;
* convolutions a3, b2, c, d1 (bench/bench_conv.py's cases), forward + backward, fp32;
* training steps: LeNet-5 and the course network at batch 64 and 256 (SGD momentum 0.9);
* one epoch over MNIST's t10k file (LeNet-5, batch 64), when the data is there.

Timing: warm-up calls first (the first call, which compiles, is logged), then the median of
alternating ours / torch calls, each ended by a device synchronisation. Sections run in the
order given; once --budget seconds have passed, the remaining sections and cases are recorded
as skipped. Writes OUT/bench.md and OUT/bench.json (OUT: $OUT or ./gpu-results).

Run: python bench/gpu/bench_gpu.py [--sections launch,matmul,conv,train,mnist] [--mnist DIR] [--budget S]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import traceback
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import minitorch  # noqa: E402
from minitorch import optim  # noqa: E402
from minitorch.backends.base import TensorOps  # noqa: E402
from minitorch.backends.cuda import CudaOps  # noqa: E402
from minitorch.backends.cuda_device import synchronize, uses_cupy  # noqa: E402
from minitorch.backends.device import cuda_backend  # noqa: E402
from minitorch.models import CourseNetwork, LeNet5  # noqa: E402
from minitorch.nn import functional as F  # noqa: E402

OUT = Path(os.environ.get("OUT") or ROOT / "gpu-results")
RESULTS: Dict[str, Any] = {"sections": {}}
MARKDOWN: List[str] = []
TORCH_DEVICE = "cuda" if torch.cuda.is_available() else "cpu"  # cpu: --quick smoke runs without a GPU
# fp32 against fp32: PyTorch's convolutions would otherwise run in TF32 on tensor cores (cuDNN's
# default; GPU check run 2 measured that way), while ours and CuPy's cuBLAS compute in full fp32
torch.backends.cudnn.allow_tf32 = False
torch.backends.cuda.matmul.allow_tf32 = False
QUICK = False  # --quick: tiny sizes and few repeats, to check the script itself (e.g. in the simulator)
START = time.monotonic()
BUDGET = float("inf")  # --budget: seconds after which what is left is skipped


def over_budget() -> bool:
    return time.monotonic() - START > BUDGET


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def sync() -> None:
    synchronize()
    if TORCH_DEVICE == "cuda":
        torch.cuda.synchronize()


def timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    sync()
    return time.perf_counter() - start


def median_seconds(fn: Callable[[], Any], repeats: int = 10, warmup: int = 2) -> float:
    """Median seconds of fn(), each call synchronised."""
    repeats, warmup = (1, 1) if QUICK else (repeats, warmup)
    log(f"  first call (compiling): {timed(fn):.3f} s")
    for _ in range(warmup - 1):
        fn()
    sync()
    return statistics.median(timed(fn) for _ in range(repeats))


def paired(ours: Callable[[], Any], theirs: Callable[[], Any], repeats: int = 20, warmup: int = 3) -> Tuple[float, float]:
    """Median seconds of ours() and theirs(), alternating, each call synchronised (the first
    calls, which compile, are logged)."""
    repeats, warmup = (1, 1) if QUICK else (repeats, warmup)
    first = timed(ours), timed(theirs)
    log(f"  first calls (compiling): ours {first[0]:.3f} s, torch {first[1]:.3f} s")
    for _ in range(warmup - 1):
        ours()
        theirs()
    sync()
    a, b = [], []
    for _ in range(repeats):
        a.append(timed(ours))
        b.append(timed(theirs))
    return statistics.median(a), statistics.median(b)


def section(name: str, header: str):
    """Decorator: run a section, record its rows (or its error) as a markdown table."""

    def wrap(fn: Callable[[List[List[str]]], None]) -> Callable[[], None]:
        def run() -> None:
            rows: List[List[str]] = []
            if over_budget():
                log(f"section {name}: skipped (budget of {BUDGET:.0f} s spent)")
                RESULTS["sections"][name] = {"status": "skipped: budget", "seconds": 0.0, "rows": []}
                MARKDOWN.append(f"### {name}\n\nskipped: the run's {BUDGET:.0f} s budget was spent\n")
                write()
                return
            log(f"section {name}: start")
            start = time.perf_counter()
            try:
                fn(rows)
                status = "ok"
            except Exception as error:  # recorded, and the next section still runs
                traceback.print_exc()
                status = f"failed: {type(error).__name__}: {error}"
                rows.append([f"(failed: {type(error).__name__}: {str(error)[:200]})"])
            seconds = time.perf_counter() - start
            log(f"section {name}: {status} ({seconds:.1f} s)")
            RESULTS["sections"][name] = {"status": status, "seconds": seconds, "rows": rows}
            MARKDOWN.append(f"### {name}\n\n{header}\n" + "\n".join("| " + " | ".join(r) + " |" for r in rows) + "\n")
            write()

        return run

    return wrap


def write() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "bench.json").write_text(json.dumps(RESULTS, indent=1, default=str))
    (OUT / "bench.md").write_text("\n".join(MARKDOWN))


def ratio_row(name: str, ours: float, theirs: float, target: str) -> List[str]:
    ratio = ours / theirs if theirs > 0 else float("nan")
    row = [name, f"{ours * 1e3:.3f}", f"{theirs * 1e3:.3f}", f"{ratio:.2f}x", target]
    log(" | ".join(row))
    return row


def environment() -> None:
    info: Dict[str, Any] = {"python": sys.version.split()[0], "torch": torch.__version__, "numpy": np.__version__}
    try:
        info["gpu"] = torch.cuda.get_device_name(0)
    except Exception as error:
        info["gpu"] = f"unknown ({error})"
    for package in ("numba", "numba-cuda", "cupy-cuda13x", "cupy-cuda12x", "cupy"):
        try:
            from importlib.metadata import version

            info[package] = version(package)
        except Exception:
            pass
    try:
        import cupy

        info["cuda runtime"] = cupy.cuda.runtime.runtimeGetVersion()
        info["cuda driver"] = cupy.cuda.runtime.driverGetVersion()
    except Exception as error:
        info["cupy"] = f"not usable ({error})"
    info["minitorch storage on cupy"] = uses_cupy()
    RESULTS["environment"] = info
    MARKDOWN.append("## GPU benchmarks\n\n" + "\n".join(f"* {k}: {v}" for k, v in info.items()) + "\n")
    log(f"environment: {info}")
    write()


def cuda_tensor(array: np.ndarray, requires_grad: bool = False) -> Any:
    return minitorch.from_numpy(np.ascontiguousarray(array), requires_grad=requires_grad).to("cuda")


@section("matmul 4096^3 fp32", "| path | ms | TFLOP/s | of torch.matmul | target |\n|---|---|---|---|---|")
def matmul(rows: List[List[str]]) -> None:
    n = 64 if QUICK else 4096
    flops = 2.0 * n**3
    rng = np.random.default_rng(0)
    a_np, b_np = rng.standard_normal((n, n), dtype=np.float32), rng.standard_normal((n, n), dtype=np.float32)
    ta, tb = torch.from_numpy(a_np).to(TORCH_DEVICE), torch.from_numpy(b_np).to(TORCH_DEVICE)
    a, b = cuda_tensor(a_np), cuda_tensor(b_np)
    paths: List[Tuple[str, Callable[[], Any], int, str]] = [("ours: a @ b (cuBLAS path)", lambda: a @ b, 10, ">= 90%")]
    if uses_cupy():
        import cupy

        from minitorch.backends.cuda import course_matrix_multiply
        from minitorch.backends.cuda_gemm import batched_gemm

        ca, cb = a.backend.ops.array(a._tensor), b.backend.ops.array(b._tensor)
        out3 = cupy.empty((1, n, n), dtype=cupy.float32)
        out = minitorch.zeros((n, n), dtype="float32").to("cuda")
        paths += [
            ("raw cupy.matmul", lambda: cupy.matmul(ca, cb), 10, ""),
            ("numba register-tiled kernel", lambda: batched_gemm(out3, ca.reshape(1, n, n), cb.reshape(1, n, n)), 5, ">= 25%"),
            ("numba course tiled kernel", lambda: course_matrix_multiply(out._tensor, a._tensor, b._tensor), 3, ""),
        ]
    torch_s = median_seconds(lambda: torch.matmul(ta, tb))
    rows.append(["torch.matmul", f"{torch_s * 1e3:.2f}", f"{flops / torch_s / 1e12:.1f}", "100%", ""])
    for name, fn, repeats, target in paths:  # each path on its own: one failing keeps the others' rows
        try:
            seconds = median_seconds(fn, repeats=repeats, warmup=1)
            row = [name, f"{seconds * 1e3:.2f}", f"{flops / seconds / 1e12:.1f}", f"{torch_s / seconds:.0%}", target]
        except Exception as error:
            traceback.print_exc()
            row = [name, f"failed: {type(error).__name__}: {str(error).splitlines()[0][:150]}", "", "", target]
        log(" | ".join(row))
        rows.append(row)
    reference = (ta @ tb)[:64, :64].cpu().numpy()
    log(f"matmul: ours vs torch max abs difference on a 64x64 corner: {float(np.max(np.abs((a @ b).to_numpy()[:64, :64] - reference))):.3g}")
    if uses_cupy():
        log(f"matmul: register-tiled vs torch max abs difference on a 64x64 corner: {float(np.max(np.abs(out3[0, :64, :64].get() - reference))):.3g}")


@section("launch overhead, 1,000-element fp32 ops issued back to back", "| op | ours us/op | torch us/op | ratio | target |\n|---|---|---|---|---|")
def launch(rows: List[List[str]]) -> None:
    rng = np.random.default_rng(1)
    x_np, y_np = rng.standard_normal(1000, dtype=np.float32), rng.standard_normal(1000, dtype=np.float32)
    x, y = cuda_tensor(x_np), cuda_tensor(y_np)
    tx, ty = torch.from_numpy(x_np).to(TORCH_DEVICE), torch.from_numpy(y_np).to(TORCH_DEVICE)
    count = 5 if QUICK else 200
    cases = [
        ("x + y", lambda: x + y, lambda: tx + ty, "<= 2.0x"),
        ("x * y", lambda: x * y, lambda: tx * ty, "<= 2.0x"),
        ("x.relu()", lambda: x.relu(), lambda: tx.relu(), "<= 2.0x"),
        ("x.sigmoid()", lambda: x.sigmoid(), lambda: tx.sigmoid(), "<= 2.0x"),
        ("x * 2.0", lambda: x * 2.0, lambda: tx * 2.0, "<= 2.0x"),
        ("x.sum()", lambda: x.sum(), lambda: tx.sum(), "<= 2.0x"),
    ]
    if uses_cupy():  # where the time goes: CuPy's own floor beside torch's
        import cupy

        from minitorch import operators
        from minitorch.backends import cuda_array_ops

        cx, cy, cz = x.backend.ops.array(x._tensor), y.backend.ops.array(y._tensor), cupy.empty(1000, dtype=cupy.float32)
        tz = torch.empty_like(tx)
        flat_add = cuda_array_ops._flat(operators.add, np.dtype(np.float32))
        cases += [
            ("(floor) cupy.empty(1000) vs torch.empty", lambda: cupy.empty(1000, dtype=cupy.float32),
             lambda: torch.empty(1000, device=TORCH_DEVICE), ""),
            ("(floor) cupy.add(x, y, out=z) vs torch.add(out=)", lambda: cupy.add(cx, cy, out=cz),
             lambda: torch.add(tx, ty, out=tz), ""),
            ("(floor) our flat add RawKernel launch vs torch.add(out=)",
             lambda: flat_add((4,), (256,), (cz, cx, cy, 1, 1, 1000)), lambda: torch.add(tx, ty, out=tz), ""),
        ]
    for name, ours_op, torch_op, target in cases:
        def ours_loop(op=ours_op):
            with minitorch.no_grad():
                for _ in range(count):
                    op()

        def torch_loop(op=torch_op):
            with torch.no_grad():
                for _ in range(count):
                    op()

        ours_s, torch_s = paired(ours_loop, torch_loop, repeats=10)
        ratio = ours_s / torch_s
        row = [name, f"{ours_s / count * 1e6:.1f}", f"{torch_s / count * 1e6:.1f}", f"{ratio:.2f}x", target]
        log(" | ".join(row))
        rows.append(row)


CONV_CASES = [  # bench/bench_conv.py's: name, dims, (N, C_in, *spatial), C_out, kernel, padding
    ("a3", 2, (64, 4, 28, 28), 8, 3, 1),
    ("b2", 2, (128, 6, 14, 14), 16, 5, 0),
    ("c", 2, (32, 64, 56, 56), 64, 3, 1),
    ("d1", 1, (32, 50, 60), 100, 3, "same"),
]


@section("convolution forward + backward, fp32", "| case | ours ms | torch (cuDNN) ms | ratio | target |\n|---|---|---|---|---|")
def conv(rows: List[List[str]]) -> None:
    for name, dims, shape, c_out, kernel, padding in CONV_CASES:
        if over_budget():
            rows.append([name, "skipped: budget", "", "", "<= 2.0x"])
            continue
        if QUICK:
            shape = (2, shape[1] // 8 or 1) + tuple(max(s // 8, 5) for s in shape[2:])
            c_out = max(c_out // 8, 2)
        for variant in ("cuda", "generic"):
            label = name if variant == "cuda" else f"{name} (generic CuPy im2col/col2im)"
            if variant != "cuda" and over_budget():
                continue
            try:
                rows.append(_conv_case(label, dims, shape, c_out, kernel, padding, variant))
            except Exception as error:
                traceback.print_exc()
                rows.append([label, f"failed: {type(error).__name__}: {str(error)[:150]}", "", "", "<= 2.0x"])


def _conv_case(name: str, dims: int, shape: Tuple[int, ...], c_out: int, kernel: int, padding: Any, variant: str) -> List[str]:
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape).astype(np.float32)
    w = (rng.standard_normal((c_out, shape[1]) + (kernel,) * dims) * 0.1).astype(np.float32)
    b = rng.standard_normal(c_out).astype(np.float32)
    torch_fn = torch.nn.functional.conv1d if dims == 1 else torch.nn.functional.conv2d
    ours_fn = F.conv1d if dims == 1 else F.conv2d
    tx = torch.from_numpy(x).to(TORCH_DEVICE).requires_grad_()
    tw, tb = torch.from_numpy(w).to(TORCH_DEVICE).requires_grad_(), torch.from_numpy(b).to(TORCH_DEVICE).requires_grad_()
    tg = torch.randn_like(torch_fn(tx, tw, tb, padding=padding))
    mx, mw, mb = (_on(variant, cuda_tensor(v)).requires_grad_() for v in (x, w, b))
    mg = _on(variant, cuda_tensor(tg.detach().cpu().numpy()))

    def ours() -> None:
        ours_fn(mx, mw, mb, padding=padding).backward(mg)
        mx.grad = mw.grad = mb.grad = None

    def theirs() -> None:
        torch_fn(tx, tw, tb, padding=padding).backward(tg)
        tx.grad = tw.grad = tb.grad = None

    # correctness on the device, once: forward values
    got = ours_fn(mx, mw, mb, padding=padding).to_numpy()
    want = torch_fn(tx, tw, tb, padding=padding).detach().cpu().numpy()
    log(f"conv {name}: max abs difference to torch {float(np.max(np.abs(got - want))):.3g}")
    ours_s, torch_s = paired(ours, theirs, repeats=7 if name == "c" else 20)
    return ratio_row(name, ours_s, torch_s, "<= 2.0x")


class TorchCourse(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1, self.conv2 = torch.nn.Conv2d(1, 4, 3, padding=1), torch.nn.Conv2d(4, 8, 3, padding=1)
        self.linear1, self.linear2 = torch.nn.Linear(392, 64), torch.nn.Linear(64, 10)
        self.dropout = torch.nn.Dropout(0.25)

    def forward(self, x: Any) -> Any:
        x = torch.relu(self.conv2(torch.relu(self.conv1(x))))
        x = torch.nn.functional.avg_pool2d(x, 4).flatten(1)
        x = self.dropout(torch.relu(self.linear1(x)))
        return torch.log_softmax(self.linear2(x), dim=1)


class TorchLeNet(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1, self.conv2 = torch.nn.Conv2d(1, 6, 5, padding=2), torch.nn.Conv2d(6, 16, 5)
        self.fc1, self.fc2, self.fc3 = torch.nn.Linear(400, 120), torch.nn.Linear(120, 84), torch.nn.Linear(84, 10)

    def forward(self, x: Any) -> Any:
        pool = torch.nn.functional.max_pool2d
        x = pool(torch.relu(self.conv1(x)), 2)
        x = pool(torch.relu(self.conv2(x)), 2).flatten(1)
        return self.fc3(torch.relu(self.fc2(torch.relu(self.fc1(x)))))


class GenericWindowOps(CudaOps):
    """CudaOps with TensorOps' generic window and row kernels (written over CuPy: a few CuPy
    launches each) in place of the numba ones (one numba launch each): which is faster here?"""

    name = "cuda (generic CuPy window/row kernels)"


for _kernel in ("unfold", "fold", "max_pool_forward", "max_pool_backward", "avg_pool_forward", "avg_pool_backward",
                "index_add", "softmax_forward", "softmax_backward", "log_softmax_forward", "log_softmax_backward",
                "logsumexp_forward", "row_max_forward"):
    setattr(GenericWindowOps, _kernel, staticmethod(getattr(TensorOps, _kernel)))


_BACKENDS: Dict[str, Any] = {}


def _backend(variant: str) -> Any:
    """The CUDA backend of a benchmark variant: "cuda" (the default), "generic" (GenericWindowOps)."""
    if variant == "cuda":
        return cuda_backend()
    if variant not in _BACKENDS:
        _BACKENDS[variant] = minitorch.TensorBackend(GenericWindowOps)
        _BACKENDS[variant].strict_devices = True
    return _BACKENDS[variant]


def _on(variant: str, t: Any) -> Any:
    """`t` (a CUDA tensor) on the variant's backend (the same device storage)."""
    return t if variant == "cuda" else minitorch.Tensor(t._tensor, backend=_backend(variant))


def _models(kind: str, variant: str = "cuda") -> Tuple[Any, Any, bool]:
    """(ours on the GPU, torch on the GPU with the same weights, whether the output is log-probabilities)."""
    ours, theirs, log_probs = (LeNet5(), TorchLeNet(), False) if kind == "lenet" else (CourseNetwork(), TorchCourse(), True)
    ours.float()
    state = {name: torch.from_numpy(np.array(p.value.to_numpy())) for name, p in ours.named_parameters()}
    theirs.load_state_dict(state)
    return ours.to(_backend(variant)), theirs.to(TORCH_DEVICE), log_probs


def _step_pair(kind: str, batch: int, variant: str = "cuda") -> Tuple[Callable[[], Any], Callable[[], Any]]:
    ours_model, torch_model, log_probs = _models(kind, variant)
    rng = np.random.default_rng(0)
    x_np = rng.standard_normal((batch, 1, 28, 28)).astype(np.float32)
    y_np = rng.integers(0, 10, batch)
    x, y = _on(variant, cuda_tensor(x_np)), _on(variant, cuda_tensor(y_np))  # labels on the device, as torch's
    tx, ty = torch.from_numpy(x_np).to(TORCH_DEVICE), torch.from_numpy(y_np).to(TORCH_DEVICE)
    ours_opt = optim.SGD(ours_model.parameters(), lr=0.01, momentum=0.9)
    torch_opt = torch.optim.SGD(torch_model.parameters(), lr=0.01, momentum=0.9)
    ours_loss = F.nll_loss if log_probs else F.cross_entropy
    torch_loss = torch.nn.functional.nll_loss if log_probs else torch.nn.functional.cross_entropy

    def ours() -> None:
        ours_opt.zero_grad()
        ours_loss(ours_model(x), y).backward()
        ours_opt.step()

    def theirs() -> None:
        torch_opt.zero_grad()
        torch_loss(torch_model(tx), ty).backward()
        torch_opt.step()

    return ours, theirs


@section("training step (zero_grad, forward, loss, backward, SGD momentum 0.9), fp32", "| case | ours ms | torch ms | ratio | target |\n|---|---|---|---|---|")
def train(rows: List[List[str]]) -> None:
    cases = [(kind, label, batch, "cuda") for kind, label in (("lenet", "LeNet-5"), ("course", "course network"))
             for batch in ((2, 4) if QUICK else (64, 256))]
    cases += [("lenet", "LeNet-5 (generic CuPy window/row kernels)", batch, "generic") for batch in ((4,) if QUICK else (64, 256))]
    for kind, label, batch, variant in cases:
        name = f"{label} step, batch {batch}"
        if over_budget():
            rows.append([name, "skipped: budget", "", "", ""])
            continue
        try:
            ours, theirs = _step_pair(kind, batch, variant)
            target = "<= 2.0x" if kind == "lenet" and batch == 256 and variant == "cuda" else ""
            rows.append(ratio_row(name, *paired(ours, theirs, repeats=30, warmup=5), target))
        except Exception as error:
            traceback.print_exc()
            rows.append([name, f"failed: {type(error).__name__}: {str(error)[:150]}", "", "", ""])


def mnist_epoch(rows: List[List[str]], root: Path) -> None:
    from minitorch.data import load_mnist

    images, labels = load_mnist(root, split="test")
    if QUICK:
        images, labels = images[:8], labels[:8]
    x_all = (images.astype(np.float32) / 255.0).reshape(-1, 1, 28, 28)
    batch = 64
    for label, framework in (("ours", "minitorch"), ("torch", "torch")):
        ours_model, torch_model, _ = _models("lenet")
        start = time.perf_counter()
        correct, total_loss = 0, 0.0
        if framework == "minitorch":
            opt = optim.Adam(ours_model.parameters(), lr=2e-3)
            for i in range(0, len(x_all), batch):
                x = cuda_tensor(x_all[i : i + batch])
                y = labels[i : i + batch].astype(np.int64)
                opt.zero_grad()
                logits = ours_model(x)
                loss = F.cross_entropy(logits, y)
                loss.backward()
                opt.step()
                total_loss += loss.item() * len(x_all[i : i + batch])
                correct += int((logits.to_numpy().argmax(axis=1) == labels[i : i + batch]).sum())
        else:
            topt = torch.optim.Adam(torch_model.parameters(), lr=2e-3)
            for i in range(0, len(x_all), batch):
                tx = torch.from_numpy(x_all[i : i + batch]).to(TORCH_DEVICE)
                ty = torch.from_numpy(labels[i : i + batch].astype(np.int64)).to(TORCH_DEVICE)
                topt.zero_grad()
                logits = torch_model(tx)
                loss = torch.nn.functional.cross_entropy(logits, ty)
                loss.backward()
                topt.step()
                total_loss += loss.item() * len(tx)
                correct += int((logits.argmax(dim=1) == ty).sum().item())
        sync()
        seconds = time.perf_counter() - start
        row = [label, f"{seconds:.2f}", f"{len(x_all) / seconds:.0f}", f"{total_loss / len(x_all):.4f}", f"{correct / len(x_all):.2%}"]
        log(" | ".join(row))
        rows.append(row)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", default="launch,matmul,conv,train,mnist")
    parser.add_argument("--budget", type=float, default=float("inf"), help="seconds; later sections are skipped")
    parser.add_argument("--mnist", default=os.environ.get("MNIST_DIR", str(ROOT / ".gpu-data" / "mnist")))
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one repeat: check the script itself")
    args = parser.parse_args()
    global QUICK, BUDGET
    QUICK, BUDGET = args.quick, args.budget
    wanted = args.sections.split(",")
    environment()
    runs = {"matmul": matmul, "launch": launch, "conv": conv, "train": train}
    for name in wanted:
        if name in runs:
            runs[name]()
    if "mnist" in wanted and over_budget():
        MARKDOWN.append(f"### one epoch over MNIST t10k\n\nskipped: the run's {BUDGET:.0f} s budget was spent\n")
        write()
    elif "mnist" in wanted:
        root = Path(args.mnist)
        if (root / "t10k-images-idx3-ubyte.gz").exists() or (root / "t10k-images-idx3-ubyte").exists():
            header = "| library | seconds | images/s | mean train loss | train accuracy (online) |\n|---|---|---|---|---|"
            section("one epoch over MNIST t10k (10,000 images), LeNet-5, Adam 2e-3, batch 64", header)(
                lambda rows: mnist_epoch(rows, root)
            )()
        else:
            log(f"mnist: no t10k files in {root}; skipped")
            MARKDOWN.append(f"### one epoch over MNIST t10k\n\nskipped: no t10k IDX files in {root}\n")
            write()
    log(f"wrote {OUT / 'bench.md'} and {OUT / 'bench.json'}")


if __name__ == "__main__":
    main()
