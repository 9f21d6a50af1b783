"""Losses beyond the registry's random cases: extreme logits, all-ignored batches, float32,
the loss modules, and that losses feed backward like any op."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import minitorch
import minitorch.nn as nn
import minitorch.nn.functional as F

from .helpers import to_numpy


def test_cross_entropy_is_stable_for_huge_logits():
    logits = np.array([[1000.0, -1000.0, 0.0], [-500.0, 500.0, 499.0]])
    x = minitorch.tensor(logits, requires_grad=True)
    loss = F.cross_entropy(x, [1, 2], label_smoothing=0.1)
    xt = torch.tensor(logits, requires_grad=True)
    ref = torch.nn.functional.cross_entropy(xt, torch.tensor([1, 2]), label_smoothing=0.1)
    ref.backward()
    loss.backward()
    assert np.isfinite(loss.item()) and loss.item() == pytest.approx(ref.item(), rel=1e-12)
    np.testing.assert_allclose(to_numpy(x.grad), xt.grad.numpy(), atol=1e-12)


def test_bce_with_logits_is_stable_where_the_naive_form_overflows():
    logits = np.array([800.0, -800.0, 30.0, -30.0])
    target = np.array([0.0, 1.0, 1.0, 0.0])
    x = minitorch.tensor(logits, requires_grad=True)
    loss = F.binary_cross_entropy_with_logits(x, minitorch.tensor(target), reduction="none")
    ref = torch.nn.functional.binary_cross_entropy_with_logits(torch.tensor(logits), torch.tensor(target), reduction="none")
    np.testing.assert_allclose(to_numpy(loss), ref.numpy(), rtol=1e-12)
    loss.sum().backward()
    xt = torch.tensor(logits, requires_grad=True)
    torch.nn.functional.binary_cross_entropy_with_logits(xt, torch.tensor(target), reduction="sum").backward()
    np.testing.assert_allclose(to_numpy(x.grad), xt.grad.numpy(), rtol=1e-12, atol=1e-15)
    assert abs(to_numpy(x.grad)[3] - 9.357622968839e-14) < 1e-18  # sigmoid(-30), no cancellation


def test_bce_clamps_log_at_minus_100_like_torch():
    x, y = np.array([0.0, 1.0, 0.5]), np.array([1.0, 0.0, 1.0])
    ours = F.binary_cross_entropy(minitorch.tensor(x), minitorch.tensor(y), reduction="none")
    ref = torch.nn.functional.binary_cross_entropy(torch.tensor(x), torch.tensor(y), reduction="none")
    np.testing.assert_allclose(to_numpy(ours), ref.numpy())


def test_all_ignored_mean_is_nan_like_torch():
    loss = F.cross_entropy(minitorch.zeros((2, 3)), [-100, -100])
    ref = torch.nn.functional.cross_entropy(torch.zeros(2, 3), torch.tensor([-100, -100]))
    assert np.isnan(loss.item()) and torch.isnan(ref)


def test_float32_inputs_stay_float32():
    logits = minitorch.rand((4, 5), dtype="float32", requires_grad=True)
    loss = F.cross_entropy(logits, minitorch.tensor([0.0, 1.0, 4.0, 2.0]))
    loss.backward()
    assert loss.dtype == np.float32 and logits.grad.dtype == np.float32
    assert F.mse_loss(logits, minitorch.zeros((4, 5), dtype="float32")).dtype == np.float32


def test_single_sample_1d_logits_with_a_scalar_target():
    ours = F.cross_entropy(minitorch.tensor([0.5, 1.5, -1.0]), 1)
    ref = torch.nn.functional.cross_entropy(torch.tensor([0.5, 1.5, -1.0], dtype=torch.float64), torch.tensor(1))
    assert ours.item() == pytest.approx(ref.item(), rel=1e-12)


@pytest.mark.parametrize("make,make_ref,target", [
    (lambda: nn.CrossEntropyLoss(label_smoothing=0.2), lambda: torch.nn.CrossEntropyLoss(label_smoothing=0.2), "classes"),
    (lambda: nn.NLLLoss(reduction="sum"), lambda: torch.nn.NLLLoss(reduction="sum"), "classes"),
    (lambda: nn.MSELoss(), lambda: torch.nn.MSELoss(), "values"),
    (lambda: nn.BCEWithLogitsLoss(reduction="none"), lambda: torch.nn.BCEWithLogitsLoss(reduction="none"), "values"),
    (lambda: nn.BCELoss(), lambda: torch.nn.BCELoss(), "probabilities"),
    (lambda: nn.L1Loss(reduction="sum"), lambda: torch.nn.L1Loss(reduction="sum"), "values"),
    (lambda: nn.SmoothL1Loss(beta=0.5), lambda: torch.nn.SmoothL1Loss(beta=0.5), "values"),
    (lambda: nn.HuberLoss(reduction="none", delta=0.3), lambda: torch.nn.HuberLoss(reduction="none", delta=0.3), "values"),
    (lambda: nn.KLDivLoss(reduction="batchmean"), lambda: torch.nn.KLDivLoss(reduction="batchmean"), "probabilities"),
    (lambda: nn.KLDivLoss(reduction="sum", log_target=True), lambda: torch.nn.KLDivLoss(reduction="sum", log_target=True),
     "values"),
])
def test_loss_modules_match_torch(make, make_ref, target):
    rng = np.random.default_rng(0)
    x = rng.uniform(0.05, 0.95, (4, 3))
    y = {"classes": rng.integers(0, 3, 4), "values": rng.normal(size=(4, 3)), "probabilities": rng.uniform(0, 1, (4, 3))}[target]
    ours = make()(minitorch.tensor(x), y if target == "classes" else minitorch.tensor(y))
    ref = make_ref()(torch.tensor(x), torch.tensor(y))
    np.testing.assert_allclose(to_numpy(ours).reshape(ref.shape), ref.numpy(), rtol=1e-12)
    assert repr(make()) == repr(make_ref())


def test_loss_reduction_is_checked_at_construction():
    with pytest.raises(ValueError, match="reduction"):
        nn.MSELoss(reduction="average")
    with pytest.raises(ValueError, match="batchmean"):
        nn.KLDivLoss(reduction="batch")
    with pytest.raises(ValueError, match="reduction"):
        nn.L1Loss(reduction="batchmean")  # kl_div's alone, as in torch


def test_non_integer_class_targets_are_refused():
    with pytest.raises(ValueError, match="whole numbers"):
        F.cross_entropy(minitorch.zeros((2, 3)), [0.5, 1.0])
