"""The scanning MLP equals its Conv1d conversions: simple and distributed, forward and backward,
for random weights (torch applies the MLP to every window as the oracle)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import minitorch
from minitorch.errors import ShapeError
from minitorch.nn.scanning import (
    distributed_mlp_to_conv1d,
    distributed_mlp_weights,
    linear_to_conv_weight,
    mlp_to_conv1d,
)

from .helpers import to_numpy


def scan_mlp_torch(x, weights, biases, window, stride):
    """The MLP on every window: x (N, C, T) -> (N, H_L, T_out); ReLU between layers."""
    # (N, C, T_out, window) -> (N, T_out, window, C) -> (N, T_out, window * C): time-major windows
    h = x.unfold(2, window, stride).permute(0, 2, 3, 1).reshape(x.shape[0], -1, window * x.shape[1])
    for i, (w, b) in enumerate(zip(weights, biases)):
        h = h @ w + (b if b is not None else 0.0)
        if i < len(weights) - 1:
            h = torch.relu(h)
    return h.permute(0, 2, 1)  # (N, T_out, H_L) -> (N, H_L, T_out)


def _compare(net, weights_t, biases_t, x_np, window, stride, params_t):
    x_t = torch.tensor(x_np, requires_grad=True)
    ref = scan_mlp_torch(x_t, weights_t, biases_t, window, stride)
    x = minitorch.tensor(x_np, requires_grad=True)
    out = net(x)
    np.testing.assert_allclose(to_numpy(out), ref.detach().numpy(), rtol=1e-9, atol=1e-10)
    upstream = np.random.default_rng(5).standard_normal(tuple(ref.shape))
    (out * minitorch.tensor(upstream)).sum().backward()
    (ref * torch.tensor(upstream)).sum().backward()
    np.testing.assert_allclose(to_numpy(x.grad), x_t.grad.numpy(), rtol=1e-9, atol=1e-10)
    convs = [m for m in net.modules() if isinstance(m, minitorch.nn.Conv1d)]
    for conv, (w_t, b_t) in zip(convs, params_t):
        c_in, kernel = conv.in_channels, conv.kernel_size[0]
        expected = linear_to_conv_weight(w_t.grad.numpy(), c_in, kernel)
        np.testing.assert_allclose(to_numpy(conv.weight.value.grad), expected, rtol=1e-9, atol=1e-10)
        if b_t is not None:
            np.testing.assert_allclose(to_numpy(conv.bias.value.grad), b_t.grad.numpy(), rtol=1e-9, atol=1e-10)


@pytest.mark.parametrize("with_bias", [False, True])
@pytest.mark.parametrize("window,stride,sizes", [(8, 4, (8, 16, 4)), (3, 1, (5, 2)), (5, 5, (6,))])
def test_simple_conversion_equals_scanning_mlp(window, stride, sizes, with_bias):
    rng = np.random.default_rng(window * 10 + stride)
    channels, length = 3, 4 * window + 3
    dims = (window * channels,) + sizes
    weights = [rng.standard_normal((a, b)) / np.sqrt(a) for a, b in zip(dims[:-1], dims[1:])]
    biases = [rng.standard_normal(b) if with_bias else None for b in sizes]
    net = mlp_to_conv1d(weights, window, stride, biases if with_bias else None)
    weights_t = [torch.tensor(w, requires_grad=True) for w in weights]
    biases_t = [torch.tensor(b, requires_grad=True) if b is not None else None for b in biases]
    x = rng.standard_normal((2, channels, length))
    # layer 0 reads `window` steps of C channels; later layers one step of the previous width
    _compare(net, weights_t, biases_t, x, window, stride, list(zip(weights_t, biases_t)))


def _expand_torch(unit, n_in, kernel, step):
    """The weight-shared layer's full (in, out) matrix from its unit, differentiably."""
    c_in, c_out = unit.shape[0] // kernel, unit.shape[1]
    copies = (n_in - kernel) // step + 1
    blocks = [
        torch.nn.functional.pad(unit, (i * c_out, (copies - 1 - i) * c_out, i * step * c_in, (n_in - i * step - kernel) * c_in))
        for i in range(copies)
    ]
    return sum(blocks), copies


@pytest.mark.parametrize("with_bias", [False, True])
@pytest.mark.parametrize("window,stride,kernels,strides,channels", [
    (8, 4, (2, 2, 2), (2, 2, 1), (2, 8, 4)),  # the homework's plan
    (6, 2, (2, 3), (2, 1), (3, 2)),
    (7, 1, (3, 3, 3), (1, 1, 1), (2, 2, 3)),  # overlapping sub-networks
])
def test_distributed_conversion_equals_scanning_mlp(window, stride, kernels, strides, channels, with_bias):
    rng = np.random.default_rng(sum(kernels) + window)
    c_in = 3
    widths = (c_in,) + channels
    units = [rng.standard_normal((k * a, b)) / np.sqrt(k * a) for k, a, b in zip(kernels, widths[:-1], widths[1:])]
    unit_biases = [rng.standard_normal(b) if with_bias else None for b in channels]
    full, full_biases = distributed_mlp_weights(units, window, kernels, strides, unit_biases)
    net = distributed_mlp_to_conv1d(full, window, stride, kernels, strides, full_biases if with_bias else None)
    units_t = [torch.tensor(u, requires_grad=True) for u in units]
    unit_biases_t = [torch.tensor(b, requires_grad=True) if b is not None else None for b in unit_biases]
    weights_t, biases_t, n = [], [], window
    for u, b, k, s in zip(units_t, unit_biases_t, kernels, strides):
        w, n = _expand_torch(u, n, k, s)
        weights_t.append(w)
        biases_t.append(b.repeat(n) if b is not None else None)
    np.testing.assert_allclose(full[0], weights_t[0].detach().numpy())
    x = rng.standard_normal((2, c_in, 3 * window + 1))
    # conv layer l holds unit l, so its gradient is the unit's (summed over the copies)
    _compare(net, weights_t, biases_t, x, window, stride, list(zip(units_t, unit_biases_t)))


def test_homework_shapes():
    units = [np.ones((48, 2)), np.ones((4, 8)), np.ones((16, 4))]
    full, _ = distributed_mlp_weights(units, 8, (2, 2, 2), (2, 2, 1))
    assert [w.shape for w in full] == [(192, 8), (8, 16), (16, 4)]
    net = distributed_mlp_to_conv1d(full, 8, 4, (2, 2, 2), (2, 2, 1))
    assert [tuple(m.weight.value.shape) for m in net.modules() if isinstance(m, minitorch.nn.Conv1d)] == [
        (2, 24, 2), (8, 2, 2), (4, 8, 2)]
    assert net(minitorch.rand((1, 24, 128))).shape == (1, 4, 31)


def test_bad_plans_and_unshared_weights_are_refused():
    full, _ = distributed_mlp_weights([np.ones((4, 2)), np.ones((4, 3))], 4, (2, 2), (2, 1))
    with pytest.raises(ShapeError, match="total stride"):
        distributed_mlp_to_conv1d(full, 4, 4, (2, 2), (2, 1))
    with pytest.raises(ShapeError, match="does not tile"):
        distributed_mlp_to_conv1d(full, 4, 2, (3, 2), (2, 1))
    broken = [full[0].copy(), full[1]]
    broken[0][-1, -1] += 1.0  # copy 1 no longer equals copy 0
    with pytest.raises(ValueError, match="not weight-shared"):
        distributed_mlp_to_conv1d(broken, 4, 2, (2, 2), (2, 1))
    with pytest.raises(ShapeError, match="window"):
        mlp_to_conv1d([np.ones((7, 2))], 2, 1)


def test_linear_layers_convert_directly():
    minitorch.manual_seed(0)
    mlp = [minitorch.nn.Linear(4 * 2, 5), minitorch.nn.Linear(5, 3, bias=False)]
    net = mlp_to_conv1d(mlp, window=4, stride=2)
    x = minitorch.rand((2, 2, 11))
    weights = [torch.tensor(layer.weight.value.to_numpy().T) for layer in mlp]
    biases = [torch.tensor(mlp[0].bias.value.to_numpy()), None]
    ref = scan_mlp_torch(torch.tensor(x.to_numpy()), weights, biases, 4, 2)
    np.testing.assert_allclose(to_numpy(net(x)), ref.numpy(), rtol=1e-12)
    with pytest.raises(ValueError, match="bring their own"):
        mlp_to_conv1d(mlp, 4, 2, biases=[None, None])


def _homework_weights(rng):
    """The homework's distributed MLP file: (192, 8), (8, 16), (16, 4) with NaN where not connected."""
    units = [rng.standard_normal((48, 2)), rng.standard_normal((4, 8)), rng.standard_normal((16, 4))]
    full, _ = distributed_mlp_weights(units, 8, (2, 2, 2), (2, 2, 1))
    marked = []
    for w, u in zip(full, units):
        w = w.copy()
        w[w == 0.0] = np.nan  # every unconnected entry (units are dense Gaussian: no exact zeros)
        marked.append(w)
    return units, marked


def test_nan_marked_homework_weights_convert_on_the_homework_shapes():
    rng = np.random.default_rng(24)
    units, marked = _homework_weights(rng)
    assert [np.isnan(w).sum() for w in marked] == [192 * 8 - 4 * 48 * 2, 8 * 16 - 2 * 4 * 8, 0]
    net = distributed_mlp_to_conv1d(marked, 8, 4, (2, 2, 2), (2, 2, 1))
    # oracle: the MLP with unconnected entries as 0, scanned over every window by torch
    weights_t = [torch.tensor(np.nan_to_num(w, nan=0.0), requires_grad=True) for w in marked]
    x = rng.standard_normal((2, 24, 128))  # the homework's 128 time steps of 24 features
    x_t = torch.tensor(x)
    ref = scan_mlp_torch(x_t, weights_t, [None, None, None], 8, 4)
    out = net(minitorch.tensor(x))
    assert out.shape == (2, 4, 31)
    np.testing.assert_allclose(to_numpy(out), ref.detach().numpy(), rtol=1e-9, atol=1e-10)


def test_nan_errors_name_the_layer_and_first_mismatching_block():
    rng = np.random.default_rng(25)
    _, marked = _homework_weights(rng)
    changed = [w.copy() for w in marked]
    changed[1][4 + 1, 8 + 3] += 0.5  # layer 1, copy 1's block: rows 4:8, columns 8:16
    with pytest.raises(ValueError, match=r"layer 1 .* copy 1's block \(rows 4:8, columns 8:16\) differs"):
        distributed_mlp_to_conv1d(changed, 8, 4, (2, 2, 2), (2, 2, 1))
    holed = [w.copy() for w in marked]
    holed[0][50, 3] = np.nan  # inside copy 1's block of layer 0
    with pytest.raises(ValueError, match=r"layer 0 .* copy 1's block \(rows 48:96, columns 2:4\) has a NaN .* at \(50, 3\)"):
        distributed_mlp_to_conv1d(holed, 8, 4, (2, 2, 2), (2, 2, 1))
    stray = [w.copy() for w in marked]
    stray[0][100, 0] = 2.0  # connects copy 0's neuron to a step outside its two
    with pytest.raises(ValueError, match=r"layer 0 .* entry \(100, 0\) lies outside every copy's block but holds 2"):
        distributed_mlp_to_conv1d(stray, 8, 4, (2, 2, 2), (2, 2, 1))
    with pytest.raises(ValueError, match="layer 0 matrix \\(192, 8\\) has NaN .* use distributed_mlp_to_conv1d"):
        mlp_to_conv1d(marked, 8, 4)
