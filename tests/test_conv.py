"""Convolution beyond the registry: course examples, both lowering paths, chunking, kernels, dtypes."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

import minitorch
from minitorch.backends import fast_conv, window_kernels
from minitorch.core.window import Window
from minitorch.errors import ShapeError
from minitorch.ops import conv_lowering
from minitorch.ops.conv import conv1d, conv2d, conv3d
from minitorch.ops.conv_transpose import conv_transpose1d, conv_transpose2d

from .helpers import BACKENDS, make_tensor, to_numpy

BACKEND_NAMES = list(BACKENDS)


# ----------------------------------------------------------------------------- course examples
@pytest.mark.parametrize("backend_name", BACKEND_NAMES)
def test_course_conv1d_example(backend_name):
    backend = BACKENDS[backend_name]
    x = minitorch.tensor([[[0.0, 1.0, 2.0, 3.0]]], backend=backend)
    w = minitorch.tensor([[[1.0, 2.0, 3.0]]], backend=backend)
    assert minitorch.conv1d(x, w).to_numpy().tolist() == [[[8.0, 14.0, 8.0, 3.0]]]
    assert minitorch.Conv1dFun.apply(x, w).to_numpy().tolist() == [[[8.0, 14.0, 8.0, 3.0]]]


@pytest.mark.parametrize("backend_name", BACKEND_NAMES)
def test_course_unroll_example(backend_name):
    backend = BACKENDS[backend_name]
    x = minitorch.tensor([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], backend=backend)
    rows = minitorch.unroll(x, 3)
    assert rows.to_numpy().tolist() == [[1, 2, 3], [2, 3, 4], [3, 4, 5], [4, 5, 6], [5, 6, 0], [6, 0, 0]]
    w = minitorch.tensor([1.0, 2.0, 3.0], backend=backend)
    expected = minitorch.conv1d(x.view(1, 1, 6), w.view(1, 1, 3)).to_numpy().reshape(6)
    np.testing.assert_array_equal((rows @ w.view(3, 1)).to_numpy().reshape(6), expected)


@pytest.mark.parametrize("backend_name", BACKEND_NAMES)
def test_course_conv2d_grad_on_permuted_input(backend_name):
    backend = BACKENDS[backend_name]
    rng = np.random.default_rng(3)
    x, w = rng.standard_normal((2, 3, 5, 4)), rng.standard_normal((2, 3, 2, 3))
    mx = make_tensor(x, backend, permuted=True, requires_grad=True)
    mw = make_tensor(w, backend, requires_grad=True)
    minitorch.Conv2dFun.apply(mx, mw).sum().backward()
    tx, tw = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    F.conv2d(F.pad(tx, (0, 2, 0, 1)), tw).sum().backward()
    np.testing.assert_allclose(mx.grad.to_numpy(), tx.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(mw.grad.to_numpy(), tw.grad.numpy(), atol=1e-12)


@pytest.mark.parametrize("backend_name", BACKEND_NAMES)
@pytest.mark.parametrize("width, channels, kernel", [(7, 3, 3), (4, 2, 6), (1, 5, 2)])
def test_course_conv1d_of_channels_last_sentences(backend_name, width, channels, kernel):
    # run_sentiment's layout: embeddings (B, W, C) permuted to (B, C, W), channels innermost
    backend = BACKENDS[backend_name]
    rng = np.random.default_rng(4)
    x, w, g = rng.standard_normal((3, width, channels)), rng.standard_normal((4, channels, kernel)), rng.standard_normal((3, 4, width))
    mx, mw = make_tensor(x, backend, requires_grad=True), make_tensor(w, backend, requires_grad=True)
    out = minitorch.conv1d(mx.permute(0, 2, 1), mw)
    assert out.history.last_fn is minitorch.ops.conv_course.ChannelsLastConv1d
    out.backward(make_tensor(g, backend))
    tx, tw = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    ref = F.conv1d(F.pad(tx.permute(0, 2, 1), (0, kernel - 1)), tw)
    ref.backward(torch.tensor(g))
    np.testing.assert_allclose(out.to_numpy(), ref.detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(mx.grad.to_numpy(), tx.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(mw.grad.to_numpy(), tw.grad.numpy(), atol=1e-12)
    minitorch.grad_check(minitorch.Conv1dFun.apply, make_tensor(x, backend).permute(0, 2, 1), make_tensor(w, backend))


@pytest.mark.parametrize("backend_name", BACKEND_NAMES)
def test_course_grad_check(backend_name):
    """The course's own checks: central differences through Conv1dFun, Conv2dFun and unroll."""
    backend = BACKENDS[backend_name]
    minitorch.manual_seed(0)
    t, w = minitorch.rand((2, 2, 6), backend=backend), minitorch.rand((3, 2, 2), backend=backend)
    minitorch.grad_check(minitorch.Conv1dFun.apply, t, w)
    t, w = minitorch.rand((1, 2, 4, 5), backend=backend), minitorch.rand((2, 2, 2, 3), backend=backend)
    minitorch.grad_check(minitorch.Conv2dFun.apply, t, w)
    minitorch.grad_check(lambda a: minitorch.unroll(a, 3), minitorch.rand((2, 2, 5), backend=backend))


# ----------------------------------------------------------------------------- kernels
def _kernel_case(rng):
    kernel, stride, dilation = (tuple(int(v) for v in rng.integers(1, hi, 3)) for hi in (4, 3, 3))
    padding = tuple(int(v) for v in rng.integers(0, 3, 3))
    size = tuple(int(v) for v in rng.integers(1, 7, 3))
    out_size = tuple(
        max(1, (i + 2 * p - d * (k - 1) - 1) // s + 1) for i, p, d, k, s in zip(size, padding, dilation, kernel, stride)
    )
    return kernel, stride, dilation, padding, size, out_size


@pytest.mark.parametrize("seed", range(20))
def test_fast_kernels_match_the_window_view_and_are_adjoint(seed):
    """The numba im2col / col2im against the generic view-based kernels (the reference)."""
    rng = np.random.default_rng(seed)
    kernel, stride, dilation, padding, size, out_size = _kernel_case(rng)
    window = Window(kernel, stride, dilation, padding, size, out_size)
    x = rng.standard_normal((2, 3, *size))
    cols = [np.empty((3, *kernel, 2, *out_size)) for _ in range(2)]
    fast_conv.unfold(x, window, cols[0])
    window_kernels.unfold(x, window, cols[1])
    np.testing.assert_array_equal(cols[0], cols[1])
    upstream = rng.standard_normal(cols[0].shape)
    folded = [np.empty_like(x) for _ in range(2)]
    fast_conv.fold(upstream, window, folded[0])
    window_kernels.fold(upstream, window, folded[1])
    np.testing.assert_allclose(folded[0], folded[1], atol=1e-12)
    # <unfold(x), c> == <x, fold(c)>
    assert np.sum(cols[0] * upstream) == pytest.approx(np.sum(x * folded[0]), rel=1e-10)


def test_fast_unfold_float32_and_strided_input():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 2, 1, 6, 8)).astype(np.float32).transpose(0, 1, 2, 4, 3)  # (3, 2, 1, 8, 6) strided
    out = np.empty((2, 1, 3, 2, 3, 1, 8, 5), dtype=np.float32)
    ref = np.empty_like(out)
    window = Window((1, 3, 2), (1, 1, 1), (1, 1, 1), (0, 1, 0), (1, 8, 6), (1, 8, 5))
    fast_conv.unfold(x, window, out)
    window_kernels.unfold(x, window, ref)
    np.testing.assert_array_equal(out, ref)


# ----------------------------------------------------------------------------- lowering paths
@pytest.mark.parametrize("threads", [1, 3], indirect=True)
@pytest.mark.parametrize("input_grad", [True, False])
@pytest.mark.parametrize("chunk", [1, 300, 1200, 1500, 10**9])
def test_batch_chunks_match_torch(monkeypatch, chunk, input_grad, threads):
    """One sample per chunk, uneven chunks (2, 2, 1 samples: the forward's last chunk is reused by
    the weight gradient), a small batch kept whole only without an input gradient (1500: 5 samples
    of 576 unrolled elements fit in two chunks), and the whole batch in one chunk agree with torch;
    with 3 threads the chunks are spread over them (every chunk count from 1 to 5)."""
    monkeypatch.setattr(conv_lowering, "CHUNK_ELEMENTS", chunk)
    monkeypatch.setattr(conv_lowering, "PARALLEL_GRAIN", 1)
    rng = np.random.default_rng(7)
    x, w, b = rng.standard_normal((5, 4, 6, 7)), rng.standard_normal((6, 2, 3, 2)), rng.standard_normal(6)
    tensors = [minitorch.from_numpy(a, requires_grad=True) for a in (x, w, b)]
    tensors[0].requires_grad_(input_grad)
    out = conv2d(*tensors, stride=(1, 2), padding=1, groups=2)
    refs = [torch.tensor(a, requires_grad=True) for a in (x, w, b)]
    refs[0].requires_grad_(input_grad)
    ref = F.conv2d(*refs, stride=(1, 2), padding=1, groups=2)
    np.testing.assert_allclose(out.to_numpy(), ref.detach().numpy(), atol=1e-12)
    upstream = rng.standard_normal(ref.shape)
    out.backward(minitorch.from_numpy(upstream))
    ref.backward(torch.tensor(upstream))
    for ours, theirs in zip(tensors[not input_grad :], refs[not input_grad :]):
        np.testing.assert_allclose(ours.grad.to_numpy(), theirs.grad.numpy(), atol=1e-12)
    # the transposed convolution reuses the unrolled gradient between its two gradients
    w_t = rng.standard_normal((6, 2, 2, 3))
    tensors = [minitorch.from_numpy(a, requires_grad=True) for a in (ref.detach().numpy(), w_t)]
    refs = [torch.tensor(a, requires_grad=True) for a in (ref.detach().numpy(), w_t)]
    out = conv_transpose2d(*tensors, stride=2, groups=2)
    ref = F.conv_transpose2d(*refs, stride=2, groups=2)
    upstream = rng.standard_normal(ref.shape)
    out.backward(minitorch.from_numpy(upstream))
    ref.backward(torch.tensor(upstream))
    for ours, theirs in zip(tensors, refs):
        np.testing.assert_allclose(ours.grad.to_numpy(), theirs.grad.numpy(), atol=1e-12)


@pytest.mark.parametrize("threads", [1, 3], indirect=True)
@pytest.mark.parametrize("chunk", [10**9, 500])
def test_weight_grad_reuses_every_threads_last_chunk(monkeypatch, chunk, threads):
    """The batch is cut into one range of samples per thread; the forward keeps each range's last
    chunk, so with one chunk per range (chunk 10**9) the weight gradient unrolls nothing again,
    and with several (500: one sample each) it unrolls all but the kept ones."""
    monkeypatch.setattr(conv_lowering, "CHUNK_ELEMENTS", chunk)
    monkeypatch.setattr(conv_lowering, "PARALLEL_GRAIN", 1)
    ops = minitorch.FastBackend.ops
    calls = []

    def counting_unfold(x, window, out):
        calls.append(x.shape[0])
        fast_conv.unfold(x, window, out)

    monkeypatch.setattr(ops, "unfold", staticmethod(counting_unfold))
    rng = np.random.default_rng(5)
    x = minitorch.from_numpy(rng.standard_normal((7, 2, 5, 6)))  # 2*3*3*30 = 540 unrolled elements a sample
    w = minitorch.from_numpy(rng.standard_normal((3, 2, 3, 3)), requires_grad=True)
    out = conv2d(x, w, padding=1)
    forward_calls = list(calls)
    calls.clear()
    out.backward(minitorch.from_numpy(np.ones(out.shape)))
    ref_w = torch.tensor(w.to_numpy(), requires_grad=True)
    F.conv2d(torch.tensor(x.to_numpy()), ref_w, padding=1).sum().backward()
    np.testing.assert_allclose(w.grad.to_numpy(), ref_w.grad.numpy(), atol=1e-12)
    assert sum(forward_calls) == 7
    if chunk == 10**9:
        assert (sorted(forward_calls), calls) == ([7] if threads == 1 else [2, 2, 3], [])  # one chunk per range
    else:
        assert len(forward_calls) == 7 and sum(calls) == 7 - threads  # all but each range's last sample


def test_second_backward_through_the_same_graph_gives_the_same_gradients(monkeypatch):
    """The forward's unrolled chunk kept for the weight gradient must survive a backward."""
    monkeypatch.setattr(conv_lowering, "CHUNK_ELEMENTS", 1200)
    rng = np.random.default_rng(3)
    x = minitorch.from_numpy(rng.standard_normal((5, 4, 6, 7)), requires_grad=True)
    w = minitorch.from_numpy(rng.standard_normal((6, 4, 3, 2)), requires_grad=True)
    loss = (conv2d(x, w, padding=1) * 1.0).sum()
    loss.backward()
    first = (x.grad.to_numpy().copy(), w.grad.to_numpy().copy())
    x.grad = w.grad = None
    loss.backward()
    np.testing.assert_array_equal(x.grad.to_numpy(), first[0])
    np.testing.assert_array_equal(w.grad.to_numpy(), first[1])


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    n=st.integers(1, 3),
    permuted=st.booleans(),
    backend_name=st.sampled_from(BACKEND_NAMES),
)
def test_conv_random_geometry_against_torch(seed, n, permuted, backend_name):
    """Random strides, paddings, dilations, groups and layouts: forward and all three gradients."""
    rng = np.random.default_rng(seed)
    groups = int(rng.integers(1, 4))
    kernel, stride, dilation = (tuple(int(v) for v in rng.integers(1, hi, n)) for hi in (4, 3, 3))
    padding = tuple(int(v) for v in rng.integers(0, 3, n))
    size = tuple(max(int(rng.integers(1, 7)), d * (k - 1) + 1 - 2 * p) for k, d, p in zip(kernel, dilation, padding))
    x = rng.standard_normal((int(rng.integers(1, 4)), groups * int(rng.integers(1, 3)), *size))
    w = rng.standard_normal((groups * int(rng.integers(1, 3)), x.shape[1] // groups, *kernel))
    b = rng.standard_normal(w.shape[0])
    backend = BACKENDS[backend_name]
    ours = [make_tensor(a, backend, permuted=permuted, requires_grad=True) for a in (x, w, b)]
    theirs = [torch.tensor(a, requires_grad=True) for a in (x, w, b)]
    kwargs = {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups}
    out = (conv1d, conv2d, conv3d)[n - 1](*ours, **kwargs)
    ref = (F.conv1d, F.conv2d, F.conv3d)[n - 1](*theirs, **kwargs)
    np.testing.assert_allclose(out.to_numpy(), ref.detach().numpy(), atol=1e-10)
    upstream = rng.standard_normal(ref.shape)
    out.backward(make_tensor(upstream, backend))
    ref.backward(torch.tensor(upstream))
    for a, t in zip(ours, theirs):
        np.testing.assert_allclose(a.grad.to_numpy(), t.grad.numpy(), atol=1e-10)


# ----------------------------------------------------------------------------- semantics
@pytest.mark.filterwarnings("ignore:Using padding='same'")
def test_same_padding_even_kernel_is_asymmetric_like_pytorch():
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal((2, 3, 9, 8)), rng.standard_normal((4, 3, 4, 2))
    out = conv2d(minitorch.from_numpy(x), minitorch.from_numpy(w), padding="same", dilation=(1, 3))
    ref = F.conv2d(torch.tensor(x), torch.tensor(w), padding="same", dilation=(1, 3))
    assert out.shape == (2, 4, 9, 8)
    np.testing.assert_allclose(out.to_numpy(), ref.numpy(), atol=1e-12)


def test_unbatched_input_and_float32():
    rng = np.random.default_rng(2)
    x, w = rng.standard_normal((3, 10)).astype(np.float32), rng.standard_normal((5, 3, 3)).astype(np.float32)
    out = conv1d(minitorch.from_numpy(x), minitorch.from_numpy(w), padding=1)
    assert out.shape == (5, 10) and out.dtype == np.float32
    np.testing.assert_allclose(out.to_numpy(), F.conv1d(torch.tensor(x), torch.tensor(w), padding=1).numpy(), atol=1e-5)


def test_conv_transpose_output_padding_and_gradients():
    rng = np.random.default_rng(4)
    x, w, b = rng.standard_normal((2, 4, 3, 5)), rng.standard_normal((4, 3, 3, 2)), rng.standard_normal(6)
    ours = [minitorch.from_numpy(a, requires_grad=True) for a in (x, w, b)]
    theirs = [torch.tensor(a, requires_grad=True) for a in (x, w, b)]
    kwargs = {"stride": (2, 3), "padding": (1, 0), "output_padding": (1, 2), "groups": 2, "dilation": (1, 2)}
    out, ref = conv_transpose2d(*ours, **kwargs), F.conv_transpose2d(*theirs, **kwargs)
    np.testing.assert_allclose(out.to_numpy(), ref.detach().numpy(), atol=1e-12)
    out.sum().backward()
    ref.sum().backward()
    for a, t in zip(ours, theirs):
        np.testing.assert_allclose(a.grad.to_numpy(), t.grad.numpy(), atol=1e-12)


def test_conv_transpose1d_is_the_adjoint_of_conv1d():
    rng = np.random.default_rng(5)
    x, w = rng.standard_normal((2, 3, 11)), rng.standard_normal((4, 3, 3))
    y = rng.standard_normal((2, 4, 6))
    conv = conv1d(minitorch.from_numpy(x), minitorch.from_numpy(w), stride=2, padding=1).to_numpy()
    back = conv_transpose1d(minitorch.from_numpy(y), minitorch.from_numpy(w), stride=2, padding=1).to_numpy()
    assert back.shape == x.shape
    assert np.sum(conv * y) == pytest.approx(np.sum(x * back), rel=1e-12)


def test_error_messages_name_op_and_shapes():
    x, w = minitorch.zeros((2, 3, 8, 8)), minitorch.zeros((4, 2, 3, 3))
    with pytest.raises(ShapeError, match=r"conv2d: input has C_in=3 channels but weight \(4, 2, 3, 3\)"):
        conv2d(x, w)
    with pytest.raises(ValueError, match="groups=2 must divide"):
        conv2d(x, minitorch.zeros((4, 1, 3, 3)), groups=2)
    with pytest.raises(ValueError, match="padding='same' needs stride 1"):
        conv2d(x, minitorch.zeros((4, 3, 3, 3)), padding="same", stride=2)
    with pytest.raises(ValueError, match=r"larger than the padded input \(8, 8\)"):
        conv2d(x, minitorch.zeros((4, 3, 9, 3)))
    with pytest.raises(ValueError, match="bias must have shape"):
        conv2d(x, minitorch.zeros((4, 3, 3, 3)), minitorch.zeros((3,)))
    with pytest.raises(ValueError, match="padding must be an int"):
        conv2d(x, minitorch.zeros((4, 3, 3, 3)), padding="full")


@pytest.mark.parametrize("name", ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                                  "conv_transpose3d"])
@pytest.mark.parametrize("backend", ["fast", "simple"])
def test_empty_batch_with_bias_gives_zero_bias_grad(name, backend):
    # regression: N = 0 with a bias crashed in backward ("cannot reshape array of size 0")
    n = int(name[-2])
    transposed = "transpose" in name
    rng = np.random.default_rng(0)
    x = rng.standard_normal((0, 2) + (5,) * n)
    w = rng.standard_normal(((2, 3) if transposed else (3, 2)) + (3,) * n)
    b = rng.standard_normal(3)
    ours = [make_tensor(a, BACKENDS[backend], requires_grad=True) for a in (x, w, b)]
    theirs = [torch.tensor(a, requires_grad=True) for a in (x, w, b)]
    out = getattr(minitorch.nn.functional, name)(*ours)
    ref = getattr(torch.nn.functional, name)(*theirs)
    assert out.shape == tuple(ref.shape)
    out.sum().backward()
    ref.sum().backward()
    for mine, torch_input in zip(ours, theirs):
        assert mine.grad.shape == tuple(torch_input.grad.shape)
        np.testing.assert_array_equal(to_numpy(mine.grad), torch_input.grad.numpy())
    np.testing.assert_array_equal(to_numpy(ours[2].grad), np.zeros(3))
