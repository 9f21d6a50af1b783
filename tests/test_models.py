"""Model zoo: output shapes, registry errors, and forward passes equal to the same network in torch."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import minitorch
from minitorch.models import (
    MODELS,
    CNNModel,
    ConvSpec,
    CourseNetwork,
    KimCNN,
    LeNet5,
    SignalCNN,
    build_model,
    parse_layers,
)

tnn = torch.nn


def _x(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def _ours(array):
    return minitorch.from_numpy(np.ascontiguousarray(array, dtype=np.float64))


def _copy_into_torch(ours, theirs):
    """Load our parameters (float64) into a torch module with the same parameter names."""
    state = {name: torch.from_numpy(np.array(p.value.to_numpy())) for name, p in ours.named_parameters()}
    missing = set(dict(theirs.named_parameters())) ^ set(state)
    assert not missing, missing
    theirs.double().load_state_dict(state)
    return theirs.eval()


class TorchCourse(tnn.Module):
    def __init__(self, side):
        super().__init__()
        self.conv1, self.conv2 = tnn.Conv2d(1, 4, 3, padding=1), tnn.Conv2d(4, 8, 3, padding=1)
        self.linear1, self.linear2 = tnn.Linear(8 * (side // 4) ** 2, 64), tnn.Linear(64, 10)

    def forward(self, x):
        x = torch.relu(self.conv2(torch.relu(self.conv1(x))))
        x = torch.nn.functional.avg_pool2d(x, 4).flatten(1)
        return torch.log_softmax(self.linear2(torch.relu(self.linear1(x))), dim=1)


class TorchLeNet(tnn.Module):
    def __init__(self):
        super().__init__()
        self.conv1, self.conv2 = tnn.Conv2d(1, 6, 5, padding=2), tnn.Conv2d(6, 16, 5)
        self.fc1, self.fc2, self.fc3 = tnn.Linear(400, 120), tnn.Linear(120, 84), tnn.Linear(84, 10)

    def forward(self, x):
        pool = torch.nn.functional.max_pool2d
        x = pool(torch.relu(self.conv1(x)), 2)
        x = pool(torch.relu(self.conv2(x)), 2).flatten(1)
        return self.fc3(torch.relu(self.fc2(torch.relu(self.fc1(x)))))


class TorchSignal(tnn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = tnn.Conv1d(1, 25, 5, stride=2, padding=1)
        self.conv2 = tnn.Conv1d(25, 25, 3, stride=2, padding=1)
        self.conv3 = tnn.Conv1d(25, 25, 3, stride=2, padding=1)
        self.linear = tnn.Linear(125, 10)

    def forward(self, x):
        x = torch.relu(self.conv3(torch.relu(self.conv2(torch.relu(self.conv1(x))))))
        return self.linear(x.flatten(1))


class TorchKim(tnn.Module):
    def __init__(self, vocab, dim, filters):
        super().__init__()
        self.embedding = tnn.Embedding(vocab, dim, padding_idx=0)
        self.conv3, self.conv4, self.conv5 = (tnn.Conv1d(dim, filters, k) for k in (3, 4, 5))
        self.fc = tnn.Linear(3 * filters, 2)

    def forward(self, tokens):
        x = self.embedding(tokens).permute(0, 2, 1)
        pooled = [torch.relu(conv(x)).amax(dim=2) for conv in (self.conv3, self.conv4, self.conv5)]
        return self.fc(torch.cat(pooled, dim=1))


@pytest.mark.parametrize("side", [8, 28])
def test_course_network_matches_torch(side):
    model = CourseNetwork(image_size=(side, side)).eval()
    assert model.linear1.in_features == 8 * (side // 4) ** 2  # 392 for 28x28, as in the course
    x = _x((3, 1, side, side))
    expected = _copy_into_torch(model, TorchCourse(side))(torch.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(model(_ours(x)).to_numpy(), expected, rtol=1e-9, atol=1e-10)


def test_course_network_dropout_only_in_training():
    model = CourseNetwork(image_size=(8, 8))
    x = _ours(_x((4, 1, 8, 8)))
    model.eval()
    np.testing.assert_array_equal(model(x).to_numpy(), model(x).to_numpy())
    model.train()
    assert not np.array_equal(model(x).to_numpy(), model(x).to_numpy())


def test_lenet5_matches_torch():
    model = LeNet5().eval()
    x = _x((2, 1, 28, 28))
    expected = _copy_into_torch(model, TorchLeNet())(torch.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(model(_ours(x)).to_numpy(), expected, rtol=1e-9, atol=1e-10)


def test_signal_cnn_matches_torch():
    model = SignalCNN().eval()
    x = _x((5, 1, 40))
    expected = _copy_into_torch(model, TorchSignal())(torch.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(model(_ours(x)).to_numpy(), expected, rtol=1e-9, atol=1e-10)


def test_kim_cnn_matches_torch_and_backpropagates():
    model = KimCNN(vocab_size=30, embedding_dim=8, num_filters=6).eval()
    tokens = np.array([[2, 5, 7, 9, 3, 0, 0], [4, 4, 1, 8, 2, 6, 11]])
    expected = _copy_into_torch(model, TorchKim(30, 8, 6))(torch.from_numpy(tokens)).detach().numpy()
    output = model(tokens)
    np.testing.assert_allclose(output.to_numpy(), expected, rtol=1e-9, atol=1e-10)
    output.sum().backward()
    assert model.conv5.weight.value.grad is not None and model.embedding.weight.value.grad is not None


def test_kim_cnn_rejects_short_sentences():
    with pytest.raises(ValueError, match="shorter than the widest filter"):
        KimCNN(vocab_size=10, embedding_dim=4, num_filters=2)(np.array([[2, 3, 4]]))


@pytest.mark.parametrize(
    "name, shape, options",
    [
        ("course", (1, 28, 28), {}),
        ("course", (1, 8, 8), {}),
        ("lenet5", (1, 28, 28), {}),
        ("lenet5", (1, 32, 32), {}),
        ("signal_cnn", (1, 40), {}),
        ("kim_cnn", (12,), {"vocab_size": 50, "embedding_dim": 16, "num_filters": 4}),
        ("cnn", (1, 8, 8), {}),
        ("cnn", (1, 40), {"layers": "8:5:2,16:3:2:tanh"}),
        ("cnn", (3, 12, 12), {"layers": [ConvSpec(4, 3, 2, "sigmoid")], "dropout": 0.5}),
    ],
)
def test_output_shapes_float32(name, shape, options):
    model = build_model(name, shape, 7 if name != "kim_cnn" else 2, **options).float()
    batch = 3
    if name == "kim_cnn":
        x = np.random.default_rng(0).integers(0, 50, size=(batch, *shape))
    else:
        x = minitorch.from_numpy(_x((batch, *shape)).astype(np.float32))
    out = model(x)
    assert out.shape == (batch, 7 if name != "kim_cnn" else 2)
    assert out.dtype == np.float32
    maps = model.feature_maps(x)
    assert maps.shape[0] == batch and maps.dims in (3, 4)


def test_configurable_cnn_layout():
    model = CNNModel(1, (8, 8), 10, layers="32:3,64:3:2")
    assert [type(m).__name__ for m in model.features] == ["Conv2d", "ReLU", "Conv2d", "ReLU"]
    assert model.classifier.in_features == 64 * 4 * 4
    assert parse_layers("4:3:2:none") == [ConvSpec(4, 3, 2, "none")]


@pytest.mark.parametrize("text", ["32", "a:3", "32:3:1:swish", "32:0", "1:2:3:relu:5"])
def test_parse_layers_errors(text):
    with pytest.raises(ValueError):
        parse_layers(text)


def test_registry_errors():
    assert set(MODELS) == {"course", "lenet5", "signal_cnn", "kim_cnn", "cnn"}
    with pytest.raises(ValueError, match="unknown model 'resnet'"):
        build_model("resnet", (1, 28, 28), 10)
    with pytest.raises(ValueError, match="takes images"):
        build_model("lenet5", (1, 40), 10)
    with pytest.raises(ValueError, match="between 28x28 and 32x32"):
        build_model("lenet5", (1, 8, 8), 10)
    with pytest.raises(ValueError, match="divisible by 4"):
        build_model("course", (1, 10, 10), 10)
    with pytest.raises(ValueError, match="vocab_size"):
        build_model("kim_cnn", (20,), 2)
    with pytest.raises(ValueError, match="input_size"):
        CNNModel(1, (4, 4, 4), 10)


def test_cat_matches_torch_with_gradients():
    from minitorch.ops.concat import cat

    a, b = _x((2, 3, 4), 1), _x((2, 1, 4), 2)
    ta, tb = (torch.from_numpy(v).requires_grad_() for v in (a, b))
    ours_a, ours_b = _ours(a).requires_grad_(), _ours(b).requires_grad_()
    weights = _x((2, 4, 4), 3)
    (cat([ours_a, ours_b], dim=-2) * _ours(weights)).sum().backward()
    (torch.cat([ta, tb], dim=-2) * torch.from_numpy(weights)).sum().backward()
    np.testing.assert_allclose(ours_a.grad.to_numpy(), ta.grad.numpy())
    np.testing.assert_allclose(ours_b.grad.to_numpy(), tb.grad.numpy())
    with pytest.raises(minitorch.ShapeError, match="must match in every dim except dim=0"):
        cat([_ours(a), _ours(b)], dim=0)
