"""The fast backend's numba window and row kernels against the generic, view-based ones
(`backends/window_kernels.py`, `backends/row_kernels.py`): same contract, same results."""

from __future__ import annotations

import numpy as np
import pytest

from minitorch.backends import fast_pool, fast_rows, fast_scatter, row_kernels, window_kernels
from minitorch.core.window import Window
from minitorch.ops.adaptive_pool import adaptive_window
from minitorch.ops.pool import divisors, output_size, pool_window


def _pool_window(rng: np.random.Generator) -> Window:
    if rng.random() < 0.3:  # adaptive, including more outputs than inputs
        in_size = tuple(int(v) for v in rng.integers(1, 9, 2))
        return adaptive_window(in_size, tuple(int(v) for v in rng.integers(1, 10, 2)))
    kernel = tuple(int(v) for v in rng.integers(1, 4, 2))
    stride = tuple(int(v) for v in rng.integers(1, 4, 2))
    dilation = tuple(int(v) for v in rng.integers(1, 3, 2))
    padding = tuple(int(rng.integers(0, k // 2 + 1)) for k in kernel)
    ceil_mode = bool(rng.random() < 0.5)
    in_size = tuple(int(d * (k - 1) + 1 + rng.integers(0, 6)) for k, d in zip(kernel, dilation))
    out = tuple(output_size(*args, ceil_mode) for args in zip(in_size, kernel, stride, padding, dilation))
    return pool_window(in_size, kernel, stride, padding, dilation, out)


@pytest.mark.parametrize("threads", [1, 3], indirect=True)
@pytest.mark.parametrize("seed", range(30))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_fast_pooling_matches_the_window_view(seed, dtype, threads, monkeypatch):
    monkeypatch.setattr(fast_pool, "PARALLEL_GRAIN", 1)  # with 3 threads: planes split over them
    rng = np.random.default_rng(seed)
    window = _pool_window(rng)
    x = rng.standard_normal((5, *window.in_size)).astype(dtype)
    x[0, 0, 0, 0] = np.nan if seed % 5 == 0 else x[0, 0, 0, 0]  # NaN wins in both
    if seed % 7 == 0:
        x[1] = -np.inf  # every tap -inf: the first input tap, never the padding
    g = rng.standard_normal((5, *window.out_size)).astype(dtype)
    scale = (1.0 / np.asarray(divisors(window, seed % 2 == 0))).astype(dtype).reshape(window.out_size)
    results = []
    for kernels in (fast_pool, window_kernels):
        out = np.empty((5, *window.out_size), dtype=dtype)
        indices = np.empty(out.shape, dtype=np.int64)
        kernels.max_pool_forward(x, window, out, indices)
        grad = np.zeros((5, int(np.prod(window.in_size))), dtype=dtype)
        kernels.max_pool_backward(g.reshape(5, -1), indices.reshape(5, -1), grad)
        avg = np.empty_like(out)
        kernels.avg_pool_forward(x, window, scale, avg)
        avg_grad = np.zeros(x.shape, dtype=dtype)
        kernels.avg_pool_backward(g, window, scale, avg_grad)
        results.append((out, indices, grad, avg, avg_grad))
    (out, indices, grad, avg, avg_grad), (ref_out, ref_indices, ref_grad, ref_avg, ref_avg_grad) = results
    np.testing.assert_array_equal(out, ref_out)
    np.testing.assert_array_equal(indices, ref_indices)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(grad, ref_grad, rtol=tol, atol=tol)
    np.testing.assert_allclose(avg, ref_avg, rtol=tol, atol=tol)
    np.testing.assert_allclose(avg_grad, ref_avg_grad, rtol=tol, atol=tol)


@pytest.mark.parametrize("threads", [1, 3], indirect=True)
@pytest.mark.parametrize("n", [1, 4, 7, 33])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_fast_row_kernels_match_the_generic_ones(n, dtype, threads, monkeypatch):
    monkeypatch.setattr(fast_rows, "PARALLEL_GRAIN", 1)  # with 3 threads: rows split over them
    rng = np.random.default_rng(n)
    x = (rng.standard_normal((6, n)) * 30).astype(dtype)
    x[1, 0] = 1000.0
    x[2, -1] = np.nan
    g = rng.standard_normal(x.shape).astype(dtype)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    for name in ("softmax", "log_softmax"):
        outs = []
        for kernels in (fast_rows, row_kernels):
            y, grad = np.empty_like(x), np.empty_like(x)
            getattr(kernels, f"{name}_forward")(x, y)
            getattr(kernels, f"{name}_backward")(y, g, grad)
            outs.append((y, grad))
        np.testing.assert_allclose(outs[0][0], outs[1][0], rtol=tol, atol=tol)
        np.testing.assert_allclose(outs[0][1], outs[1][1], rtol=tol, atol=tol)
    lse = [np.empty(6, dtype=dtype) for _ in range(2)]
    fast_rows.logsumexp_forward(x, lse[0])
    row_kernels.logsumexp_forward(x, lse[1])
    np.testing.assert_allclose(lse[0], lse[1], rtol=tol, atol=tol)
    maxima = [(np.empty((6, 1), dtype=dtype), np.empty((6, 1), dtype=np.int64)) for _ in range(2)]
    fast_rows.row_max_forward(x, *maxima[0])
    row_kernels.row_max_forward(x, *maxima[1])
    np.testing.assert_array_equal(maxima[0][0], maxima[1][0])
    np.testing.assert_array_equal(maxima[0][1], maxima[1][1])


@pytest.mark.parametrize("shape", [(7,), (7, 3), (5, 2, 4)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_fast_index_add_matches_the_generic_one(shape, dtype):
    """Rows scatter-added, repeated and negative indices included."""
    rng = np.random.default_rng(len(shape))
    index = rng.integers(-shape[0], shape[0], size=12)
    values = rng.standard_normal((12, *shape[1:])).astype(dtype)
    targets = [rng.standard_normal(shape).astype(dtype) for _ in range(2)]
    targets[1][...] = targets[0]
    fast_scatter.index_add(targets[0], index, values)
    window_kernels.index_add(targets[1], index, values)
    np.testing.assert_allclose(targets[0], targets[1], rtol=1e-6)


@pytest.mark.parametrize("threads", [1, 3], indirect=True)
@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("block", [None, (2, 2)])  # random sizes, and the unrolled 2 x 2 path
def test_fast_tile_kernels_match_the_generic_ones(seed, dtype, block, threads, monkeypatch):
    """MiniTorch's tile copy and its adjoint on row-major, permuted and sliced inputs, the
    gradient dense or spread from a mean (stride 0 along the taps)."""
    monkeypatch.setattr(fast_pool, "PARALLEL_GRAIN", 1)  # with 3 threads: planes split over them
    rng = np.random.default_rng(seed)
    kh, kw = block or (int(k) for k in rng.integers(1, 5, size=2))
    batch, channels, height, width = 2, 3, kh * int(rng.integers(1, 4)), kw * int(rng.integers(1, 4))
    layout = seed % 3
    if layout == 0:
        x = rng.standard_normal((batch, channels, height, width)).astype(dtype)
    elif layout == 1:  # channels last in memory
        x = rng.standard_normal((batch, height, width, channels)).astype(dtype).transpose(0, 3, 1, 2)
    else:  # every other column
        x = rng.standard_normal((batch, channels, height, 2 * width)).astype(dtype)[..., ::2]
    tiled_shape = (batch, channels, height // kh, width // kw, kh * kw)
    if seed % 2:
        grad = rng.standard_normal(tiled_shape).astype(dtype)
    else:
        grad = np.broadcast_to(rng.standard_normal((*tiled_shape[:4], 1)).astype(dtype), tiled_shape)
    results = []
    for kernels in (fast_pool, window_kernels):
        tiled = np.full(tiled_shape, np.nan, dtype=dtype)
        kernels.tile_forward(x, tiled)
        back = np.full(x.shape, np.nan, dtype=dtype)
        kernels.tile_backward(grad, back)
        results.append((tiled, back))
    expected = x.reshape(batch, channels, height // kh, kh, width // kw, kw).transpose(0, 1, 2, 4, 3, 5)
    np.testing.assert_array_equal(results[1][0], expected.reshape(tiled_shape))
    np.testing.assert_array_equal(results[0][0], results[1][0])
    np.testing.assert_array_equal(results[0][1], results[1][1])
    # the adjoint: <tile(x), g> == <x, tile_backward(g)>
    np.testing.assert_allclose((results[0][0] * grad).sum(), (x * results[0][1]).sum(), rtol=1e-5)
