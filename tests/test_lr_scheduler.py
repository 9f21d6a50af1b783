"""Learning-rate schedules against torch.optim.lr_scheduler: every scheduler's lr sequence (and
the momentum the cyclic ones set) equals torch's step for step, over enough steps to pass every
edge (milestones, restarts, the end of warm-ups and cycles), with two param groups; resuming
from a state dict saved with minitorch.save follows torch's resumed sequence; bad arguments raise."""

from __future__ import annotations

import math

import pytest
import torch
import torch.optim.lr_scheduler as T

import minitorch
import minitorch.nn as nn
from minitorch import optim
from minitorch.errors import DomainError, DTypeError
from minitorch.optim import lr_scheduler as L

STEPS = 25


def _optimizers(kind="SGD", **kwargs):
    """(ours, torch's) optimizers of the same kind over two param groups with different lrs."""
    torch_model = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Linear(2, 1))
    ours_model = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 1))
    ours = getattr(optim, kind)([{"params": ours_model[0].parameters()}, {"params": ours_model[1].parameters(), "lr": 0.3}],
                                lr=0.1, **kwargs)
    theirs = getattr(torch.optim, kind)([{"params": torch_model[0].parameters()}, {"params": torch_model[1].parameters(), "lr": 0.3}],
                                        lr=0.1, **kwargs)
    return ours, theirs


def _settings(opt):
    """Each group's lr and (where set) momentum / betas: what a scheduler writes."""
    values = []
    for group in opt.param_groups:
        values += [group["lr"], group.get("momentum", -1.0), *group.get("betas", ())]
    return values


def _assert_same(ours_opt, torch_opt, ours_sched, torch_sched, where):
    assert ours_sched.get_last_lr() == pytest.approx(torch_sched.get_last_lr(), rel=1e-13, abs=1e-16), where
    assert _settings(ours_opt) == pytest.approx(_settings(torch_opt), rel=1e-13, abs=1e-16), where
    assert getattr(ours_sched, "last_epoch", None) == getattr(torch_sched, "last_epoch", None), where


def _run(ours_opt, torch_opt, ours_sched, torch_sched, steps, start=0, metrics=None):
    for i in range(start, steps):
        ours_opt.step()
        torch_opt.step()
        if metrics is None:
            ours_sched.step()
            torch_sched.step()
        else:
            ours_sched.step(metrics[i])
            torch_sched.step(metrics[i])
        _assert_same(ours_opt, torch_opt, ours_sched, torch_sched, f"after step {i + 1}")


def _decay(epoch):
    return 0.9 ** epoch


# (id, optimizer kind and kwargs, steps, a function (module, optimizer) -> scheduler)
CASES = [
    ("LambdaLR", ("SGD", {}), STEPS, lambda M, o: M.LambdaLR(o, lambda e: 0.95 ** e)),
    ("LambdaLR-per-group", ("SGD", {}), STEPS, lambda M, o: M.LambdaLR(o, [_decay, lambda e: 1.0 / (1 + e)])),
    ("MultiplicativeLR", ("SGD", {}), STEPS, lambda M, o: M.MultiplicativeLR(o, lambda e: 0.9 if e % 2 else 0.99)),
    ("StepLR", ("SGD", {}), STEPS, lambda M, o: M.StepLR(o, step_size=3, gamma=0.5)),
    ("MultiStepLR", ("SGD", {}), STEPS, lambda M, o: M.MultiStepLR(o, milestones=[9, 2, 5, 5], gamma=0.3)),
    ("ConstantLR", ("SGD", {}), STEPS, lambda M, o: M.ConstantLR(o)),
    ("ConstantLR-factor", ("SGD", {}), STEPS, lambda M, o: M.ConstantLR(o, factor=0.5, total_iters=3)),
    ("LinearLR", ("SGD", {}), STEPS, lambda M, o: M.LinearLR(o)),
    ("LinearLR-decay", ("SGD", {}), STEPS, lambda M, o: M.LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=7)),
    ("ExponentialLR", ("SGD", {}), STEPS, lambda M, o: M.ExponentialLR(o, gamma=0.9)),
    ("PolynomialLR", ("SGD", {}), STEPS, lambda M, o: M.PolynomialLR(o, total_iters=6, power=2.0)),
    ("CosineAnnealingLR", ("SGD", {}), STEPS, lambda M, o: M.CosineAnnealingLR(o, T_max=5, eta_min=0.01)),
    ("CosineAnnealingWarmRestarts", ("SGD", {}), STEPS, lambda M, o: M.CosineAnnealingWarmRestarts(o, T_0=4)),
    ("CosineAnnealingWarmRestarts-mult", ("SGD", {}), STEPS,
     lambda M, o: M.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.001)),
    ("OneCycleLR-SGD", ("SGD", {"momentum": 0.9}), STEPS, lambda M, o: M.OneCycleLR(o, max_lr=1.0, total_steps=STEPS)),
    ("OneCycleLR-Adam", ("Adam", {}), STEPS, lambda M, o: M.OneCycleLR(o, max_lr=[0.01, 0.02], epochs=5, steps_per_epoch=5)),
    ("OneCycleLR-three-phase-linear", ("SGD", {"momentum": 0.5}), STEPS,
     lambda M, o: M.OneCycleLR(o, max_lr=0.5, total_steps=STEPS, pct_start=0.25, anneal_strategy="linear",
                               three_phase=True, base_momentum=0.8, max_momentum=[0.9, 0.99], div_factor=10.0,
                               final_div_factor=100.0)),
    ("OneCycleLR-no-momentum", ("Adagrad", {}), STEPS,
     lambda M, o: M.OneCycleLR(o, max_lr=0.1, total_steps=STEPS, cycle_momentum=False)),
    ("OneCycleLR-RMSprop", ("RMSprop", {"momentum": 0.9}), STEPS, lambda M, o: M.OneCycleLR(o, max_lr=0.1, total_steps=STEPS)),
    ("CyclicLR", ("SGD", {"momentum": 0.9}), STEPS, lambda M, o: M.CyclicLR(o, 0.01, 0.1, step_size_up=3, step_size_down=5)),
    ("CyclicLR-triangular2-Adam", ("Adam", {}), STEPS,
     lambda M, o: M.CyclicLR(o, [0.01, 0.02], 0.1, step_size_up=4, mode="triangular2")),
    ("CyclicLR-exp_range", ("SGD", {"momentum": 0.9}), STEPS,
     lambda M, o: M.CyclicLR(o, 0.01, 0.1, step_size_up=3, mode="exp_range", gamma=0.9, base_momentum=0.7)),
    ("CyclicLR-scale_fn", ("SGD", {}), STEPS,
     lambda M, o: M.CyclicLR(o, 0.01, 0.1, step_size_up=2, scale_fn=lambda x: 1 / (1 + x), scale_mode="iterations",
                             cycle_momentum=False)),
    ("SequentialLR", ("SGD", {}), STEPS,
     lambda M, o: M.SequentialLR(o, [M.LinearLR(o, start_factor=0.2, total_iters=3), M.ExponentialLR(o, gamma=0.8)],
                                 milestones=[3])),
    ("SequentialLR-three", ("SGD", {}), STEPS,
     lambda M, o: M.SequentialLR(o, [M.ConstantLR(o, factor=0.5, total_iters=2), M.CosineAnnealingLR(o, T_max=4),
                                     M.StepLR(o, step_size=2, gamma=0.7)], milestones=[2, 8])),
    ("ChainedScheduler", ("SGD", {}), STEPS,
     lambda M, o: M.ChainedScheduler([M.ConstantLR(o, factor=0.25, total_iters=4), M.ExponentialLR(o, gamma=0.9)])),
    ("ChainedScheduler-three", ("SGD", {}), STEPS,
     lambda M, o: M.ChainedScheduler([M.LinearLR(o, start_factor=0.5, total_iters=5), M.StepLR(o, 3, 0.5),
                                      M.MultiStepLR(o, [4, 11], 0.2)], optimizer=o)),
]


@pytest.mark.parametrize("name,optimizer,steps,make", CASES, ids=[c[0] for c in CASES])
def test_sequence_matches_torch(name, optimizer, steps, make):
    kind, kwargs = optimizer
    ours_opt, torch_opt = _optimizers(kind, **kwargs)
    ours, theirs = make(L, ours_opt), make(T, torch_opt)
    _assert_same(ours_opt, torch_opt, ours, theirs, "after construction")
    _run(ours_opt, torch_opt, ours, theirs, steps)


@pytest.mark.parametrize("name,optimizer,steps,make", CASES, ids=[c[0] for c in CASES])
def test_resuming_from_a_saved_state_dict_matches_torch(name, optimizer, steps, make, tmp_path):
    """Save optimizer + scheduler after 7 steps with minitorch.save, rebuild both as torch's
    docs do (new optimizer, load its state, new scheduler, load its state) and go on."""
    kind, kwargs = optimizer
    ours_opt, torch_opt = _optimizers(kind, **kwargs)
    ours, theirs = make(L, ours_opt), make(T, torch_opt)
    _run(ours_opt, torch_opt, ours, theirs, 7)
    minitorch.save({"optimizer": ours_opt.state_dict(), "scheduler": ours.state_dict()}, tmp_path / "ckpt.safetensors")
    saved = minitorch.load(tmp_path / "ckpt.safetensors")
    torch_saved = {"optimizer": torch_opt.state_dict(), "scheduler": theirs.state_dict()}
    ours_opt, torch_opt = _optimizers(kind, **kwargs)
    ours_opt.load_state_dict(saved["optimizer"])
    torch_opt.load_state_dict(torch_saved["optimizer"])
    ours, theirs = make(L, ours_opt), make(T, torch_opt)
    ours.load_state_dict(saved["scheduler"])
    theirs.load_state_dict(torch_saved["scheduler"])
    _run(ours_opt, torch_opt, ours, theirs, steps, start=7)


PLATEAUS = [
    dict(),
    dict(patience=2),
    dict(mode="max", factor=0.5, patience=1, threshold=0.05),
    dict(patience=1, threshold=0.1, threshold_mode="abs", cooldown=2, min_lr=[0.02, 0.001]),
    dict(mode="max", threshold_mode="abs", patience=0, min_lr=0.05, eps=0.01),
]
METRICS = [1.0, 0.9, 0.95, 0.95, 0.89, 0.9, 0.9, 0.9, 0.9, 0.5, 0.6, 0.7, 0.8] * 3


@pytest.mark.parametrize("kwargs", PLATEAUS)
def test_reduce_on_plateau_matches_torch(kwargs, tmp_path):
    ours_opt, torch_opt = _optimizers()
    ours, theirs = L.ReduceLROnPlateau(ours_opt, **kwargs), T.ReduceLROnPlateau(torch_opt, **kwargs)
    _run(ours_opt, torch_opt, ours, theirs, 20, metrics=METRICS)
    minitorch.save({"scheduler": ours.state_dict()}, tmp_path / "plateau.safetensors")
    resumed = L.ReduceLROnPlateau(ours_opt, **kwargs)
    resumed.load_state_dict(minitorch.load(tmp_path / "plateau.safetensors")["scheduler"])
    _run(ours_opt, torch_opt, resumed, theirs, len(METRICS), start=20, metrics=METRICS)


def test_plateau_takes_a_tensor_metric():
    opt, _ = _optimizers()
    scheduler = L.ReduceLROnPlateau(opt, patience=0)
    scheduler.step(minitorch.tensor([1.0]))
    scheduler.step(minitorch.tensor([2.0]).sum())
    assert scheduler.get_last_lr() == pytest.approx([0.01, 0.03])


def test_last_epoch_resumes_as_torch():
    ours_opt, torch_opt = _optimizers()
    for group in ours_opt.param_groups + torch_opt.param_groups:
        group["initial_lr"] = group["lr"] * 2
    ours = L.CosineAnnealingLR(ours_opt, T_max=10, last_epoch=4)
    theirs = T.CosineAnnealingLR(torch_opt, T_max=10, last_epoch=4)
    _assert_same(ours_opt, torch_opt, ours, theirs, "after construction")
    _run(ours_opt, torch_opt, ours, theirs, 12)
    with pytest.raises(KeyError, match="initial_lr"):
        L.StepLR(_optimizers()[0], step_size=2, last_epoch=3)


def test_step_with_an_epoch_uses_the_closed_form_and_warns():
    ours_opt, torch_opt = _optimizers()
    ours, theirs = L.MultiStepLR(ours_opt, [2, 4, 4]), T.MultiStepLR(torch_opt, [2, 4, 4])
    for epoch in (5, 3, 9, 1):
        with pytest.warns(UserWarning, match="deprecated"):
            ours.step(epoch)
        with pytest.warns(UserWarning):
            theirs.step(epoch)
        _assert_same(ours_opt, torch_opt, ours, theirs, f"epoch {epoch}")


def test_warm_restarts_take_fractional_epochs():
    ours_opt, torch_opt = _optimizers()
    ours = L.CosineAnnealingWarmRestarts(ours_opt, T_0=2, T_mult=3)
    theirs = T.CosineAnnealingWarmRestarts(torch_opt, T_0=2, T_mult=3)
    for epoch in (0.5, 1.25, 2.0, 7.5, 8.0, 20.3, 3.0):
        ours.step(epoch)
        theirs.step(epoch)
        _assert_same(ours_opt, torch_opt, ours, theirs, f"epoch {epoch}")


def test_lambda_state_dict_keeps_callable_objects_state():
    class Warmup:
        def __init__(self):
            self.length = 3

        def __call__(self, epoch):
            return min(1.0, (epoch + 1) / self.length)

    opt, _ = _optimizers()
    scheduler = L.LambdaLR(opt, [Warmup(), _decay])
    state = scheduler.state_dict()
    assert state["lr_lambdas"] == [{"length": 3}, None]
    state["lr_lambdas"][0]["length"] = 5
    scheduler.load_state_dict(state)
    assert scheduler.lr_lambdas[0].length == 5


def test_one_cycle_refuses_stepping_past_its_end():
    opt, _ = _optimizers("SGD", momentum=0.9)
    scheduler = L.OneCycleLR(opt, max_lr=0.1, total_steps=3)
    for _ in range(3):
        scheduler.step()
    with pytest.raises(DomainError, match="past total_steps=3"):
        scheduler.step()


@pytest.mark.parametrize("make,error,message", [
    (lambda o: L.StepLR(o, step_size=0), DomainError, "step_size"),
    (lambda o: L.ConstantLR(o, factor=1.5), DomainError, "factor"),
    (lambda o: L.LinearLR(o, start_factor=0.0), DomainError, "start_factor"),
    (lambda o: L.LinearLR(o, end_factor=2.0), DomainError, "end_factor"),
    (lambda o: L.LambdaLR(o, [_decay]), DomainError, "2 lr_lambdas"),
    (lambda o: L.MultiplicativeLR(o, 0.9), DTypeError, "function"),
    (lambda o: L.CosineAnnealingWarmRestarts(o, T_0=0), DomainError, "T_0"),
    (lambda o: L.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=1.5), DomainError, "T_mult"),
    (lambda o: L.OneCycleLR(o, max_lr=0.1), DomainError, "total_steps"),
    (lambda o: L.OneCycleLR(o, max_lr=0.1, total_steps=10, pct_start=1), DomainError, "pct_start"),
    (lambda o: L.OneCycleLR(o, max_lr=0.1, total_steps=10, anneal_strategy="exp"), DomainError, "anneal_strategy"),
    (lambda o: L.OneCycleLR(o, max_lr=[0.1], total_steps=10), DomainError, "max_lr has 1 values"),
    (lambda o: L.CyclicLR(o, 0.01, 0.1, mode="sine"), DomainError, "mode"),
    (lambda o: L.ReduceLROnPlateau(o, factor=1.0), DomainError, "factor"),
    (lambda o: L.ReduceLROnPlateau(o, mode="up"), DomainError, "mode"),
    (lambda o: L.ReduceLROnPlateau(o, threshold_mode="pct"), DomainError, "threshold_mode"),
    (lambda o: L.ReduceLROnPlateau(o, min_lr=[0.1]), DomainError, "min_lr"),
    (lambda o: L.SequentialLR(o, [L.StepLR(o, 2), L.StepLR(o, 3)], milestones=[]), DomainError, "milestone"),
    (lambda o: L.SequentialLR(o, [L.ReduceLROnPlateau(o)], milestones=[]), DomainError, "ReduceLROnPlateau"),
    (lambda o: L.ChainedScheduler([]), DomainError, "at least one"),
    (lambda o: L.ChainedScheduler([L.StepLR(o, 2), L.StepLR(_optimizers()[0], 2)]), DomainError, "another optimizer"),
    (lambda o: L.StepLR(torch.optim.SGD([torch.zeros(1, requires_grad=True)]), 2), DTypeError, "Optimizer"),
])
def test_bad_arguments_raise_typed_errors(make, error, message):
    with pytest.raises(error, match=message):
        make(_optimizers()[0])


def test_cycle_momentum_needs_momentum():
    opt, _ = _optimizers("Adagrad")
    with pytest.raises(DomainError, match="cycle_momentum=False"):
        L.OneCycleLR(opt, max_lr=0.1, total_steps=10)


def test_every_torch_scheduler_is_here_with_torch_arguments():
    import inspect

    names = [n for n in T.__all__ if n != "LRScheduler"]
    missing = [n for n in names if not hasattr(L, n)]
    assert not missing, f"torch.optim.lr_scheduler has, minitorch does not: {missing}"
    for name in names:
        ours, theirs = inspect.signature(getattr(L, name)).parameters, inspect.signature(getattr(T, name)).parameters
        assert list(ours) == list(theirs), name
        for p in theirs:
            assert ours[p].default == theirs[p].default or (
                isinstance(theirs[p].default, float) and math.isclose(ours[p].default, theirs[p].default)), (name, p)
