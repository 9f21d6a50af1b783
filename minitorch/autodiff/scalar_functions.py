"""Differentiable functions on `Scalar`s: `ScalarFunction` and the course's ten functions.

Each function is a forward on Python floats paired with its backward, which returns one
derivative per input. `ScalarFunction.apply` unwraps the `Scalar`s, runs forward, and (when
some input needs a derivative and recording is on) records a `ScalarHistory` on the result,
so the shared engine in `graph.py` can call backward later.
"""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, Any, List, Tuple, Union

from .. import operators
from ..errors import DTypeError
from .function import Context, Function
from .graph import is_grad_enabled

if TYPE_CHECKING:
    from .scalar import Scalar

__all__ = [
    "ScalarFunction",
    "Add",
    "Mul",
    "Inv",
    "Neg",
    "Log",
    "Exp",
    "Sigmoid",
    "ReLU",
    "LT",
    "EQ",
]

ScalarLike = Union[float, int, "Scalar"]


class ScalarFunction(Function):
    """Base class of differentiable functions on Scalars.

    Subclasses define `forward(ctx, *floats) -> float` and `backward(ctx, d_output)`
    returning one float (one input) or a tuple of floats, one per input. Plain numbers are
    accepted as inputs and treated as constants.

    Example:
        >>> from minitorch.autodiff.scalar import Scalar
        >>> Add.apply(Scalar(1.0), 2.0)
        Scalar(3.0)
    """

    @classmethod
    def apply(cls, *vals: ScalarLike) -> Any:
        from .scalar import Scalar, ScalarHistory

        raw: List[float] = []
        inputs: List[Scalar] = []
        for v in vals:
            if isinstance(v, Scalar):
                inputs.append(v)
                raw.append(v.data)
            elif isinstance(v, numbers.Real):
                inputs.append(Scalar(v, None))
                raw.append(float(v))
            else:
                raise DTypeError(
                    f"{cls.__name__}.apply: expected Scalars or real numbers, got "
                    f"{type(v).__name__}; wrap the value with minitorch.Scalar(...)"
                )
        need_grad = is_grad_enabled() and any(not s.is_constant() for s in inputs)
        ctx = Context(not need_grad)
        out = float(cls.forward(ctx, *raw))
        return Scalar(out, ScalarHistory(cls, ctx, inputs) if need_grad else None)


class Add(ScalarFunction):
    """$f(x, y) = x + y$"""

    @staticmethod
    def forward(ctx: Context, a: float, b: float) -> float:
        return operators.add(a, b)

    @staticmethod
    def backward(ctx: Context, d_output: float) -> Tuple[float, float]:
        return d_output, d_output


class Mul(ScalarFunction):
    """$f(x, y) = x y$"""

    @staticmethod
    def forward(ctx: Context, a: float, b: float) -> float:
        ctx.save_for_backward(a, b)
        return operators.mul(a, b)

    @staticmethod
    def backward(ctx: Context, d_output: float) -> Tuple[float, float]:
        a, b = ctx.saved_values
        return operators.mul(b, d_output), operators.mul(a, d_output)


class Inv(ScalarFunction):
    """$f(x) = 1 / x$"""

    @staticmethod
    def forward(ctx: Context, a: float) -> float:
        ctx.save_for_backward(a)
        return operators.inv(a)

    @staticmethod
    def backward(ctx: Context, d_output: float) -> float:
        (a,) = ctx.saved_values
        return operators.inv_back(a, d_output)


class Neg(ScalarFunction):
    """$f(x) = -x$"""

    @staticmethod
    def forward(ctx: Context, a: float) -> float:
        return operators.neg(a)

    @staticmethod
    def backward(ctx: Context, d_output: float) -> float:
        return operators.neg(d_output)


class Log(ScalarFunction):
    r"""$f(x) = \ln(x + \epsilon)$ (see `operators.log`)."""

    @staticmethod
    def forward(ctx: Context, a: float) -> float:
        ctx.save_for_backward(a)
        return operators.log(a)

    @staticmethod
    def backward(ctx: Context, d_output: float) -> float:
        (a,) = ctx.saved_values
        return operators.log_back(a, d_output)


class Exp(ScalarFunction):
    """$f(x) = e^x$; backward reuses the saved output: $f'(x) = f(x)$."""

    @staticmethod
    def forward(ctx: Context, a: float) -> float:
        out = operators.exp(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Context, d_output: float) -> float:
        (out,) = ctx.saved_values
        return operators.mul(out, d_output)


class Sigmoid(ScalarFunction):
    r"""$f(x) = \sigma(x)$; backward uses the saved output: $\sigma'(x) = \sigma(x)(1 - \sigma(x))$."""

    @staticmethod
    def forward(ctx: Context, a: float) -> float:
        out = operators.sigmoid(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Context, d_output: float) -> float:
        (out,) = ctx.saved_values
        return d_output * out * (1.0 - out)


class ReLU(ScalarFunction):
    """$f(x) = \\max(x, 0)$; derivative 1 for $x > 0$, else 0."""

    @staticmethod
    def forward(ctx: Context, a: float) -> float:
        ctx.save_for_backward(a)
        return operators.relu(a)

    @staticmethod
    def backward(ctx: Context, d_output: float) -> float:
        (a,) = ctx.saved_values
        return operators.relu_back(a, d_output)


class LT(ScalarFunction):
    """$f(x, y) = 1.0$ if $x < y$ else $0.0$; derivative 0 almost everywhere."""

    @staticmethod
    def forward(ctx: Context, a: float, b: float) -> float:
        return operators.lt(a, b)

    @staticmethod
    def backward(ctx: Context, d_output: float) -> Tuple[float, float]:
        return 0.0, 0.0


class EQ(ScalarFunction):
    """$f(x, y) = 1.0$ if $x = y$ else $0.0$; derivative 0 almost everywhere."""

    @staticmethod
    def forward(ctx: Context, a: float, b: float) -> float:
        return operators.eq(a, b)

    @staticmethod
    def backward(ctx: Context, d_output: float) -> Tuple[float, float]:
        return 0.0, 0.0
