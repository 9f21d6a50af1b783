"""Pooling beyond the registry: wide random geometries (hypothesis), float32, return_indices,
overlapping windows, ties, NaN, global pooling and the exact course examples."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

import minitorch
from minitorch.errors import ShapeError
from minitorch.ops.adaptive_pool import adaptive_avg_pool2d, adaptive_max_pool2d
from minitorch.ops.pool import avg_pool2d, max_pool1d, max_pool2d

from .helpers import BACKENDS, make_tensor, to_numpy


@st.composite
def pool_cases(draw):
    """A 2-D pooling geometry over every argument PyTorch accepts, and a matching input."""
    k = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    stride = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    padding = (draw(st.integers(0, k[0] // 2)), draw(st.integers(0, k[1] // 2)))
    dilation = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    h = draw(st.integers(dilation[0] * (k[0] - 1) + 1, 12))
    w = draw(st.integers(dilation[1] * (k[1] - 1) + 1, 12))
    kwargs = dict(kernel_size=k, stride=stride, padding=padding, ceil_mode=draw(st.booleans()))
    return (draw(st.integers(1, 3)), draw(st.integers(1, 3)), h, w), kwargs, dilation, draw(st.integers(0, 2**31 - 1))


def _compare(ours, reference, x, permuted, dtype=np.float64, atol=1e-12):
    t = make_tensor(x, minitorch.FastBackend, permuted=permuted).to(dtype).requires_grad_(True)
    xt = torch.tensor(x, requires_grad=True)
    out, ref = ours(t), reference(xt)
    np.testing.assert_allclose(to_numpy(out), ref.detach().numpy(), atol=atol, rtol=atol)
    g = np.random.default_rng(0).standard_normal(ref.shape)
    (out * make_tensor(g, minitorch.FastBackend).to(dtype)).sum().backward()
    (ref * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(to_numpy(t.grad), xt.grad.numpy(), atol=atol * 10, rtol=atol)


@settings(max_examples=60, deadline=None)
@given(case=pool_cases(), permuted=st.booleans())
def test_max_pool2d_any_geometry_matches_torch(case, permuted):
    shape, kwargs, dilation, seed = case
    x = np.round(np.random.default_rng(seed).standard_normal(shape) * 2)  # many ties
    _compare(lambda t: max_pool2d(t, dilation=dilation, **kwargs), lambda t: F.max_pool2d(t, dilation=dilation, **kwargs), x, permuted)


@settings(max_examples=60, deadline=None)
@given(case=pool_cases(), permuted=st.booleans(), count_include_pad=st.booleans())
def test_avg_pool2d_any_geometry_matches_torch(case, permuted, count_include_pad):
    shape, kwargs, _, seed = case
    x = np.random.default_rng(seed).standard_normal(shape)
    kwargs = dict(kwargs, count_include_pad=count_include_pad)
    _compare(lambda t: avg_pool2d(t, **kwargs), lambda t: F.avg_pool2d(t, **kwargs), x, permuted)


def test_float32_keeps_dtype_and_matches():
    x = np.random.default_rng(1).standard_normal((2, 3, 9, 7))
    for ours, ref in ((max_pool2d, F.max_pool2d), (avg_pool2d, F.avg_pool2d)):
        out = ours(minitorch.from_numpy(x.astype(np.float32)), 3, 2, 1)
        assert out.dtype == np.float32
        np.testing.assert_allclose(to_numpy(out), ref(torch.tensor(x), 3, 2, 1).numpy(), rtol=1e-6, atol=1e-6)


def test_return_indices_match_torch():
    x = np.random.default_rng(2).standard_normal((2, 3, 8, 9))
    _, indices = max_pool2d(minitorch.from_numpy(x), (3, 2), stride=(2, 1), padding=1, dilation=(1, 2), return_indices=True)
    _, expected = F.max_pool2d(torch.tensor(x), (3, 2), stride=(2, 1), padding=1, dilation=(1, 2), return_indices=True)
    np.testing.assert_array_equal(to_numpy(indices), expected.numpy())
    assert indices.dtype == np.int64  # as torch: usable as an index
    _, indices = max_pool1d(minitorch.from_numpy(x[0]), 4, 3, 2, ceil_mode=True, return_indices=True)
    _, expected = F.max_pool1d(torch.tensor(x[0]), 4, 3, 2, ceil_mode=True, return_indices=True)
    np.testing.assert_array_equal(to_numpy(indices), expected.numpy())


@pytest.mark.parametrize("backend_name", list(BACKENDS))
def test_window_of_only_padding_gives_minus_inf_and_no_gradient(backend_name):
    """With dilation a window can miss the input entirely: -inf there, as torch, and no gradient.

    (torch's backward is not the oracle here: it scatters such a window's gradient to an index
    past the end of the plane, into the next sample.)
    """
    x = np.array([[[[5.0, -1.0], [2.0, 3.0]]], [[[0.5, 4.0], [-2.0, 1.0]]]])  # (2, 1, 2, 2)
    ours = minitorch.from_numpy(x.copy(), backend=BACKENDS[backend_name], requires_grad=True)
    out = max_pool2d(ours, 2, stride=1, padding=1, dilation=3)
    ref = F.max_pool2d(torch.tensor(x), 2, stride=1, padding=1, dilation=3)
    assert np.isneginf(ref.numpy()).all()
    np.testing.assert_array_equal(to_numpy(out), ref.numpy())
    out.backward(minitorch.from_numpy(np.ones(ref.shape), backend=BACKENDS[backend_name]))
    np.testing.assert_array_equal(to_numpy(ours.grad), np.zeros_like(x))
    _, indices = max_pool1d(minitorch.from_numpy(np.array([[[5.0]]])), 2, 1, 1, 2, return_indices=True)
    assert to_numpy(indices).tolist() == [[[-1]]]  # no position (torch reports an out-of-range one)


def test_overlapping_windows_accumulate_at_a_shared_maximum():
    x = minitorch.tensor([[[0.0, 1.0, 9.0, 2.0, 3.0]]], requires_grad=True)
    out = max_pool1d(x, kernel_size=3, stride=1)  # every window contains the 9
    assert to_numpy(out).tolist() == [[[9.0, 9.0, 9.0]]]
    out.sum().backward()
    assert to_numpy(x.grad).tolist() == [[[0.0, 0.0, 3.0, 0.0, 0.0]]]


def test_ties_send_the_gradient_to_the_first_maximum():
    x = minitorch.tensor([[[[5.0, 5.0], [5.0, 5.0]]]], requires_grad=True)
    max_pool2d(x, 2).sum().backward()
    assert to_numpy(x.grad).tolist() == [[[[1.0, 0.0], [0.0, 0.0]]]]


def test_nan_propagates_like_torch():
    x = np.array([[[1.0, np.nan, 2.0, 0.0]]])
    out = max_pool1d(minitorch.from_numpy(x), 2)
    np.testing.assert_array_equal(to_numpy(out), F.max_pool1d(torch.tensor(x), 2).numpy())


def test_global_pooling_is_output_size_one():
    x = np.random.default_rng(3).standard_normal((2, 4, 5, 7))
    avg = adaptive_avg_pool2d(minitorch.from_numpy(x), 1)
    top = adaptive_max_pool2d(minitorch.from_numpy(x), (1, 1))
    assert avg.shape == top.shape == (2, 4, 1, 1)
    np.testing.assert_allclose(to_numpy(avg)[..., 0, 0], x.mean(axis=(2, 3)))
    np.testing.assert_allclose(to_numpy(top)[..., 0, 0], x.max(axis=(2, 3)))


def test_errors_name_the_op_and_the_fix():
    x = minitorch.zeros((1, 1, 4, 4))
    with pytest.raises(ShapeError, match="max_pool2d.*larger than the padded input"):
        max_pool2d(x, 7, padding=1)
    with pytest.raises(ShapeError, match="avg_pool2d.*half the kernel"):
        avg_pool2d(x, 2, padding=2)
    with pytest.raises(ShapeError, match="kernel_size must be an int or a tuple of 2 ints"):
        max_pool2d(x, (2, 2, 2))


# The MiniTorch course's own checks (tests/test_nn.py of the course), unchanged in spirit.
def test_course_avgpool2d_and_maxpool2d():
    t = minitorch.tensor(np.random.default_rng(4).standard_normal((1, 1, 4, 4)).tolist())
    for kernel in ((2, 2), (2, 1), (1, 2)):
        avg = minitorch.avgpool2d(t, kernel)
        top = minitorch.maxpool2d(t, kernel)
        block = [t[0, 0, i, j] for i in range(kernel[0]) for j in range(kernel[1])]
        assert avg[0, 0, 0, 0] == pytest.approx(sum(block) / len(block))
        assert top[0, 0, 0, 0] == pytest.approx(max(block))
    minitorch.grad_check(lambda a: minitorch.avgpool2d(a, (2, 2)), t)
    minitorch.grad_check(lambda a: minitorch.maxpool2d(a, (2, 2)), t)


def test_course_tile_shape_and_layout():
    t = minitorch.tensor(np.arange(16.0).reshape(1, 1, 4, 4).tolist())
    tiled, new_height, new_width = minitorch.tile(t, (2, 2))
    assert tiled.shape == (1, 1, 2, 2, 4) and (new_height, new_width) == (2, 2)
    assert to_numpy(tiled)[0, 0, 0, 1].tolist() == [2.0, 3.0, 6.0, 7.0]


def test_course_avgpool2d_of_tile_gradients_and_int_input():
    # avgpool2d is tile + one mean Function whose gradient reaches tile's backward as a stride-0
    # view: values and gradients against torch on a permuted input, and a typed error for ints
    rng = np.random.default_rng(6)
    x, g = rng.standard_normal((2, 3, 6, 8)), rng.standard_normal((2, 3, 2, 4))
    for backend in BACKENDS.values():
        mx = make_tensor(x, backend, permuted=True, requires_grad=True)
        out = minitorch.avgpool2d(mx, (3, 2))
        out.backward(make_tensor(g, backend))
        tx = torch.tensor(x, requires_grad=True)
        ref = F.avg_pool2d(tx, (3, 2))
        ref.backward(torch.tensor(g))
        np.testing.assert_allclose(to_numpy(out), ref.detach().numpy(), atol=1e-12)
        np.testing.assert_allclose(to_numpy(mx.grad), tx.grad.numpy(), atol=1e-12)
    with pytest.raises(minitorch.errors.DTypeError, match="avgpool2d: needs a float tensor, got int64"):
        minitorch.avgpool2d(minitorch.tensor([[[[1, 2], [3, 4]]]]).long(), (2, 2))


def test_course_max_and_argmax():
    t = minitorch.tensor(np.random.default_rng(5).standard_normal((2, 3, 4)).tolist())
    out = minitorch.max(t, 2)
    assert out.shape == (2, 3, 1)
    assert out[0, 0, 0] == max(t[0, 0, i] for i in range(4))
    minitorch.grad_check(lambda a: minitorch.max(a, 2), t)
    mask = minitorch.argmax(t, 1)
    assert to_numpy(mask).sum(axis=1).tolist() == [[1.0] * 4, [1.0] * 4]


@pytest.mark.parametrize("width", [1, 2, 3, 4, 5, 9])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_course_max_kernels_match_torch_with_ties_and_nan(width, dtype):
    """Both backends' row max (rows of 4 take a dedicated branch-free kernel) on ties and NaN."""
    rng = np.random.default_rng(width)
    x = rng.integers(-2, 3, size=(3, 40, width)).astype(dtype)  # small integers: many ties
    x[0, ::3, width // 2] = np.nan
    x[1, 5] = np.nan
    values, positions = torch.max(torch.tensor(x), dim=2, keepdim=True)
    for backend in BACKENDS.values():
        t = minitorch.from_numpy(x.copy(), backend=backend, requires_grad=True)
        out = minitorch.max(t, 2)
        np.testing.assert_array_equal(to_numpy(out), values.numpy())
        out.sum().backward()
        expected = np.zeros_like(x)
        np.put_along_axis(expected, positions.numpy(), 1.0, axis=2)
        np.testing.assert_array_equal(to_numpy(t.grad), expected)
