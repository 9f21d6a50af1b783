"""The fast backend's strided walk (`backends/fast_walk.py`): dimension merging, the general
kernels compiled from any scalar function, and the tuned paths beside them (numpy's ufuncs, the
copy kernel, BLAS sums), all against the pure-Python reference backend on random layouts --
broadcast, permuted, size-1 and empty dims, stride-0 (expanded) inputs, strided outputs --
serial and split over threads."""

from __future__ import annotations

import math
import os
import subprocess
import sys

import numpy as np
import pytest

import minitorch
from minitorch import operators
from minitorch.backends import fast, fast_layout, fast_walk
from minitorch.backends import threads as policy
from minitorch.backends.simple import tensor_map, tensor_reduce, tensor_zip
from minitorch.core.tensor_data import TensorData
from minitorch.errors import ShapeError

UNARY = [operators.neg, operators.exp, operators.inv, operators.id, operators.relu, operators.sigmoid, operators.log]
BINARY = [
    operators.add, operators.mul, operators.lt, operators.eq, operators.max, operators.is_close,
    operators.relu_back, operators.inv_back, operators.log_back,
]


def cube_plus(x):  # a user's scalar function (no numpy ufunc, compiled by numba)
    return x * x * x + 1.0


def weighted(x, y):
    return 2.0 * x - y if x > y else y


def _strided(rng: np.random.Generator, values: np.ndarray) -> TensorData:
    """`values` stored in a random dim order (non-contiguous strides), as the kernels see tensors."""
    values = np.asarray(values)
    order = rng.permutation(values.ndim)
    stored = np.array(values.transpose(order), order="C")  # (ascontiguousarray makes 0-d 1-d)
    return TensorData(stored.reshape(-1), stored.shape).permute(*(int(d) for d in np.argsort(order)))


def _layout_case(rng: np.random.Generator, dtype):
    """(out shape, a values, b values): inputs broadcasting to out, some dims 1 or missing."""
    dims = int(rng.integers(0, 6))
    shape = tuple(int(s) for s in rng.integers(1, 5, dims))
    if dims and rng.random() < 0.1:
        shape = shape[:-1] + (0,)

    def operand():
        kept = int(rng.integers(0, dims + 1)) if rng.random() < 0.5 else dims
        own = [1 if rng.random() < 0.3 else s for s in shape[dims - kept:]]
        return rng.standard_normal(own).astype(dtype)

    return shape, operand(), operand()


def _out(rng: np.random.Generator, shape, dtype) -> TensorData:
    if len(shape) >= 2 and rng.random() < 0.3:  # a strided output
        return _strided(rng, np.zeros(shape, dtype=dtype))
    return TensorData(np.zeros(max(1, math.prod(shape)), dtype=dtype), shape)


def _same(ours: TensorData, reference: TensorData, fn) -> None:
    """Bit for bit where one rounding is all there is; else within a few ulp (the reference
    computes in Python floats, the kernels in the array's dtype; exp and sigmoid are other
    algorithms)."""
    a, b = ours.to_numpy_view(), reference.to_numpy_view()
    exact = (operators.neg, operators.id, operators.relu, operators.add, operators.mul, operators.lt,
             operators.eq, operators.max, operators.is_close, operators.relu_back, weighted)
    if fn not in exact or (a.dtype == np.float32 and fn is weighted):
        single = a.dtype == np.float32  # (cube_plus cancels near x = -1: an absolute bound)
        np.testing.assert_allclose(a, b, rtol=2e-6 if single else 1e-14, atol=1e-6 if single else 0)
    else:
        np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(np.signbit(a), np.signbit(b))  # relu(-x) is +0.0


@pytest.fixture(params=[1, 3])
def split(request, monkeypatch):
    """Run each test on one thread, and on three threads splitting from one element on."""
    monkeypatch.setattr(fast, "PARALLEL_GRAIN", 1)
    monkeypatch.setattr(fast, "TRANSCENDENTAL_GRAIN", 1)
    before = policy.get_num_threads()
    policy.set_num_threads(request.param)
    yield
    policy.set_num_threads(before)


@pytest.mark.parametrize("seed", range(25))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_map_and_zip_match_the_reference_backend(seed, dtype, split):
    rng = np.random.default_rng(seed)
    shape, a_values, b_values = _layout_case(rng, dtype)
    a, b = _strided(rng, np.abs(a_values) + 0.5 if seed % 2 else a_values), _strided(rng, b_values)
    with np.errstate(all="ignore"):
        for fn in UNARY + [cube_plus]:
            ours, ref = _out(rng, shape, dtype), _out(rng, shape, dtype)
            fast.fast_map(fn)(ours, a)
            tensor_map(fn)(ref, a)
            _same(ours, ref, fn)
        for fn in BINARY + [weighted]:
            ours, ref = _out(rng, shape, dtype), _out(rng, shape, dtype)
            fast.fast_zip(fn)(ours, a, b)
            tensor_zip(fn)(ref, a, b)
            _same(ours, ref, fn)


@pytest.mark.parametrize("seed", range(20))
def test_user_reduce_matches_the_reference_backend(seed, split):
    rng = np.random.default_rng(seed)
    shape = tuple(int(s) for s in rng.integers(1, 5, int(rng.integers(1, 5))))
    a = _strided(rng, rng.standard_normal(shape))
    dim = int(rng.integers(0, len(shape)))
    out_shape = shape[:dim] + (1,) + shape[dim + 1:]
    results = []
    # from a start value out holds: the walk (also for add, which numpy reduces from 0 only)
    for kernel in (fast.fast_reduce(weighted), tensor_reduce(weighted), fast.fast_reduce(operators.add), tensor_reduce(operators.add)):
        out = _out(rng, out_shape, np.float64)
        out._storage.fill(0.5)
        kernel(out, a, dim)
        results.append(out.to_numpy_view().copy())
    np.testing.assert_array_equal(results[0], results[1])
    np.testing.assert_allclose(results[2], results[3], rtol=1e-12)
    t = minitorch.Tensor(a, backend=minitorch.FastBackend)
    np.testing.assert_allclose(minitorch.FastOps.reduce(operators.add, 0.5)(t, dim).to_numpy(), results[3], rtol=1e-12)
    np.testing.assert_allclose(minitorch.FastOps.reduce(operators.add, 0.0)(t, dim).to_numpy(), results[3] - 0.5, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("seed", range(10))
def test_tuned_copy_matches_the_general_walk(seed):
    rng = np.random.default_rng(seed)
    shape, values, _ = _layout_case(rng, np.float32)
    if 0 in shape:
        return
    a = _strided(rng, values)
    copied, walked = (TensorData(np.zeros(max(1, math.prod(shape)), np.float32), shape) for _ in range(2))
    layout = fast_layout.merge(copied, a, a)
    if layout is None:
        return
    fast_walk.copy_to_contiguous(copied._storage, a._storage, layout)
    rows, _ = fast_layout.rows_of(layout, copied.size)
    fast_walk.elementwise(operators.id, 1).walk(walked._storage, a._storage, a._storage, layout, 0, rows)
    np.testing.assert_array_equal(copied.to_numpy_view(), walked.to_numpy_view())
    np.testing.assert_array_equal(copied.to_numpy_view(), np.broadcast_to(a.to_numpy_view(), shape))


def test_merge_collapses_runs_of_dims():
    x = TensorData(np.zeros(64 * 6 * 28 * 28), (64, 6, 28, 28))
    assert fast_layout.merge(x, x, x) is None  # contiguous and same shape: one flat run
    square, row = TensorData(np.zeros(10**6), (1000, 1000)), TensorData(np.zeros(1000), (1000,))
    layout = fast_layout.merge(square, square, row)
    np.testing.assert_array_equal(layout, [[1000, 1000], [1000, 1], [1000, 1000], [1000, 1], [1, 1000], [0, 1]])
    # the course's 2x2 tile view of (64, 8, 28, 28), copied to row-major order
    tiles = TensorData(np.zeros(64 * 8 * 28 * 28), (64, 8, 14, 2, 14, 2)).permute(0, 1, 2, 4, 3, 5)
    out = TensorData(np.zeros(tiles.size), tiles.shape)
    layout = fast_layout.merge(out, tiles, tiles)
    np.testing.assert_array_equal(layout[fast_layout.SHAPE], [7168, 14, 2, 2])
    np.testing.assert_array_equal(layout[fast_walk.A_STRIDES], [56, 2, 28, 1])


def test_merge_refuses_inputs_that_do_not_broadcast():
    out = TensorData(np.zeros(6), (2, 3))
    with pytest.raises(ShapeError, match=r"map: an input of shape \(4,\)"):
        fast.fast_map(operators.id)(out, TensorData(np.zeros(4), (4,)))


def test_fast_backend_compiles_a_users_function_on_tensors():
    t = minitorch.tensor([[1.0, 2.0], [3.0, 4.0]], backend=minitorch.FastBackend).permute(1, 0)
    np.testing.assert_array_equal(minitorch.FastOps.map(cube_plus)(t).to_numpy(), t.to_numpy() ** 3 + 1)
    np.testing.assert_array_equal(minitorch.FastOps.zip(weighted)(t, t.permute(1, 0)).to_numpy(),
                                  np.where(t.to_numpy() > t.to_numpy().T, 2 * t.to_numpy() - t.to_numpy().T, t.to_numpy().T))
    np.testing.assert_array_equal(minitorch.FastOps.reduce(weighted, 0.0)(t, 1).to_numpy(),
                                  [[weighted(weighted(0.0, 1.0), 3.0)], [weighted(weighted(0.0, 2.0), 4.0)]])


CACHE_PROBE = """
import numpy as np, minitorch
from minitorch import operators
from minitorch.backends import fast_walk
t = minitorch.from_numpy(np.arange(12.0).reshape(3, 4)).permute(1, 0)
t.relu(); minitorch.FastOps.zip(operators.relu_back)(t, t)
kernels = fast_walk.elementwise(operators.relu, 1), fast_walk.elementwise(operators.relu_back, 2)
print(sum(k.walk.stats.cache_hits[s] for k in kernels for s in k.walk.stats.cache_hits),
      sum(len(k.walk.stats.cache_misses) for k in kernels))
"""


def test_compiled_kernels_are_loaded_from_the_disk_cache_by_the_next_process(tmp_path):
    """The kernels are closures over the scalar function; their cache key must not change
    between processes, or every process would compile again (the cold-start budget)."""
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path), PYTHONPATH=os.pathsep.join(sys.path))
    runs = [subprocess.run([sys.executable, "-c", CACHE_PROBE], env=env, capture_output=True, text=True, check=True)
            for _ in range(2)]
    (_, first_misses), (second_hits, second_misses) = (map(int, run.stdout.split()) for run in runs)
    assert first_misses == 2
    assert (second_hits, second_misses) == (2, 0)


@pytest.mark.parametrize("threads", [2], indirect=True)
def test_transcendental_maps_split_from_a_lower_size_than_cheap_ones(threads, monkeypatch):
    """At 2 threads a flat 100K-element sigmoid (or gelu) is split over the threads; relu and neg of
    the same size are not (a split costs more than it saves there: see fast.TRANSCENDENTAL_GRAIN)."""
    from minitorch.ops.activation_scalars import gelu

    calls = []
    monkeypatch.setattr(fast, "parallel_for", lambda task, args, total, work, grain: calls.append(work >= 2 * grain))
    n = 100_000
    a = TensorData(np.ones(n, dtype=np.float32), (n,))
    for fn in (operators.sigmoid, gelu, operators.relu, operators.neg):
        fast.fast_map(fn)(TensorData(np.zeros(n, dtype=np.float32), (n,)), a)
    assert calls == [True, True, False]  # neg runs in numpy's ufunc: no parallel_for at all


@pytest.mark.parametrize("shape, dim", [((300, 40), 0), ((300, 40), 1), ((40, 300), 0), ((7, 300, 5), 1), ((64, 16), 0)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_contiguous_sums_split_over_threads_match_numpy(shape, dim, dtype, split, monkeypatch):
    """Sums of contiguous data: BLAS on one thread; on three, numba's row sums (last dim) or a
    2-d array's blocks of rows added (first dim), or BLAS where neither applies."""
    monkeypatch.setattr(fast, "SUM_SPLIT_MIN", 1)
    monkeypatch.setattr(fast, "BLAS_SUM_THRESHOLD", 1)
    a = np.random.default_rng(len(shape) + dim).standard_normal(shape).astype(dtype)
    out_shape = tuple(1 if d == dim else n for d, n in enumerate(shape))
    out = TensorData(np.full(math.prod(out_shape), np.nan, dtype=dtype), out_shape)
    fast.fast_reduce(operators.add, 0.0)(out, TensorData(a.ravel().copy(), shape), dim)
    tol = 1e-4 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(out.to_numpy_view(), a.astype(np.float64).sum(dim, keepdims=True), rtol=tol, atol=tol)
