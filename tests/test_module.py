"""Module and Parameter: the course's Module 0 tests on the course faces (`minitorch.Module`,
`minitorch.Parameter`) plus PyTorch's tree API and state dicts on `minitorch.nn`'s."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis.strategies import floats, integers

import minitorch
from minitorch.autodiff.scalar import Scalar
from minitorch.errors import ShapeError
from minitorch import Module, Parameter  # the course's faces
from minitorch.nn import Module as TorchModule, Parameter as TorchParameter

quick = settings(deadline=None, max_examples=30)
med_ints = integers(min_value=1, max_value=20)
small_floats = floats(min_value=-100, max_value=100, allow_nan=False)


# ## The course's website example


class ModuleA1(Module):
    def __init__(self) -> None:
        super().__init__()
        self.p1 = Parameter(5)
        self.non_param = 10
        self.a = ModuleA2()
        self.b = ModuleA3()


class ModuleA2(Module):
    def __init__(self) -> None:
        super().__init__()
        self.p2 = Parameter(10)


class ModuleA3(Module):
    def __init__(self) -> None:
        super().__init__()
        self.c = ModuleA4()


class ModuleA4(Module):
    def __init__(self) -> None:
        super().__init__()
        self.p3 = Parameter(15)


def test_stacked_demo() -> None:
    mod = ModuleA1()
    named = dict(mod.named_parameters())
    assert mod.p1.value == 5
    assert mod.non_param == 10
    assert named["p1"].value == 5
    assert named["a.p2"].value == 10
    assert named["b.c.p3"].value == 15
    assert list(named) == ["p1", "a.p2", "b.c.p3"]


VAL_A = 50.0
VAL_B = 100.0


class Module1(Module):
    def __init__(self, size_a: int, size_b: int, val: float) -> None:
        super().__init__()
        self.module_a = Module2(size_a)
        self.module_b = Module2(size_b)
        self.parameter_a = Parameter(val)


class Module2(Module):
    def __init__(self, extra: int = 0) -> None:
        super().__init__()
        self.parameter_a = Parameter(VAL_A)
        self.parameter_b = Parameter(VAL_B)
        self.non_parameter = 10
        self.module_c = Module3()
        for i in range(extra):
            self.add_parameter(f"extra_parameter_{i}", 0)


class Module3(Module):
    def __init__(self) -> None:
        super().__init__()
        self.parameter_a = Parameter(VAL_A)


@quick
@given(med_ints, med_ints)
def test_module(size_a: int, size_b: int) -> None:
    module = Module2()
    module.eval()
    assert not module.training
    module.train()
    assert module.training
    assert len(module.parameters()) == 3

    module = Module2(size_b)
    assert len(module.parameters()) == size_b + 3

    module = Module2(size_a)
    named = dict(module.named_parameters())
    assert named["parameter_a"].value == VAL_A
    assert named["parameter_b"].value == VAL_B
    assert named["extra_parameter_0"].value == 0
    assert named["extra_parameter_0"].name == "extra_parameter_0"


@quick
@given(med_ints, med_ints, small_floats)
def test_stacked_module(size_a: int, size_b: int, val: float) -> None:
    module = Module1(size_a, size_b, val)
    module.eval()
    assert not module.training
    assert not module.module_a.training
    assert not module.module_b.module_c.training
    module.train()
    assert module.training and module.module_a.training and module.module_b.training

    assert len(module.parameters()) == 1 + (size_a + 3) + (size_b + 3)
    named = dict(module.named_parameters())
    assert named["parameter_a"].value == val
    assert named["module_a.parameter_a"].value == VAL_A
    assert named["module_a.parameter_b"].value == VAL_B
    assert named["module_b.parameter_a"].value == VAL_A
    assert named["module_b.parameter_b"].value == VAL_B
    assert named["module_b.module_c.parameter_a"].value == VAL_A


class ModuleRun(Module):
    def forward(self) -> int:
        return 10


def test_module_forward() -> None:
    mod = ModuleRun()
    assert mod.forward() == 10
    assert mod() == 10


def test_module_without_forward_fails() -> None:
    with pytest.raises(NotImplementedError, match="Module has no forward"):
        Module()()


class MockParam:
    def __init__(self) -> None:
        self.x = False

    def requires_grad_(self, x: bool) -> None:
        self.x = x


def test_parameter() -> None:
    t = MockParam()
    q = Parameter(t)
    assert t.x
    t2 = MockParam()
    q.update(t2)
    assert t2.x and q.value is t2


def test_parameter_marks_scalars_and_tensors_as_leaves() -> None:
    s = Parameter(Scalar(1.0, None), name="w")
    assert s.value.is_leaf() and s.value.name == "w"
    t = Parameter(minitorch.tensor([1.0, 2.0]))
    assert t.value.requires_grad()
    assert repr(s) == repr(s.value) and str(t) == str(t.value)


# ## The tree: names, children, modules, attribute routing


class Affine(TorchModule):
    def __init__(self, n: int) -> None:
        super().__init__()
        self.n = n
        self.weight = TorchParameter(minitorch.tensor([float(i) for i in range(n)]))
        self.register_buffer("calls", minitorch.tensor([0.0]))

    def extra_repr(self) -> str:
        return f"n={self.n}"

    def forward(self, x: minitorch.Tensor) -> minitorch.Tensor:
        return x * self.weight


class Net(TorchModule):
    def __init__(self) -> None:
        super().__init__()
        self.first = Affine(3)
        self.block = TorchModule()
        self.block.inner = Affine(3)
        self.scale = TorchParameter(minitorch.tensor([2.0]))

    def forward(self, x: minitorch.Tensor) -> minitorch.Tensor:
        return self.block.inner(self.first(x)) * self.scale


def test_named_modules_children_and_modules() -> None:
    net = Net()
    assert [n for n, _ in net.named_modules()] == ["", "first", "block", "block.inner"]
    assert net.modules()[0] is net and len(net.modules()) == 4
    assert net.children() == [net.first, net.block]
    assert [n for n, _ in net.named_children()] == ["first", "block"]
    assert [n for n, _ in net.named_parameters()] == ["scale", "first.weight", "block.inner.weight"]
    assert [n for n, _ in net.named_parameters(recurse=False)] == ["scale"]
    assert [n for n, _ in net.named_buffers()] == ["first.calls", "block.inner.calls"]
    assert len(net.buffers()) == 2 and len(net.parameters()) == 3


def test_shared_parameter_is_listed_once() -> None:
    net = Net()
    net.block.inner = net.first
    assert len(net.parameters()) == 2
    assert [n for n, _ in net.named_modules()] == ["", "first", "block"]
    assert list(net.state_dict()) == ["scale", "first.weight", "first.calls", "block.inner.weight", "block.inner.calls"]


def test_attribute_routing() -> None:
    net = Net()
    assert "scale" in net._parameters and "first" in net._modules and "scale" not in net.__dict__
    with pytest.raises(AttributeError, match="'Net' object has no attribute 'missing'"):
        net.missing  # noqa: B018
    with pytest.raises(TypeError, match="Parameter"):
        net.scale = 3.0
    net.first = Affine(2)  # re-assigning a module replaces it
    assert net.first.n == 2
    del net.first
    assert "first" not in net._modules
    assert "block" in dir(net) and "scale" in dir(net)


def test_register_before_init_is_refused() -> None:
    class Early(Module):
        def __init__(self) -> None:
            self.w = Parameter(1.0)
            super().__init__()

    with pytest.raises(AttributeError, match=r"super\(\).__init__\(\)"):
        Early()


def test_buffers_follow_assignment_and_persistence() -> None:
    m = Affine(2)
    m.calls = minitorch.tensor([5.0])  # assigning to a buffer name updates the buffer
    assert m._buffers["calls"].to_numpy().tolist() == [5.0]
    m.register_buffer("scratch", minitorch.tensor([1.0]), persistent=False)
    assert "scratch" not in m.state_dict() and len(m.buffers()) == 2
    with pytest.raises(KeyError, match="already exists"):
        m.register_buffer("weight", minitorch.tensor([1.0]))


def test_train_eval_return_self_and_recurse() -> None:
    net = Net()
    assert net.eval() is net
    assert all(not m.training for m in net.modules())
    assert net.train() is net and all(m.training for m in net.modules())


def test_apply_visits_children_first() -> None:
    seen = []
    Net().apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Affine", "Affine", "Module", "Net"]


def test_repr_is_nested_like_pytorch() -> None:
    assert repr(Affine(3)) == "Affine(n=3)"
    assert repr(Net()) == (
        "Net(\n"
        "  (first): Affine(n=3)\n"
        "  (block): Module(\n"
        "    (inner): Affine(n=3)\n"
        "  )\n"
        ")"
    )
    assert str(ModuleA1()) == "ModuleA1(\n  (a): ModuleA2()\n  (b): ModuleA3(\n    (c): ModuleA4()\n  )\n)"


def test_deepcopy() -> None:
    mod = ModuleA1()
    clone = copy.deepcopy(mod)
    assert dict(clone.named_parameters())["b.c.p3"].value == 15
    assert clone.a is not mod.a


# ## Gradients


def test_zero_grad_clears_tensor_and_scalar_gradients() -> None:
    net = Net()
    x = minitorch.tensor([1.0, 2.0, 3.0])
    net(x).sum().backward()
    assert all(p.value.grad is not None for p in net.parameters())
    net.zero_grad()
    assert all(p.value.grad is None for p in net.parameters())

    m = TorchModule()
    m.w = Parameter(Scalar(2.0))  # the course's box registers in either face
    (m.w.value * 3.0).backward()
    assert m.w.value.derivative == 3.0
    m.zero_grad()
    assert m.w.value.derivative is None


# ## state_dict / load_state_dict


def test_state_dict_is_detached_and_ordered() -> None:
    net = Net()
    state = net.state_dict()
    assert list(state) == ["scale", "first.weight", "first.calls", "block.inner.weight", "block.inner.calls"]
    assert all(v.is_constant() for v in state.values())
    assert state["first.weight"].to_numpy().tolist() == [0.0, 1.0, 2.0]


def test_load_state_dict_copies_in_place() -> None:
    source, target = Net(), Net()
    source.first.weight.value.to_numpy()[...] = [7.0, 8.0, 9.0]
    source.block.inner.calls.to_numpy()[...] = 4.0
    weight = target.first.weight.value
    optimizer_view = target.parameters()  # what an optimizer holds
    result = target.load_state_dict(source.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert target.first.weight.value is weight  # same tensor object, new values
    assert optimizer_view[1].value.to_numpy().tolist() == [7.0, 8.0, 9.0]
    assert target.block.inner.calls.to_numpy().tolist() == [4.0]
    # the copy is independent of the source
    source.first.weight.value.to_numpy()[...] = 0.0
    assert weight.to_numpy().tolist() == [7.0, 8.0, 9.0]


def test_load_state_dict_accepts_numpy_and_converts_dtype() -> None:
    net = Net()
    state = {k: np.asarray(v.to_numpy(), dtype=np.float32) + 1 for k, v in net.state_dict().items()}
    net.load_state_dict(state)
    assert net.first.weight.value.dtype == np.float64
    assert net.first.weight.value.to_numpy().tolist() == [1.0, 2.0, 3.0]


def test_load_state_dict_scalars_and_numbers() -> None:
    m = ModuleA1()
    m.load_state_dict({"p1": 6, "a.p2": 11, "b.c.p3": 16})
    assert [p.value for p in m.parameters()] == [6, 11, 16]

    s = TorchModule()
    s.w = Parameter(Scalar(1.0))
    w = s.w.value
    s.load_state_dict({"w": Scalar(4.0)})
    assert s.w.value is w and w.data == 4.0


def test_load_state_dict_reports_missing_and_unexpected_keys() -> None:
    net = Net()
    state = net.state_dict()
    del state["first.weight"]
    state["first.bias"] = minitorch.tensor([1.0])
    with pytest.raises(KeyError) as info:
        net.load_state_dict(state)
    message = str(info.value)
    assert "missing keys ['first.weight']" in message and "unexpected keys ['first.bias']" in message
    result = net.load_state_dict(state, strict=False)
    assert result == (["first.weight"], ["first.bias"])


def test_load_state_dict_reports_shape_mismatches_and_changes_nothing() -> None:
    net = Net()
    state = net.state_dict()
    state = {k: np.array(v.to_numpy()) + 1 for k, v in state.items()}
    state["first.weight"] = np.zeros(4)
    state["scale"] = np.zeros((1, 1))
    with pytest.raises(ShapeError) as info:
        net.load_state_dict(state)
    message = str(info.value)
    assert "first.weight: module has (3,), state_dict has (4,)" in message
    assert "scale: module has (1,), state_dict has (1, 1)" in message
    assert net.block.inner.weight.value.to_numpy().tolist() == [0.0, 1.0, 2.0]  # untouched
