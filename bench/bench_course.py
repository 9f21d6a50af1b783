"""The MiniTorch course's Module 4 networks, as its project scripts write them, ours vs PyTorch.

The course's `run_mnist_multiclass.py` network (conv 1->4 3x3, conv 4->8 3x3 with the course's
same-size convolution, avgpool 4x4, Linear 392->64, dropout 0.25, Linear 64->10, log-softmax;
batch 16) and `run_sentiment.py`'s Kim CNN (conv1d 50->100 of widths 3, 4, 5 on 52-word
sentences, max over time, Linear 100->1, dropout, sigmoid; batch 10), written here the way the
scripts write them: `minitorch.Module`, `minitorch.Parameter(rand(...))`, `minitorch.conv2d`,
`minitorch.SGD` (float64, the course's default). PyTorch runs the same network (the course's
convolution is a PyTorch convolution after zero padding on the right/bottom by K - 1) with
`torch.optim.SGD` and `zero_grad()`, in float64 on the same weights and batch.

One step = forward, the scripts' loss, backward, SGD update. One thread, same process.

Run: python bench/bench_course.py   (writes "## Course networks" in bench/RESULTS.md)
"""

from __future__ import annotations

import sys
from pathlib import Path

from common import RESULTS, THREADS, Table, machine, paired_medians, write_section  # noqa: I001  (pins threads before imports)

import numpy as np  # noqa: E402
import torch  # noqa: E402

import minitorch  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository root, for tests/
from tests.course_style import BACKEND, Conv1d, Conv2d, Linear  # noqa: E402

TF = torch.nn.functional


class MnistNetwork(minitorch.Module):
    def __init__(self):
        super().__init__()
        self.conv1, self.conv2 = Conv2d(1, 4, 3, 3), Conv2d(4, 8, 3, 3)
        self.linear1, self.linear2 = Linear(392, 64), Linear(64, 10)

    def forward(self, x):
        x = self.conv2(self.conv1(x).relu()).relu()
        x = self.linear1(minitorch.avgpool2d(x, (4, 4)).view(x.shape[0], 392)).relu()
        x = minitorch.dropout(x, 0.25, self.mode == "eval")
        return minitorch.logsoftmax(self.linear2(x), dim=1)


class KimCNN(minitorch.Module):
    def __init__(self, feature_map_size=100, embedding_size=50, filter_sizes=(3, 4, 5)):
        super().__init__()
        self.feature_map_size = feature_map_size
        self.conv1, self.conv2, self.conv3 = (Conv1d(embedding_size, feature_map_size, k) for k in filter_sizes)
        self.linear = Linear(feature_map_size, 1)

    def forward(self, embeddings):
        x = embeddings.permute(0, 2, 1)
        x = minitorch.max(self.conv1(x).relu(), 2) + minitorch.max(self.conv2(x).relu(), 2) + minitorch.max(
            self.conv3(x).relu(), 2)
        x = minitorch.dropout(self.linear(x.view(x.shape[0], self.feature_map_size)), 0.25, self.mode == "eval")
        return x.sigmoid().view(x.shape[0])


def torch_params(model):
    return {name: torch.tensor(np.array(p.value.to_numpy()), requires_grad=True)
            for name, p in model.named_parameters()}


def course_conv(x, w, b):
    """The course's same-size convolution: zero-pad right (and bottom) by K - 1, then convolve."""
    k = w.shape[2:]
    pads = (0, k[-1] - 1) if len(k) == 1 else (0, k[1] - 1, 0, k[0] - 1)
    conv = TF.conv1d if len(k) == 1 else TF.conv2d
    return conv(TF.pad(x, pads), w) + b


def mnist_pair(batch=16):
    ours_model = MnistNetwork()
    p = torch_params(ours_model)
    rng = np.random.default_rng(0)
    x_np = rng.random((batch, 1, 28, 28))
    y_np = np.eye(10)[rng.integers(0, 10, batch)]
    x, y = minitorch.tensor(x_np.tolist(), backend=BACKEND), minitorch.tensor(y_np.tolist(), backend=BACKEND)
    tx, ty = torch.tensor(x_np), torch.tensor(y_np)
    ours_opt = minitorch.SGD(ours_model.parameters(), 0.01)
    torch_opt = torch.optim.SGD(list(p.values()), lr=0.01)

    def ours():
        out = ours_model.forward(x.view(batch, 1, 28, 28)).view(batch, 10)
        loss = -((out * y).sum(1) / y.shape[0]).sum()
        loss.view(1).backward()
        ours_opt.step()

    def theirs():
        torch_opt.zero_grad()
        h = torch.relu(course_conv(torch.relu(course_conv(tx, p["conv1.weights"], p["conv1.bias"])),
                                   p["conv2.weights"], p["conv2.bias"]))
        h = torch.relu(TF.avg_pool2d(h, 4).reshape(batch, 392) @ p["linear1.weights"] + p["linear1.bias"])
        h = TF.dropout(h, 0.25, training=True)
        out = torch.log_softmax(h @ p["linear2.weights"] + p["linear2.bias"], dim=1)
        (-((out * ty).sum(1) / batch).sum()).backward()
        torch_opt.step()

    return ours, theirs


def sentiment_pair(batch=10, length=52):
    ours_model = KimCNN()
    p = torch_params(ours_model)
    rng = np.random.default_rng(1)
    x_np = 0.1 * rng.standard_normal((batch, length, 50))
    y_np = rng.integers(0, 2, batch).astype(np.float64)
    x, y = minitorch.tensor(x_np.tolist(), backend=BACKEND), minitorch.tensor(y_np.tolist(), backend=BACKEND)
    tx, ty = torch.tensor(x_np), torch.tensor(y_np)
    ours_opt = minitorch.SGD(ours_model.parameters(), 0.01)
    torch_opt = torch.optim.SGD(list(p.values()), lr=0.01)

    def ours():
        out = ours_model.forward(x)
        loss = -(((out * y) + (out - 1.0) * (y - 1.0)).log() / y.shape[0]).sum()
        loss.view(1).backward()
        ours_opt.step()

    def theirs():
        torch_opt.zero_grad()
        e = tx.permute(0, 2, 1)
        h = sum(torch.relu(course_conv(e, p[f"conv{i}.weights"], p[f"conv{i}.bias"])).amax(2) for i in (1, 2, 3))
        h = TF.dropout(h @ p["linear.weights"] + p["linear.bias"], 0.25, training=True)
        out = torch.sigmoid(h).view(batch)
        (-(((out * ty) + (out - 1.0) * (ty - 1.0)).log() / batch).sum()).backward()
        torch_opt.step()

    return ours, theirs


def main() -> None:
    table = Table(f"Course networks, training step ({THREADS} thread, float64)")
    table.add("run_mnist_multiclass network, batch 16", *paired_medians(*mnist_pair(), repeats=60, warmup=5), "<= 1.0x")
    table.add("run_sentiment Kim CNN, batch 10 x 52 words", *paired_medians(*sentiment_pair(), repeats=60, warmup=5), "<= 1.0x")
    write_section("Course networks", "Run: `python bench/bench_course.py`. The course's Module 4 networks written as "
                  "its scripts write them (minitorch.Module, minitorch.Parameter, minitorch.conv2d/conv1d, "
                  "minitorch.SGD, float64); PyTorch runs the same network (same-size convolution = right/bottom "
                  "zero padding), same weights and batch. One step = forward, the scripts' loss, backward, SGD.\n\n"
                  + table.markdown())
    print(f"\n{machine()}; wrote {RESULTS}")


if __name__ == "__main__":
    main()
