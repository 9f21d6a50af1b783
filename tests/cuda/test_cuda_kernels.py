"""The CUDA backend's numba kernels against the generic ones and the CPU backend.

Window and row kernels: the same contracts as `window_kernels.py` / `row_kernels.py` (which
the fast backend's kernels are also checked against), on the same random geometries. The
course's map / zip / reduce / matmul kernels: against the fast CPU backend on the same inputs,
with broadcasting, non-contiguous layouts, both dtypes and a user-written scalar function.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import minitorch
from minitorch.backends import cuda_rows, cuda_window, row_kernels, window_kernels
from minitorch.backends.cuda_device import to_device, to_host
from minitorch.core.window import Window
from minitorch.ops.pool import divisors

from ..test_kernels import _pool_window

TOL = {np.float64: 1e-12, np.float32: 1e-5}


def _dev(array):
    return to_device(np.ascontiguousarray(array))


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_cuda_pooling_matches_the_window_view(seed, dtype):
    rng = np.random.default_rng(seed)
    window = _pool_window(rng)
    x = rng.standard_normal((3, *window.in_size)).astype(dtype)
    x[0, 0, 0, 0] = np.nan if seed % 5 == 0 else x[0, 0, 0, 0]
    if seed % 7 == 0:
        x[1] = -np.inf
    g = rng.standard_normal((3, *window.out_size)).astype(dtype)
    scale = (1.0 / np.asarray(divisors(window, seed % 2 == 0))).astype(dtype).reshape(window.out_size)
    outs = {}
    for name, kernels, put in (("cuda", cuda_window, _dev), ("generic", window_kernels, np.asarray)):
        out = put(np.empty((3, *window.out_size), dtype=dtype))
        indices = put(np.empty(out.shape, dtype=np.int64))
        kernels.max_pool_forward(put(x), window, out, indices)
        grad = put(np.zeros((3, int(np.prod(window.in_size))), dtype=dtype))
        kernels.max_pool_backward(put(g.reshape(3, -1)), indices.reshape(3, -1), grad)
        avg = put(np.empty((3, *window.out_size), dtype=dtype))
        kernels.avg_pool_forward(put(x), window, put(scale), avg)
        avg_grad = put(np.zeros(x.shape, dtype=dtype))
        kernels.avg_pool_backward(put(g), window, put(scale), avg_grad)
        outs[name] = [to_host(a) for a in (out, indices, grad, avg, avg_grad)]
    (out, indices, grad, avg, avg_grad), ref = outs["cuda"], outs["generic"]
    np.testing.assert_array_equal(out, ref[0])
    np.testing.assert_array_equal(indices, ref[1])
    for got, want in zip((grad, avg, avg_grad), ref[2:]):
        np.testing.assert_allclose(got, want, rtol=TOL[dtype], atol=TOL[dtype])


def _conv_window(rng: np.random.Generator, n: int) -> Window:
    """A convolution's window over n spatial dims (lifted to 3 with size-1 leading dims)."""
    kernel, stride, dilation, padding, size, out = [], [], [], [], [], []
    for _ in range(n):
        k, s, d, p = (int(v) for v in (rng.integers(1, 4), rng.integers(1, 3), rng.integers(1, 3), rng.integers(0, 3)))
        i = d * (k - 1) + 1 + int(rng.integers(0, 5))
        kernel, stride, dilation, padding = kernel + [k], stride + [s], dilation + [d], padding + [p]
        size, out = size + [i], out + [(i + 2 * p - d * (k - 1) - 1) // s + 1]
    lift = lambda values, fill: tuple([fill] * (3 - n) + values)  # noqa: E731
    return Window(lift(kernel, 1), lift(stride, 1), lift(dilation, 1), lift(padding, 0), lift(size, 1), lift(out, 1))


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_cuda_unfold_fold_match_the_window_view(seed, dtype):
    rng = np.random.default_rng(seed)
    window = _conv_window(rng, 1 + seed % 3)
    batch, channels = 2, 2
    x = rng.standard_normal((batch, channels, *window.in_size)).astype(dtype)
    cols_shape = (channels, *window.kernel, batch, *window.out_size)
    dcols = rng.standard_normal(cols_shape).astype(dtype)
    # a non-contiguous input: the same values through a transposed copy
    x_strided = np.ascontiguousarray(x.transpose(1, 0, 2, 3, 4)).transpose(1, 0, 2, 3, 4)
    results = {}
    for name, kernels, put in (("cuda", cuda_window, to_device), ("generic", window_kernels, np.asarray)):
        cols = put(np.empty(cols_shape, dtype=dtype))
        kernels.unfold(put(x_strided), window, cols)
        back = put(np.empty(x.shape, dtype=dtype))
        kernels.fold(put(dcols), window, back)
        results[name] = (to_host(cols), to_host(back))
    np.testing.assert_array_equal(results["cuda"][0], results["generic"][0])
    np.testing.assert_allclose(results["cuda"][1], results["generic"][1], rtol=TOL[dtype], atol=TOL[dtype])


@pytest.mark.parametrize("n", [1, 5, 33])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_cuda_row_kernels_match_the_generic_ones(n, dtype):
    rng = np.random.default_rng(n)
    x = (rng.standard_normal((5, n)) * 30).astype(dtype)
    x[1, 0] = 1000.0
    x[2, -1] = np.nan
    x[3, :] = x[3, 0]  # ties: the first position wins
    g = rng.standard_normal(x.shape).astype(dtype)
    tol = TOL[dtype]
    for name in ("softmax", "log_softmax"):
        outs = []
        for kernels, put in ((cuda_rows, _dev), (row_kernels, np.asarray)):
            y, grad = put(np.empty_like(x)), put(np.empty_like(x))
            getattr(kernels, f"{name}_forward")(put(x), y)
            getattr(kernels, f"{name}_backward")(y, put(g), grad)
            outs.append((to_host(y), to_host(grad)))
        np.testing.assert_allclose(outs[0][0], outs[1][0], rtol=tol, atol=tol)
        np.testing.assert_allclose(outs[0][1], outs[1][1], rtol=tol, atol=tol)
    lse = _dev(np.empty(5, dtype=dtype))
    cuda_rows.logsumexp_forward(_dev(x), lse)
    ref = np.empty(5, dtype=dtype)
    row_kernels.logsumexp_forward(x, ref)
    np.testing.assert_allclose(to_host(lse), ref, rtol=tol, atol=tol)
    out, indices = _dev(np.empty((5, 1), dtype=dtype)), _dev(np.empty((5, 1), dtype=np.int64))
    cuda_rows.row_max_forward(_dev(x), out, indices)
    ref_out, ref_indices = np.empty((5, 1), dtype=dtype), np.empty((5, 1), dtype=np.int64)
    row_kernels.row_max_forward(x, ref_out, ref_indices)
    np.testing.assert_array_equal(to_host(out), ref_out)
    np.testing.assert_array_equal(to_host(indices), ref_indices)


@pytest.mark.parametrize("contiguous", [True, False])
def test_cuda_index_add_accumulates_repeats(contiguous):
    rng = np.random.default_rng(3)
    target = rng.standard_normal((6, 3))
    index = np.array([0, 5, 0, 2, 0], dtype=np.int64)
    values = rng.standard_normal((5, 3))
    expected = target.copy()
    np.add.at(expected, index, values)
    device = _dev(target) if contiguous else _dev(target.T.copy()).T  # (6, 3) with column-major strides
    cuda_window.index_add(device, _dev(index), _dev(values))
    np.testing.assert_allclose(to_host(device), expected, rtol=1e-12)


def _pair(backend, array, permuted=False):
    """The same values as a CUDA tensor and a fast CPU tensor (optionally non-contiguous)."""
    from ..helpers import make_tensor

    return make_tensor(array, backend, permuted=permuted), make_tensor(array, minitorch.FastBackend, permuted=permuted)


def _host(t):
    return np.array(t.to_numpy(), copy=True)


def _cube(x: float) -> float:
    """A user's own scalar function: numba compiles it for the device like the course's."""
    return x * x * x + 1.0


def _hypot(x: float, y: float) -> float:
    return math.sqrt(x * x + y * y)


@pytest.mark.parametrize("permuted", [False, True])
def test_numba_map_zip_match_the_cpu_backend(cuda_numba, permuted):
    rng = np.random.default_rng(7)
    a_values, b_values = rng.standard_normal((3, 4, 5)), rng.standard_normal((4, 1))
    a, a_cpu = _pair(cuda_numba, a_values, permuted)
    b, b_cpu = _pair(cuda_numba, b_values, permuted)
    for fn in (minitorch.operators.sigmoid, minitorch.operators.relu, minitorch.operators.exp, minitorch.operators.inv, _cube):
        np.testing.assert_allclose(_host(cuda_numba.ops.map(fn)(a)), _host(minitorch.FastOps.map(fn)(a_cpu)), rtol=1e-12)
    for fn in (minitorch.operators.add, minitorch.operators.mul, minitorch.operators.lt, minitorch.operators.relu_back, _hypot):
        got = cuda_numba.ops.zip(fn)(a, b)  # (3, 4, 5) with (4, 1): broadcast
        np.testing.assert_allclose(_host(got), _host(minitorch.FastOps.zip(fn)(a_cpu, b_cpu)), rtol=1e-12)
    broadcast_out = cuda_numba.ops.map(minitorch.operators.neg)(b, minitorch.zeros((2, 4, 3), backend=cuda_numba))
    np.testing.assert_allclose(_host(broadcast_out), np.broadcast_to(-b_values, (2, 4, 3)), rtol=0)


@pytest.mark.parametrize("length", [3, 70, 300])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_numba_reduce_matches_the_cpu_backend(cuda_numba, length, dtype):
    """Short dims run one thread per output, long ones the shared-memory block fold."""
    rng = np.random.default_rng(length)
    values = rng.standard_normal((2, length, 3))
    a, a_cpu = _pair(cuda_numba, values, permuted=True)
    a, a_cpu = a.to(dtype), a_cpu.to(dtype)
    tol = 1e-12 if dtype == "float64" else 2e-5
    for fn, start in ((minitorch.operators.add, 0.0), (minitorch.operators.mul, 1.0), (minitorch.operators.max, -math.inf)):
        for dim in range(3):
            got = cuda_numba.ops.reduce(fn, start)(a, dim)
            want = minitorch.FastOps.reduce(fn, start)(a_cpu, dim)
            np.testing.assert_allclose(_host(got), _host(want), rtol=tol, atol=tol)
    # a start that is not the identity is folded in exactly once
    got = cuda_numba.ops.reduce(minitorch.operators.add, 5.0)(a, 1)
    np.testing.assert_allclose(_host(got), values.astype(dtype).sum(axis=1, keepdims=True) + 5.0, rtol=tol, atol=tol)


@pytest.mark.parametrize("shapes", [((2, 3), (3, 4)), ((2, 19, 9), (1, 9, 21)), ((3, 1, 5, 7), (2, 7, 4)), ((17, 1), (1, 18))])
def test_numba_tiled_matmul_matches_numpy(cuda_numba, shapes):
    rng = np.random.default_rng(len(shapes[0]))
    a_values, b_values = rng.standard_normal(shapes[0]), rng.standard_normal(shapes[1])
    a, _ = _pair(cuda_numba, a_values, permuted=True)
    b, _ = _pair(cuda_numba, b_values)
    np.testing.assert_allclose(_host(a @ b), a_values @ b_values, rtol=1e-12, atol=1e-12)


def test_sum_and_mm_practice(cuda):
    rng = np.random.default_rng(0)
    values = rng.random(70)
    out = minitorch.sum_practice(minitorch.tensor(values.tolist(), backend=cuda))
    cells = to_host(out._storage)
    np.testing.assert_allclose(cells, [values[i : i + 32].sum() for i in range(0, 70, 32)], rtol=1e-12)
    a, b = rng.random((5, 5)), rng.random((5, 5))
    out = minitorch.mm_practice(minitorch.tensor(a.tolist(), backend=cuda), minitorch.tensor(b.tolist(), backend=cuda))
    np.testing.assert_allclose(to_host(out._storage).reshape(5, 5), a @ b, rtol=1e-12)
    with pytest.raises(minitorch.ShapeError, match="mm_practice"):
        minitorch.mm_practice(minitorch.tensor(a.tolist(), backend=cuda), minitorch.tensor(b[:4].tolist(), backend=cuda))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("shapes", [((19, 13), (13, 21)), ((3, 9, 17), (1, 17, 10)), ((1, 10, 5), (4, 5, 12))], ids=str)
def test_register_tiled_gemm_matches_the_course_kernel(shapes, dtype):
    """The two numba matmuls side by side on tiles with ragged edges and a broadcast batch."""
    from minitorch.backends.cuda import course_matrix_multiply
    from minitorch.backends.cuda_gemm import batched_gemm

    rng = np.random.default_rng(sum(shapes[0]))
    a, b = rng.standard_normal(shapes[0]).astype(dtype), rng.standard_normal(shapes[1]).astype(dtype)
    expected = a @ b
    a3 = a.reshape(-1, *a.shape[-2:])
    b3 = b.reshape(-1, *b.shape[-2:])
    out = _dev(np.zeros(expected.reshape(-1, *expected.shape[-2:]).shape, dtype=dtype))
    batched_gemm(out, _dev(a3), _dev(b3))
    np.testing.assert_allclose(to_host(out).reshape(expected.shape), expected, rtol=TOL[dtype] * 10, atol=TOL[dtype] * 10)
    course = minitorch.TensorData(to_device(np.zeros(expected.size, dtype=dtype)), expected.shape)
    course_matrix_multiply(course, minitorch.TensorData(_dev(a).reshape(-1), a.shape), minitorch.TensorData(_dev(b).reshape(-1), b.shape))
    np.testing.assert_allclose(to_host(course._storage).reshape(expected.shape), expected, rtol=TOL[dtype] * 10, atol=TOL[dtype] * 10)
