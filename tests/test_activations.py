"""Activation layers against torch.nn: reprs, defaults, PReLU's learned weight, module errors,
and each elementwise activation a single kernel on the CUDA backend's CuPy table.

(Values and gradients of every activation, on every backend, are the op registry's:
tests/registry/activation.py.)
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import minitorch
from minitorch import nn
from minitorch.backends import cuda_array_ops
from minitorch.errors import DomainError, ShapeError
from minitorch.nn import functional as F
from minitorch.ops import activation_scalars as scalars

from .helpers import to_numpy

LAYERS = [
    lambda m: m.GELU(), lambda m: m.GELU("tanh"), lambda m: m.SiLU(), lambda m: m.SiLU(inplace=True),
    lambda m: m.Mish(), lambda m: m.ELU(), lambda m: m.ELU(0.5, True), lambda m: m.CELU(2.0), lambda m: m.SELU(),
    lambda m: m.SELU(True), lambda m: m.LeakyReLU(), lambda m: m.LeakyReLU(0.2, True), lambda m: m.Softplus(),
    lambda m: m.Softplus(2, 10), lambda m: m.Hardtanh(), lambda m: m.Hardtanh(-2, 3, True), lambda m: m.ReLU6(),
    lambda m: m.ReLU6(True), lambda m: m.Hardswish(True), lambda m: m.Hardsigmoid(), lambda m: m.LogSigmoid(),
    lambda m: m.Softsign(), lambda m: m.Tanhshrink(), lambda m: m.Softmin(1), lambda m: m.Softmin(),
    lambda m: m.GLU(), lambda m: m.GLU(1), lambda m: m.PReLU(), lambda m: m.PReLU(3, 0.1),
]


@pytest.mark.filterwarnings("ignore:Implicit dimension choice")
@pytest.mark.parametrize("build", LAYERS, ids=lambda b: repr(b(torch.nn)))
def test_layer_repr_and_values_match_torch(build):
    ours, theirs = build(nn), build(torch.nn).double()
    assert repr(ours) == repr(theirs)
    x = np.random.default_rng(0).uniform(-5, 5, (2, 4, 3) if "GLU" not in repr(ours) else (2, 4, 6))
    if "PReLU(num_parameters=3" in repr(ours):
        x = x.transpose(0, 2, 1).copy()  # 3 channels in dim 1
    got = to_numpy(ours(minitorch.tensor(x.tolist())))
    np.testing.assert_allclose(got, theirs(torch.tensor(x)).detach().numpy(), rtol=1e-7, atol=1e-12)


def test_prelu_weight_is_a_learned_parameter_like_torch():
    ours, theirs = nn.PReLU(3, init=0.1), torch.nn.PReLU(3, init=0.1).double()
    assert [name for name, _ in ours.named_parameters()] == ["weight"]
    assert ours.weight.shape == (3,) and to_numpy(ours.weight).tolist() == [0.1, 0.1, 0.1]
    x = np.random.default_rng(1).uniform(-2, 2, (4, 3, 5))
    ours(minitorch.tensor(x.tolist())).sum().backward()
    theirs(torch.tensor(x)).sum().backward()
    np.testing.assert_allclose(to_numpy(ours.weight.grad), theirs.weight.grad.numpy(), rtol=1e-12)
    assert list(ours.state_dict()) == list(theirs.state_dict())


def test_module_arguments_are_checked():
    with pytest.raises(DomainError, match="max_val"):
        nn.Hardtanh(1.0, 1.0)
    with pytest.raises(DomainError, match="approximate"):
        nn.GELU("erf")(minitorch.zeros((2,)))
    with pytest.raises(ShapeError, match="0-d"):
        F.glu(minitorch.zeros(()))


def test_inplace_is_accepted_and_the_input_kept():
    x = minitorch.tensor([-1.0, 2.0])
    for layer in (nn.SiLU(True), nn.ELU(inplace=True), nn.LeakyReLU(inplace=True), nn.ReLU6(True), nn.Hardswish(True)):
        layer(x)
    assert F.relu(x, inplace=True).tolist() == [0.0, 2.0]
    assert x.tolist() == [-1.0, 2.0]


def test_integer_inputs_become_float_as_in_torch():
    x = minitorch.tensor([-2, 0, 3])
    assert F.gelu(x).dtype == np.float64
    np.testing.assert_allclose(to_numpy(F.silu(x)), torch.nn.functional.silu(torch.tensor([-2.0, 0.0, 3.0])).numpy(), rtol=1e-6)


def test_float32_stays_float32():
    x = minitorch.tensor([-2.0, 0.5, 3.0]).float()
    for f in (F.gelu, F.silu, F.mish, F.elu, F.leaky_relu, F.softplus, F.hardswish, F.logsigmoid):
        assert f(x).dtype == np.float32, f


PAIRS = [scalars.GELU, scalars.GELU_TANH, scalars.SILU, scalars.MISH, scalars.HARDSWISH, scalars.HARDSIGMOID,
         scalars.LOGSIGMOID, scalars.SOFTSIGN, scalars.TANHSHRINK, scalars.leaky_relu_pair(0.01),
         scalars.elu_pair(1.0), scalars.softplus_pair(1.0, 20.0), scalars.hardtanh_pair(0.0, 6.0)]


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: p.forward.__name__)
def test_each_activation_is_one_cupy_kernel_each_way(pair):
    assert cuda_array_ops.kernel_for("map", pair.forward) is not None
    assert cuda_array_ops.kernel_for("zip", pair.backward) is not None


def test_a_parameter_value_is_built_once_and_kept_apart():
    assert scalars.leaky_relu_pair(0.2) is scalars.leaky_relu_pair(0.2)
    x = minitorch.tensor([-10.0])
    assert F.leaky_relu(x, 0.2).tolist() == [-2.0] and F.leaky_relu(x, 0.3).tolist() == [-3.0]
    with pytest.raises(DomainError, match="finite"):
        F.softplus(x, beta=float("inf"))
