"""Normalization layers against torch.nn: running statistics over several training steps then
evaluation, momentum=None, track_running_stats=False, affine=False, state dicts both ways,
float32, Module.to, bad input. The functions' forward and gradients are in the op registry
(tests/registry/normalization.py)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import minitorch
from minitorch import nn
from minitorch.errors import DTypeError, ShapeError

from .helpers import to_numpy

BATCH_INPUTS = {  # layer -> input shapes it accepts
    "BatchNorm1d": [(6, 3), (4, 3, 5)],
    "BatchNorm2d": [(4, 3, 5, 2)],
    "BatchNorm3d": [(2, 3, 2, 3, 2)],
}


def _twins(name, *args, **kwargs):
    """Our layer and torch's (float64) with the same random affine parameters."""
    theirs = getattr(torch.nn, name)(*args, **kwargs).double()
    with torch.no_grad():
        for p in theirs.parameters():
            p.uniform_(0.5, 1.5)
    ours = getattr(nn, name)(*args, **kwargs)
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    return ours, theirs


def _compare_step(ours, theirs, x, rng, tol=1e-10):
    """One forward and backward on both; outputs, gradients and buffers must agree."""
    mine = minitorch.tensor(x, requires_grad=True)
    ref = torch.tensor(x, requires_grad=True)
    out, expected = ours(mine), theirs(ref)
    np.testing.assert_allclose(to_numpy(out), expected.detach().numpy(), rtol=tol, atol=tol)
    upstream = rng.standard_normal(x.shape)
    (out * minitorch.tensor(upstream)).sum().backward()
    (expected * torch.tensor(upstream)).sum().backward()
    np.testing.assert_allclose(to_numpy(mine.grad), ref.grad.numpy(), rtol=tol, atol=tol)
    grads = dict(ours.named_parameters())
    for name, p in theirs.named_parameters():
        np.testing.assert_allclose(to_numpy(grads[name].value.grad), p.grad.numpy(), rtol=tol, atol=tol, err_msg=name)
        grads[name].value.grad = None
        p.grad = None
    _compare_buffers(ours, theirs)


def _compare_buffers(ours, theirs):
    mine = ours.state_dict()
    assert list(mine) == list(theirs.state_dict())
    for name, value in theirs.state_dict().items():
        np.testing.assert_allclose(to_numpy(mine[name]), value.numpy(), rtol=1e-12, err_msg=name)
        assert to_numpy(mine[name]).shape == tuple(value.shape), name


@pytest.mark.parametrize("name,shape", [(n, s) for n, shapes in BATCH_INPUTS.items() for s in shapes])
@pytest.mark.parametrize("momentum", [0.3, None])
@pytest.mark.parametrize("affine,track", [(True, True), (False, True), (True, False)])
def test_batch_norm_trains_then_evaluates_as_torch(name, shape, momentum, affine, track):
    ours, theirs = _twins(name, 3, momentum=momentum, affine=affine, track_running_stats=track)
    rng = np.random.default_rng(0)
    for step in range(4):  # the running statistics move with every step (and the count of steps)
        _compare_step(ours, theirs, rng.normal(step, 1.0 + step, shape), rng)
    if track:
        assert int(ours.num_batches_tracked.item()) == 4
    ours.eval()
    theirs.eval()
    for _ in range(2):  # evaluation uses (and keeps) the running statistics
        _compare_step(ours, theirs, rng.normal(1.0, 2.0, shape), rng)


def test_momentum_none_is_the_cumulative_average():
    layer = nn.BatchNorm1d(2, momentum=None)
    rng = np.random.default_rng(1)
    batches = [rng.normal(size=(5, 2)) for _ in range(3)]
    for x in batches:
        layer(minitorch.tensor(x))
    np.testing.assert_allclose(to_numpy(layer.running_mean), np.mean([b.mean(0) for b in batches], axis=0))
    np.testing.assert_allclose(to_numpy(layer.running_var), np.mean([b.var(0, ddof=1) for b in batches], axis=0))


@pytest.mark.parametrize("name,shape", [("InstanceNorm1d", (2, 3, 5)), ("InstanceNorm1d", (3, 5)),
                                        ("InstanceNorm2d", (2, 3, 4, 3)), ("InstanceNorm3d", (3, 2, 3, 2))])
@pytest.mark.parametrize("affine,track", [(False, False), (True, True), (False, True)])
def test_instance_norm_as_torch(name, shape, affine, track):
    ours, theirs = _twins(name, 3, affine=affine, track_running_stats=track)
    rng = np.random.default_rng(2)
    for step in range(3):
        _compare_step(ours, theirs, rng.normal(step, 1.0 + step, shape), rng)
    ours.eval()
    theirs.eval()
    _compare_step(ours, theirs, rng.normal(1.0, 2.0, shape), rng)


@pytest.mark.parametrize("args,kwargs,shape", [
    ((2, 4), {}, (3, 4, 5)), ((4, 4), {"affine": False}, (2, 4, 3, 2)), ((1, 6), {"bias": False}, (2, 6)),
])
def test_group_norm_as_torch(args, kwargs, shape):
    ours, theirs = _twins("GroupNorm", *args, **kwargs)
    rng = np.random.default_rng(3)
    _compare_step(ours, theirs, rng.normal(2.0, 3.0, shape), rng)


@pytest.mark.parametrize("args,kwargs,shape", [
    ((8,), {}, (2, 5, 8)), (((3, 4),), {"bias": False}, (2, 3, 4)), ((4,), {"elementwise_affine": False}, (4,)),
])
def test_layer_norm_as_torch(args, kwargs, shape):
    ours, theirs = _twins("LayerNorm", *args, **kwargs)
    rng = np.random.default_rng(4)
    _compare_step(ours, theirs, rng.normal(-1.0, 2.0, shape), rng)


@pytest.mark.parametrize("make", [
    lambda m: m.BatchNorm2d(3), lambda m: m.BatchNorm1d(3, momentum=None, affine=False),
    lambda m: m.BatchNorm3d(3, track_running_stats=False), lambda m: m.InstanceNorm2d(3),
    lambda m: m.InstanceNorm1d(3, affine=True, track_running_stats=True), lambda m: m.GroupNorm(2, 4),
    lambda m: m.LayerNorm((4, 5), bias=False), lambda m: m.LayerNorm(3, elementwise_affine=False),
])
def test_repr_and_state_dict_keys_are_torchs(make):
    ours, theirs = make(nn), make(torch.nn)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())


def test_torch_state_dict_loads_and_ours_loads_into_torch(tmp_path):
    rng = np.random.default_rng(5)
    theirs = torch.nn.Sequential(torch.nn.Conv2d(2, 3, 3), torch.nn.BatchNorm2d(3), torch.nn.ReLU()).double()
    for _ in range(3):  # running statistics and the step count worth loading
        theirs(torch.tensor(rng.normal(size=(4, 2, 6, 6))))
    ours = nn.Sequential(nn.Conv2d(2, 3, 3), nn.BatchNorm2d(3), nn.ReLU())
    ours.load_state_dict(theirs.state_dict())
    assert int(ours[1].num_batches_tracked.item()) == 3 and ours[1].num_batches_tracked.dtype == np.int64
    ours.eval()
    theirs.eval()
    x = rng.normal(size=(2, 2, 6, 6))
    np.testing.assert_allclose(to_numpy(ours(minitorch.tensor(x))), theirs(torch.tensor(x)).detach().numpy(), atol=1e-12)
    # ours -> a safetensors file -> torch, and ours -> ours
    ours.train()
    ours(minitorch.tensor(x))
    minitorch.save(ours.state_dict(), tmp_path / "bn.safetensors")
    back = torch.nn.Sequential(torch.nn.Conv2d(2, 3, 3), torch.nn.BatchNorm2d(3), torch.nn.ReLU()).double()
    from safetensors.torch import load_file

    back.load_state_dict(load_file(str(tmp_path / "bn.safetensors")))
    assert int(back[1].num_batches_tracked) == 4
    again = nn.Sequential(nn.Conv2d(2, 3, 3), nn.BatchNorm2d(3), nn.ReLU())
    again.load_state_dict(minitorch.load(tmp_path / "bn.safetensors"))
    _compare_buffers(again, back)


def test_one_value_per_channel_in_training_is_refused():
    layer = nn.BatchNorm1d(3)
    with pytest.raises(ShapeError, match="more than 1 value per channel when training.*\\(1, 3\\)"):
        layer(minitorch.rand((1, 3)))
    with pytest.raises(ValueError):  # torch's exception type still catches it
        nn.BatchNorm2d(3)(minitorch.rand((1, 3, 1, 1)))
    layer.eval()
    assert layer(minitorch.rand((1, 3))).shape == (1, 3)  # evaluation has the running statistics


def test_empty_batch_keeps_the_running_statistics():
    layer = nn.BatchNorm2d(3)
    out = layer(minitorch.zeros((0, 3, 4, 4)))
    assert out.shape == (0, 3, 4, 4)
    np.testing.assert_array_equal(to_numpy(layer.running_mean), np.zeros(3))
    np.testing.assert_array_equal(to_numpy(layer.running_var), np.ones(3))


@pytest.mark.parametrize("layer,shape,fragments", [
    (nn.BatchNorm1d(3), (2, 3, 4, 5), ("BatchNorm1d", "2D or 3D", "(2, 3, 4, 5)")),
    (nn.BatchNorm2d(3), (2, 3, 4), ("BatchNorm2d", "4D", "(N, C, H, W)", "(2, 3, 4)")),
    (nn.BatchNorm3d(3), (2, 3, 4, 4), ("BatchNorm3d", "5D", "(2, 3, 4, 4)")),
    (nn.InstanceNorm2d(3), (3, 4), ("InstanceNorm2d", "3D or 4D", "(3, 4)")),
    (nn.InstanceNorm1d(3, affine=True), (2, 4, 5), ("InstanceNorm1d", "num_features (3)", "4")),
    (nn.BatchNorm2d(3), (2, 4, 5, 5), ("batch_norm", "running_mean should contain 4 elements", "(2, 4, 5, 5)")),
    (nn.LayerNorm(4), (2, 5), ("layer_norm", "normalized_shape=[4]", "(2, 5)")),
    (nn.GroupNorm(2, 4), (2, 6, 3), ("group_norm", "weight of shape (4,)", "(2, 6, 3)")),
])
def test_bad_input_names_the_layer_and_shape(layer, shape, fragments):
    with pytest.raises(ShapeError) as info:
        layer(minitorch.zeros(shape))
    for fragment in fragments:
        assert fragment in str(info.value)


def test_constructor_and_dtype_errors():
    with pytest.raises(ShapeError, match="divisible by num_groups"):
        nn.GroupNorm(3, 4)
    with pytest.warns(UserWarning, match="does not match num_features"):
        nn.InstanceNorm1d(3)(minitorch.rand((2, 4, 5)))
    with pytest.raises(DTypeError, match="weight is float64 but input is float32"):
        nn.BatchNorm1d(3)(minitorch.rand((4, 3), dtype="float32"))


def test_float32_and_module_to_convert_the_buffers():
    ours, theirs = _twins("BatchNorm2d", 3)
    ours.float()
    theirs.float()
    assert ours.running_mean.dtype == np.float32 and ours.weight.value.dtype == np.float32
    assert ours.num_batches_tracked.dtype == np.int64  # integer buffers keep their dtype
    rng = np.random.default_rng(6)
    for _ in range(3):
        x = rng.normal(1.0, 2.0, (8, 3, 4, 4)).astype(np.float32)
        out = ours(minitorch.tensor(x, dtype="float32"))
        assert out.dtype == np.float32
        np.testing.assert_allclose(to_numpy(out), theirs(torch.tensor(x)).detach().numpy(), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(to_numpy(ours.running_var), theirs.running_var.numpy(), rtol=1e-5)
    ours.double()
    assert ours.running_var.dtype == np.float64 and ours.bias.value.dtype == np.float64
    layer = nn.LayerNorm(6, dtype="float32")
    x = np.random.default_rng(7).normal(size=(4, 6)).astype(np.float32)
    np.testing.assert_allclose(to_numpy(layer(minitorch.tensor(x, dtype="float32"))),
                               torch.nn.LayerNorm(6)(torch.tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-5)


def test_buffers_follow_the_module_to_another_backend():
    layer = nn.BatchNorm1d(2).to(minitorch.SimpleBackend)
    assert layer.running_mean.backend is minitorch.SimpleBackend
    assert layer.num_batches_tracked.backend is minitorch.SimpleBackend
    x = minitorch.tensor([[1.0, 2.0], [3.0, 6.0]], backend=minitorch.SimpleBackend)
    layer(x).sum().backward()
    np.testing.assert_allclose(to_numpy(layer.running_mean), [0.2, 0.4])
    np.testing.assert_allclose(to_numpy(layer.running_var), [0.9 + 0.1 * 2.0, 0.9 + 0.1 * 8.0])


@pytest.mark.parametrize("shape,groups", [((5, 8, 1), 1), ((3, 6, 7), 2), ((2, 4, 9), 4), ((4, 3, 1), 3), ((0, 4, 3), 2)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("affine", [True, False])
def test_fast_group_norm_kernels_match_the_generic_ones(shape, groups, dtype, affine):
    from minitorch.backends import fast_norm, norm_kernels

    rng = np.random.default_rng(8)
    n, c, s = shape
    x, g = rng.normal(3.0, 2.0, shape).astype(dtype), rng.standard_normal(shape).astype(dtype)
    w, b = (rng.normal(size=c).astype(dtype), rng.normal(size=c).astype(dtype)) if affine else (None, None)
    results = []
    for kernels in (norm_kernels, fast_norm):
        out, mean, rstd = np.empty(shape, dtype), np.empty((n, groups), dtype), np.empty((n, groups), dtype)
        kernels.group_norm_forward(x, w, b, groups, 1e-5, out, mean, rstd)
        grad_in, grad_w, grad_b = np.empty(shape, dtype), np.empty(c, dtype), np.empty(c, dtype)
        kernels.group_norm_backward(g[:, :, ::-1][:, :, ::-1], x, w, groups, mean, rstd, grad_in, grad_w, grad_b)
        results.append((out, mean, rstd, grad_in, grad_w, grad_b))
    tol = 1e-12 if dtype == np.float64 else 2e-5
    for name, generic, fast in zip(("out", "mean", "rstd", "grad_in", "grad_weight", "grad_bias"), *results):
        np.testing.assert_allclose(fast, generic, rtol=tol, atol=tol, err_msg=name)


@pytest.mark.parametrize("name,args,shape,train", [
    ("BatchNorm2d", (3,), (4, 3, 2, 2), True), ("BatchNorm2d", (3,), (4, 3, 2, 2), False),
    ("LayerNorm", (5,), (3, 5), True), ("GroupNorm", (2, 4), (3, 4, 3), True),
])
def test_parameter_gradients_for_an_input_that_needs_none(name, args, shape, train):
    ours, theirs = _twins(name, *args)
    ours.train(train)
    theirs.train(train)
    x = np.random.default_rng(9).normal(size=shape)
    ours(minitorch.tensor(x)).sum().backward()
    theirs(torch.tensor(x)).sum().backward()
    grads = dict(ours.named_parameters())
    for key, p in theirs.named_parameters():
        np.testing.assert_allclose(to_numpy(grads[key].value.grad), p.grad.numpy(), rtol=1e-10, atol=1e-12, err_msg=key)


def test_reset_parameters_restores_the_initial_state():
    layer = nn.BatchNorm2d(3)
    for p in layer.parameters():
        p.value.grad = None
    layer(minitorch.rand((4, 3, 2, 2)) * 5.0).sum().backward()
    minitorch.optim.SGD(layer.parameters(), lr=0.5).step()
    layer.reset_parameters()
    for name, value in layer.state_dict().items():
        expected = 1.0 if name in ("weight", "running_var") else 0.0
        np.testing.assert_array_equal(to_numpy(value), np.full(to_numpy(value).shape, expected), err_msg=name)
    nn.BatchNorm1d(2, affine=False, track_running_stats=False).reset_parameters()  # nothing to reset
