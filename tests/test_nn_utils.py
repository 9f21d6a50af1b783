"""minitorch.nn.utils against torch.nn.utils: gradient clipping (norm and value) and parameter vectors."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import minitorch
import minitorch.nn as nn
import minitorch.nn.functional as F
from minitorch.errors import DTypeError, NonFiniteError, ShapeError
from minitorch.nn.utils import clip_grad_norm_, clip_grad_value_, parameters_to_vector, vector_to_parameters

from .helpers import to_numpy


def _pair_with_gradients(scale=1.0, seed=0):
    """Equal small models in both libraries, after one backward of the same loss (times `scale`)."""
    torch.manual_seed(seed)
    theirs = torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.Tanh(), torch.nn.Linear(5, 3)).double()
    ours = nn.Sequential(nn.Linear(4, 5), nn.Tanh(), nn.Linear(5, 3))
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    rng = np.random.default_rng(seed)
    x, y = rng.standard_normal((6, 4)), rng.integers(0, 3, 6)
    (F.cross_entropy(ours(minitorch.tensor(x)), y) * scale).backward()
    (torch.nn.functional.cross_entropy(theirs(torch.tensor(x)), torch.tensor(y)) * scale).backward()
    return ours, theirs


def _assert_same_gradients(ours, theirs):
    for (name, p), q in zip(ours.named_parameters(), theirs.parameters()):
        np.testing.assert_allclose(to_numpy(p.grad), q.grad.numpy(), rtol=1e-12, atol=1e-15, err_msg=name)


@pytest.mark.parametrize("norm_type", [2.0, 1, 3.5, float("inf"), "inf", 0.5])
@pytest.mark.parametrize("max_norm", [0.05, 1e3])  # clipped, and left as it is (multiplied by 1)
def test_clip_grad_norm_matches_torch(norm_type, max_norm):
    ours, theirs = _pair_with_gradients(scale=10.0)
    total = clip_grad_norm_(ours.parameters(), max_norm, norm_type=norm_type)
    ref = torch.nn.utils.clip_grad_norm_(theirs.parameters(), max_norm, norm_type=norm_type)
    assert isinstance(total, minitorch.Tensor) and total.shape == ()
    assert total.item() == pytest.approx(ref.item(), rel=1e-12)
    _assert_same_gradients(ours, theirs)
    if max_norm < 1:  # the clipped gradients have the requested norm
        assert float(clip_grad_norm_(ours.parameters(), 1e9, norm_type)) == pytest.approx(max_norm, rel=1e-4)


def test_clip_grad_norm_skips_parameters_without_gradient_and_takes_one_tensor():
    ours, theirs = _pair_with_gradients()
    ours[0].weight.grad, theirs[0].weight.grad = None, None
    total = clip_grad_norm_(ours.parameters(), 0.1)
    ref = torch.nn.utils.clip_grad_norm_(theirs.parameters(), 0.1)
    assert total.item() == pytest.approx(ref.item(), rel=1e-12)
    assert ours[0].weight.grad is None
    _assert_same_gradients(nn.Sequential(ours[2]), torch.nn.Sequential(theirs[2]))
    single = clip_grad_norm_(ours[2].weight, 0.01)
    assert single.item() == pytest.approx(torch.nn.utils.clip_grad_norm_(theirs[2].weight, 0.01).item(), rel=1e-12)
    np.testing.assert_allclose(to_numpy(ours[2].weight.grad), theirs[2].weight.grad.numpy(), rtol=1e-12)


def test_clip_grad_norm_without_gradients_returns_zero():
    total = clip_grad_norm_(nn.Linear(2, 2).parameters(), 1.0)
    assert total.shape == () and total.item() == 0.0


def test_non_finite_norm_raises_only_when_asked():
    ours, theirs = _pair_with_gradients()
    theirs[0].bias.grad[0] = float("nan")
    ours[0].bias.grad = minitorch.tensor(theirs[0].bias.grad.numpy().copy())
    with pytest.raises(NonFiniteError, match="error_if_nonfinite=False"):
        clip_grad_norm_(ours.parameters(), 1.0, error_if_nonfinite=True)
    with pytest.raises(RuntimeError):
        torch.nn.utils.clip_grad_norm_(theirs.parameters(), 1.0, error_if_nonfinite=True)
    assert np.isnan(clip_grad_norm_(ours.parameters(), 1.0).item())
    torch.nn.utils.clip_grad_norm_(theirs.parameters(), 1.0)
    for p, q in zip(ours.parameters(), theirs.parameters()):  # all NaN, as torch
        np.testing.assert_array_equal(np.isnan(to_numpy(p.grad)), np.isnan(q.grad.numpy()))


def test_clip_grad_value_matches_torch():
    ours, theirs = _pair_with_gradients(scale=5.0)
    assert clip_grad_value_(ours.parameters(), 0.1) is None
    torch.nn.utils.clip_grad_value_(theirs.parameters(), 0.1)
    _assert_same_gradients(ours, theirs)
    assert max(np.abs(to_numpy(p.grad)).max() for p in ours.parameters()) == pytest.approx(0.1)


def test_clip_grad_refuses_what_is_not_a_parameter():
    with pytest.raises(DTypeError, match="clip_grad_value_"):
        clip_grad_value_([np.zeros(3)], 1.0)


def test_parameters_to_vector_matches_torch_and_is_differentiable():
    ours, theirs = _pair_with_gradients()
    vec = parameters_to_vector(ours.parameters())
    np.testing.assert_array_equal(to_numpy(vec), torch.nn.utils.parameters_to_vector(theirs.parameters()).detach().numpy())
    ours.zero_grad()
    (vec * vec).sum().backward()
    for p in ours.parameters():
        np.testing.assert_allclose(to_numpy(p.grad), 2 * to_numpy(p), rtol=1e-12)


def test_vector_to_parameters_writes_in_place():
    ours, theirs = _pair_with_gradients()
    values = np.arange(sum(p.numel() for p in theirs.parameters()), dtype=np.float64) / 10
    weights = [p for p in ours.parameters()]
    vector_to_parameters(minitorch.tensor(values), ours.parameters())
    torch.nn.utils.vector_to_parameters(torch.tensor(values), theirs.parameters())
    assert all(p is w for p, w in zip(ours.parameters(), weights))  # the same objects, updated in place
    for p, q in zip(ours.parameters(), theirs.parameters()):
        np.testing.assert_array_equal(to_numpy(p), q.detach().numpy())
        assert p.is_leaf()
    with pytest.raises(ShapeError, match=r"need \(43,\)"):
        vector_to_parameters(minitorch.zeros((52,)), ours.parameters())
    with pytest.raises(DTypeError, match="Tensor"):
        vector_to_parameters(values, ours.parameters())
