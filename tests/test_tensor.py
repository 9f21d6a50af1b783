"""Tensor behaviour beyond single ops: autodiff bookkeeping, MiniTorch semantics, dtypes, errors."""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest
import torch

import minitorch
from minitorch import ShapeError

from .helpers import BACKENDS, make_tensor

BACKEND_NAMES = list(BACKENDS)


@pytest.mark.parametrize("name", BACKEND_NAMES)
def test_create_and_index(name):
    t = minitorch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], backend=BACKENDS[name])
    assert t.shape == (2, 3) and t.size == 6 and t.dims == 2
    assert t[1, 2] == 6.0
    t[0, 0] = 10.0
    assert t[0, 0] == 10.0
    assert t.permute(1, 0)[2, 1] == 6.0
    assert minitorch.tensor(5.0).shape == (1,)


@pytest.mark.parametrize("name", BACKEND_NAMES)
def test_gradients_accumulate_into_leaves(name):
    x = minitorch.tensor([1.0, 2.0], backend=BACKENDS[name], requires_grad=True)
    (x * x).sum().backward()
    (x * 3.0).sum().backward()
    np.testing.assert_allclose(x.grad.to_numpy(), [2.0 + 3.0, 4.0 + 3.0])
    x.zero_grad_()
    assert x.grad is None


@pytest.mark.parametrize("name", BACKEND_NAMES)
def test_shared_subexpression_gets_summed_gradient(name):
    x = minitorch.tensor([0.5, -1.5], backend=BACKENDS[name], requires_grad=True)
    y = x * 2.0
    z = (y * y + y.sigmoid() - y).sum()
    z.backward()
    tx = torch.tensor([0.5, -1.5], dtype=torch.float64, requires_grad=True)
    ty = tx * 2.0
    (ty * ty + ty.sigmoid() - ty).sum().backward()
    np.testing.assert_allclose(x.grad.to_numpy(), tx.grad.numpy(), rtol=1e-12)


@pytest.mark.parametrize("name", BACKEND_NAMES)
def test_broadcast_gradient_has_the_input_shape(name):
    backend = BACKENDS[name]
    a = make_tensor(np.ones((3, 1, 4)), backend, requires_grad=True)
    b = make_tensor(np.ones((2, 1)), backend, requires_grad=True)
    (a * b).sum().backward()
    assert a.grad.shape == (3, 1, 4) and b.grad.shape == (2, 1)
    np.testing.assert_allclose(a.grad.to_numpy(), np.full((3, 1, 4), 2.0))
    np.testing.assert_allclose(b.grad.to_numpy(), np.full((2, 1), 12.0))


def test_no_grad_records_nothing():
    x = minitorch.tensor([1.0], requires_grad=True)
    with minitorch.no_grad():
        y = x * 2.0
    assert y.history is None
    assert (x * 2.0).history is not None


@pytest.mark.parametrize("op", ["sigmoid", "exp"])
def test_graph_of_an_op_keeping_its_output_is_freed_without_the_cycle_collector(op):
    # ops that save their own output for backward must not close a reference cycle
    # (out -> history -> ctx -> out): the step's graph would wait for gc.collect()
    x = minitorch.tensor([[0.5, -1.5, 2.0]], requires_grad=True)
    gc.disable()
    try:
        y = getattr(x * 2.0, op)()
        alive = weakref.ref(y)
        y.sum().backward()
        del y
        assert alive() is None
    finally:
        gc.enable()
    tx = torch.tensor([[0.5, -1.5, 2.0]], dtype=torch.float64, requires_grad=True)
    getattr(tx * 2.0, op)().sum().backward()
    np.testing.assert_allclose(x.grad.to_numpy(), tx.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_backward_needs_single_element_or_gradient():
    x = minitorch.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ShapeError, match="single-element"):
        (x * 2.0).backward()
    (x * 2.0).backward(minitorch.tensor([1.0, 1.0]))
    np.testing.assert_allclose(x.grad.to_numpy(), [2.0, 2.0])


def test_view_of_non_contiguous_tensor_is_refused():
    t = minitorch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]).permute(1, 0)
    with pytest.raises(ShapeError, match=r"contiguous\(\)"):
        t.view(6)
    assert t.contiguous().view(6).shape == (6,)
    assert t.reshape(3, 2)[2, 1] == 6.0


def test_mismatched_broadcast_names_the_shapes():
    a = minitorch.zeros((2, 3))
    b = minitorch.zeros((4,))
    with pytest.raises(minitorch.IndexingError, match=r"\(2, 3\) and \(4,\)"):
        a + b


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_dtypes_flow_through_ops_and_gradients(dtype):
    x = minitorch.rand((3, 4), dtype=dtype, requires_grad=True)
    w = minitorch.rand((4, 2), dtype=dtype, requires_grad=True)
    y = (x @ w).relu().sum()
    assert y.dtype == np.dtype(dtype)
    y.backward()
    assert x.grad.dtype == np.dtype(dtype) and w.grad.dtype == np.dtype(dtype)
    with pytest.raises(minitorch.DTypeError):
        minitorch.zeros((2,), dtype="int32")


def test_mixed_dtypes_promote_like_torch():
    a = minitorch.ones((2,), dtype="float32")
    b = minitorch.ones((2,), dtype="float64")
    assert (a + b).dtype == np.float64
    assert (a * 2.0).dtype == np.float32


def test_backends_agree_with_each_other():
    rng = np.random.default_rng(0)
    values = rng.standard_normal((3, 5))
    outs = []
    for backend in BACKENDS.values():
        t = make_tensor(values, backend, permuted=True)
        outs.append(((t.exp() * t).sum(1) / t.sigmoid().sum()).to_numpy())
    np.testing.assert_allclose(outs[0], outs[1], rtol=1e-12)


def test_course_api_surface():
    backend = minitorch.TensorBackend(minitorch.FastOps)
    t = minitorch.tensor([1.0, 2.0, 3.0], backend=backend)
    assert t.backend is backend
    assert (t < 2.0).to_numpy().tolist() == [1.0, 0.0, 0.0]
    assert (t > 2.0).to_numpy().tolist() == [0.0, 0.0, 1.0]
    assert (t == t).all().item() == 1.0
    assert t.is_close(t + 1e-3).all().item() == 1.0
    assert t.mean().item() == pytest.approx(2.0)
    assert t.zeros().to_numpy().tolist() == [0.0, 0.0, 0.0]
    assert t.detach().history is None
    neg = backend.neg_map(t)
    assert neg.to_numpy().tolist() == [-1.0, -2.0, -3.0]
    assert backend.add_reduce(t, 0).item() == 6.0
    with pytest.raises(ShapeError):
        t.item()


def test_cuda_ops_importable_and_clear_when_used_without_a_gpu():
    """Without a GPU (this test runs outside numba's simulator) the CUDA backend loads, and
    says what is missing when a kernel launches or a tensor moves (tests/cuda tests it running)."""
    from minitorch.backends.cuda_device import gpu_available

    if gpu_available():
        pytest.skip("a GPU (or the simulator) is present")
    backend = minitorch.TensorBackend(minitorch.CudaOps)
    t = minitorch.tensor([1.0], backend=backend)
    with pytest.raises(RuntimeError, match="no usable GPU.*NUMBA_ENABLE_CUDASIM"):
        t + t
    with pytest.raises(RuntimeError, match="no usable GPU"):
        minitorch.tensor([1.0]).cuda()


def test_custom_scalar_function_on_fast_backend():
    def cube(x):
        return x * x * x

    kernel = minitorch.FastOps.map(cube)
    t = minitorch.tensor([[1.0, 2.0], [3.0, 4.0]]).permute(1, 0)
    np.testing.assert_allclose(kernel(t).to_numpy(), t.to_numpy() ** 3)


@pytest.mark.parametrize("name", BACKEND_NAMES)
def test_empty_tensors_reduce_like_torch(name):
    t = minitorch.zeros((3, 0), backend=BACKENDS[name])
    assert t.is_contiguous()
    assert t.sum().item() == 0.0
    assert t.sum(0).shape == (1, 0)
    np.testing.assert_array_equal(t.sum(1).to_numpy(), np.zeros((3, 1)))


COPY_CASES = [
    # (storage shape, view shape, permutation): the course's 2x2 tile view, 3x3 tiles, an
    # innermost pair, a plain transpose, size-1 dims and a 7-d view (more dims than the kernel).
    ((4, 3, 8, 8), (4, 3, 4, 2, 4, 2), (0, 1, 2, 4, 3, 5)),
    ((2, 3, 9, 9), (2, 3, 3, 3, 3, 3), (0, 1, 2, 4, 3, 5)),
    ((5, 6, 2), (5, 6, 2), (1, 0, 2)),
    ((7, 9), (7, 9), (1, 0)),
    ((1, 4, 1, 6), (1, 4, 1, 6), (3, 2, 0, 1)),
    ((2, 3, 2, 3, 2, 3, 2), (2, 3, 2, 3, 2, 3, 2), (6, 0, 5, 1, 4, 2, 3)),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("storage_shape, view_shape, order", COPY_CASES)
def test_contiguous_of_permuted_view_matches_numpy(storage_shape, view_shape, order, dtype):
    values = np.random.default_rng(1).standard_normal(storage_shape).astype(dtype)
    t = minitorch.from_numpy(values.copy())
    # storage_shape -> view_shape -> permuted by order
    out = t.view(*view_shape).permute(*order).contiguous()
    assert out.is_contiguous() and out.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(out.to_numpy(), values.reshape(view_shape).transpose(order))


BROADCAST_CASES = [
    # (a shape, b shape, permutation of a): rows + a broadcast row (the row kernels), either side,
    # a non-contiguous a, and layouts that stay on numpy's broadcasting loop.
    ((64, 80), (80,), None),
    ((80,), (64, 80), None),
    ((4, 16, 80), (1, 80), None),
    ((80, 64), (80,), (1, 0)),
    ((64, 80), (64, 1), None),
    ((8, 64, 80), (8, 1, 80), None),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("a_shape, b_shape, order", BROADCAST_CASES)
def test_broadcast_add_mul_match_numpy(a_shape, b_shape, order, dtype):
    rng = np.random.default_rng(2)
    a_np = rng.standard_normal(a_shape).astype(dtype)
    b_np = rng.standard_normal(b_shape).astype(dtype)
    a = minitorch.from_numpy(a_np.copy())
    b = minitorch.from_numpy(b_np.copy())
    if order is not None:
        a, a_np = a.permute(*order), a_np.transpose(order)  # (80, 64) -> (64, 80)
    for ours, theirs in ((a + b, a_np + b_np), (a * b, a_np * b_np), (b + a, b_np + a_np), (b * a, b_np * a_np)):
        assert ours.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(ours.to_numpy(), theirs)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("a_shape, out_shape", [((6, 5, 1), (6, 5, 4)), ((5, 1), (3, 5, 2)), ((1, 4), (7, 4)), ((3, 1, 2), (3, 4, 2))])
def test_id_map_broadcast_copy_matches_numpy(a_shape, out_shape, dtype):
    values = np.random.default_rng(3).standard_normal(a_shape[::-1]).astype(dtype)
    a = minitorch.from_numpy(values.copy()).permute(*range(len(a_shape) - 1, -1, -1))  # reversed dims: strided
    out = minitorch.zeros(out_shape, dtype=dtype)
    a.backend.id_map(a, out)
    np.testing.assert_array_equal(out.to_numpy(), np.broadcast_to(values.transpose(), out_shape))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape, dim", [((4100, 4), 1), ((64, 8, 14, 14, 4), 4), ((5000, 4), 0), ((4, 4096), 0), ((2, 8192, 3), 1)])
def test_large_contiguous_sums_match_numpy(shape, dim, dtype):
    """The fast backend's large-sum paths (BLAS with ones; rows of 4 in a numba kernel) and their gradient."""
    array = np.random.default_rng(sum(shape)).standard_normal(shape).astype(dtype)
    t = minitorch.from_numpy(array.copy(), requires_grad=True)
    out = t.sum(dim)
    assert out.dtype == array.dtype
    rtol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(out.to_numpy(), array.sum(axis=dim, keepdims=True), rtol=rtol, atol=rtol * 10)
    out.sum().backward()
    np.testing.assert_array_equal(t.grad.to_numpy(), np.ones(shape, dtype=dtype))
