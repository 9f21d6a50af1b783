"""The fast backend's per-channel broadcast add (`fast_channel`: a conv bias (C, 1, 1) on
(N, C, H, W)) against PyTorch, forward and gradients, float64 and float32, with the shapes
it takes and those it must leave to the other paths (non-contiguous, short runs, mixed dtypes)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import minitorch
from minitorch.backends import fast
from minitorch.backends.fast_channel import add_per_channel, channel_runs

DTYPES = [(np.float64, torch.float64, 1e-12), (np.float32, torch.float32, 1e-5)]


def _check(a_np, b_np, tol, a_view=None, swap=False):
    a = minitorch.tensor(a_np, requires_grad=True)
    b = minitorch.tensor(b_np, requires_grad=True)
    ta = torch.tensor(a_np, requires_grad=True)
    tb = torch.tensor(b_np, requires_grad=True)
    x, tx = (a_view(a), a_view(ta)) if a_view else (a, ta)
    out, tout = (b + x, tb + tx) if swap else (x + b, tx + tb)
    assert out.shape == tuple(tout.shape)
    np.testing.assert_allclose(out.to_numpy(), tout.detach().numpy(), rtol=tol, atol=tol)
    weights = np.random.default_rng(1).random(out.shape).astype(a_np.dtype)
    (out * minitorch.tensor(weights)).sum().backward()
    (tout * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(a.grad.to_numpy(), ta.grad.numpy(), rtol=tol * 100, atol=tol * 100)
    np.testing.assert_allclose(b.grad.to_numpy(), tb.grad.numpy(), rtol=tol * 100, atol=tol * 100)


@pytest.mark.parametrize("np_dtype,torch_dtype,tol", DTYPES)
@pytest.mark.parametrize("seed", range(6))
def test_channel_add_matches_pytorch_on_random_shapes(np_dtype, torch_dtype, tol, seed):
    rng = np.random.default_rng(seed)
    shape = tuple(int(s) for s in rng.integers(1, 9, size=int(rng.integers(2, 5))))
    shape = shape[:-1] + (shape[-1] * 5,)  # long enough runs for some dims
    d = int(rng.integers(0, len(shape)))
    b_shape = (shape[d],) + (1,) * (len(shape) - d - 1)
    if rng.random() < 0.5:
        b_shape = (1,) * int(rng.integers(0, 2)) + b_shape  # leading ones
    a_np = rng.standard_normal(shape).astype(np_dtype)
    b_np = rng.standard_normal(b_shape).astype(np_dtype)
    _check(a_np, b_np, tol, swap=bool(seed % 2))


@pytest.mark.parametrize("np_dtype,torch_dtype,tol", DTYPES)
def test_conv_bias_shapes_run_the_kernel_and_match_pytorch(np_dtype, torch_dtype, tol, monkeypatch):
    calls = []
    kernel = fast.compiled.fast_channel.add_per_channel
    monkeypatch.setattr(fast.compiled.fast_channel, "add_per_channel", lambda *args: (calls.append(args[3:]), kernel(*args))[1])
    rng = np.random.default_rng(0)
    for shape, channels in (((16, 4, 28, 28), 4), ((16, 8, 28, 28), 8), ((10, 100, 50), 100)):
        a_np = rng.standard_normal(shape).astype(np_dtype)
        b_np = rng.standard_normal((channels,) + (1,) * (len(shape) - 2)).astype(np_dtype)
        _check(a_np, b_np, tol)
        _check(a_np, b_np, tol, swap=True)
    assert (16, 4, 784) in calls and (16, 8, 784) in calls and (10, 100, 50) in calls


@pytest.mark.parametrize("np_dtype,torch_dtype,tol", DTYPES)
def test_non_contiguous_and_other_layouts_match_pytorch(np_dtype, torch_dtype, tol):
    rng = np.random.default_rng(3)
    a_np = rng.standard_normal((6, 5, 8, 40)).astype(np_dtype)
    # a permuted (non-contiguous) input: (6, 5, 40, 8) + (5, 1, 1)
    _check(a_np, rng.standard_normal((5, 1, 1)).astype(np_dtype), tol, a_view=lambda t: t.permute(0, 1, 3, 2))
    # a sliced input
    _check(a_np, rng.standard_normal((5, 1, 1)).astype(np_dtype), tol, a_view=lambda t: t[:, :, 1:7])
    # a bias with two non-one dims, a row bias, short runs
    _check(a_np, rng.standard_normal((5, 8, 1)).astype(np_dtype), tol)
    _check(a_np, rng.standard_normal((40,)).astype(np_dtype), tol)
    _check(rng.standard_normal((6, 5, 2, 2)).astype(np_dtype), rng.standard_normal((5, 1, 1)).astype(np_dtype), tol)


def test_mixed_dtypes_keep_numpy_promotion():
    a = minitorch.tensor(np.random.default_rng(0).random((4, 3, 8, 8)))
    b = minitorch.tensor(np.arange(3.0, dtype=np.float32).reshape(3, 1, 1))
    np.testing.assert_allclose((a + b).to_numpy(), a.to_numpy() + b.to_numpy())


def test_channel_runs():
    assert channel_runs((16, 8, 28, 28), (8, 1, 1)) == (16, 8, 784)
    assert channel_runs((16, 8, 28, 28), (1, 8, 1, 1)) == (16, 8, 784)
    assert channel_runs((10, 100, 52), (100, 1)) == (10, 100, 52)
    assert channel_runs((4, 32), (32,)) is None  # runs of 1: a row bias, not per channel
    assert channel_runs((16, 8, 28, 28), (8, 28, 1)) is None  # two non-one dims
    assert channel_runs((16, 8, 28, 28), (1, 1, 1)) is None  # a scalar broadcast
    assert channel_runs((16, 8, 2, 2), (8, 1, 1)) is None  # runs of 4: numpy's loop
    assert channel_runs((8, 1), (1, 8, 1)) is None  # b has more dims than out


def test_kernel_adds_one_value_per_run():
    a = np.arange(24.0)
    out = np.empty(24)
    add_per_channel(out, a, np.array([100.0, 200.0, 300.0]), 2, 3, 4)
    np.testing.assert_array_equal(out, a + np.repeat(np.tile([100.0, 200.0, 300.0], 2), 4))
