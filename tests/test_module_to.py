"""PyTorch's Module conveniences: to(dtype | device | backend | tensor), float(), double(),
cpu()/cuda(), requires_grad_, register_parameter, named_modules(remove_duplicate), buffers in
state_dict -- each against what torch.nn.Module does."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import minitorch
from minitorch import nn, optim


def small_net():
    net = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.Flatten(), nn.Linear(8, 3))
    net.register_buffer("steps", minitorch.zeros((1,)))
    return net


def test_float_double_convert_parameters_buffers_and_grads_in_place():
    net = small_net()
    weight = net[0].weight
    opt = optim.SGD(net.parameters(), lr=0.1)  # built before the cast: still holds the parameters
    net(minitorch.rand((2, 1, 4, 4))).sum().backward()
    before = np.array(weight.to_numpy())
    assert net.float() is net
    assert net[0].weight is weight and weight.dtype == np.float32 and weight.grad.dtype == np.float32
    assert net.steps.dtype == np.float32 and net.state_dict()["steps"].dtype == np.float32
    np.testing.assert_allclose(weight.to_numpy(), before, rtol=1e-6)
    opt.step()
    np.testing.assert_allclose(weight.to_numpy(), before - 0.1 * weight.grad.to_numpy(), rtol=1e-5, atol=1e-7)
    out = net(minitorch.rand((2, 1, 4, 4), dtype="float32"))
    assert out.dtype == np.float32
    net.double()
    assert weight.dtype == np.float64 and net.steps.dtype == np.float64


def test_to_accepts_torch_spellings():
    net = small_net()
    assert net.to("float32")[3].weight.dtype == np.float32
    assert net.to(dtype=np.float64)[3].weight.dtype == np.float64
    assert net.to("cpu", "float32")[3].bias.dtype == np.float32
    assert net.to(minitorch.zeros((1,), dtype="float64"))[3].bias.dtype == np.float64
    assert net.cpu() is net and net.to(device="cpu", non_blocking=True) is net
    with pytest.raises(TypeError, match="unknown device 'tpu'"):
        net.to(device="tpu")
    with pytest.raises(TypeError, match="unexpected keyword arguments"):
        net.to(copy=True)


def test_to_a_backend_moves_without_copying():
    net = small_net()
    storage = net[3].weight._tensor._storage
    net.to(minitorch.SimpleBackend)
    assert net[3].weight.backend is minitorch.SimpleBackend and net[3].weight._tensor._storage is storage
    assert net(minitorch.rand((1, 1, 4, 4), backend=minitorch.SimpleBackend)).shape == (1, 3)


def test_cuda_without_a_gpu_backend_says_so():
    with pytest.raises((RuntimeError, NotImplementedError)):
        small_net().cuda()


def test_course_box_parameters_convert_too():
    m = minitorch.Module()
    m.w = minitorch.Parameter(minitorch.tensor([1.0, 2.0]))
    m.float()
    assert m.w.value.dtype == np.float32 and m.w.value.is_leaf()


def test_requires_grad_freezes_and_unfreezes():
    net = small_net()
    net[0].requires_grad_(False)
    net(minitorch.rand((1, 1, 4, 4))).sum().backward()
    assert net[0].weight.grad is None and net[3].weight.grad is not None
    assert net.requires_grad_() is net and net[0].weight.requires_grad()


def test_register_parameter_and_named_modules_like_torch():
    m = nn.Module()
    m.register_parameter("bias", None)
    m.register_parameter("w", nn.Parameter(minitorch.zeros((2,))))
    assert [n for n, _ in m.named_parameters()] == ["w"] and "bias" in m._parameters and m.bias is None
    with pytest.raises(TypeError, match="must be a Parameter or None"):
        m.register_parameter("x", minitorch.zeros((1,)))
    shared = nn.ReLU()
    seq = nn.Sequential(shared, shared)
    tseq = torch.nn.Sequential(torch.nn.ReLU(), torch.nn.ReLU())
    tseq[1] = tseq[0]
    assert [n for n, _ in seq.named_modules()] == [n for n, _ in tseq.named_modules()]
    assert [n for n, _ in seq.named_modules(remove_duplicate=False)] == [
        n for n, _ in tseq.named_modules(remove_duplicate=False)]
    assert [n for n, _ in seq.named_modules(prefix="net")] == [n for n, _ in tseq.named_modules(prefix="net")]


def test_apply_initialises_every_linear():
    net = nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 1))

    def init(m):
        if isinstance(m, nn.Linear):
            nn.init.constant_(m.weight, 0.5)

    assert net.apply(init) is net
    assert all(np.all(m.weight.to_numpy() == 0.5) for m in net if isinstance(m, nn.Linear))


def test_deepcopy_of_a_model_copies_parameters_and_shares_the_backend():
    import copy

    net = small_net()
    clone = copy.deepcopy(net)
    assert clone[3].weight is not net[3].weight and clone[3].weight.backend is net[3].weight.backend
    np.testing.assert_array_equal(clone[3].weight.to_numpy(), net[3].weight.to_numpy())
    clone[3].weight.to_numpy()[...] = 0.0
    assert np.any(net[3].weight.to_numpy() != 0.0)


def test_set_default_dtype_changes_new_tensors_and_layers():
    try:
        minitorch.set_default_dtype("float32")
        assert minitorch.get_default_dtype() == np.float32
        assert minitorch.zeros((2,)).dtype == np.float32 and minitorch.rand((2,)).dtype == np.float32
        assert minitorch.tensor([1.0, 2.0]).dtype == np.float32
        layer = nn.Linear(3, 2)
        assert layer.weight.dtype == np.float32 and layer(minitorch.rand((4, 3))).dtype == np.float32
        with pytest.raises(minitorch.DTypeError, match="float32 or float64"):
            minitorch.set_default_dtype("int64")
    finally:
        minitorch.set_default_dtype("float64")
    assert minitorch.zeros((1,)).dtype == np.float64
