"""MiniTorch Module 3's CUDA checks (Tasks 3.3 and 3.4), written against the course's API.

The course ships these as the `task3_3` / `task3_4` tests of its test_tensor_general.py;
that file carries no license, so it is not copied here. This file checks the same contract
the same way -- a CUDA backend built as `minitorch.TensorBackend(minitorch.CudaOps)`, every
`MathTestVariable` function forward against its float reference and backward through
`minitorch.grad_check`, reductions, permutations, broadcasting, `minitorch.sum_practice` /
`mm_practice` read through `._storage`, and matrix products that need several blocks and a
batch -- and tests/test_cuda_simulator.py also runs the course's own file when one is at hand
(MINITORCH_COURSE_DIR).

Under the simulator each property runs a few examples (every simulated thread is a Python
thread); on a GPU, more.
"""

from __future__ import annotations

import random
from typing import Callable, List, Tuple

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import minitorch
from minitorch import MathTestVariable, Tensor, TensorData

from ..helpers import near_kink, to_numpy
from .conftest import SIMULATED

one_arg, two_arg, red_arg = MathTestVariable._comp_testing()
EXAMPLES = 4 if SIMULATED else 20
small_floats = st.floats(min_value=-100, max_value=100, allow_nan=False)


def assert_close(a: float, b: float) -> None:
    assert minitorch.operators.is_close(a, b), f"Failure x={a} y={b}"


@st.composite
def course_tensors(draw, backend, shape=None, count=1) -> List[Tensor]:
    """`count` tensors of one random shape (1-3 dims of 1-3), stored in a random dim order
    and permuted back (so strides are not row-major), as the course's strategies draw them."""
    if shape is None:
        shape = tuple(draw(st.lists(st.integers(1, 3), min_size=1, max_size=3)))
    order = draw(st.permutations(range(len(shape))))
    stored_shape = tuple(shape[i] for i in order)
    inverse = [order.index(d) for d in range(len(shape))]
    size = int(np.prod(shape))
    tensors = []
    for _ in range(count):
        values = draw(st.lists(small_floats, min_size=size, max_size=size))
        data = TensorData(values, stored_shape).permute(*inverse)
        tensors.append(minitorch.Tensor(data, backend=backend))
    return tensors


def _each_index(t: Tensor):
    return t._tensor.indices()


@pytest.mark.parametrize("fn", one_arg, ids=[f[0] for f in one_arg])
@settings(max_examples=EXAMPLES, deadline=None)
@given(data=st.data())
def test_one_args(cuda, fn, data):
    (t1,) = data.draw(course_tensors(cuda))
    name, base_fn, tensor_fn = fn
    t2 = tensor_fn(t1)
    for ind in _each_index(t2):
        assert_close(t2[ind], base_fn(t1[ind]))


@pytest.mark.parametrize("fn", two_arg, ids=[f[0] for f in two_arg])
@settings(max_examples=EXAMPLES, deadline=None)
@given(data=st.data())
def test_two_args(cuda, fn, data):
    t1, t2 = data.draw(course_tensors(cuda, count=2))
    name, base_fn, tensor_fn = fn
    t3 = tensor_fn(t1, t2)
    for ind in _each_index(t3):
        assert_close(t3[ind], base_fn(t1[ind], t2[ind]))


@pytest.mark.parametrize("fn", one_arg, ids=[f[0] for f in one_arg])
@settings(max_examples=EXAMPLES, deadline=None)
@given(data=st.data())
def test_one_derivative(cuda, fn, data):
    (t1,) = data.draw(course_tensors(cuda))
    assume(not near_kink(fn[0], to_numpy(t1)))
    minitorch.grad_check(fn[2], t1)


@pytest.mark.parametrize("fn", two_arg, ids=[f[0] for f in two_arg])
@settings(max_examples=EXAMPLES, deadline=None)
@given(data=st.data())
def test_two_grad_and_broadcast(cuda, fn, data):
    t1, t2 = data.draw(course_tensors(cuda, count=2))
    a, b = to_numpy(t1), to_numpy(t2)
    for pair in ((a, b), (a.sum(0, keepdims=True), b), (a, b.sum(0, keepdims=True))):
        assume(not near_kink(fn[0], *pair))
    minitorch.grad_check(fn[2], t1, t2)
    minitorch.grad_check(fn[2], t1.sum(0), t2)
    minitorch.grad_check(fn[2], t1, t2.sum(0))


@pytest.mark.parametrize("fn", red_arg, ids=[f[0] for f in red_arg])
@settings(max_examples=EXAMPLES, deadline=None)
@given(data=st.data())
def test_reduce(cuda, fn, data):
    (t1,) = data.draw(course_tensors(cuda))
    minitorch.grad_check(fn[2], t1)


@settings(max_examples=EXAMPLES, deadline=None)
@given(data=st.data())
def test_permute(cuda, data):
    (t1,) = data.draw(course_tensors(cuda))
    permutation = data.draw(st.permutations(range(len(t1.shape))))
    minitorch.grad_check(lambda a: a.permute(*permutation), t1)


@pytest.mark.parametrize("size", [16, 64, 48])
def test_sum_practice(cuda, size):
    x = [random.random() for _ in range(size)]
    expected = minitorch.tensor(x).sum()[0]
    out = minitorch.sum_practice(minitorch.tensor(x, backend=cuda))
    total = out._storage[0] if size <= 32 else out._storage[0] + out._storage[1]
    assert_close(expected, total)


@pytest.mark.parametrize("size", [32, 500])
def test_sum_along_dim0(cuda, size):
    x = [random.random() for _ in range(size)]
    assert_close(minitorch.tensor(x).sum()[0], minitorch.tensor(x, backend=cuda).sum(0)[0])


def test_sum_along_another_dim(cuda):
    x = [[random.random() for _ in range(32)] for _ in range(16)]
    expected = minitorch.tensor(x).sum(1)
    got = minitorch.tensor(x, backend=cuda).sum(1)
    for i in range(16):
        assert_close(expected[i, 0], got[i, 0])


def _random_matrices(*shape: int) -> List:
    if len(shape) == 2:
        return [[random.random() for _ in range(shape[1])] for _ in range(shape[0])]
    return [_random_matrices(*shape[1:]) for _ in range(shape[0])]


@pytest.mark.parametrize("size", [2, 32])
def test_mm_practice(cuda, size):
    x, y = _random_matrices(size, size), _random_matrices(size, size)
    expected = minitorch.tensor(x) @ minitorch.tensor(y)
    out = minitorch.mm_practice(minitorch.tensor(x, backend=cuda), minitorch.tensor(y, backend=cuda))
    for i in range(size):
        for j in range(size):
            assert_close(expected[i, j], out._storage[size * i + j])


MATMUL_SHAPES: List[Tuple[Tuple[int, ...], Tuple[int, ...]]] = [
    ((2, 2), (2, 2)),  # small
    ((33, 33), (33, 33)),  # more than one block
    ((2, 33, 33), (2, 33, 33)),  # a batch
    ((2, 45, 33), (2, 33, 40)),  # a batch of rectangles
]


@pytest.mark.parametrize("shapes", MATMUL_SHAPES, ids=str)
def test_matmul(cuda, shapes):
    x, y = _random_matrices(*shapes[0]), _random_matrices(*shapes[1])
    expected = minitorch.tensor(x) @ minitorch.tensor(y)
    got = minitorch.tensor(x, backend=cuda) @ minitorch.tensor(y, backend=cuda)
    assert got.shape == expected.shape
    for ind in _each_index(expected):
        assert_close(expected[ind], got[ind])


@settings(max_examples=EXAMPLES, deadline=None)
@given(data=st.data())
def test_bmm(cuda, data):
    sizes = [data.draw(st.integers(2, 4)) for _ in range(4)]
    batch, rows, inner, cols = sizes
    (a,) = data.draw(course_tensors(cuda, shape=(batch, rows, inner)))
    (b,) = data.draw(course_tensors(cuda, shape=(1, inner, cols)))
    c = a @ b
    c2 = (a.contiguous().view(batch, rows, inner, 1) * b.contiguous().view(1, 1, inner, cols)).sum(2).view(batch, rows, cols)
    for ind in _each_index(c):
        assert_close(c[ind], c2[ind])


def _user_fn(x: float) -> float:
    return 3.0 * x if x > 0.0 else 0.5 * x


def test_a_users_own_scalar_function_runs_on_the_device(cuda):
    """The course's contract: map/zip/reduce compile any scalar function as a device function."""
    values = [[-2.0, 1.0, 3.0], [4.0, -6.0, 0.5]]
    t = minitorch.tensor(values, backend=cuda)
    mapped: Callable = cuda.ops.map(_user_fn)
    out = mapped(t)
    np.testing.assert_allclose(np.array(out.to_numpy()), [[_user_fn(v) for v in row] for row in values])


class _GPULinear(minitorch.Module):
    """run_fast_tensor.py's Linear, on a backend the program built: `TensorBackend(CudaOps)`."""

    def __init__(self, in_size, out_size, backend):
        super().__init__()
        self.weights = minitorch.Parameter(minitorch.rand((in_size, out_size), backend=backend) - 0.5)
        self.bias = minitorch.Parameter(minitorch.zeros((out_size,), backend=backend) + 0.1)
        self.out_size = out_size

    def forward(self, x):
        batch, in_size = x.shape
        return x.view(batch, in_size) @ self.weights.value + self.bias.value


def test_a_course_program_trains_on_a_gpu_backend_it_built():
    """The shape of Module 3's run_fast_tensor.py with `--BACKEND gpu`: minitorch.SGD without
    zero_grad, data made with the GPU backend, accuracy counted against a CPU label tensor."""
    random.seed(0)
    gpu = minitorch.TensorBackend(minitorch.CudaOps)
    data = minitorch.datasets["Simple"](20)
    layers = [_GPULinear(2, 6, gpu), _GPULinear(6, 1, gpu)]
    model = minitorch.Module()
    model.layer1, model.layer2 = layers
    optimizer = minitorch.SGD(model.parameters(), 0.5)
    losses = []
    for _ in range(8):
        X = minitorch.tensor(data.X, backend=gpu)
        y = minitorch.tensor(data.y, backend=gpu)
        out = model.layer2.forward(model.layer1.forward(X).relu()).sigmoid().view(y.shape[0])
        prob = (out * y) + (out - 1.0) * (y - 1.0)
        loss = -prob.log()
        (loss / y.shape[0]).sum().view(1).backward()
        optimizer.step()
        losses.append(loss.sum().view(1)[0])
    labels = minitorch.tensor(data.y)  # on the CPU: the course's scripts mix them in freely
    correct = int(((out.detach() > 0.5) == labels).sum()[0])
    assert losses[-1] < losses[0] and 0 <= correct <= 20
