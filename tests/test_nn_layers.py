"""Layers against torch.nn in float64: same weights (copied through state dicts), same outputs,
same input and parameter gradients; PyTorch's repr, state_dict keys, default initialisation,
train/eval switching, and load_state_dict errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import minitorch
import minitorch.nn as nn
from minitorch.errors import DTypeError, ShapeError

from .helpers import make_tensor, to_numpy

pytestmark = pytest.mark.filterwarnings("ignore:Using padding=.same. with even kernel")


def _torch_state_into(ours: nn.Module, theirs: torch.nn.Module) -> None:
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})


def check_against_torch(ours, theirs, shape, seed=0, permuted=False, atol=1e-10, backend=minitorch.FastBackend):
    """Copy theirs' weights into ours; compare outputs, input grads and parameter grads."""
    rng = np.random.default_rng(seed)
    theirs = theirs.double()
    _torch_state_into(ours, theirs)
    x = rng.standard_normal(shape)
    x_ours = make_tensor(x, backend, permuted=permuted, requires_grad=True)
    x_theirs = torch.tensor(x, requires_grad=True)
    out, ref = ours(x_ours), theirs(x_theirs)
    np.testing.assert_allclose(to_numpy(out), ref.detach().numpy(), atol=atol, rtol=1e-9)
    upstream = rng.standard_normal(tuple(ref.shape))
    (out * make_tensor(upstream, backend)).sum().backward()
    (ref * torch.tensor(upstream)).sum().backward()
    np.testing.assert_allclose(to_numpy(x_ours.grad), x_theirs.grad.numpy(), atol=atol, rtol=1e-9)
    grads = dict(ours.named_parameters())
    for name, p in theirs.named_parameters():
        np.testing.assert_allclose(to_numpy(grads[name].value.grad), p.grad.numpy(), atol=atol, rtol=1e-9, err_msg=name)


LAYERS = [
    ("linear", lambda: nn.Linear(5, 3), lambda: torch.nn.Linear(5, 3), (4, 5)),
    ("linear_3d_input", lambda: nn.Linear(5, 3, bias=False), lambda: torch.nn.Linear(5, 3, bias=False), (2, 4, 5)),
    ("conv1d", lambda: nn.Conv1d(3, 4, 3, stride=2, padding=1), lambda: torch.nn.Conv1d(3, 4, 3, stride=2, padding=1), (2, 3, 11)),
    ("conv2d_groups", lambda: nn.Conv2d(4, 6, (3, 2), dilation=(1, 2), groups=2), lambda: torch.nn.Conv2d(4, 6, (3, 2), dilation=(1, 2), groups=2), (2, 4, 7, 8)),
    ("conv2d_same", lambda: nn.Conv2d(2, 3, 4, padding="same", bias=False), lambda: torch.nn.Conv2d(2, 3, 4, padding="same", bias=False), (1, 2, 6, 5)),
    ("conv3d", lambda: nn.Conv3d(2, 3, 2, stride=(1, 2, 1)), lambda: torch.nn.Conv3d(2, 3, 2, stride=(1, 2, 1)), (2, 2, 4, 5, 3)),
    ("conv1d_reflect_same", lambda: nn.Conv1d(3, 4, 4, padding="same", padding_mode="reflect"), lambda: torch.nn.Conv1d(3, 4, 4, padding="same", padding_mode="reflect"), (2, 3, 9)),
    ("conv2d_replicate", lambda: nn.Conv2d(2, 3, (3, 2), stride=2, padding=(2, 1), padding_mode="replicate"), lambda: torch.nn.Conv2d(2, 3, (3, 2), stride=2, padding=(2, 1), padding_mode="replicate"), (2, 2, 7, 6)),
    ("conv2d_circular", lambda: nn.Conv2d(2, 4, 3, padding=1, groups=2, padding_mode="circular"), lambda: torch.nn.Conv2d(2, 4, 3, padding=1, groups=2, padding_mode="circular"), (1, 2, 5, 6)),
    ("conv3d_reflect", lambda: nn.Conv3d(2, 2, 3, padding=1, padding_mode="reflect"), lambda: torch.nn.Conv3d(2, 2, 3, padding=1, padding_mode="reflect"), (1, 2, 3, 4, 5)),
    ("conv_transpose1d", lambda: nn.ConvTranspose1d(3, 2, 3, stride=2, padding=1, output_padding=1), lambda: torch.nn.ConvTranspose1d(3, 2, 3, stride=2, padding=1, output_padding=1), (2, 3, 6)),
    ("conv_transpose2d", lambda: nn.ConvTranspose2d(4, 2, 3, stride=2, groups=2), lambda: torch.nn.ConvTranspose2d(4, 2, 3, stride=2, groups=2), (1, 4, 4, 5)),
    ("conv_transpose3d", lambda: nn.ConvTranspose3d(2, 4, (2, 3, 2), stride=(2, 1, 3), padding=(0, 1, 1), output_padding=(1, 0, 2), groups=2, dilation=(1, 1, 2)), lambda: torch.nn.ConvTranspose3d(2, 4, (2, 3, 2), stride=(2, 1, 3), padding=(0, 1, 1), output_padding=(1, 0, 2), groups=2, dilation=(1, 1, 2)), (2, 2, 3, 2, 3)),
    ("max_pool1d", lambda: nn.MaxPool1d(3, 2, padding=1), lambda: torch.nn.MaxPool1d(3, 2, padding=1), (2, 3, 9)),
    ("max_pool2d", lambda: nn.MaxPool2d(2), lambda: torch.nn.MaxPool2d(2), (2, 3, 6, 8)),
    ("avg_pool1d", lambda: nn.AvgPool1d(2), lambda: torch.nn.AvgPool1d(2), (2, 3, 9)),
    ("avg_pool2d", lambda: nn.AvgPool2d(3, 2, 1, count_include_pad=False), lambda: torch.nn.AvgPool2d(3, 2, 1, count_include_pad=False), (2, 3, 7, 6)),
    ("adaptive_avg_pool2d", lambda: nn.AdaptiveAvgPool2d((3, 2)), lambda: torch.nn.AdaptiveAvgPool2d((3, 2)), (2, 3, 7, 5)),
    ("adaptive_max_pool1d", lambda: nn.AdaptiveMaxPool1d(3), lambda: torch.nn.AdaptiveMaxPool1d(3), (2, 3, 7)),
    ("adaptive_max_pool2d", lambda: nn.AdaptiveMaxPool2d((2, 3)), lambda: torch.nn.AdaptiveMaxPool2d((2, 3)), (2, 3, 5, 7)),
    ("reflection_pad2d", lambda: nn.ReflectionPad2d((1, 2, 0, 3)), lambda: torch.nn.ReflectionPad2d((1, 2, 0, 3)), (2, 3, 5, 4)),
    ("replication_pad3d", lambda: nn.ReplicationPad3d(2), lambda: torch.nn.ReplicationPad3d(2), (1, 2, 2, 3, 2)),
    ("circular_pad1d", lambda: nn.CircularPad1d((3, 1)), lambda: torch.nn.CircularPad1d((3, 1)), (2, 5)),
    ("constant_pad2d", lambda: nn.ConstantPad2d((1, -1, 2, 0), -0.5), lambda: torch.nn.ConstantPad2d((1, -1, 2, 0), -0.5), (2, 3, 4)),
    ("zero_pad1d", lambda: nn.ZeroPad1d(2), lambda: torch.nn.ZeroPad1d(2), (2, 3, 4)),
    ("relu", nn.ReLU, torch.nn.ReLU, (3, 4)),
    ("tanh", nn.Tanh, torch.nn.Tanh, (3, 4)),
    ("sigmoid", nn.Sigmoid, torch.nn.Sigmoid, (3, 4)),
    ("softmax", lambda: nn.Softmax(dim=1), lambda: torch.nn.Softmax(dim=1), (3, 4, 2)),
    ("log_softmax", lambda: nn.LogSoftmax(dim=-1), lambda: torch.nn.LogSoftmax(dim=-1), (3, 4)),
    ("flatten", nn.Flatten, torch.nn.Flatten, (2, 3, 4)),
    ("identity", nn.Identity, torch.nn.Identity, (2, 3)),
    (
        "sequential_cnn",
        lambda: nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(36, 5), nn.Tanh()),
        lambda: torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2), torch.nn.Flatten(), torch.nn.Linear(36, 5), torch.nn.Tanh()),
        (3, 1, 8, 8),
    ),
]


@pytest.mark.parametrize("name,ours,theirs,shape", LAYERS, ids=[layer[0] for layer in LAYERS])
@pytest.mark.parametrize("permuted", [False, True])
def test_layer_matches_torch(name, ours, theirs, shape, permuted):
    torch.manual_seed(0)
    check_against_torch(ours(), theirs(), shape, permuted=permuted)


def test_small_cnn_on_the_simple_backend_matches_torch():
    simple = minitorch.SimpleBackend
    ours = nn.Sequential(nn.Conv2d(1, 2, 3, backend=simple), nn.ReLU(), nn.AvgPool2d(2), nn.Flatten(),
                         nn.Linear(2, 3, backend=simple), nn.Sigmoid())
    theirs = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.ReLU(), torch.nn.AvgPool2d(2), torch.nn.Flatten(),
                                 torch.nn.Linear(2, 3), torch.nn.Sigmoid())
    assert ours[0].weight.value.backend is simple
    check_against_torch(ours, theirs, (2, 1, 4, 4), permuted=True, backend=simple)


REPRS = [
    (lambda m: m.Linear(4, 3, bias=False),),
    (lambda m: m.Conv2d(1, 6, 5, stride=2, padding=1, groups=1, bias=False),),
    (lambda m: m.Conv1d(4, 4, 3, dilation=2, groups=2),),
    (lambda m: m.Conv2d(1, 2, 3, padding=1, padding_mode="circular"),),
    (lambda m: m.ReflectionPad2d(1),),
    (lambda m: m.ZeroPad1d((1, 2)),),
    (lambda m: m.ConstantPad3d(1, 2.5),),
    (lambda m: m.ConvTranspose2d(4, 2, 3, stride=2, output_padding=1),),
    (lambda m: m.MaxPool2d(2),),
    (lambda m: m.AvgPool2d(3, 1),),
    (lambda m: m.AvgPool1d(3, 2, 1),),
    (lambda m: m.Embedding(5, 3, padding_idx=-1),),
    (lambda m: m.ConvTranspose1d(2, 4, 3, groups=2, bias=False, dilation=2),),
    (lambda m: m.AdaptiveAvgPool2d((1, 1)),),
    (lambda m: m.Dropout(0.25),),
    (lambda m: m.Softmax(dim=1),),
    (lambda m: m.Flatten(),),
    (lambda m: m.Sequential(m.Conv2d(1, 2, 3), m.ReLU(), m.Flatten(), m.Linear(8, 2)),),
]


@pytest.mark.parametrize("build", [r[0] for r in REPRS])
def test_repr_matches_torch(build):
    assert repr(build(nn)) == repr(build(torch.nn))


def test_state_dict_keys_and_shapes_match_torch():
    def build(m):
        return m.Sequential(m.Conv2d(1, 6, 5), m.ReLU(), m.MaxPool2d(2), m.Conv2d(6, 16, 5, bias=False),
                            m.Flatten(), m.Linear(16, 10), m.Embedding(7, 3))

    ours, theirs = build(nn).state_dict(), build(torch.nn).state_dict()
    assert list(ours) == list(theirs)
    assert [v.shape for v in ours.values()] == [tuple(v.shape) for v in theirs.values()]


@pytest.mark.parametrize("layer,fan_in", [(lambda: nn.Linear(50, 40), 50), (lambda: nn.Conv2d(6, 16, 5), 150),
                                          (lambda: nn.ConvTranspose2d(8, 6, 3, groups=2), 27)])
def test_default_init_is_kaiming_uniform(layer, fan_in):
    minitorch.manual_seed(0)
    module = layer()
    bound = 1.0 / math.sqrt(fan_in)
    for parameter in (module.weight, module.bias):
        values = to_numpy(parameter.value)
        assert values.min() >= -bound and values.max() <= bound
        if values.size >= 100:  # a handful of biases says little about their spread
            assert values.std() == pytest.approx(bound / math.sqrt(3), rel=0.25)  # U(-b, b): std b / sqrt(3)


def test_seeded_init_is_reproducible_and_dtype_follows():
    minitorch.manual_seed(3)
    a = nn.Linear(4, 3, dtype="float32")
    minitorch.manual_seed(3)
    b = nn.Linear(4, 3, dtype="float32")
    assert a.weight.value.dtype == np.float32
    np.testing.assert_array_equal(to_numpy(a.weight.value), to_numpy(b.weight.value))


def test_load_state_dict_lists_missing_unexpected_and_mismatched():
    net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    state = {k: to_numpy(v) for k, v in net.state_dict().items()}
    state["5.weight"] = state.pop("2.weight")
    with pytest.raises(KeyError) as info:
        net.load_state_dict(state)
    assert "2.weight" in str(info.value) and "5.weight" in str(info.value)
    state = {k: to_numpy(v) for k, v in net.state_dict().items()}
    state["0.weight"] = np.zeros((4, 5))
    with pytest.raises(ShapeError, match=r"0\.weight.*\(4, 3\).*\(4, 5\)"):
        net.load_state_dict(state)


def test_load_state_dict_refuses_complex_values_and_changes_nothing(tmp_path):
    # regression: complex arrays were accepted and their imaginary part silently dropped
    net = nn.Linear(3, 2)
    before = to_numpy(net.weight.value)
    state = {k: to_numpy(v) for k, v in net.state_dict().items()}
    state["weight"] = state["weight"] + 1j
    with pytest.raises(DTypeError, match=r"weight \(complex128\) not real numbers"):
        net.load_state_dict(state)
    state["weight"] = torch.zeros((2, 3), dtype=torch.complex64)
    with pytest.raises(DTypeError, match="complex64"):
        net.load_state_dict(state)
    np.testing.assert_array_equal(to_numpy(net.weight.value), before)
    # a complex64 tensor in a safetensors file reaches load_state_dict as a numpy array
    minitorch.save({"weight": np.zeros((2, 3), np.complex64), "bias": np.zeros(2)}, tmp_path / "c.safetensors")
    with pytest.raises(DTypeError, match="weight"):
        net.load_state_dict(minitorch.load(tmp_path / "c.safetensors"))


def test_dropout_train_eval():
    layer = nn.Dropout(0.3)
    x = minitorch.ones((200, 50))
    out = to_numpy(layer(x))
    kept = out != 0
    assert abs(kept.mean() - 0.7) < 0.02
    np.testing.assert_allclose(out[kept], 1 / 0.7)
    assert layer.eval().training is False
    np.testing.assert_array_equal(to_numpy(layer(x)), 1.0)
    net = nn.Sequential(nn.Linear(2, 2), nn.Dropout()).eval()
    assert not any(m.training for m in net.modules())
    assert all(m.training for m in net.train().modules())


def test_embedding_matches_torch_and_padding_row_gets_no_gradient():
    ours, theirs = nn.Embedding(6, 3, padding_idx=0), torch.nn.Embedding(6, 3, padding_idx=0).double()
    np.testing.assert_array_equal(to_numpy(ours.weight.value)[0], 0.0)
    _torch_state_into(ours, theirs)
    idx = np.array([[0, 2, 5], [2, 2, 1]])
    out, ref = ours(minitorch.tensor(idx)), theirs(torch.tensor(idx))
    np.testing.assert_allclose(to_numpy(out), ref.detach().numpy())
    out.sum().backward()
    ref.sum().backward()
    np.testing.assert_allclose(to_numpy(ours.weight.value.grad), theirs.weight.grad.numpy())


def test_up_and_downsample_layers():
    x = minitorch.tensor([[[1.0, 2.0, 3.0]]])
    assert to_numpy(nn.Upsample1d(2)(x)).tolist() == [[[1.0, 0.0, 2.0, 0.0, 3.0]]]
    assert to_numpy(nn.Downsample1d(2)(nn.Upsample1d(2)(x))).tolist() == [[[1.0, 2.0, 3.0]]]
    y = minitorch.rand((1, 2, 3, 4))
    assert nn.Downsample2d(2)(nn.Upsample2d(2)(y)).shape == y.shape


def test_sequential_indexing_and_module_list():
    net = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    assert isinstance(net[0], nn.Linear) and isinstance(net[-1], nn.Linear) and len(net) == 3
    assert len(net[:2]) == 2
    layers = nn.ModuleList([nn.Linear(2, 2)]).append(nn.Linear(2, 2))
    assert [n for n, _ in layers.named_parameters()] == ["0.weight", "0.bias", "1.weight", "1.bias"]
    with pytest.raises(TypeError, match="not a Module"):
        nn.Sequential(lambda x: x)
    with pytest.raises(IndexError):
        net[3]


def test_conv_rejects_bad_groups():
    with pytest.raises(ValueError, match="divisible by groups"):
        nn.Conv2d(3, 4, 3, groups=2)


def test_conv_padding_mode_is_checked_like_torch():
    with pytest.raises(ValueError, match="padding_mode must be one of"):
        nn.Conv2d(1, 1, 3, padding_mode="mirror")
    with pytest.raises(ValueError, match="only padding_mode='zeros'.*transposed"):
        nn.ConvTranspose2d(1, 1, 3, padding_mode="reflect")
    with pytest.raises(ShapeError, match="reflect.*size 2"):
        nn.Conv1d(1, 1, 5, padding=2, padding_mode="reflect")(minitorch.rand((1, 1, 2)))
    with pytest.raises(ShapeError, match="ReflectionPad2d: padding must be an int or a tuple of 4 ints"):
        nn.ReflectionPad2d((1, 2, 3))
