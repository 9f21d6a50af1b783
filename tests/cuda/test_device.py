"""Tensors, modules and optimizers on the GPU: placement, the one-device rule, host copies only
where asked for, and training on the GPU equal to training on the CPU."""

from __future__ import annotations

import numpy as np
import pytest

import minitorch
from minitorch import nn, optim
from minitorch.backends.device import Device, cuda_backend
from minitorch.errors import DeviceError
from minitorch.nn import functional as F


def _values(t):
    return np.array(t.to_numpy(), copy=True)


def test_to_cuda_and_back_keeps_values_dtype_and_gradients():
    x = minitorch.tensor([[1.0, -2.0], [3.0, 4.0]], requires_grad=True)
    y = x.cuda()
    assert y.device == "cuda" and y.device.type == "cuda" and y.device == Device("cuda:0")
    assert x.device == "cpu" and repr(y.device) == "device(type='cuda')"
    assert y.backend is cuda_backend() and y.dtype == x.dtype
    assert y.to("cuda") is y and y.cuda() is y and x.cpu() is x
    assert x.to("cuda", "float32").dtype == np.float32 and x.to(device="cuda").device == "cuda"
    assert x.to(y).device == "cuda"
    back = (y * y).sum().cpu()
    assert back.device == "cpu" and back.item() == 30.0
    back.backward()
    np.testing.assert_array_equal(x.grad.to_numpy(), [[2.0, -4.0], [6.0, 8.0]])  # through both copies
    assert x.grad.device == "cpu"


def test_host_copies_only_where_asked():
    y = minitorch.tensor([1.5, 2.5]).cuda()
    assert isinstance(y.to_numpy(), np.ndarray) and isinstance(y.detach().numpy(), np.ndarray)
    assert y.tolist() == [1.5, 2.5] and y[1] == 2.5 and (y.sum()).item() == 4.0
    xp = cuda_backend().xp
    assert isinstance(y._tensor._storage, xp.ndarray)  # the storage itself stays device-side


def test_an_op_mixing_devices_raises_naming_both():
    x = minitorch.tensor([1.0, 2.0])
    y = x.cuda()
    with pytest.raises(DeviceError, match=r"add: .*cuda \(input 0\), cpu \(input 1\)"):
        y + x
    with pytest.raises(DeviceError, match="matmul"):
        y.view(1, 2) @ x.view(2, 1)
    with pytest.raises(DeviceError, match="cuda:1"):
        x.to("cuda:1")


def test_a_course_built_backend_takes_cpu_tensors_along():
    """The course's programs never name devices: run_fast_tensor.py compares GPU outputs with a
    CPU label tensor. A backend built as TensorBackend(CudaOps) copies the CPU side over."""
    course_gpu = minitorch.TensorBackend(minitorch.CudaOps)
    out = minitorch.tensor([0.2, 0.9, 0.7], backend=course_gpu)
    labels = minitorch.tensor([0.0, 1.0, 0.0])
    correct = ((out.detach() > 0.5) == labels).sum()
    assert correct.device == "cuda" and int(correct[0]) == 2


def test_module_to_cuda_moves_parameters_in_place():
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    weight = model[0].weight
    assert model.to("cuda") is model and model[0].weight is weight and weight.device == "cuda"
    out = model(minitorch.rand((5, 3)).cuda())
    assert out.device == "cuda" and out.shape == (5, 2)
    with pytest.raises(DeviceError):
        model(minitorch.rand((5, 3)))
    assert model.cpu()[0].weight.device == "cpu"


def _small_cnn() -> nn.Module:
    """conv, ReLU, max pool, linear: a CNN small enough for the simulator (inputs (N, 1, 8, 8))."""
    return nn.Sequential(nn.Conv2d(1, 3, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(48, 5))


def _pair(dtype):
    """The same small CNN on the CPU and on the GPU."""
    cpu = _small_cnn().to(dtype=dtype)
    gpu = _small_cnn().to(dtype=dtype)
    gpu.load_state_dict(cpu.state_dict())
    return cpu, gpu.to("cuda")


@pytest.mark.parametrize(
    "make_optimizer",
    [
        lambda p: optim.SGD(p, lr=0.05, momentum=0.9, weight_decay=1e-3, nesterov=True),
        lambda p: optim.SGD(p, lr=0.05, momentum=0.9, dampening=0.1),
        lambda p: optim.Adam(p, lr=1e-2, amsgrad=True, weight_decay=1e-3),
        lambda p: optim.AdamW(p, lr=1e-2),
        lambda p: optim.RMSprop(p, lr=1e-2, momentum=0.5, centered=True, weight_decay=1e-3),
        lambda p: optim.Adagrad(p, lr=1e-2, lr_decay=0.1, initial_accumulator_value=0.1),
        lambda p: optim.Adamax(p, lr=1e-2, weight_decay=1e-3),
        lambda p: optim.NAdam(p, lr=1e-2, weight_decay=1e-3, decoupled_weight_decay=True),
    ],
    ids=["sgd-nesterov", "sgd-dampening", "adam-amsgrad", "adamw", "rmsprop-centered", "adagrad", "adamax", "nadam"],
)
def test_training_on_the_gpu_equals_training_on_the_cpu(make_optimizer):
    """Three float64 steps of a small CNN: the same losses and weights to rounding, the optimizer state
    on the GPU, and a state dict that round-trips through a checkpoint file."""
    cpu, gpu = _pair("float64")
    opt_cpu, opt_gpu = make_optimizer(cpu.parameters()), make_optimizer(gpu.parameters())
    rng = np.random.default_rng(0)
    for _ in range(3):
        x = rng.standard_normal((4, 1, 8, 8))
        y = rng.integers(0, 5, 4)
        losses = []
        for model, opt, move in ((cpu, opt_cpu, False), (gpu, opt_gpu, True)):
            inputs = minitorch.from_numpy(x)
            opt.zero_grad()
            loss = F.cross_entropy(model(inputs.cuda() if move else inputs), y)
            loss.backward()
            opt.step()
            losses.append(loss.item())
        assert losses[1] == pytest.approx(losses[0], rel=1e-10)
    for (name, p_cpu), (_, p_gpu) in zip(cpu.named_parameters(), gpu.named_parameters()):
        np.testing.assert_allclose(_values(p_gpu.value), _values(p_cpu.value), rtol=1e-9, atol=1e-12, err_msg=name)
    state = opt_gpu.state_dict()
    xp = cuda_backend().xp
    first = next(iter(state["state"].values()))
    assert any(isinstance(v, xp.ndarray) for v in first.values())
    opt_gpu.load_state_dict(state)


def test_checkpoints_of_a_gpu_model_load_on_the_cpu(tmp_path):
    cpu, gpu = _pair("float32")
    opt = optim.Adam(gpu.parameters())
    gpu(minitorch.rand((2, 1, 8, 8), dtype="float32").cuda()).sum().backward()
    opt.step()
    path = tmp_path / "gpu.safetensors"
    minitorch.save({"model": gpu.state_dict(), "optimizer": opt.state_dict()}, path)
    loaded = minitorch.load(path)
    cpu.load_state_dict(loaded["model"])
    for (name, p_cpu), (_, p_gpu) in zip(cpu.named_parameters(), gpu.named_parameters()):
        np.testing.assert_array_equal(_values(p_cpu.value), _values(p_gpu.value), err_msg=name)
    opt_cpu = optim.Adam(cpu.parameters())
    opt_cpu.load_state_dict(loaded["optimizer"])


def test_float32_step_on_the_gpu_matches_the_cpu_to_float32_precision():
    cpu, gpu = _pair("float32")
    rng = np.random.default_rng(1)
    x = rng.standard_normal((8, 1, 8, 8)).astype(np.float32)
    y = rng.integers(0, 5, 8)
    grads = []
    for model, move in ((cpu, False), (gpu, True)):
        inputs = minitorch.from_numpy(x)
        loss = F.cross_entropy(model(inputs.cuda() if move else inputs), y)
        loss.backward()
        grads.append([_values(p.value.grad) for p in model.parameters()])
    for got, want in zip(grads[1], grads[0]):
        np.testing.assert_allclose(got, want, rtol=1e-3, atol=1e-5)


def test_the_command_line_trains_on_the_gpu(tmp_path):
    """`minitorch train ... --device cuda`: a tiny run end to end (checkpoint, metrics), which
    then loads for evaluation on the CPU."""
    from minitorch.cli import main
    from minitorch.train.trainer import load_trained

    run = tmp_path / "run"
    args = ["train", "digits", "--device", "cuda", "--epochs", "1", "--limit", "16", "--batch-size", "16",
            "--layers", "2:3", "--out", str(run), "--quiet"]
    assert main(args) in (0, None)
    assert (run / "metrics.json").exists() and (run / "checkpoint.safetensors").exists()
    model, _ = load_trained(run / "checkpoint.safetensors")
    assert all(p.value.device == "cpu" for p in model.parameters())


def test_numbers_beside_gpu_tensors_become_shared_read_only_constants():
    """`x * 2.0` on the GPU: the one-element array for 2.0 is made once (cupy.full cost three ops'
    time), -0.0 stays apart from 0.0, NaN is never shared, and results are right."""
    from minitorch.backends.cuda import CudaOps

    x = minitorch.tensor([1.0, -2.0]).cuda()
    a, b = CudaOps.constant(2.0, x.dtype), CudaOps.constant(2.0, x.dtype)
    assert a is b and CudaOps.constant(2.0, np.dtype(np.float32)) is not a
    assert CudaOps.constant(-0.0, x.dtype) is not CudaOps.constant(0.0, x.dtype)
    assert CudaOps.constant(float("nan"), x.dtype) is not CudaOps.constant(float("nan"), x.dtype)
    assert (x * 2.0).tolist() == [2.0, -4.0] and (x * 2.0).tolist() == [2.0, -4.0]
    assert (1.0 / (x * 0.0)).tolist() == [float("inf"), float("-inf")] and (x * -0.0).tolist() == [-0.0, 0.0]
    assert minitorch.FastOps.constant(2.0, x.dtype) is not minitorch.FastOps.constant(2.0, x.dtype)  # the CPU's: fresh
