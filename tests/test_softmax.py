"""Softmax, log_softmax and logsumexp beyond the registry: stability at +-1000, special values,
float32, wide rows on both backends, and the course examples."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import minitorch
from minitorch.ops.softmax import log_softmax, logsumexp, softmax

from .helpers import BACKENDS, make_tensor, to_numpy


@pytest.mark.parametrize("backend_name", ["simple", "fast"])
def test_no_overflow_at_plus_minus_1000(backend_name):
    x = np.array([[1000.0, 999.0, -1000.0], [-1000.0, -1000.0, -999.0]])
    t = make_tensor(x, BACKENDS[backend_name])
    xt = torch.tensor(x)
    np.testing.assert_allclose(to_numpy(softmax(t, 1)), torch.softmax(xt, 1).numpy(), atol=1e-15)
    np.testing.assert_allclose(to_numpy(log_softmax(t, 1)), torch.log_softmax(xt, 1).numpy(), rtol=1e-15)
    np.testing.assert_allclose(to_numpy(logsumexp(t, 1)), torch.logsumexp(xt, 1).numpy(), rtol=1e-15)
    assert np.isfinite(to_numpy(softmax(t.to("float32"), 1))).all()


@pytest.mark.parametrize("backend_name", ["simple", "fast"])
def test_special_values_follow_torch(backend_name):
    x = np.array([[np.nan, 1.0, 2.0], [np.inf, 1.0, 2.0], [-np.inf, 0.0, 1.0], [-np.inf] * 3])
    t = make_tensor(x, BACKENDS[backend_name])
    xt = torch.tensor(x)
    np.testing.assert_allclose(to_numpy(softmax(t, 1)), torch.softmax(xt, 1).numpy(), rtol=1e-15)
    np.testing.assert_allclose(to_numpy(log_softmax(t, 1)), torch.log_softmax(xt, 1).numpy(), rtol=1e-15)
    np.testing.assert_array_equal(to_numpy(logsumexp(t, 1)), torch.logsumexp(xt, 1).numpy())


@pytest.mark.parametrize("dtype,tol", [("float32", 2e-6), ("float64", 1e-13)])
def test_wide_rows_match_torch_forward_and_backward(dtype, tol):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((37, 1000)) * 30  # many entries underflow to exactly 0
    g = rng.standard_normal(x.shape)
    for ours, reference in ((softmax, torch.softmax), (log_softmax, torch.log_softmax)):
        t = minitorch.from_numpy(x).to(dtype).requires_grad_(True)
        xt = torch.tensor(t.to_numpy().astype(np.float64), requires_grad=True)
        out, ref = ours(t, 1), reference(xt, 1)
        assert out.dtype == np.dtype(dtype)
        np.testing.assert_allclose(to_numpy(out), ref.detach().numpy(), atol=tol, rtol=tol * 10)
        (out * minitorch.from_numpy(g).to(dtype)).sum().backward()
        (ref * torch.tensor(g)).sum().backward()
        scale = np.abs(xt.grad.numpy()).max()
        np.testing.assert_allclose(to_numpy(t.grad), xt.grad.numpy(), atol=tol * scale * 10)


def test_fast_and_simple_backends_agree_on_random_rows():
    x = np.random.default_rng(1).uniform(-50, 50, (5, 7, 9))
    for dim in range(3):
        fast = to_numpy(log_softmax(make_tensor(x, BACKENDS["fast"], permuted=True), dim))
        simple = to_numpy(log_softmax(make_tensor(x, BACKENDS["simple"]), dim))
        np.testing.assert_allclose(fast, simple, rtol=1e-13, atol=1e-12)


def test_logsumexp_keepdim_and_several_dims():
    x = np.random.default_rng(2).standard_normal((2, 3, 4))
    out = logsumexp(minitorch.from_numpy(x), (0, 2), keepdim=True)
    assert out.shape == (1, 3, 1)
    np.testing.assert_allclose(to_numpy(out), torch.logsumexp(torch.tensor(x), (0, 2), keepdim=True).numpy())


# The MiniTorch course's own checks.
def test_course_softmax_sums_to_one_and_grad_checks():
    t = minitorch.tensor(np.random.default_rng(3).standard_normal((1, 1, 4, 4)).tolist())
    q = minitorch.softmax(t, 3)
    assert q.sum(dim=3)[0, 0, 0, 0] == pytest.approx(1.0)
    q = minitorch.softmax(t, 1)
    assert q.sum(dim=1)[0, 0, 0, 0] == pytest.approx(1.0)
    minitorch.grad_check(lambda a: minitorch.softmax(a, dim=2), t)


def test_course_logsoftmax_is_log_of_softmax():
    t = minitorch.tensor(np.random.default_rng(4).standard_normal((1, 1, 4, 4)).tolist())
    q = minitorch.softmax(t, 3)
    q2 = minitorch.logsoftmax(t, 3).exp()
    for i in q._tensor.indices():
        assert q[i] == pytest.approx(q2[i])
    minitorch.grad_check(lambda a: minitorch.logsoftmax(a, dim=2), t)


@pytest.mark.parametrize("backend", ["fast", "simple"])
def test_logsumexp_gradient_with_infinite_rows_follows_torch(backend):
    # regression: a row holding +inf had an all-nan gradient; torch gives 0 at its finite entries
    inf = float("inf")
    x = np.array([[1.0, inf, 2.0], [1.0, 2.0, 3.0], [-inf, -inf, -inf], [inf, -inf, 0.0]])
    ours = make_tensor(x, BACKENDS[backend], requires_grad=True)
    theirs = torch.tensor(x, requires_grad=True)
    weights = np.array([1.0, 2.0, 3.0, 4.0])
    out = logsumexp(ours, 1)
    ref = torch.logsumexp(theirs, 1)
    np.testing.assert_array_equal(to_numpy(out), ref.detach().numpy())
    (out * make_tensor(weights, BACKENDS[backend])).sum().backward()
    (ref * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(to_numpy(ours.grad), theirs.grad.numpy(), rtol=1e-12)  # nan where torch has nan
    assert to_numpy(ours.grad)[0, 0] == 0.0 and to_numpy(ours.grad)[3, 2] == 0.0
