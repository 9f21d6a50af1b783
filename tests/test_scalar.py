"""Scalar autodiff (course Module 1): values, the chain rule, backprop and derivative checks.

The generic `MathTestVariable` functions run on Scalars against their float references,
every one is checked against central differences, and a composite expression against
torch.autograd (float64).
"""

from __future__ import annotations

import math
from typing import Callable, Tuple

import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis.strategies import DrawFn, composite, floats

from minitorch import operators
from minitorch.autodiff.function import Context
from minitorch.autodiff.graph import central_difference, no_grad, topological_sort
from minitorch.autodiff.scalar import Scalar, ScalarHistory, derivative_check
from minitorch.autodiff.scalar_functions import ScalarFunction
from minitorch.errors import DTypeError
from minitorch.testing import MathTestVariable

from .helpers import near_kink

quick = settings(deadline=None, max_examples=40)  # pure-Python checks: 40 draws suffice

small_floats = floats(min_value=-100, max_value=100, allow_nan=False)


@composite
def scalars(draw: DrawFn, min_value: float = -100000, max_value: float = 100000) -> Scalar:
    return Scalar(draw(floats(min_value=min_value, max_value=max_value)))


small_scalars = scalars(min_value=-100, max_value=100)


def assert_close(a: float, b: float) -> None:
    assert operators.is_close(a, b), f"Failure x={a} y={b}"


# ## Task 1.1: central differences


def test_central_diff() -> None:
    assert_close(central_difference(operators.id, 5, arg=0), 1.0)
    assert_close(central_difference(operators.add, 5, 10, arg=0), 1.0)
    assert_close(central_difference(operators.mul, 5, 10, arg=0), 10.0)
    assert_close(central_difference(operators.mul, 5, 10, arg=1), 5.0)
    assert_close(central_difference(operators.exp, 2, arg=0), operators.exp(2.0))


# ## Task 1.2: forward values


@quick
@given(small_floats, small_floats)
def test_simple(a: float, b: float) -> None:
    assert_close((Scalar(a) + Scalar(b)).data, a + b)
    assert_close((Scalar(a) * Scalar(b)).data, a * b)
    c = Scalar(a).relu() + Scalar(b).relu()
    assert_close(c.data, operators.relu(a) + operators.relu(b))
    assert_close((Scalar(a) - b).data, a - b)
    assert_close((a - Scalar(b)).data, a - b)
    assert (Scalar(a) < b).data == operators.lt(a, b)
    assert (Scalar(a) > b).data == operators.lt(b, a)
    assert (Scalar(a) == a).data == 1.0


one_arg, two_arg, _ = MathTestVariable._comp_testing()


@quick
@given(small_scalars)
@pytest.mark.parametrize("fn", one_arg)
def test_one_args(fn: Tuple[str, Callable[[float], float], Callable[[Scalar], Scalar]], t1: Scalar) -> None:
    name, base_fn, scalar_fn = fn
    assert_close(scalar_fn(t1).data, base_fn(t1.data))


@quick
@given(small_scalars, small_scalars)
@pytest.mark.parametrize("fn", two_arg)
def test_two_args(
    fn: Tuple[str, Callable[[float, float], float], Callable[[Scalar, Scalar], Scalar]],
    t1: Scalar,
    t2: Scalar,
) -> None:
    name, base_fn, scalar_fn = fn
    assert_close(scalar_fn(t1, t2).data, base_fn(t1.data, t2.data))


# ## Task 1.3: the chain rule (course test_autodiff)


class Function1(ScalarFunction):
    @staticmethod
    def forward(ctx: Context, x: float, y: float) -> float:
        return x + y + 10

    @staticmethod
    def backward(ctx: Context, d_output: float) -> Tuple[float, float]:
        return d_output, d_output


class Function2(ScalarFunction):
    @staticmethod
    def forward(ctx: Context, x: float, y: float) -> float:
        ctx.save_for_backward(x, y)
        return x * y + x

    @staticmethod
    def backward(ctx: Context, d_output: float) -> Tuple[float, float]:
        x, y = ctx.saved_values
        return d_output * (y + 1), d_output * x


def test_chain_rule1() -> None:
    x = Scalar(0.0)
    constant = Scalar(0.0, ScalarHistory(Function1, ctx=Context(), inputs=[x, x]))
    assert len(list(constant.chain_rule(d_output=5))) == 2


def test_chain_rule2() -> None:
    var = Scalar(0.0, ScalarHistory())
    constant = Scalar(0.0, ScalarHistory(Function1, ctx=Context(), inputs=[var, var]))
    back = list(constant.chain_rule(d_output=5))
    assert len(back) == 2
    variable, deriv = back[0]
    assert deriv == 5


def test_chain_rule3() -> None:
    """Constants are paired too (the engine skips them); variables get their derivative."""
    var = Scalar(5)
    y = Function2.apply(10, var)
    back = list(y.chain_rule(d_output=5))
    assert len(back) == 2
    assert back[0][0].is_constant()
    variable, deriv = back[1]
    assert variable is var and deriv == 5 * 10


def test_chain_rule4() -> None:
    var1, var2 = Scalar(5), Scalar(10)
    back = list(Function2.apply(var1, var2).chain_rule(d_output=5))
    assert back[0][1] == 5 * (10 + 1)
    assert back[1][1] == 5 * 5


def test_chain_rule_refuses_leaves_and_bad_backward() -> None:
    with pytest.raises(RuntimeError, match="leaf"):
        Scalar(1.0).chain_rule(1.0)

    class Broken(ScalarFunction):
        @staticmethod
        def forward(ctx: Context, x: float, y: float) -> float:
            return x

        @staticmethod
        def backward(ctx: Context, d_output: float) -> float:
            return d_output

    with pytest.raises(RuntimeError, match="Broken.backward returned 1 derivatives for 2 inputs"):
        Broken.apply(Scalar(1.0), Scalar(2.0)).backward()


# ## Task 1.4: backpropagation


def test_backprop1() -> None:
    var = Scalar(0)
    Function1.apply(0, var).backward(d_output=5)
    assert var.derivative == 5


def test_backprop2() -> None:
    var = Scalar(0)
    var3 = Function1.apply(0, Function1.apply(0, var))
    var3.backward(d_output=5)
    assert var.derivative == 5


def test_backprop3() -> None:
    var1 = Scalar(0)
    var4 = Function1.apply(Function1.apply(0, var1), Function1.apply(0, var1))
    var4.backward(d_output=5)
    assert var1.derivative == 10


def test_backprop4() -> None:
    var0 = Scalar(0)
    var1 = Function1.apply(0, var0)
    var4 = Function1.apply(Function1.apply(0, var1), Function1.apply(0, var1))
    var4.backward(d_output=5)
    assert var0.derivative == 10


def test_uses_the_shared_topological_sort() -> None:
    x, y = Scalar(1.0), Scalar(2.0)
    z = (x * y + x).log()
    order = topological_sort(z)
    assert order[0] is z and {id(v) for v in order[-2:]} == {id(x), id(y)}
    position = {v.unique_id: i for i, v in enumerate(order)}
    for node in order:
        for parent in node.parents:
            if not parent.is_constant():
                assert position[node.unique_id] < position[parent.unique_id]


def test_derivatives_accumulate_across_backward_calls() -> None:
    x = Scalar(3.0)
    (x * x).backward()
    (x * x).backward()
    assert x.derivative == 12.0


def test_deep_graph_has_no_recursion_limit() -> None:
    x = Scalar(1.0)
    y = x
    for _ in range(5000):
        y = y + 1.0
    y.backward()
    assert x.derivative == 1.0


def test_matches_torch_autograd() -> None:
    values = (0.7, -1.3)

    def ours(a: Scalar, b: Scalar) -> Scalar:
        return (a * b).sigmoid() + (a - b).relu() * 3.0 + (a * a + 1.0).log() - (b / (a + 2.0)).exp()

    a, b = Scalar(values[0]), Scalar(values[1])
    out = ours(a, b)
    out.backward()
    ta, tb = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in values)
    expected = torch.sigmoid(ta * tb) + torch.relu(ta - tb) * 3.0 + torch.log(ta * ta + 1.0) - torch.exp(tb / (ta + 2.0))
    expected.backward()
    assert math.isclose(out.data, expected.item(), rel_tol=1e-12)
    assert math.isclose(a.derivative, ta.grad.item(), rel_tol=1e-12)
    assert math.isclose(b.derivative, tb.grad.item(), rel_tol=1e-12)


def test_no_grad_records_nothing() -> None:
    x = Scalar(2.0)
    with no_grad():
        y = x * x
    assert y.is_constant() and y.history is None
    with pytest.raises(RuntimeError, match="does not depend"):
        y.backward()
    assert (Scalar(1.0, None) + 2.0).is_constant()


def test_leaf_constant_and_requires_grad() -> None:
    x = Scalar(1.0)
    assert x.is_leaf() and not x.is_constant() and x.derivative is None
    c = Scalar(1.0, None, name="c")
    assert c.is_constant() and not c.is_leaf() and c.name == "c"
    assert c.requires_grad_(True).is_leaf()
    assert x.requires_grad_(False).is_constant()
    d = (Scalar(2.0) * 3.0).detach()
    assert d.is_constant() and d.data == 6.0


def test_operators_refuse_other_types() -> None:
    with pytest.raises(TypeError):
        Scalar(1.0) + "a"  # noqa: B018
    with pytest.raises(DTypeError, match="Function1.apply"):
        Function1.apply(Scalar(1.0), "a")
    assert Scalar(1.0) != None  # noqa: E711 (falls back to identity)
    assert len({Scalar(1.0), Scalar(1.0)}) == 2  # hashable by identity


@quick
@given(small_scalars)
@pytest.mark.parametrize("fn", one_arg)
def test_one_derivative(fn: Tuple[str, Callable[[float], float], Callable[[Scalar], Scalar]], t1: Scalar) -> None:
    name, _, scalar_fn = fn
    assume(not near_kink(name, t1.data))
    derivative_check(scalar_fn, t1)


@quick
@given(small_scalars, small_scalars)
@pytest.mark.parametrize("fn", two_arg)
def test_two_derivative(
    fn: Tuple[str, Callable[[float, float], float], Callable[[Scalar, Scalar], Scalar]],
    t1: Scalar,
    t2: Scalar,
) -> None:
    name, _, scalar_fn = fn
    assume(not near_kink(name, t1.data, t2.data))
    derivative_check(scalar_fn, t1, t2)


def test_derivative_check_catches_a_wrong_backward() -> None:
    class WrongSquare(ScalarFunction):
        @staticmethod
        def forward(ctx: Context, x: float) -> float:
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx: Context, d_output: float) -> float:
            (x,) = ctx.saved_values
            return d_output * x  # should be 2x

    with pytest.raises(AssertionError, match="derivative_check"):
        derivative_check(WrongSquare.apply, Scalar(3.0))
