"""The course's scalar prelude (minitorch.operators), in the style of MiniTorch's Module 0 tests.

Values are checked against Python's math and torch (float64); every `*_back` against central
differences; the higher-order list functions against Python's builtins.
"""

from __future__ import annotations

import builtins
import math
from typing import Callable, List, Tuple

import pytest
import torch
from hypothesis import given, settings
from hypothesis.strategies import floats, lists

from minitorch import operators
from minitorch.autodiff.graph import central_difference
from minitorch.operators import (
    add,
    addLists,
    eq,
    exp,
    id,
    inv,
    inv_back,
    is_close,
    log,
    log_back,
    lt,
    max,
    mul,
    neg,
    negList,
    prod,
    reduce,
    relu,
    relu_back,
    sigmoid,
    sum,
    zipWith,
)
from minitorch.testing import MathTest

quick = settings(deadline=None, max_examples=40)  # pure-Python checks: 40 draws suffice

small_floats = floats(min_value=-100, max_value=100, allow_nan=False)


def assert_close(a: float, b: float) -> None:
    assert is_close(a, b), f"Failure x={a} y={b}"


# ## Task 0.1: the elementary functions


@quick
@given(small_floats, small_floats)
def test_same_as_python(x: float, y: float) -> None:
    assert_close(mul(x, y), x * y)
    assert_close(add(x, y), x + y)
    assert_close(neg(x), -x)
    assert_close(max(x, y), x if x > y else y)
    if abs(x) > 1e-5:
        assert_close(inv(x), 1.0 / x)


@quick
@given(small_floats)
def test_relu(a: float) -> None:
    if a > 0:
        assert relu(a) == a
    if a < 0:
        assert relu(a) == 0.0


@quick
@given(small_floats, small_floats)
def test_relu_back(a: float, b: float) -> None:
    if a > 0:
        assert relu_back(a, b) == b
    if a < 0:
        assert relu_back(a, b) == 0.0


def test_relu_back_at_zero_is_zero_like_pytorch() -> None:
    x = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    torch.relu(x).backward(torch.tensor(3.0, dtype=torch.float64))
    assert relu_back(0.0, 3.0) == x.grad.item() == 0.0


@quick
@given(small_floats)
def test_id(a: float) -> None:
    assert id(a) == a


@quick
@given(small_floats)
def test_lt(a: float) -> None:
    assert lt(a - 1.0, a) == 1.0
    assert lt(a, a - 1.0) == 0.0
    assert lt(a, a) == 0.0


@quick
@given(small_floats)
def test_max(a: float) -> None:
    assert max(a - 1.0, a) == a
    assert max(a, a - 1.0) == a
    assert max(a + 1.0, a) == a + 1.0
    assert max(a, a + 1.0) == a + 1.0


@quick
@given(small_floats)
def test_eq(a: float) -> None:
    assert eq(a, a) == 1.0
    assert eq(a, a - 1.0) == 0.0
    assert eq(a, a + 1.0) == 0.0


def test_is_close_tolerance() -> None:
    assert is_close(1.0, 1.0 + 0.009)
    assert not is_close(1.0, 1.0 + 0.011)


@pytest.mark.parametrize("x", [-1000.0, -40.0, -3.5, -1e-8, 0.0, 1e-8, 2.0, 40.0, 1000.0])
def test_sigmoid_matches_torch_in_both_tails(x: float) -> None:
    expected = torch.sigmoid(torch.tensor(x, dtype=torch.float64)).item()
    assert math.isclose(sigmoid(x), expected, rel_tol=1e-15, abs_tol=1e-300)


@pytest.mark.parametrize("x", [1e-30, 1e-3, 0.5, 1.0, 7.25, 1e5])
def test_log_exp_match_math(x: float) -> None:
    assert math.isclose(log(x), math.log(x), rel_tol=1e-5, abs_tol=1e-5)
    assert math.isclose(exp(math.log(x)), x, rel_tol=1e-12)


def test_edge_values_follow_pytorch_instead_of_raising() -> None:
    assert inv(0.0) == math.inf and inv(-0.0) == -math.inf
    assert exp(1000.0) == math.inf and exp(-1000.0) == 0.0
    assert math.isnan(log(-1.0))
    assert math.isnan(relu(math.nan))
    assert inv_back(0.0, 1.0) == -math.inf


# ## Task 0.2: properties


@quick
@given(small_floats)
def test_sigmoid(a: float) -> None:
    s = sigmoid(a)
    assert 0.0 <= s <= 1.0
    assert_close(1.0 - s, sigmoid(-a))
    assert sigmoid(0.0) == 0.5
    assert sigmoid(a + 1.0) >= s


@quick
@given(small_floats, small_floats, small_floats)
def test_transitive(a: float, b: float, c: float) -> None:
    if lt(a, b) and lt(b, c):
        assert lt(a, c) == 1.0


@quick
@given(small_floats, small_floats)
def test_symmetric(x: float, y: float) -> None:
    assert mul(x, y) == mul(y, x)
    assert add(x, y) == add(y, x)


@quick
@given(small_floats, small_floats, small_floats)
def test_distribute(x: float, y: float, z: float) -> None:
    assert_close(mul(z, add(x, y)), add(mul(z, x), mul(z, y)))


@quick
@given(small_floats)
def test_other(x: float) -> None:
    assert neg(neg(x)) == x
    if abs(x) > 1e-3:
        assert_close(mul(x, inv(x)), 1.0)
    assert_close(log(exp(x / 10.0)), x / 10.0)


# ## Derivatives against central differences


@quick
@given(floats(min_value=0.5, max_value=100), small_floats)
def test_log_back_is_the_derivative_of_log(x: float, d: float) -> None:
    assert math.isclose(log_back(x, d), d * central_difference(log, x), rel_tol=1e-5, abs_tol=1e-5)


@quick
@given(floats(min_value=0.5, max_value=100), small_floats)
def test_inv_back_is_the_derivative_of_inv(x: float, d: float) -> None:
    x = x if hash(x) % 2 else -x  # both signs
    assert math.isclose(inv_back(x, d), d * central_difference(inv, x), rel_tol=1e-5, abs_tol=1e-5)


@quick
@given(small_floats.filter(lambda v: abs(v) > 1e-3), small_floats)
def test_relu_back_is_the_derivative_of_relu(x: float, d: float) -> None:
    assert math.isclose(relu_back(x, d), d * central_difference(relu, x), rel_tol=1e-6, abs_tol=1e-6)


@quick
@given(small_floats, small_floats)
def test_backs(a: float, b: float) -> None:
    # the closed forms: d relu = [x > 0], d (1/x) = -1/x^2, d log x = 1/x, times the upstream b
    assert relu_back(a, b) == (b if a > 0 else 0.0)
    assert_close(inv_back(a + 200.5, b), -b / (a + 200.5) ** 2)
    assert_close(log_back(abs(a) + 4, b), b / (abs(a) + 4))


# ## Task 0.3: higher-order functions


@quick
@given(small_floats, small_floats, small_floats, small_floats)
def test_zip_with(a: float, b: float, c: float, d: float) -> None:
    x1, x2 = addLists([a, b], [c, d])
    assert_close(x1, a + c)
    assert_close(x2, b + d)
    assert zipWith(mul)([a, b], [c, d]) == [a * c, b * d]


@quick
@given(lists(small_floats, min_size=5, max_size=5), lists(small_floats, min_size=5, max_size=5))
def test_sum_distribute(ls1: List[float], ls2: List[float]) -> None:
    assert_close(sum(ls1) + sum(ls2), sum(addLists(ls1, ls2)))


@quick
@given(lists(small_floats))
def test_sum(ls: List[float]) -> None:
    assert_close(sum(ls), builtins.sum(ls))


@quick
@given(small_floats, small_floats, small_floats)
def test_prod(x: float, y: float, z: float) -> None:
    assert_close(prod([x, y, z]), x * y * z)


@quick
@given(lists(small_floats))
def test_negList(ls: List[float]) -> None:
    check = negList(ls)
    assert len(check) == len(ls)
    for i, j in zip(ls, check):
        assert_close(i, -j)


def test_reduce_and_map_on_empty_and_order() -> None:
    assert sum([]) == 0.0 and prod([]) == 1.0
    assert operators.map(neg)([]) == []
    # reduce folds left to right: fn(x_n, ... fn(x_1, start))
    assert reduce(lambda x, acc: acc + [x], [])([1, 2, 3]) == [1, 2, 3]


def test_prelude_is_plain_functions() -> None:
    """Backends pick kernels by function identity: the names must be plain module functions."""
    for name in ["mul", "id", "add", "neg", "lt", "eq", "max", "is_close", "sigmoid", "relu",
                 "log", "exp", "inv", "log_back", "inv_back", "relu_back"]:
        fn = getattr(operators, name)
        assert type(fn).__name__ == "function" and fn.__module__ == "minitorch.operators"


# ## The generic math tests run on floats


one_arg, two_arg, red_arg = MathTest._tests()


@quick
@given(small_floats)
@pytest.mark.parametrize("fn", one_arg)
def test_one_args(fn: Tuple[str, Callable[[float], float]], t1: float) -> None:
    name, base_fn = fn
    assert isinstance(base_fn(t1), float)


@quick
@given(small_floats, small_floats)
@pytest.mark.parametrize("fn", two_arg)
def test_two_args(fn: Tuple[str, Callable[[float, float], float]], t1: float, t2: float) -> None:
    name, base_fn = fn
    assert isinstance(base_fn(t1, t2), float)


@quick
@given(lists(small_floats, min_size=1, max_size=6))
@pytest.mark.parametrize("fn", red_arg)
def test_red_args(fn: Tuple[str, Callable[[List[float]], float]], ls: List[float]) -> None:
    name, base_fn = fn
    expected = builtins.sum(ls) if name == "sum_red" else builtins.sum(ls) / len(ls)
    assert_close(base_fn(ls), expected)


def test_math_test_groups() -> None:
    names = [[n for n, _ in group] for group in (one_arg, two_arg, red_arg)]
    assert names[1] == ["add2", "div2", "eq2", "gt2", "lt2", "mul2"]
    assert names[2] == ["mean_full_red", "mean_red", "sum_red"]
    assert "complex" in names[0] and "sig" in names[0] and len(names[0]) == 14
