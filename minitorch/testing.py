"""The course's generic math tests: one set of functions run on floats, Scalars and Tensors.

`MathTest` writes each function with `minitorch.operators` on plain floats (the reference);
`MathTestVariable` overrides the ones that need methods (`x.sigmoid()`, `a.sum(0)`, ...) so the
same names run on Scalars and Tensors. Names ending in `2` take two arguments, names ending
in `red` reduce a list (or a tensor dimension); the rest take one argument. Shifts such as
`a + 3.5` or `a - 200` keep the functions away from their poles and overflows on the course's
input range [-100, 100].

Example:
    >>> one_arg, two_arg, red_arg = MathTestVariable._comp_testing()
    >>> name, base_fn, variable_fn = one_arg[0]
    >>> name, base_fn(2.0)
    ('addConstant', 7.0)
"""

from __future__ import annotations

from typing import Any, Callable, Generic, List, Sequence, Tuple, TypeVar

from . import operators

__all__ = ["MathTest", "MathTestVariable"]

A = TypeVar("A")

OneArg = Tuple[str, Callable[[Any], Any]]
TwoArg = Tuple[str, Callable[[Any, Any], Any]]
RedArg = Tuple[str, Callable[[Sequence[Any]], Any]]
Triple = Tuple[str, Callable[..., Any], Callable[..., Any]]  # (name, reference function, ours)


class MathTest(Generic[A]):
    """The reference functions, written with `minitorch.operators` on floats (generic over the
    value type, as the course's class; `MathTestVariable` runs the same names on Scalars and
    Tensors)."""

    @staticmethod
    def neg(a: float) -> float:
        """Negate the argument."""
        return -a

    @staticmethod
    def addConstant(a: float) -> float:
        """Add a constant to the argument."""
        return 5 + a

    @staticmethod
    def square(a: float) -> float:
        """Square by multiplication."""
        return a * a

    @staticmethod
    def cube(a: float) -> float:
        """Cube by multiplication."""
        return a * a * a

    @staticmethod
    def subConstant(a: float) -> float:
        """Subtract a constant from the argument."""
        return a - 5

    @staticmethod
    def multConstant(a: float) -> float:
        """Multiply the argument by a constant."""
        return 5 * a

    @staticmethod
    def div(a: float) -> float:
        """Divide by a constant."""
        return a / 5

    @staticmethod
    def inv(a: float) -> float:
        """Invert after shifting."""
        return operators.inv(a + 3.5)

    @staticmethod
    def sig(a: float) -> float:
        """Sigmoid."""
        return operators.sigmoid(a)

    @staticmethod
    def log(a: float) -> float:
        """Log of a large value."""
        return operators.log(a + 100000)

    @staticmethod
    def relu(a: float) -> float:
        """ReLU after shifting."""
        return operators.relu(a + 5.5)

    @staticmethod
    def exp(a: float) -> float:
        """Exp of a small value."""
        return operators.exp(a - 200)

    @staticmethod
    def explog(a: float) -> float:
        """Log of a large value plus exp of a small one."""
        return operators.log(a + 100000) + operators.exp(a - 200)

    @staticmethod
    def add2(a: float, b: float) -> float:
        """Add two arguments."""
        return a + b

    @staticmethod
    def mul2(a: float, b: float) -> float:
        """Multiply two arguments."""
        return a * b

    @staticmethod
    def div2(a: float, b: float) -> float:
        """Divide by the shifted second argument."""
        return a / (b + 5.5)

    @staticmethod
    def gt2(a: float, b: float) -> float:
        """1.0 where a + 1.2 > b."""
        return operators.lt(b, a + 1.2)

    @staticmethod
    def lt2(a: float, b: float) -> float:
        """1.0 where a + 1.2 < b."""
        return operators.lt(a + 1.2, b)

    @staticmethod
    def eq2(a: float, b: float) -> float:
        """1.0 where a == b + 5.5."""
        return operators.eq(a, (b + 5.5))

    @staticmethod
    def sum_red(a: Sequence[float]) -> float:
        """Sum of a list."""
        return operators.sum(a)

    @staticmethod
    def mean_red(a: Sequence[float]) -> float:
        """Mean of a list."""
        return operators.sum(a) / float(len(a))

    @staticmethod
    def mean_full_red(a: Sequence[float]) -> float:
        """Mean of a list (of the whole tensor for variables)."""
        return operators.sum(a) / float(len(a))

    @staticmethod
    def complex(a: float) -> float:
        """A composition of several functions."""
        return (
            operators.log(operators.sigmoid(operators.relu(operators.relu(a * 10 + 7) * 6 + 5) * 10))
            / 50
        )

    @classmethod
    def _tests(cls) -> Tuple[List[OneArg], List[TwoArg], List[RedArg]]:
        """`(name, function)` pairs, split into one-, two-argument and reductions (2023 on)."""
        return cls._pairs()

    @classmethod
    def _pairs(cls) -> Tuple[List[OneArg], List[TwoArg], List[RedArg]]:
        """This class's `(name, function)` pairs, split into one-, two-argument and reductions.

        The names are those of `MathTest`, sorted, so subclasses line up with it.
        """
        one_arg: List[OneArg] = []
        two_arg: List[TwoArg] = []
        red_arg: List[RedArg] = []
        for name in dir(MathTest):
            if name.startswith("_") or not callable(getattr(MathTest, name)):
                continue
            entry = (name, getattr(cls, name))
            if name.endswith("2"):
                two_arg.append(entry)
            elif name.endswith("red"):
                red_arg.append(entry)
            else:
                one_arg.append(entry)
        return one_arg, two_arg, red_arg

    @classmethod
    def _comp_testing(cls) -> Tuple[List[Triple], List[Triple], List[Triple]]:
        """Triples `(name, reference_fn, this_class_fn)`: `MathTest`'s float version beside ours."""
        ours = cls._pairs()
        reference = MathTest._pairs()

        def triples(group: Sequence[Tuple[str, Callable[..., Any]]],
                    ref_group: Sequence[Tuple[str, Callable[..., Any]]]) -> List[Triple]:
            return [(name, ref_fn, fn) for (name, fn), (_, ref_fn) in zip(group, ref_group)]

        return triples(ours[0], reference[0]), triples(ours[1], reference[1]), triples(ours[2], reference[2])


class MathTestVariable(MathTest):
    """The same functions written with methods, for Scalars and Tensors."""

    @classmethod
    def _tests(cls) -> Tuple[Any, Any, Any]:
        """The 2021 edition's triples `(name, reference_fn, method_fn)` (later editions call
        `_comp_testing()`, which gives the same triples, and never this on MathTestVariable)."""
        return cls._comp_testing()

    @staticmethod
    def inv(a: Any) -> Any:
        return 1.0 / (a + 3.5)

    @staticmethod
    def sig(x: Any) -> Any:
        return x.sigmoid()

    @staticmethod
    def log(x: Any) -> Any:
        return (x + 100000).log()

    @staticmethod
    def relu(x: Any) -> Any:
        return (x + 5.5).relu()

    @staticmethod
    def exp(a: Any) -> Any:
        return (a - 200).exp()

    @staticmethod
    def explog(a: Any) -> Any:
        return (a + 100000).log() + (a - 200).exp()

    @staticmethod
    def sum_red(a: Any) -> Any:
        return a.sum(0)

    @staticmethod
    def mean_red(a: Any) -> Any:
        return a.mean(0)

    @staticmethod
    def mean_full_red(a: Any) -> Any:
        return a.mean()

    @staticmethod
    def eq2(a: Any, b: Any) -> Any:
        return a == (b + 5.5)

    @staticmethod
    def gt2(a: Any, b: Any) -> Any:
        return a + 1.2 > b

    @staticmethod
    def lt2(a: Any, b: Any) -> Any:
        return a + 1.2 < b

    @staticmethod
    def complex(a: Any) -> Any:
        return (((a * 10 + 7).relu() * 6 + 5).relu() * 10).sigmoid().log() / 50
