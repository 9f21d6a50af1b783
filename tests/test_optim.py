"""Optimizers and schedules against torch.optim: 20-step trajectories in float64, state dicts,
zero_grad, in-place updates that keep the parameters leaves."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import minitorch
import minitorch.nn as nn
import minitorch.nn.functional as F
from minitorch import optim
from minitorch.errors import DomainError
from minitorch.optim.lr_scheduler import CosineAnnealingLR, StepLR

from .helpers import to_numpy


def _pair(seed=0):
    torch.manual_seed(seed)
    theirs = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.Tanh(), torch.nn.Linear(6, 3)).double()
    ours = nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 3))
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    return ours, theirs


def _data(seed=1):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((8, 4)), rng.integers(0, 3, 8)


def _train(ours, theirs, opt, ref_opt, steps=20, sched=None, ref_sched=None):
    x, y = _data()
    for _ in range(steps):
        opt.zero_grad()
        ref_opt.zero_grad()
        F.cross_entropy(ours(minitorch.tensor(x)), y).backward()
        torch.nn.functional.cross_entropy(theirs(torch.tensor(x)), torch.tensor(y)).backward()
        opt.step()
        ref_opt.step()
        if sched is not None:
            sched.step()
            ref_sched.step()
            assert sched.get_last_lr() == pytest.approx(ref_sched.get_last_lr(), rel=1e-12)


CONFIGS = [
    (optim.SGD, torch.optim.SGD, dict(lr=0.1)),
    (optim.SGD, torch.optim.SGD, dict(lr=0.1, momentum=0.9)),
    (optim.SGD, torch.optim.SGD, dict(lr=0.05, momentum=0.8, dampening=0.3, weight_decay=0.01)),
    (optim.SGD, torch.optim.SGD, dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.1)),
    (optim.Adam, torch.optim.Adam, dict(lr=0.01)),
    (optim.Adam, torch.optim.Adam, dict(lr=0.02, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.05)),
    (optim.Adam, torch.optim.Adam, dict(lr=0.01, amsgrad=True)),
    (optim.AdamW, torch.optim.AdamW, dict(lr=0.01)),
    (optim.AdamW, torch.optim.AdamW, dict(lr=0.03, weight_decay=0.2, amsgrad=True)),
    (optim.SGD, torch.optim.SGD, dict(lr=0.05, momentum=0.9, maximize=True, foreach=False)),
    (optim.Adam, torch.optim.Adam, dict(lr=0.01, maximize=True, weight_decay=0.1)),
    (optim.AdamW, torch.optim.AdamW, dict(lr=0.01, maximize=True)),
    (optim.RMSprop, torch.optim.RMSprop, dict()),
    (optim.RMSprop, torch.optim.RMSprop, dict(lr=0.003, alpha=0.9, eps=1e-6, weight_decay=0.05)),
    (optim.RMSprop, torch.optim.RMSprop, dict(lr=0.003, momentum=0.9)),
    (optim.RMSprop, torch.optim.RMSprop, dict(lr=0.003, centered=True)),
    (optim.RMSprop, torch.optim.RMSprop, dict(lr=0.002, alpha=0.95, centered=True, momentum=0.8, weight_decay=0.1)),
    (optim.RMSprop, torch.optim.RMSprop, dict(lr=0.003, momentum=0.5, maximize=True, foreach=False)),
    (optim.Adagrad, torch.optim.Adagrad, dict()),
    (optim.Adagrad, torch.optim.Adagrad, dict(lr=0.1, lr_decay=0.05, weight_decay=0.02)),
    (optim.Adagrad, torch.optim.Adagrad, dict(lr=0.1, initial_accumulator_value=0.3, eps=1e-6)),
    (optim.Adagrad, torch.optim.Adagrad, dict(lr=0.05, lr_decay=0.01, maximize=True, foreach=False)),
    (optim.Adamax, torch.optim.Adamax, dict()),
    (optim.Adamax, torch.optim.Adamax, dict(lr=0.02, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.05)),
    (optim.Adamax, torch.optim.Adamax, dict(lr=0.01, maximize=True, foreach=False)),
    (optim.NAdam, torch.optim.NAdam, dict()),
    (optim.NAdam, torch.optim.NAdam, dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.05, momentum_decay=0.01)),
    (optim.NAdam, torch.optim.NAdam, dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True, maximize=True)),
]


@pytest.mark.parametrize("ours_cls,ref_cls,kwargs", CONFIGS, ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CONFIGS)])
def test_trajectory_matches_torch(ours_cls, ref_cls, kwargs):
    ours, theirs = _pair()
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)  # torch keeps scalar state (NAdam's mu_product) in it; ours is float64
    try:
        _train(ours, theirs, ours_cls(ours.parameters(), **kwargs), ref_cls(theirs.parameters(), **kwargs))
    finally:
        torch.set_default_dtype(previous)
    for (name, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        np.testing.assert_allclose(to_numpy(p.value), q.detach().numpy(), rtol=1e-9, atol=1e-11, err_msg=name)


@pytest.mark.parametrize("make,make_ref", [
    (lambda o: StepLR(o, step_size=3, gamma=0.5), lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5)),
    (lambda o: CosineAnnealingLR(o, T_max=7, eta_min=0.001), lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=7, eta_min=0.001)),
])
def test_schedules_match_torch(make, make_ref):
    ours, theirs = _pair()
    opt, ref_opt = optim.SGD(ours.parameters(), lr=0.1, momentum=0.5), torch.optim.SGD(theirs.parameters(), lr=0.1, momentum=0.5)
    _train(ours, theirs, opt, ref_opt, steps=20, sched=make(opt), ref_sched=make_ref(ref_opt))
    for p, q in zip(ours.parameters(), theirs.parameters()):
        np.testing.assert_allclose(to_numpy(p.value), q.detach().numpy(), rtol=1e-9, atol=1e-11)


def test_parameter_groups_have_their_own_settings():
    ours, theirs = _pair()
    groups = [{"params": ours[0].parameters(), "lr": 0.3}, {"params": ours[2].parameters()}]
    ref_groups = [{"params": theirs[0].parameters(), "lr": 0.3}, {"params": theirs[2].parameters()}]
    _train(ours, theirs, optim.SGD(groups, lr=0.01), torch.optim.SGD(ref_groups, lr=0.01), steps=5)
    for p, q in zip(ours.parameters(), theirs.parameters()):
        np.testing.assert_allclose(to_numpy(p.value), q.detach().numpy(), rtol=1e-9, atol=1e-11)


def test_updates_in_place_without_growing_the_graph():
    model = nn.Linear(3, 2)
    tensors = [p.value for p in model.parameters()]
    storages = [t._tensor._storage for t in tensors]
    opt = optim.Adam(model.parameters(), lr=0.1)
    before = to_numpy(model.weight.value)
    F.mse_loss(model(minitorch.ones((4, 3))), minitorch.zeros((4, 2))).backward()
    opt.step()
    assert [p.value for p in model.parameters()] == tensors  # same objects
    assert all(t._tensor._storage is s for t, s in zip(tensors, storages))  # same storage
    assert all(t.is_leaf() for t in tensors)
    assert not np.allclose(before, to_numpy(model.weight.value))
    opt.zero_grad()
    assert all(t.grad is None for t in tensors)


def test_parameters_without_gradient_are_skipped():
    model = nn.Sequential(nn.Linear(3, 2), nn.Linear(3, 2))
    before = to_numpy(model[1].weight.value)
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    model[0](minitorch.ones((1, 3))).sum().backward()
    opt.step()
    np.testing.assert_array_equal(before, to_numpy(model[1].weight.value))


@pytest.mark.parametrize("ours_cls,ref_cls,kwargs", [
    (optim.Adam, torch.optim.Adam, dict(lr=0.01, weight_decay=0.05)),
    (optim.Adam, torch.optim.Adam, dict(lr=0.01, amsgrad=True, maximize=True)),
    (optim.AdamW, torch.optim.AdamW, dict(lr=0.02, weight_decay=0.1)),
], ids=["Adam", "Adam-amsgrad-maximize", "AdamW"])
def test_adam_updates_many_tensors_at_once_as_torch(ours_cls, ref_cls, kwargs):
    """Several parameters per kernel call: more than one call takes (fast_optim.CHUNK), two groups,
    a column-major parameter, and step counts that differ (a bias without a gradient every other step)."""
    from minitorch.backends.fast_optim import CHUNK

    torch.manual_seed(0)
    theirs = torch.nn.Sequential(*[torch.nn.Linear(3, 3) for _ in range(6)]).double()
    ours = nn.Sequential(*[nn.Linear(3, 3) for _ in range(6)])
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    weight = ours[5].weight.value
    weight.data = minitorch.from_numpy(weight.to_numpy().T.copy()).permute(1, 0)  # column-major storage
    assert not weight.is_contiguous()
    params, ref_params = list(ours.parameters()), list(theirs.parameters())
    assert len(params[:10]) > CHUNK
    opt = ours_cls([{"params": params[:10]}, {"params": params[10:], "lr": 0.03}], **kwargs)
    ref_opt = ref_cls([{"params": ref_params[:10]}, {"params": ref_params[10:], "lr": 0.03}], **kwargs)
    x = np.random.default_rng(0).standard_normal((5, 3))
    for step in range(8):
        opt.zero_grad()
        ref_opt.zero_grad()
        ours(minitorch.tensor(x)).sum().backward()
        theirs(torch.tensor(x)).sum().backward()
        if step % 2:
            ours[2].bias.value.grad = None
            theirs[2].bias.grad = None
        opt.step()
        ref_opt.step()
    for p, q in zip(params, ref_params):
        np.testing.assert_allclose(to_numpy(p.value), q.detach().numpy(), rtol=1e-9, atol=1e-11)


RESUMABLE = [
    lambda p: optim.Adam(p, lr=0.01, amsgrad=True),
    lambda p: optim.SGD(p, lr=0.05, momentum=0.9),
    lambda p: optim.RMSprop(p, lr=0.01, centered=True, momentum=0.5),
    lambda p: optim.Adagrad(p, lr=0.05, lr_decay=0.1, initial_accumulator_value=0.1),
    lambda p: optim.Adamax(p, lr=0.01, weight_decay=0.01),
    lambda p: optim.NAdam(p, lr=0.01, weight_decay=0.01),
]


@pytest.mark.parametrize("make", RESUMABLE, ids=["Adam", "SGD", "RMSprop", "Adagrad", "Adamax", "NAdam"])
def test_state_dict_round_trip_resumes_exactly(tmp_path, make):
    x, y = _data()

    def step(model, opt):
        opt.zero_grad()
        F.cross_entropy(model(minitorch.tensor(x)), y).backward()
        opt.step()

    a, _ = _pair()
    b, _ = _pair()
    opt_a = make(a.parameters())
    for _ in range(3):
        step(a, opt_a)
    minitorch.save({"model": a.state_dict(), "optimizer": opt_a.state_dict()}, tmp_path / "ckpt.safetensors")
    state = minitorch.load(tmp_path / "ckpt.safetensors")
    b.load_state_dict(state["model"])
    opt_b = type(opt_a)(b.parameters(), lr=0.5)
    opt_b.load_state_dict(state["optimizer"])
    assert {k: v for k, v in opt_b.param_groups[0].items() if k != "params"} == {
        k: v for k, v in opt_a.param_groups[0].items() if k != "params"}
    for _ in range(3):
        step(a, opt_a)
        step(b, opt_b)
    for p, q in zip(a.parameters(), b.parameters()):
        np.testing.assert_array_equal(to_numpy(p.value), to_numpy(q.value))


def test_state_dict_keys_match_torch():
    """The same names in each parameter's state and in each group as torch (so a reader of either knows the other)."""
    for make, make_ref in [
        (lambda p: optim.RMSprop(p, centered=True, momentum=0.9), lambda p: torch.optim.RMSprop(p, centered=True, momentum=0.9)),
        (lambda p: optim.Adagrad(p), lambda p: torch.optim.Adagrad(p)),
        (lambda p: optim.Adamax(p), lambda p: torch.optim.Adamax(p)),
        (lambda p: optim.NAdam(p), lambda p: torch.optim.NAdam(p)),
    ]:
        ours, theirs = _pair()
        opt, ref_opt = make(ours.parameters()), make_ref(theirs.parameters())
        _train(ours, theirs, opt, ref_opt, steps=1)
        mine, ref = opt.state_dict(), ref_opt.state_dict()
        assert set(mine["state"]) == set(ref["state"])
        assert all(set(mine["state"][i]) == set(ref["state"][i]) for i in ref["state"])
        assert set(mine["param_groups"][0]) <= set(ref["param_groups"][0])


def test_adagrad_has_state_before_its_first_step():
    assert optim.Adagrad(nn.Linear(2, 2).parameters(), initial_accumulator_value=0.5).state_dict()["state"][0]["sum"].tolist() == [[0.5, 0.5], [0.5, 0.5]]


@pytest.mark.parametrize("make,message", [
    (lambda p: optim.SGD(p, lr=-0.1), "lr"),
    (lambda p: optim.SGD(p, lr=0.1, momentum=-1), "momentum"),
    (lambda p: optim.Adam(p, eps=-1e-8), "eps"),
    (lambda p: optim.AdamW(p, weight_decay=-1), "weight_decay"),
    (lambda p: optim.RMSprop(p, alpha=-0.5), "alpha"),
    (lambda p: optim.RMSprop(p, lr=float("nan")), "lr"),
    (lambda p: optim.RMSprop(p, momentum=-0.1), "momentum"),
    (lambda p: optim.Adagrad(p, lr_decay=-1), "lr_decay"),
    (lambda p: optim.Adagrad(p, initial_accumulator_value=-1), "initial_accumulator_value"),
    (lambda p: optim.Adagrad(p, eps=-1), "eps"),
    (lambda p: optim.NAdam(p, momentum_decay=-1), "momentum_decay"),
    (lambda p: optim.Adamax(p, lr=-1), "lr"),
])
def test_negative_hyperparameters_are_refused_as_torch_does(make, message):
    with pytest.raises(DomainError, match=f"invalid {message} "):
        make(nn.Linear(2, 2).parameters())


def test_bad_arguments_are_refused():
    params = nn.Linear(2, 2).parameters()
    with pytest.raises(ValueError, match="nesterov"):
        optim.SGD(params, lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match="betas"):
        optim.Adam(params, betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="empty"):
        optim.SGD([], lr=0.1)
    with pytest.raises(TypeError, match="Parameters"):
        optim.SGD([1.0], lr=0.1)
    opt = optim.SGD(params, lr=0.1)
    with pytest.raises(ValueError, match="same model"):
        opt.load_state_dict(optim.SGD(nn.Linear(2, 3, bias=False).parameters()).state_dict())


def test_plain_leaf_tensors_can_be_optimized():
    w = minitorch.tensor([1.0, -2.0], requires_grad=True)
    opt = optim.SGD([w], lr=0.5)
    (w * w).sum().backward()
    opt.step()
    np.testing.assert_allclose(to_numpy(w), [0.0, 0.0])


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adamax", "NAdam"])
def test_arguments_are_torchs_in_torchs_order_with_its_defaults(name):
    import inspect

    ours = inspect.signature(getattr(optim, name)).parameters
    theirs = inspect.signature(getattr(torch.optim, name)).parameters
    assert [p for p in ours if p not in theirs] == [], "arguments torch lacks"
    assert list(ours) == [p for p in theirs if p in ours], "order"
    assert all(ours[p].kind == theirs[p].kind for p in ours), "keyword-only as torch"
    assert all(ours[p].default == theirs[p].default for p in ours), "defaults"
    assert {"maximize", "foreach"} <= set(ours)
