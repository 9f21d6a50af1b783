"""Two faces, one body: the course's `minitorch.Module` / `Parameter` / `SGD` / `minitorch.nn.<fn>`
keep the MiniTorch course's behaviour, `minitorch.nn.Module` / `nn.Parameter` / `optim` keep
PyTorch's. Each test is one behaviour a course program or a PyTorch program relies on."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch

import minitorch
from minitorch import nn, optim
from minitorch.autodiff.scalar import Scalar
from minitorch.errors import ShapeError


# ## Module: unknown attributes


class CourseNet(minitorch.Module):
    def __init__(self) -> None:
        super().__init__()
        self.layer = nn.Linear(2, 1)

    def forward(self, x):
        # the course's Module 4 scripts: `dropout(x, rate, self.mode == "eval")`, mode never set
        return minitorch.dropout(self.layer(x), 0.25, self.mode == "eval")


def test_course_module_reads_unknown_attributes_as_none():
    net = CourseNet()
    assert net.mode is None and net.anything_else is None
    assert net(minitorch.ones((4, 2))).shape == (4, 1)
    with pytest.raises(AttributeError, match="'Linear' object has no attribute 'mode'"):
        nn.Linear(2, 1).mode  # noqa: B018  (PyTorch's face raises)


def test_course_module_is_an_nn_module_and_copies():
    net = CourseNet()
    assert isinstance(net, nn.Module)
    clone = copy.deepcopy(net)  # dunder probes still raise, so copy/pickle work
    assert clone.layer is not net.layer
    assert np.array_equal(clone.layer.weight.to_numpy(), net.layer.weight.to_numpy())


def test_course_modules_lists_children_torch_modules_walks_the_tree():
    net = CourseNet()
    net.inner = minitorch.Module()
    net.inner.leaf = nn.ReLU()
    assert net.modules() == [net.layer, net.inner]  # the course: direct children
    assert [n for n, _ in net.named_modules()] == ["", "layer", "inner", "inner.leaf"]
    seq = nn.Sequential(nn.ReLU(), nn.Sequential(nn.ReLU()))
    assert len(seq.modules()) == 4  # PyTorch: self and every descendant


def test_course_add_parameter_registers_a_box():
    net = minitorch.Module()
    p = net.add_parameter("w", Scalar(0.5))
    assert isinstance(p, minitorch.Parameter) and p.value.name == "w"
    assert dict(net.named_parameters()) == {"w": p}


# ## Parameter: a Tensor for nn, a box for the course


def test_nn_parameter_is_a_tensor():
    layer = nn.Linear(4, 2)
    w = layer.weight
    assert isinstance(w, minitorch.Tensor) and isinstance(w, nn.Parameter)
    assert w.shape == (2, 4) and w.is_leaf() and w.grad is None
    out = (w * 2 + 1).sum()
    assert type(out) is minitorch.Tensor  # arithmetic gives plain tensors
    out.backward()
    assert w.grad.shape == (2, 4) and np.allclose(w.grad.to_numpy(), 2.0)
    assert w.value is w  # code written for the course's box reads it the same way
    assert repr(w).startswith("Parameter containing:\ntensor(")


def test_nn_parameter_wraps_without_copy_and_can_be_frozen():
    t = minitorch.zeros((3,))
    p = nn.Parameter(t)
    t.to_numpy()[0] = 5.0
    assert p.to_numpy()[0] == 5.0
    assert not nn.Parameter(t, requires_grad=False).requires_grad()
    assert nn.Parameter(np.ones((2, 2))).shape == (2, 2)


def test_optimizers_update_nn_parameters_in_place():
    layer = nn.Linear(3, 2)
    weight = layer.weight
    before = np.array(weight.to_numpy())
    opt = optim.SGD(layer.parameters(), lr=0.5)
    layer(minitorch.ones((1, 3))).sum().backward()
    opt.step()
    assert layer.weight is weight  # same object, new values
    np.testing.assert_allclose(weight.to_numpy(), before - 0.5 * weight.grad.to_numpy())


def test_nn_parameter_update_copies_in_place_and_forgets_the_gradient():
    p = nn.Parameter(minitorch.tensor([1.0, 2.0]))
    (p * 3).sum().backward()
    p.update(p - 0.5 * p.grad)
    assert p.grad is None and p.is_leaf()
    assert p.to_numpy().tolist() == [-0.5, 0.5]
    with pytest.raises(ShapeError, match=r"Parameter.update: the new value has shape \(3,\), the parameter \(2,\)"):
        p.update(np.zeros(3))


def test_state_dict_round_trip_of_tensor_parameters():
    source, target = nn.Linear(3, 2), nn.Linear(3, 2)
    weight = target.weight
    target.load_state_dict(source.state_dict())
    assert target.weight is weight
    np.testing.assert_array_equal(weight.to_numpy(), source.weight.to_numpy())
    state = source.state_dict()
    assert type(state["weight"]) is minitorch.Tensor and state["weight"].is_constant()


def test_course_box_holds_any_value():
    p = minitorch.Parameter(5)
    assert p.value == 5 and not isinstance(p, minitorch.Tensor)
    t = minitorch.tensor([1.0])
    p.update(t)
    assert p.value is t and t.is_leaf()


# ## SGD: the course replaces values, PyTorch's accumulates until zero_grad


def _two_steps(make_optimizer):
    w = nn.Parameter(minitorch.tensor([1.0]))
    model = nn.Module()
    model.w = w
    opt = make_optimizer(model.parameters())
    for _ in range(2):  # no zero_grad(), as in the course's scripts
        (model.w.value * 2.0).sum().backward()
        opt.step()
    return model.w.value.item()


def test_course_sgd_never_carries_gradients_over():
    assert _two_steps(lambda ps: minitorch.SGD(ps, 0.1)) == pytest.approx(1.0 - 0.2 - 0.2)
    assert _two_steps(lambda ps: optim.SGD(ps, lr=0.1)) == pytest.approx(1.0 - 0.2 - 0.4)  # accumulated


def test_course_sgd_replaces_box_values_with_fresh_leaves():
    box = minitorch.Parameter(minitorch.tensor([1.0, 2.0]))
    old = box.value
    (box.value * box.value).sum().backward()
    minitorch.SGD([box], lr=0.25).step()
    assert box.value is not old and box.value.is_leaf() and box.value.grad is None
    assert box.value.to_numpy().tolist() == [0.5, 1.0]
    assert old.to_numpy().tolist() == [1.0, 2.0]


def test_course_sgd_on_scalars_and_zero_grad():
    p = minitorch.Parameter(Scalar(2.0))
    (p.value * p.value).backward()
    opt = minitorch.SGD([p], lr=0.5)
    opt.step()
    assert p.value.data == 0.0 and p.value.derivative is None
    (p.value * 3.0).backward()
    opt.zero_grad()
    assert p.value.derivative is None
    assert isinstance(opt, minitorch.Optimizer) and opt.parameters == [p]


# ## minitorch.nn: the course's functions beside PyTorch's layers


def test_minitorch_nn_holds_the_course_functions():
    from minitorch.ops import dropout, max, softmax, tile

    assert minitorch.nn.max is max.max is minitorch.max
    assert minitorch.nn.argmax is minitorch.argmax and minitorch.nn.Max is max.Max
    assert minitorch.nn.softmax is softmax.softmax and minitorch.nn.logsoftmax is softmax.logsoftmax
    assert minitorch.nn.tile is tile.tile and minitorch.nn.avgpool2d is tile.avgpool2d
    assert minitorch.nn.maxpool2d is tile.maxpool2d
    assert minitorch.nn.dropout is dropout.course_dropout  # a function, not a submodule
    x = minitorch.ones((2, 3))
    assert minitorch.nn.dropout(x, 0.9, True) is x  # (input, rate, ignore)
    assert minitorch.nn.max(minitorch.tensor([[1.0, 5.0, 2.0]]), 1).to_numpy().tolist() == [[5.0]]
    assert nn.Dropout(0.5).eval()(x).to_numpy().tolist() == [[1.0] * 3] * 2


# ## The course's module paths and older editions' names


def test_course_module_paths():
    import minitorch.fast_ops
    from minitorch.tensor_data import TensorData
    from minitorch.tensor_functions import Add, grad_check

    assert TensorData is minitorch.TensorData and grad_check is minitorch.grad_check
    assert minitorch.fast_ops.FastOps is minitorch.FastOps and Add is minitorch.ops.Add
    assert minitorch.module.Module is minitorch.Module
    assert minitorch.operators.__name__ == "minitorch.operators"  # real modules are not shadowed
    with pytest.raises(AttributeError, match="minitorch.fast_ops' has no attribute 'tensor_map'"):
        minitorch.fast_ops.tensor_map  # noqa: B018  (a course-internal numba kernel)


def test_2020_tensor_fromlist_and_2021_math_test_triples():
    assert minitorch.tensor_fromlist([[1.0, 2.0]]).shape == (1, 2)
    x = minitorch.tensor([1.0], requires_grad=True)
    assert (x * 2).get_data().is_constant()  # 2021's name for detach()
    one, two, red = minitorch.MathTestVariable._tests()  # 2021: (name, reference, method version)
    name, base_fn, tensor_fn = one[0]
    assert (name, base_fn(2.0)) == ("addConstant", 7.0) and tensor_fn is minitorch.MathTestVariable.addConstant
    assert minitorch.MathTestVariable._comp_testing() == (one, two, red)
    assert all(len(entry) == 2 for entry in minitorch.MathTest._tests()[0])  # 2023 on: pairs


@pytest.mark.parametrize("reverse", [False, True])
def test_2021_raw_conv2d_kernel(reverse):
    x = np.arange(1.0, 10.0).reshape(1, 1, 3, 3)
    w = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])
    t, k = minitorch.tensor(x.tolist()), minitorch.tensor(w.tolist())
    out = t.zeros(t.shape)
    minitorch.fast_conv.tensor_conv2d(*out.tuple(), out.size, *t.tuple(), *k.tuple(), reverse)
    # reverse anchors the kernel bottom-right: out[i, j] = sum w[a, b] x[i - a, j - b]
    pad = ((0, 0), (0, 0), (1, 0), (1, 0)) if reverse else ((0, 0), (0, 0), (0, 1), (0, 1))
    xp = torch.tensor(np.pad(x, pad))
    kernel = torch.tensor(w).flip((2, 3)) if reverse else torch.tensor(w)
    expected = torch.nn.functional.conv2d(xp, kernel).numpy()
    np.testing.assert_allclose(out.to_numpy(), expected)


def test_2021_raw_conv1d_kernel_reverse():
    t = minitorch.tensor([[[0.0, 1.0, 2.0, 3.0]]])
    k = minitorch.tensor([[[1.0, 2.0, 3.0]]])
    out = t.zeros(t.shape)
    minitorch.fast_conv.tensor_conv1d(*out.tuple(), out.size, *t.tuple(), *k.tuple(), True)
    # out[i] = sum_k w[k] x[i - k]
    assert out.to_numpy().tolist() == [[[0.0, 1.0, 4.0, 10.0]]]
