"""The course's scalar functions: the prelude every backend maps over storages.

Each function takes and returns Python floats. The backends look these exact function
objects up (by identity) to pick a fast kernel, so they are plain module-level functions:
never rebind or wrap them. They call no other function of this module, so numba can also
compile any one of them on its own.

Edge values follow PyTorch where Python would raise: `inv(0.0)` is `inf`, `exp` of a large
number is `inf`, `log(0.0)` is `-inf` and `log` of a negative number is `nan`. Unlike the
course's `log(x + 1e-6)`, `log` is the exact natural logarithm, so tensors agree with
PyTorch to the last bit; `log_back` is its exact derivative.

The higher-order helpers `map`, `zipWith` and `reduce` return functions over Python lists.
"""

from __future__ import annotations

import math
from typing import Callable, Iterable, List

__all__ = [
    "mul",
    "id",
    "add",
    "neg",
    "lt",
    "eq",
    "max",
    "is_close",
    "sigmoid",
    "relu",
    "log",
    "exp",
    "inv",
    "log_back",
    "inv_back",
    "relu_back",
    "map",
    "zipWith",
    "reduce",
    "negList",
    "addLists",
    "sum",
    "prod",
]

_EXP_OVERFLOW = 709.782712893384  # log of the largest float64; math.exp raises above it


# ## Task 0.1: elementary functions


def mul(x: float, y: float) -> float:
    """$f(x, y) = x y$

    Example:
        >>> mul(2.0, 3.0)
        6.0
    """
    return x * y


def id(x: float) -> float:
    """$f(x) = x$

    Example:
        >>> id(4.0)
        4.0
    """
    return x


def add(x: float, y: float) -> float:
    """$f(x, y) = x + y$

    Example:
        >>> add(2.0, 3.0)
        5.0
    """
    return x + y


def neg(x: float) -> float:
    """$f(x) = -x$

    Example:
        >>> neg(2.0)
        -2.0
    """
    return -x


def lt(x: float, y: float) -> float:
    """$f(x, y) = 1.0$ if $x < y$ else $0.0$.

    Example:
        >>> lt(1.0, 2.0), lt(2.0, 1.0)
        (1.0, 0.0)
    """
    return 1.0 if x < y else 0.0


def eq(x: float, y: float) -> float:
    """$f(x, y) = 1.0$ if $x = y$ else $0.0$.

    Example:
        >>> eq(2.0, 2.0), eq(2.0, 3.0)
        (1.0, 0.0)
    """
    return 1.0 if x == y else 0.0


def max(x: float, y: float) -> float:
    """$f(x, y) = x$ if $x > y$ else $y$.

    Example:
        >>> max(2.0, 3.0)
        3.0
    """
    return x if x > y else y


def is_close(x: float, y: float) -> bool:
    """$f(x, y) = |x - y| < 10^{-2}$ (the course's loose test tolerance).

    Example:
        >>> is_close(1.0, 1.001)
        True
    """
    return abs(x - y) < 1e-2


def sigmoid(x: float) -> float:
    r"""The logistic function $\sigma(x) = \frac{1}{1 + e^{-x}}$.

    Computed as $\frac{1}{1 + e^{-x}}$ for $x \ge 0$ and as $\frac{e^x}{1 + e^x}$ otherwise,
    so neither tail overflows.

    Example:
        >>> sigmoid(0.0)
        0.5
    """
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def relu(x: float) -> float:
    """$f(x) = x$ if $x > 0$ else $0$ (`nan` stays `nan`, as in PyTorch).

    Example:
        >>> relu(-2.0), relu(3.0)
        (0.0, 3.0)
    """
    return 0.0 if x <= 0.0 else x


def log(x: float) -> float:
    r"""$f(x) = \ln(x)$, exact.

    Returns `-inf` at 0 and `nan` for negative x (PyTorch's values) instead of raising.

    Example:
        >>> round(log(1.0), 5)
        0.0
    """
    if x > 0.0:
        return math.log(x)
    if x == 0.0:
        return -math.inf
    return math.nan


def exp(x: float) -> float:
    """$f(x) = e^x$; `inf` past the float64 range instead of raising.

    Example:
        >>> exp(0.0)
        1.0
    """
    if x > _EXP_OVERFLOW:
        return math.inf
    return math.exp(x)


def inv(x: float) -> float:
    """$f(x) = 1 / x$; `inv(0.0)` is `inf` and `inv(-0.0)` is `-inf`, as in PyTorch.

    Example:
        >>> inv(4.0)
        0.25
    """
    if x == 0.0:
        return math.copysign(math.inf, x)
    return 1.0 / x


def log_back(x: float, d: float) -> float:
    r"""$d \cdot f'(x)$ for $f$ = `log`: $\frac{d}{x}$.

    Example:
        >>> round(log_back(2.0, 4.0), 4)
        2.0
    """
    if x == 0.0:
        return d * math.copysign(math.inf, x)
    return d / x


def inv_back(x: float, d: float) -> float:
    r"""$d \cdot f'(x)$ for $f(x) = 1/x$: $-\frac{d}{x^2}$.

    Example:
        >>> inv_back(2.0, 4.0)
        -1.0
    """
    x2 = x * x
    if x2 == 0.0:
        return -d * math.inf
    return -d / x2


def relu_back(x: float, d: float) -> float:
    """$d \\cdot f'(x)$ for $f$ = `relu`: $d$ if $x > 0$ else $0$ (0 at $x = 0$, as PyTorch).

    Example:
        >>> relu_back(1.0, 5.0), relu_back(-1.0, 5.0)
        (5.0, 0.0)
    """
    return d if x > 0.0 else 0.0


# ## Task 0.3: higher-order functions over lists


def map(fn: Callable[[float], float]) -> Callable[[Iterable[float]], List[float]]:
    """Higher-order map: lift a one-argument function to lists.

    Args:
        fn: function from one value to one value.

    Returns:
        A function taking a list and returning the new list `[fn(x) for x in ls]`.

    Example:
        >>> map(neg)([1.0, 2.0])
        [-1.0, -2.0]
    """

    def apply(ls: Iterable[float]) -> List[float]:
        return [fn(x) for x in ls]

    return apply


def zipWith(
    fn: Callable[[float, float], float]
) -> Callable[[Iterable[float], Iterable[float]], List[float]]:
    """Higher-order zipWith (map2): lift a two-argument function to pairs of lists.

    Args:
        fn: function combining two values.

    Returns:
        A function taking two equally long lists and returning `[fn(x, y) ...]` pairwise.

    Example:
        >>> zipWith(add)([1.0, 2.0], [10.0, 20.0])
        [11.0, 22.0]
    """

    def apply(ls1: Iterable[float], ls2: Iterable[float]) -> List[float]:
        return [fn(x, y) for x, y in zip(ls1, ls2)]

    return apply


def reduce(
    fn: Callable[[float, float], float], start: float
) -> Callable[[Iterable[float]], float]:
    r"""Higher-order reduce: fold a list into one value.

    Args:
        fn: function combining an element with the running value.
        start: the start value $x_0$.

    Returns:
        A function taking a list $x_1 \ldots x_n$ and returning
        $fn(x_n, \ldots fn(x_2, fn(x_1, x_0)))$ (`start` for an empty list).

    Example:
        >>> reduce(add, 0.0)([1.0, 2.0, 3.0])
        6.0
    """

    def apply(ls: Iterable[float]) -> float:
        value = start
        for x in ls:
            value = fn(x, value)
        return value

    return apply


def negList(ls: Iterable[float]) -> List[float]:
    """Negate every element of `ls` (with `map` and `neg`).

    Example:
        >>> negList([1.0, -2.0])
        [-1.0, 2.0]
    """
    return map(neg)(ls)


def addLists(ls1: Iterable[float], ls2: Iterable[float]) -> List[float]:
    """Add `ls1` and `ls2` elementwise (with `zipWith` and `add`).

    Example:
        >>> addLists([1.0, 2.0], [3.0, 4.0])
        [4.0, 6.0]
    """
    return zipWith(add)(ls1, ls2)


def sum(ls: Iterable[float]) -> float:
    """Sum a list (with `reduce` and `add`); 0.0 for an empty list.

    Example:
        >>> sum([1.0, 2.0, 3.0])
        6.0
    """
    return reduce(add, 0.0)(ls)


def prod(ls: Iterable[float]) -> float:
    """Multiply a list (with `reduce` and `mul`); 1.0 for an empty list.

    Example:
        >>> prod([1.0, 2.0, 3.0])
        6.0
    """
    return reduce(mul, 1.0)(ls)
