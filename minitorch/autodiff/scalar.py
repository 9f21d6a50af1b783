"""`Scalar`: a Python float that records how it was computed, for the course's Module 1.

Scalars behave like numbers (`+ - * / < > ==`, unary `-`, `log`, `exp`, `sigmoid`, `relu`)
and every operation goes through a `ScalarFunction`, which records a `ScalarHistory` on the
result. `Scalar.backward()` hands the graph to the shared engine (`graph.backpropagate`),
the same one tensors use; derivatives accumulate into the leaves' `.derivative`.

A Scalar is a *leaf* when its history has no function (created by the user; the default),
and a *constant* when it has no history at all (`Scalar(v, None)`, or anything computed
under `no_grad`).
"""

from __future__ import annotations

import itertools
import numbers
from typing import Any, Callable, Iterable, Optional, Sequence, SupportsFloat, Tuple, Type, Union

import numpy as np

from .function import Context, History
from .graph import backpropagate, central_difference, no_grad
from .scalar_functions import (
    EQ,
    LT,
    Add,
    Exp,
    Inv,
    Log,
    Mul,
    Neg,
    ReLU,
    ScalarFunction,
    Sigmoid,
)

__all__ = ["Scalar", "ScalarHistory", "derivative_check"]

ScalarLike = Union[float, int, "Scalar"]

_ids = itertools.count(1)


class ScalarHistory(History):
    """How a Scalar was made: `last_fn` (a ScalarFunction class), its `ctx` and `inputs`.

    `ScalarHistory()` (no function) marks a leaf that collects a derivative.

    Example:
        >>> ScalarHistory().last_fn is None
        True
    """

    __slots__ = ()

    def __init__(
        self,
        last_fn: Optional[Type[ScalarFunction]] = None,
        ctx: Optional[Context] = None,
        inputs: Sequence["Scalar"] = (),
    ) -> None:
        super().__init__(last_fn, ctx, inputs)

    def __repr__(self) -> str:
        name = None if self.last_fn is None else self.last_fn.__name__
        return f"ScalarHistory(last_fn={name}, inputs={list(self.inputs)})"


_NEW_LEAF = ScalarHistory()  # sentinel default: each Scalar gets its own fresh leaf history


def _is_scalar_like(value: Any) -> bool:
    return isinstance(value, (Scalar, numbers.Real))


class Scalar:
    """A float that tracks the operations that produced it.

    Args:
        v: the value (converted with `float`).
        back: its history; default a fresh leaf (`ScalarHistory()`), `None` for a constant.
        name: optional label (default: the unique id as a string), used by graph drawings.

    Attributes:
        data: the float value.
        derivative: the accumulated derivative of a leaf after `backward()` (None before).

    Example:
        >>> x = Scalar(2.0)
        >>> y = x * x + x.log()
        >>> y.backward()
        >>> round(x.derivative, 4)
        4.5
    """

    def __init__(self, v: SupportsFloat, back: Optional[ScalarHistory] = _NEW_LEAF, name: Optional[str] = None):
        self.unique_id = next(_ids)
        self.data = float(v)
        self.history = ScalarHistory() if back is _NEW_LEAF else back
        self.derivative: Optional[float] = None
        self.name = name if name is not None else str(self.unique_id)

    def __repr__(self) -> str:
        return f"Scalar({self.data})"

    def __hash__(self) -> int:
        return hash(self.unique_id)

    def __bool__(self) -> bool:
        return bool(self.data)

    # ## Arithmetic (each operation is one ScalarFunction call)

    def __add__(self, b: ScalarLike) -> Scalar:
        return Add.apply(self, b) if _is_scalar_like(b) else NotImplemented

    def __radd__(self, b: ScalarLike) -> Scalar:
        return Add.apply(b, self) if _is_scalar_like(b) else NotImplemented

    def __sub__(self, b: ScalarLike) -> Scalar:
        return Add.apply(self, Neg.apply(b)) if _is_scalar_like(b) else NotImplemented

    def __rsub__(self, b: ScalarLike) -> Scalar:
        return Add.apply(b, Neg.apply(self)) if _is_scalar_like(b) else NotImplemented

    def __mul__(self, b: ScalarLike) -> Scalar:
        return Mul.apply(self, b) if _is_scalar_like(b) else NotImplemented

    def __rmul__(self, b: ScalarLike) -> Scalar:
        return Mul.apply(b, self) if _is_scalar_like(b) else NotImplemented

    def __truediv__(self, b: ScalarLike) -> Scalar:
        return Mul.apply(self, Inv.apply(b)) if _is_scalar_like(b) else NotImplemented

    def __rtruediv__(self, b: ScalarLike) -> Scalar:
        return Mul.apply(b, Inv.apply(self)) if _is_scalar_like(b) else NotImplemented

    def __neg__(self) -> Scalar:
        return Neg.apply(self)

    def __lt__(self, b: ScalarLike) -> Scalar:
        return LT.apply(self, b) if _is_scalar_like(b) else NotImplemented

    def __gt__(self, b: ScalarLike) -> Scalar:
        return LT.apply(b, self) if _is_scalar_like(b) else NotImplemented

    def __eq__(self, b: ScalarLike) -> Scalar:  # type: ignore[override]
        return EQ.apply(self, b) if _is_scalar_like(b) else NotImplemented

    def log(self) -> Scalar:
        """Natural logarithm (see `operators.log`)."""
        return Log.apply(self)

    def exp(self) -> Scalar:
        """Exponential."""
        return Exp.apply(self)

    def sigmoid(self) -> Scalar:
        """Logistic sigmoid."""
        return Sigmoid.apply(self)

    def relu(self) -> Scalar:
        """Rectified linear unit."""
        return ReLU.apply(self)

    # ## The Variable protocol (see graph.py)

    def is_leaf(self) -> bool:
        """True for a user-created variable (it has a history without a function)."""
        return self.history is not None and self.history.last_fn is None

    def is_constant(self) -> bool:
        """True when the Scalar takes no part in differentiation (no history)."""
        return self.history is None

    @property
    def parents(self) -> Iterable["Scalar"]:
        """The Scalars this one was computed from (empty for leaves and constants)."""
        return () if self.history is None else self.history.inputs

    def chain_rule(self, d_output: float) -> Iterable[Tuple["Scalar", float]]:
        """Pair every input of the last function with its derivative `d_output * df/dinput`.

        Constant inputs are paired too (the engine skips them).
        """
        h = self.history
        if h is None or h.last_fn is None or h.ctx is None:
            raise RuntimeError(
                f"Scalar.chain_rule: {self!r} is a leaf or a constant and has no function to "
                "differentiate; call chain_rule only on computed Scalars"
            )
        derivatives = h.last_fn._backward(h.ctx, d_output)
        if len(derivatives) != len(h.inputs):
            raise RuntimeError(
                f"{h.last_fn.__name__}.backward returned {len(derivatives)} derivatives for "
                f"{len(h.inputs)} inputs; return one per input of forward"
            )
        return list(zip(h.inputs, derivatives))

    def accumulate_derivative(self, x: float) -> None:
        """Add `x` into this leaf's `.derivative` (derivatives accumulate across backward calls)."""
        if not self.is_leaf():
            raise RuntimeError(
                f"Scalar.accumulate_derivative: only leaves collect derivatives, {self!r} was "
                "computed by a function"
            )
        self.derivative = x if self.derivative is None else self.derivative + x

    def requires_grad_(self, requires_grad: bool = True) -> Scalar:
        """Make this Scalar a leaf that collects a derivative (or, with False, a constant)."""
        if not requires_grad:
            self.history = None
        elif self.history is None:
            self.history = ScalarHistory()
        return self

    def detach(self) -> Scalar:
        """A constant Scalar with the same value, outside any graph."""
        return Scalar(self.data, None)

    def backward(self, d_output: Optional[float] = None) -> None:
        """Backpropagate from this Scalar, accumulating `.derivative` into every leaf.

        Args:
            d_output: the starting derivative d(result)/d(self), default 1.0.
        """
        if self.is_constant():
            raise RuntimeError(
                f"Scalar.backward: {self!r} does not depend on any leaf that requires a "
                "derivative (it is a constant or was computed under no_grad)"
            )
        backpropagate(self, 1.0 if d_output is None else d_output)


def derivative_check(f: Callable[..., Scalar], *scalars: Scalar) -> None:
    """Check the derivatives autodiff gives for `f` against central differences.

    Runs `f(*scalars).backward()` and compares each `scalars[i].derivative` with
    `central_difference` (relative and absolute tolerance 1e-2, as the course).

    Args:
        f: a function of `len(scalars)` Scalars returning one Scalar.
        *scalars: fresh leaves (their derivatives must be empty).

    Raises:
        AssertionError: naming the argument, the point and both derivatives on a mismatch.

    Example:
        >>> derivative_check(lambda x, y: x * y + x.exp(), Scalar(1.0), Scalar(2.0))
    """
    out = f(*scalars)
    out.backward()
    values = [s.data for s in scalars]

    def f_on_floats(*vals: float) -> float:
        with no_grad():
            return f(*[Scalar(v) for v in vals]).data

    for i, x in enumerate(scalars):
        expected = central_difference(f_on_floats, *values, arg=i)
        got = 0.0 if x.derivative is None else x.derivative
        np.testing.assert_allclose(
            got,
            expected,
            1e-2,
            1e-2,
            err_msg=(
                f"derivative_check: at f{tuple(values)} autodiff gave df/dx{i} = {got}, "
                f"central difference gave {expected}"
            ),
        )

