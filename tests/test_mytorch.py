"""minitorch.mytorch (the HW2P1 interface) against PyTorch float64 and the handout's formulas:
output sizes, every gradient, accumulation over overlapping windows, the scanning MLPs on the
handout's shapes with NaN-marked weights, and typed errors naming the class and the shapes."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

from minitorch.errors import ShapeError
from minitorch.mytorch.flatten import Flatten
from minitorch.mytorch.models.cnn import CNN
from minitorch.mytorch.models.mlp_scan import CNN_DistributedScanningMLP, CNN_SimpleScanningMLP
from minitorch.mytorch.nn.activation import Identity, ReLU, Sigmoid, Tanh
from minitorch.mytorch.nn.Conv1d import Conv1d, Conv1d_stride1
from minitorch.mytorch.nn.Conv2d import Conv2d, Conv2d_stride1
from minitorch.mytorch.nn.ConvTranspose import ConvTranspose1d, ConvTranspose2d
from minitorch.mytorch.nn.linear import Linear
from minitorch.mytorch.nn.loss import CrossEntropyLoss
from minitorch.mytorch.nn.pool import MaxPool2d, MaxPool2d_stride1, MeanPool2d, MeanPool2d_stride1
from minitorch.mytorch.nn.resampling import Downsample1d, Downsample2d, Upsample1d, Upsample2d

from .test_scanning import _homework_weights, scan_mlp_torch

TOL = dict(rtol=1e-10, atol=1e-10)


def rng(seed):
    return np.random.default_rng(seed)


def torch_grads(fn, *arrays, upstream):
    """fn's output and the gradient of (output * upstream).sum() for every array, by torch."""
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    out = fn(*ts)
    (out * torch.tensor(upstream)).sum().backward()
    return out.detach().numpy(), [t.grad.numpy() for t in ts]


# ## Convolutions


@pytest.mark.parametrize("stride,padding,width,kernel", [(1, 0, 9, 3), (2, 1, 10, 4), (3, 2, 7, 2)])
def test_conv1d_against_torch_and_the_size_formula(stride, padding, width, kernel):
    r = rng(width * 10 + stride)
    layer = Conv1d(3, 5, kernel, stride, padding, weight_init_fn=lambda *s: r.standard_normal(s),
                   bias_init_fn=lambda c: r.standard_normal(c))
    A = r.standard_normal((2, 3, width))
    Z = layer.forward(A)
    assert Z.shape == (2, 5, (width + 2 * padding - kernel) // stride + 1)
    dLdZ = r.standard_normal(Z.shape)
    inner = layer.conv1d_stride1
    ref, (gA, gW, gb) = torch_grads(lambda a, w, b: TF.conv1d(a, w, b, stride=stride, padding=padding),
                                    A, inner.W, inner.b, upstream=dLdZ)
    np.testing.assert_allclose(Z, ref, **TOL)
    np.testing.assert_allclose(layer.backward(dLdZ), gA, **TOL)
    np.testing.assert_allclose(inner.dLdW, gW, **TOL)
    np.testing.assert_allclose(inner.dLdb, gb, **TOL)
    # the handout's formula for the bias gradient: dLdZ summed over batch and width
    np.testing.assert_allclose(inner.dLdb, dLdZ.sum(axis=(0, 2)), **TOL)
    assert isinstance(Z, np.ndarray) and Z.dtype == np.float64


def test_conv1d_stride1_gradient_accumulates_over_overlapping_windows():
    layer = Conv1d_stride1(1, 1, 3, weight_init_fn=lambda *s: np.ones(s))
    Z = layer.forward(np.zeros((1, 1, 5)))
    dLdA = layer.backward(np.ones_like(Z))
    # each input position is read by as many windows as cover it: 1, 2, 3, 2, 1
    assert dLdA.ravel().tolist() == [1.0, 2.0, 3.0, 2.0, 1.0]


@pytest.mark.parametrize("stride,padding", [(1, 0), (2, 1), (3, 0)])
def test_conv2d_against_torch(stride, padding):
    r = rng(stride + 7 * padding)
    layer = Conv2d(2, 3, 3, stride, padding)  # default init: the handout's normal(0, 1) W, zero b
    layer.conv2d_stride1.b = r.standard_normal(3)
    A = r.standard_normal((2, 2, 8, 7))
    Z = layer.forward(A)
    assert Z.shape == (2, 3, (8 + 2 * padding - 3) // stride + 1, (7 + 2 * padding - 3) // stride + 1)
    dLdZ = r.standard_normal(Z.shape)
    inner = layer.conv2d_stride1
    ref, (gA, gW, gb) = torch_grads(lambda a, w, b: TF.conv2d(a, w, b, stride=stride, padding=padding),
                                    A, inner.W, inner.b, upstream=dLdZ)
    np.testing.assert_allclose(Z, ref, **TOL)
    np.testing.assert_allclose(layer.backward(dLdZ), gA, **TOL)
    np.testing.assert_allclose(inner.dLdW, gW, **TOL)
    np.testing.assert_allclose(inner.dLdb, gb, **TOL)


def test_default_init_draws_as_the_handout():
    np.random.seed(3)
    layer = Conv2d_stride1(2, 4, 3)
    np.random.seed(3)
    np.testing.assert_array_equal(layer.W, np.random.normal(0, 1.0, (4, 2, 3, 3)))
    assert layer.b.tolist() == [0.0] * 4 and layer.dLdW.shape == (4, 2, 3, 3) and layer.dLdb.shape == (4,)
    calls = []
    Conv1d(3, 2, 4, 2, weight_init_fn=lambda *s: calls.append(s) or np.zeros(s), bias_init_fn=lambda c: np.ones(c))
    assert calls == [(2, 3, 4)]


def _upsample(x, k, dims):
    shape = x.shape[:-dims] + tuple(k * (n - 1) + 1 for n in x.shape[-dims:])
    out = torch.zeros(shape, dtype=x.dtype)
    index = (Ellipsis,) + (slice(None, None, k),) * dims
    out[index] = x
    return out


@pytest.mark.parametrize("dims", [1, 2])
def test_conv_transpose_is_upsample_then_stride1_conv(dims):
    r = rng(dims)
    cls = ConvTranspose1d if dims == 1 else ConvTranspose2d
    layer = cls(3, 2, 3, upsampling_factor=2, bias_init_fn=lambda c: r.standard_normal(c))
    A = r.standard_normal((2, 3) + (5,) * dims)
    Z = layer.forward(A)
    assert Z.shape == (2, 2) + (2 * (5 - 1) + 1 - 3 + 1,) * dims
    inner = layer.conv1d_stride1 if dims == 1 else layer.conv2d_stride1
    conv = TF.conv1d if dims == 1 else TF.conv2d
    dLdZ = r.standard_normal(Z.shape)
    ref, (gA, gW, gb) = torch_grads(lambda a, w, b: conv(_upsample(a, 2, dims), w, b), A, inner.W, inner.b,
                                    upstream=dLdZ)
    np.testing.assert_allclose(Z, ref, **TOL)
    np.testing.assert_allclose(layer.backward(dLdZ), gA, **TOL)
    np.testing.assert_allclose(inner.dLdW, gW, **TOL)
    np.testing.assert_allclose(inner.dLdb, gb, **TOL)


# ## Resampling and pooling


@pytest.mark.parametrize("k", [1, 2, 3])
def test_resampling_sizes_and_adjoints(k):
    r = rng(k)
    A = r.standard_normal((2, 3, 7))
    up = Upsample1d(k)
    Z = up.forward(A)
    assert Z.shape == (2, 3, k * 6 + 1) and np.array_equal(Z[..., ::k], A)
    assert np.array_equal(up.backward(Z), A)
    down = Downsample1d(k)
    Z = down.forward(A)
    assert Z.shape == (2, 3, 6 // k + 1) and np.array_equal(Z, A[..., ::k])
    back = down.backward(Z)
    assert back.shape == A.shape and np.array_equal(back[..., ::k], Z) and back.sum() == pytest.approx(Z.sum())
    B = r.standard_normal((1, 2, 5, 6))
    assert Upsample2d(k).forward(B).shape == (1, 2, k * 4 + 1, k * 5 + 1)
    assert np.array_equal(Downsample2d(k).forward(B), B[..., ::k, ::k])


@pytest.mark.parametrize("kernel,stride", [(2, 1), (3, 2), (2, 2)])
def test_pooling_against_torch(kernel, stride):
    r = rng(kernel * 3 + stride)
    A = r.standard_normal((2, 3, 8, 7))
    for layer, pool in ((MaxPool2d(kernel, stride), TF.max_pool2d), (MeanPool2d(kernel, stride), TF.avg_pool2d)):
        Z = layer.forward(A)
        dLdZ = r.standard_normal(Z.shape)
        ref, (gA,) = torch_grads(lambda a: pool(a, kernel, stride), A, upstream=dLdZ)
        np.testing.assert_allclose(Z, ref, **TOL)
        np.testing.assert_allclose(layer.backward(dLdZ), gA, **TOL)


def test_max_pool_gradient_accumulates_where_windows_share_the_maximum():
    A = np.zeros((1, 1, 3, 3))
    A[0, 0, 1, 1] = 5.0  # the centre is the maximum of all four 2x2 windows
    layer = MaxPool2d_stride1(2)
    Z = layer.forward(A)
    assert Z.tolist() == [[[[5.0, 5.0], [5.0, 5.0]]]]
    assert layer.backward(np.ones_like(Z))[0, 0, 1, 1] == 4.0
    mean = MeanPool2d_stride1(2)
    mean.forward(A)
    assert mean.backward(np.ones((1, 1, 2, 2)))[0, 0].tolist() == [[0.25, 0.5, 0.25], [0.5, 1.0, 0.5],
                                                                     [0.25, 0.5, 0.25]]


# ## Linear, activations, loss, flatten


def test_linear_layout_and_gradients():
    r = rng(11)
    layer = Linear(4, 3, weight_init_fn=lambda o, i: r.standard_normal((o, i)),
                   bias_init_fn=lambda o: r.standard_normal(o))
    assert layer.b.shape == (3, 1) and layer.dLdb.shape == (3, 1)
    A, dLdZ = r.standard_normal((5, 4)), r.standard_normal((5, 3))
    Z = layer.forward(A)
    np.testing.assert_allclose(Z, A @ layer.W.T + np.ones((5, 1)) @ layer.b.T, **TOL)  # the handout's formula
    dLdA = layer.backward(dLdZ)
    np.testing.assert_allclose(dLdA, dLdZ @ layer.W, **TOL)
    np.testing.assert_allclose(layer.dLdW, dLdZ.T @ A, **TOL)
    np.testing.assert_allclose(layer.dLdb, dLdZ.T @ np.ones((5, 1)), **TOL)
    assert Linear(2, 3).W.tolist() == [[0.0, 0.0]] * 3


@pytest.mark.parametrize("cls,fn", [(Identity, lambda z: z), (Sigmoid, torch.sigmoid), (Tanh, torch.tanh),
                                    (ReLU, torch.relu)])
def test_activations(cls, fn):
    r = rng(5)
    Z, dLdA = r.standard_normal((3, 4)), r.standard_normal((3, 4))
    act = cls()
    ref, (gZ,) = torch_grads(fn, Z, upstream=dLdA)
    np.testing.assert_allclose(act.forward(Z), ref, **TOL)
    np.testing.assert_allclose(act.backward(dLdA), gZ, **TOL)
    _, (derivative,) = torch_grads(fn, Z, upstream=np.ones_like(Z))
    np.testing.assert_allclose(act.backward(), derivative, **TOL)  # older handouts: dA/dZ


def test_cross_entropy_loss():
    r = rng(9)
    A = r.standard_normal((6, 4))
    Y = np.eye(4)[r.integers(0, 4, 6)]
    loss = CrossEntropyLoss()
    L = loss.forward(A, Y)
    assert L == pytest.approx(TF.cross_entropy(torch.tensor(A), torch.tensor(Y)).item(), rel=1e-12)
    softmax = np.exp(A) / np.exp(A).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(loss.backward(), (softmax - Y) / 6, **TOL)


def test_flatten_round_trip():
    A = rng(1).standard_normal((2, 3, 4))
    f = Flatten()
    Z = f.forward(A)
    assert Z.shape == (2, 12) and np.array_equal(Z, A.reshape(2, -1))
    assert np.array_equal(f.backward(Z), A)


# ## The CNN and the scanning MLPs


def test_cnn_matches_torch_and_trains():
    r = rng(21)
    init = dict(conv_weight_init_fn=lambda *s: 0.3 * r.standard_normal(s), bias_init_fn=lambda c: np.zeros(c),
                linear_weight_init_fn=lambda o, i: 0.3 * r.standard_normal((o, i)))
    model = CNN(16, 3, [4, 5], [3, 2], [1, 2], 6, [Tanh(), ReLU()], criterion=CrossEntropyLoss(), lr=0.1, **init)
    assert [type(m).__name__ for m in model.convolutional_layers] == ["Conv1d", "Conv1d"]
    A, Y = r.standard_normal((4, 3, 16)), np.eye(6)[[0, 2, 5, 1]]
    Z = model.forward(A)
    w = [torch.tensor(c.conv1d_stride1.W, requires_grad=True) for c in model.convolutional_layers]
    lw = torch.tensor(model.linear_layer.W, requires_grad=True)
    x = torch.tensor(A, requires_grad=True)
    h = torch.relu(TF.conv1d(torch.tanh(TF.conv1d(x, w[0])), w[1], stride=2))
    out = h.flatten(1) @ lw.T
    np.testing.assert_allclose(Z, out.detach().numpy(), **TOL)
    dLdA = model.backward(Y)
    TF.cross_entropy(out, torch.tensor(Y)).backward()
    np.testing.assert_allclose(dLdA, x.grad.numpy(), **TOL)
    np.testing.assert_allclose(model.convolutional_layers[0].conv1d_stride1.dLdW, w[0].grad.numpy(), **TOL)
    np.testing.assert_allclose(model.linear_layer.dLdW, lw.grad.numpy(), **TOL)
    first = model.loss
    for _ in range(20):
        model.zero_grads()
        model.forward(A)
        model.backward(Y)
        model.step()
    assert model.loss < 0.5 * first


def test_simple_scanning_mlp_on_the_homework_shapes():
    r = rng(128)
    weights = [r.standard_normal((192, 8)) / 14, r.standard_normal((8, 16)) / 3, r.standard_normal((16, 4)) / 4]
    net = CNN_SimpleScanningMLP()
    net.init_weights(weights)
    A = r.standard_normal((2, 24, 128))  # 128 time steps of 24 features
    Z = net.forward(A)
    assert Z.shape == (2, 4 * 31)
    weights_t = [torch.tensor(w, requires_grad=True) for w in weights]
    x = torch.tensor(A, requires_grad=True)
    ref = scan_mlp_torch(x, weights_t, [None] * 3, 8, 4)  # (N, 4, 31)
    np.testing.assert_allclose(Z, ref.flatten(1).detach().numpy(), **TOL)
    dLdZ = r.standard_normal(Z.shape)
    (ref.flatten(1) * torch.tensor(dLdZ)).sum().backward()
    np.testing.assert_allclose(net.backward(dLdZ), x.grad.numpy(), **TOL)


def test_distributed_scanning_mlp_with_nan_marked_weights():
    r = rng(24)
    units, marked = _homework_weights(r)
    net = CNN_DistributedScanningMLP()
    net.init_weights(marked)
    assert [c.conv1d_stride1.W.shape for c in (net.conv1, net.conv2, net.conv3)] == [(2, 24, 2), (8, 2, 2), (4, 8, 2)]
    A = r.standard_normal((1, 24, 128))
    ref = scan_mlp_torch(torch.tensor(A), [torch.tensor(np.nan_to_num(w)) for w in marked], [None] * 3, 8, 4)
    np.testing.assert_allclose(net(A), ref.flatten(1).numpy(), **TOL)
    broken = [w.copy() for w in marked]
    broken[0][48 + 5, 2] += 1.0
    with pytest.raises(ValueError, match=r"layer 0 .* copy 1's block \(rows 48:96, columns 2:4\)"):
        CNN_DistributedScanningMLP().init_weights(broken)


# ## Bad input: typed errors naming the class and the shapes


def test_bad_input_raises_shape_errors_naming_class_and_shapes():
    conv = Conv1d(3, 2, 3)
    with pytest.raises(ShapeError, match=r"Conv1d.forward: A must have 3 dims \(N, C_in, W\), got shape \(3, 9\)"):
        conv.forward(np.ones((3, 9)))
    with pytest.raises(ShapeError, match=r"Conv1d_stride1.forward: A has 4 channels \(shape \(2, 4, 9\)\) but .* "
                                         r"in_channels=3"):
        conv.forward(np.ones((2, 4, 9)))
    Z = conv.forward(np.ones((2, 3, 9)))
    with pytest.raises(ShapeError, match=r"Downsample1d.backward: dLdZ has shape \(2, 2, 6\) but the forward output "
                                         r"had shape \(2, 2, 7\)"):
        conv.backward(np.ones((2, 2, 6)))
    assert Z.shape == (2, 2, 7)
    with pytest.raises(ShapeError, match=r"Conv2d_stride1.forward: A of shape \(1, 1, 2, 5\) is smaller than the "
                                         r"kernel"):
        Conv2d_stride1(1, 1, 3).forward(np.ones((1, 1, 2, 5)))
    with pytest.raises(ShapeError, match=r"Linear.forward: A has 5 features \(shape \(2, 5\)\) but W is \(3, 4\)"):
        Linear(4, 3).forward(np.ones((2, 5)))
    with pytest.raises(ShapeError, match=r"CrossEntropyLoss.forward: Y has shape \(2, 3\) but A has \(2, 4\)"):
        CrossEntropyLoss().forward(np.ones((2, 4)), np.ones((2, 3)))
    with pytest.raises(RuntimeError, match="Downsample2d.backward: call forward first"):  # its first sub-layer
        MaxPool2d(2, 2).backward(np.ones((1, 1, 1, 1)))
