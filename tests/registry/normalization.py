"""Registry entries for normalization: batch_norm (training, evaluation), instance_norm,
group_norm and layer_norm, with and without weight / bias / running statistics.

Running statistics are inputs that get no gradient; training updates them in place on both
sides (each side has its own copy). tests/test_normalization.py checks the updated values.
"""

from __future__ import annotations

import numpy as np
import torch.nn.functional as F

from minitorch.errors import DTypeError, ShapeError
from minitorch.ops.normalization import batch_norm, group_norm, instance_norm, layer_norm

from .spec import ErrorCase, OpCase, OpSpec, cut_batch


def _channels_input(rng, small, min_spatial=0):
    """x (N, C, *) with 0 to 2 spatial dims (at least `min_spatial`), values off-centre."""
    n, c = int(rng.integers(1, 4 if small else 6)), int(rng.integers(1, 4 if small else 6))
    spatial = tuple(int(s) for s in rng.integers(2, 4 if small else 6, size=int(rng.integers(min_spatial, 3))))
    if n * int(np.prod(spatial)) == 1:
        n = 2  # training needs more than one value per channel
    return rng.normal(rng.uniform(-2, 2), rng.uniform(0.5, 2), (n, c) + spatial)


def _stats(rng, c):
    """weight, bias, running_mean, running_var for c channels."""
    return [rng.uniform(0.5, 1.5, c), rng.normal(size=c), rng.normal(size=c), rng.uniform(0.5, 2.0, c)]


def _batch_case(rng, small):
    x = _channels_input(rng, small)
    return OpCase([x] + _stats(rng, x.shape[1]), {"momentum": float(rng.uniform(0.05, 0.5)), "eps": 1e-5})


def _plain_case(rng, small):
    return OpCase([_channels_input(rng, small)], {})


def _instance_case(rng, small):
    x = _channels_input(rng, small, min_spatial=1)
    return OpCase([x] + _stats(rng, x.shape[1]), {"momentum": float(rng.uniform(0.05, 0.5))})


def _group_case(rng, small):
    x = _channels_input(rng, small)
    c = int(rng.integers(1, 4)) * int(rng.integers(1, 3))
    x = np.repeat(x[:, :1], c, axis=1) + rng.normal(size=(x.shape[0], c) + x.shape[2:])  # (N, C, *)
    groups = int(rng.choice([g for g in range(1, c + 1) if c % g == 0]))
    return OpCase([x, rng.uniform(0.5, 1.5, c), rng.normal(size=c)], {"num_groups": groups})


def _layer_case(rng, small):
    shape = tuple(int(s) for s in rng.integers(1, 4 if small else 6, size=int(rng.integers(1, 4))))
    k = int(rng.integers(1, len(shape) + 1))
    normalized = shape[len(shape) - k:]
    if int(np.prod(normalized)) == 1:
        normalized, shape = (2,), shape[:-1] + (2,)
    x = rng.normal(rng.uniform(-2, 2), rng.uniform(0.5, 2), shape)
    return OpCase([x, rng.uniform(0.5, 1.5, normalized), rng.normal(size=normalized)],
                  {"normalized_shape": normalized})


def _only_input(case, keep=()):
    """The case's input alone (no weight, bias or running statistics), keeping the kwargs `keep`."""
    return OpCase(case.inputs[:1], {k: v for k, v in case.kwargs.items() if k in keep})


def _channels_edges():
    """One sample and one spatial position too few for training stats (errors) aside: a
    constant channel (variance 0: eps alone), N=2 without spatial dims, a large mean."""
    rng = np.random.default_rng(700)
    c = 3
    return [
        OpCase([np.full((2, c, 3), 5.0)] + _stats(rng, c), {"momentum": 0.1, "eps": 1e-5}),
        OpCase([rng.normal(size=(2, c))] + _stats(rng, c), {"momentum": 0.1, "eps": 1e-3}),
        OpCase([rng.normal(1000.0, 1.0, (4, c, 2))] + _stats(rng, c), {"momentum": 0.1, "eps": 1e-5}),
    ]


_X = np.zeros((2, 3, 4))
_C3 = np.ones(3)

_BATCH_ERRORS = (
    ErrorCase([np.zeros((1, 3)), _C3, _C3, _C3, _C3], {}, ShapeError, ("batch_norm", "more than 1 value per channel", "(1, 3)")),
    ErrorCase([np.zeros((1, 3, 1)), _C3, _C3, _C3, _C3], {}, ShapeError, ("more than 1 value per channel",)),
    ErrorCase([_X, np.ones(4), _C3, _C3, _C3], {}, ShapeError, ("batch_norm", "weight", "3 elements")),
    ErrorCase([_X, _C3, _C3, np.ones(2), _C3], {}, ShapeError, ("running_mean", "3 elements")),
    ErrorCase([np.zeros(3), _C3, _C3, _C3, _C3], {}, ShapeError, ("batch_norm", "(N, C, *)", "(3,)")),
)


def _affine(y, w, b):
    """y * w + b per channel (dim 1): the reference for what torch cannot run itself -- an affine
    instance_norm on an empty batch (an IndexError inside torch) and a bias-only group_norm's
    backward ("tensor does not have a device")."""
    shape = (1, -1) + (1,) * (y.dim() - 2)
    y = y if w is None else y * w.view(shape)
    return y if b is None else y + b.view(shape)


def _bn_train(x, w, b, rm, rv, momentum=0.1, eps=1e-5):
    return batch_norm(x, rm, rv, w, b, training=True, momentum=momentum, eps=eps)


def _bn_train_ref(x, w, b, rm, rv, momentum=0.1, eps=1e-5):
    return F.batch_norm(x, rm, rv, w, b, training=True, momentum=momentum, eps=eps)


OPS = [
    OpSpec("batch_norm_train", _bn_train, _bn_train_ref, _batch_case, grad_inputs=(0, 1, 2),
           errors=_BATCH_ERRORS, edges=_channels_edges()),
    OpSpec("batch_norm_eval",
           lambda x, w=None, b=None, rm=None, rv=None, momentum=0.1, eps=1e-5: batch_norm(x, rm, rv, w, b, False, momentum, eps),
           lambda x, w, b, rm, rv, momentum, eps: F.batch_norm(x, rm, rv, w, b, False, momentum, eps),
           _batch_case, grad_inputs=(0, 1, 2), edges=_channels_edges(),
           errors=(ErrorCase([_X], {}, DTypeError, ("batch_norm", "evaluation")),)),
    OpSpec("batch_norm_batch_stats",
           lambda x, rm=None: batch_norm(x, rm, None, training=True),
           lambda x, rm=None: F.batch_norm(x, rm, None, training=True),
           lambda rng, small: _only_input(_batch_case(rng, small)), grad_inputs=(0,),
           errors=(ErrorCase([_X, _C3], {}, ShapeError, ("both be None or neither",)),)),
    OpSpec("instance_norm",
           lambda x, w, b, rm, rv, momentum: instance_norm(x, rm, rv, w, b, True, momentum),
           lambda x, w, b, rm, rv, momentum: _affine(F.instance_norm(x, rm, rv, None, None, True, momentum), w, b),
           _instance_case, grad_inputs=(0, 1, 2),
           errors=(ErrorCase([np.zeros((2, 3, 1))] + [_C3] * 4, {"momentum": 0.1}, ShapeError,
                             ("instance_norm", "more than 1 spatial element")),)),
    OpSpec("instance_norm_plain", lambda x: instance_norm(x), lambda x: F.instance_norm(x),
           lambda rng, small: _only_input(_instance_case(rng, small))),
    OpSpec("instance_norm_running",
           lambda x, w=None, b=None, rm=None, rv=None, momentum=0.1: instance_norm(x, rm, rv, w, b, False, momentum),
           lambda x, w, b, rm, rv, momentum: _affine(F.instance_norm(x, rm, rv, None, None, False, momentum), w, b),
           _instance_case, grad_inputs=(0, 1, 2),
           errors=(ErrorCase([_X], {}, DTypeError, ("use_input_stats=False",)),)),
    OpSpec("group_norm",
           lambda x, w, b, num_groups: group_norm(x, num_groups, w, b),
           lambda x, w, b, num_groups: F.group_norm(x, num_groups, w, b),
           _group_case,
           errors=(
               ErrorCase([np.zeros((2, 6, 3)), np.ones(6), np.ones(6)], {"num_groups": 4}, ShapeError,
                         ("group_norm", "divisible by num_groups", "(2, 6, 3)")),
               ErrorCase([np.zeros((2, 6, 3)), np.ones(5), np.ones(6)], {"num_groups": 3}, ShapeError,
                         ("group_norm", "weight of shape (5,)")),
               ErrorCase([np.zeros(6), np.ones(6), np.ones(6)], {"num_groups": 3}, ShapeError, ("at least 2 dims",)),
           )),
    OpSpec("group_norm_bias_only",
           lambda x, b, num_groups: group_norm(x, num_groups, None, b),
           lambda x, b, num_groups: _affine(F.group_norm(x, num_groups), None, b),
           lambda rng, small: (lambda c: OpCase([c.inputs[0], c.inputs[2]], c.kwargs))(_group_case(rng, small))),
    OpSpec("layer_norm",
           lambda x, w, b, normalized_shape: layer_norm(x, normalized_shape, w, b),
           lambda x, w, b, normalized_shape: F.layer_norm(x, normalized_shape, w, b),
           _layer_case,
           errors=(
               ErrorCase([np.zeros((2, 3)), np.ones(4), np.ones(4)], {"normalized_shape": (4,)}, ShapeError,
                         ("layer_norm", "normalized_shape=[4]", "(2, 3)")),
               ErrorCase([np.zeros((2, 3)), np.ones(4), np.ones(3)], {"normalized_shape": (3,)}, ShapeError,
                         ("weight of shape (4,)",)),
               ErrorCase([np.zeros((2, 3)), np.ones(3), np.ones(3)], {"normalized_shape": 3}, DTypeError,
                         ("tuple or list of ints",)),
           ),
           empty=cut_batch(0)),
    OpSpec("layer_norm_weight_only",
           lambda x, w, normalized_shape: layer_norm(x, normalized_shape, w),
           lambda x, w, normalized_shape: F.layer_norm(x, normalized_shape, w),
           lambda rng, small: (lambda c: OpCase(c.inputs[:2], c.kwargs))(_layer_case(rng, small))),
    OpSpec("layer_norm_plain",
           lambda x, normalized_shape: layer_norm(x, normalized_shape),
           lambda x, normalized_shape: F.layer_norm(x, normalized_shape),
           lambda rng, small: _only_input(_layer_case(rng, small), ('normalized_shape',))),
]
