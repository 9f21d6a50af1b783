"""Registry entries for the fused losses (cross_entropy, nll_loss, BCE, BCE with logits, MSE, L1,
smooth L1, Huber, KL divergence) and the tanh and linear ops, against torch.nn.functional in
float64."""

from __future__ import annotations

import warnings

import numpy as np
import torch
import torch.nn.functional as TF

from minitorch.errors import DomainError, IndexingError, ShapeError
from minitorch.nn import functional as F

from .spec import ErrorCase, OpCase, OpSpec, cut_batch

REDUCTIONS = ("mean", "sum", "none")


def _scalar_as_1d(t: torch.Tensor) -> torch.Tensor:
    """Our reduced losses have shape (1,); torch's are 0-d."""
    return t.reshape(1) if t.dim() == 0 else t


def _classes(rng, small, spatial=False):
    n, c = int(rng.integers(1, 5 if small else 9)), int(rng.integers(2, 5 if small else 8))
    extra = (int(rng.integers(1, 3)), int(rng.integers(1, 4))) if spatial else ()
    logits = rng.normal(0, 3, (n, c) + extra)
    target = rng.integers(0, c, (n,) + extra)
    return logits, target, c


def _cross_entropy(rng, small):
    logits, target, c = _classes(rng, small)
    kwargs = {"reduction": str(rng.choice(REDUCTIONS)), "label_smoothing": float(rng.choice([0.0, 0.1, 0.35]))}
    if rng.random() < 0.5:
        target[0] = -100  # ignored sample
    if rng.random() < 0.5:
        return OpCase([logits, target, rng.uniform(0.2, 2.0, c)], kwargs)
    return OpCase([logits, target], kwargs)


def _cross_entropy_spatial(rng, small):
    logits, target, _ = _classes(rng, small, spatial=True)
    target.reshape(-1)[0] = 1 if rng.random() < 0.5 else 7  # ignore_index=7 below
    return OpCase([logits, target], {"reduction": str(rng.choice(REDUCTIONS)), "ignore_index": 7})


def _cross_entropy_probs(rng, small):
    logits, _, c = _classes(rng, small, spatial=rng.random() < 0.3)
    probs = rng.dirichlet(np.ones(c), logits.shape[:1] + logits.shape[2:])  # (N, *d, C)
    probs = np.moveaxis(probs, -1, 1)  # (N, C, *d), like the logits
    return OpCase([logits, probs], {"reduction": str(rng.choice(REDUCTIONS)), "label_smoothing": float(rng.choice([0.0, 0.2]))})


def _nll(rng, small):
    logits, target, c = _classes(rng, small, spatial=rng.random() < 0.3)
    log_p = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    inputs = [log_p, target] + ([rng.uniform(0.2, 2.0, c)] if rng.random() < 0.5 else [])
    return OpCase(inputs, {"reduction": str(rng.choice(REDUCTIONS))})


def _shape(rng, small):
    return tuple(int(s) for s in rng.integers(1, 4 if small else 7, size=int(rng.integers(1, 4))))


def _bce(rng, small):
    shape = _shape(rng, small)
    inputs = [rng.uniform(0.05, 0.95, shape), rng.uniform(0, 1, shape)]
    if rng.random() < 0.5:
        inputs.append(rng.uniform(0.5, 2.0, shape[-1:]))
    return OpCase(inputs, {"reduction": str(rng.choice(REDUCTIONS))})


def _bce_logits(rng, small):
    shape = _shape(rng, small)
    x = rng.normal(0, 4, shape)
    x.reshape(-1)[0] = 60.0 if rng.random() < 0.5 else -60.0  # far tails stay finite
    inputs = [x, rng.uniform(0, 1, shape), rng.uniform(0.5, 2.0, shape[-1:]), rng.uniform(0.5, 3.0, shape[-1:])]
    return OpCase(inputs, {"reduction": str(rng.choice(REDUCTIONS))})


def _mse(rng, small):
    shape = _shape(rng, small)
    return OpCase([rng.normal(size=shape), rng.normal(size=shape)], {"reduction": str(rng.choice(REDUCTIONS))})


def _regression(rng, small, **params):
    """input and target with some exact ties (the kink of |d|) and differences on both sides of 1."""
    shape = _shape(rng, small)
    x, y = rng.normal(0, 1.5, shape), rng.normal(0, 1.5, shape)
    y.reshape(-1)[0] = x.reshape(-1)[0]
    return OpCase([x, y], {"reduction": str(rng.choice(REDUCTIONS)), **params})


def _smooth_l1(rng, small):
    return _regression(rng, small, beta=float(rng.choice([1.0, 0.5, 2.0, 0.0])))


def _huber(rng, small):
    return _regression(rng, small, delta=float(rng.choice([1.0, 0.3, 2.5])))


def _torch_kl_div(x, y, **kw):
    with warnings.catch_warnings():  # torch warns that "mean" is not the KL divergence ("batchmean" is)
        warnings.simplefilter("ignore", UserWarning)
        return _scalar_as_1d(TF.kl_div(x, y, **kw))


def _kl_div(rng, small):
    shape = (int(rng.integers(1, 4 if small else 7)), int(rng.integers(2, 5 if small else 8)))
    logits = rng.normal(0, 2, shape)
    log_p = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    q = rng.dirichlet(np.ones(shape[1]), shape[0]) + 1e-3  # > 0: the target's gradient is finite
    log_target = bool(rng.random() < 0.5)
    reduction = str(rng.choice(("batchmean", "mean", "sum", "none")))
    return OpCase([log_p, np.log(q) if log_target else q], {"reduction": reduction, "log_target": log_target})


def _kl_div_zero_target():
    """A zero probability in the target contributes 0 (0 log 0), as torch's xlogy."""
    return [OpCase([np.log(np.full((2, 3), 1 / 3)), np.array([[0.0, 0.5, 0.5], [1.0, 0.0, 0.0]])], {"reduction": "batchmean"})]


def _linear(rng, small):
    batch = tuple(int(s) for s in rng.integers(1, 4, size=int(rng.integers(1, 3))))
    n_in, n_out = int(rng.integers(1, 6)), int(rng.integers(1, 6))
    inputs = [rng.normal(size=batch + (n_in,)), rng.normal(size=(n_out, n_in))]
    if rng.random() < 0.6:
        inputs.append(rng.normal(size=n_out))
    return OpCase(inputs)


def _tanh(rng, small):
    return OpCase([rng.uniform(-4, 4, _shape(rng, small))])


def _cross_entropy_edges():
    """Every sample ignored (mean is 0/0 = nan, as in torch), one class, full label smoothing,
    zero class weights, one sample."""
    rng = np.random.default_rng(500)
    logits = rng.normal(0, 2, (4, 3))
    return [
        OpCase([logits, np.full(4, -100)], {"reduction": "mean"}),
        OpCase([logits, np.full(4, -100)], {"reduction": "sum", "label_smoothing": 0.2}),
        OpCase([rng.normal(size=(3, 1)), np.zeros(3, np.int64)], {}),
        OpCase([logits, np.array([0, 1, 2, 1])], {"label_smoothing": 1.0}),
        OpCase([logits, np.array([0, 1, 2, 1]), np.array([0.0, 1.0, 0.0])], {"reduction": "sum"}),
        OpCase([logits[:1], np.array([2])], {"reduction": "none"}),
    ]


OPS = [
    OpSpec(
        "cross_entropy",
        lambda x, t, *w, **kw: F.cross_entropy(x, t, *w, **kw),
        lambda x, t, *w, **kw: _scalar_as_1d(TF.cross_entropy(x, t, *w, **kw)),
        _cross_entropy,
        empty=cut_batch(0, 1),
        edges=_cross_entropy_edges(),
        grad_inputs=(0,),
        errors=(
            ErrorCase([np.zeros((2, 3)), np.array([0, 3])], {}, IndexingError, ("cross_entropy", "3", "out of bounds")),
            ErrorCase([np.zeros((2, 3)), np.array([0, 1, 2])], {}, ShapeError, ("cross_entropy", "(3,)", "(2,)")),
            ErrorCase([np.zeros((2, 3)), np.array([0, 1])], {"reduction": "avg"}, ValueError, ("reduction", "avg")),
            ErrorCase([np.zeros((2, 3)), np.array([0, 1]), np.ones(2)], {}, ShapeError, ("weight", "(3,)")),
        ),
    ),
    OpSpec(
        "cross_entropy_spatial",
        lambda x, t, **kw: F.cross_entropy(x, t, **kw),
        lambda x, t, **kw: _scalar_as_1d(TF.cross_entropy(x, t, **kw)),
        _cross_entropy_spatial,
        empty=cut_batch(0, 1),
        grad_inputs=(0,),
    ),
    OpSpec(
        "cross_entropy_probs",
        lambda x, p, **kw: F.cross_entropy(x, p, **kw),
        lambda x, p, **kw: _scalar_as_1d(TF.cross_entropy(x, p, **kw)),
        _cross_entropy_probs,
        empty=cut_batch(0, 1),
        grad_inputs=None,  # the logits and the probability targets
        errors=(  # torch: "ignore_index is not supported for floating point target"
            ErrorCase([np.zeros((2, 3)), np.full((2, 3), 1 / 3)], {"ignore_index": 1}, ValueError,
                      ("cross_entropy", "ignore_index=1", "probability targets")),
        ),
    ),
    OpSpec(
        "nll_loss",
        lambda x, t, *w, **kw: F.nll_loss(x, t, *w, **kw),
        lambda x, t, *w, **kw: _scalar_as_1d(TF.nll_loss(x, t, *w, **kw)),
        _nll,
        empty=cut_batch(0, 1),
        grad_inputs=(0,),
        errors=(ErrorCase([np.zeros((2, 3)), np.array([-1, 0])], {}, IndexingError, ("nll_loss", "-1")),),
    ),
    OpSpec(
        "binary_cross_entropy",
        lambda x, y, *w, **kw: F.binary_cross_entropy(x, y, *w, **kw),
        lambda x, y, *w, **kw: _scalar_as_1d(TF.binary_cross_entropy(x, y, *w, **kw)),
        _bce,
        empty=cut_batch(0, 1),
        grad_inputs=(0, 1),
        errors=(
            ErrorCase([np.array([1.5]), np.array([1.0])], {}, ValueError, ("between 0 and 1",)),
            ErrorCase([np.ones((2, 3)) / 2, np.ones((3, 2))], {}, ShapeError, ("(3, 2)", "(2, 3)")),
        ),
    ),
    OpSpec(
        "binary_cross_entropy_with_logits",
        lambda x, y, w, p, **kw: F.binary_cross_entropy_with_logits(x, y, w, pos_weight=p, **kw),
        lambda x, y, w, p, **kw: _scalar_as_1d(TF.binary_cross_entropy_with_logits(x, y, w, pos_weight=p, **kw)),
        _bce_logits,
        empty=cut_batch(0, 1),
        grad_inputs=(0, 1),
    ),
    OpSpec(
        "mse_loss",
        lambda x, y, **kw: F.mse_loss(x, y, **kw),
        lambda x, y, **kw: _scalar_as_1d(TF.mse_loss(x, y, **kw)),
        _mse,
        empty=cut_batch(0, 1),
        errors=(ErrorCase([np.zeros((4, 1)), np.zeros(4)], {}, ShapeError, ("mse_loss", "(4,)", "(4, 1)")),),
    ),
    OpSpec(
        "l1_loss",
        lambda x, y, **kw: F.l1_loss(x, y, **kw),
        lambda x, y, **kw: _scalar_as_1d(TF.l1_loss(x, y, **kw)),
        _regression,
        empty=cut_batch(0, 1),
        errors=(
            ErrorCase([np.zeros((2, 3)), np.zeros(3)], {}, ShapeError, ("l1_loss", "(3,)", "(2, 3)")),
            ErrorCase([np.zeros(3), np.zeros(3)], {"reduction": "avg"}, ValueError, ("reduction", "avg")),
        ),
    ),
    OpSpec(
        "smooth_l1_loss",
        lambda x, y, **kw: F.smooth_l1_loss(x, y, **kw),
        lambda x, y, **kw: _scalar_as_1d(TF.smooth_l1_loss(x, y, **kw)),
        _smooth_l1,
        empty=cut_batch(0, 1),
        errors=(
            ErrorCase([np.zeros(3), np.zeros(3)], {"beta": -1.0}, DomainError, ("smooth_l1_loss", "beta", "-1.0")),
            ErrorCase([np.zeros((4, 1)), np.zeros(4)], {}, ShapeError, ("smooth_l1_loss", "(4,)", "(4, 1)")),
        ),
    ),
    OpSpec(
        "huber_loss",
        lambda x, y, **kw: F.huber_loss(x, y, **kw),
        lambda x, y, **kw: _scalar_as_1d(TF.huber_loss(x, y, **kw)),
        _huber,
        empty=cut_batch(0, 1),
        errors=(ErrorCase([np.zeros(3), np.zeros(3)], {"delta": 0.0}, DomainError, ("huber_loss", "delta")),),
    ),
    OpSpec(
        "kl_div",
        lambda x, y, **kw: F.kl_div(x, y, **kw),
        _torch_kl_div,
        _kl_div,
        empty=cut_batch(0, 1),
        edges=_kl_div_zero_target(),
        grad_inputs=(0,),
        errors=(
            ErrorCase([np.zeros((2, 3)), np.ones((2, 3))], {"reduction": "batch"}, ValueError, ("kl_div", "batchmean")),
            ErrorCase([np.zeros((2, 3)), np.ones((3, 2))], {}, ShapeError, ("kl_div", "(3, 2)")),
        ),
    ),
    OpSpec(
        "kl_div_target_grad",
        lambda x, y, **kw: F.kl_div(x, y, **kw),
        _torch_kl_div,
        _kl_div,
        empty=cut_batch(0, 1),
        grad_inputs=(0, 1),
    ),
    OpSpec(
        "linear",
        lambda x, w, *b: F.linear(x, w, *b),
        lambda x, w, *b: TF.linear(x, w, *b),
        _linear,
        errors=(ErrorCase([np.zeros((2, 3)), np.zeros((4, 2))], {}, ShapeError, ("linear", "(2, 3)", "(4, 2)")),),
    ),
    OpSpec("tanh", F.tanh, torch.tanh, _tanh),
]
