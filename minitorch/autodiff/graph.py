"""The autodiff graph: the Variable protocol, topological sort and backpropagation.

Scalars and tensors share this one engine. A *variable* is anything with:

* `unique_id` -- an int, distinct per variable;
* `is_leaf()` -- created by the user (gradients accumulate here);
* `is_constant()` -- takes no part in differentiation;
* `parents` -- the variables it was computed from;
* `chain_rule(d_output)` -- pairs `(parent, d_parent)` for its non-constant parents;
* `accumulate_derivative(d)` -- add `d` into the leaf's `.derivative` / `.grad`.

`backpropagate(variable, deriv)` walks the graph once in reverse topological order and
accumulates every node's derivative, so a node used several times gets the sum.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Any, Callable, Iterable, Iterator, List, Protocol, Tuple

__all__ = [
    "Variable",
    "central_difference",
    "topological_sort",
    "backpropagate",
    "no_grad",
    "enable_grad",
    "is_grad_enabled",
    "set_grad_enabled",
]


class Variable(Protocol):
    """What the engine needs from a scalar or tensor node."""

    @property
    def unique_id(self) -> int: ...

    def is_leaf(self) -> bool: ...

    def is_constant(self) -> bool: ...

    @property
    def parents(self) -> Iterable["Variable"]: ...

    def chain_rule(self, d_output: Any) -> Iterable[Tuple["Variable", Any]]: ...

    def accumulate_derivative(self, x: Any) -> None: ...


def central_difference(f: Callable[..., float], *vals: float, arg: int = 0, epsilon: float = 1e-6) -> float:
    r"""Approximate the derivative of `f` with respect to argument `arg` by central differences.

    .. math:: f'_i(x) \approx \frac{f(\ldots, x_i + \epsilon, \ldots) - f(\ldots, x_i - \epsilon, \ldots)}{2\epsilon}

    Args:
        f: a function of `len(vals)` numbers.
        *vals: the point at which to differentiate.
        arg: index of the argument to differentiate, default 0.
        epsilon: half the step, default 1e-6.

    Example:
        >>> round(central_difference(lambda x, y: x * y, 3.0, 4.0, arg=1), 6)
        3.0
    """
    up = list(vals)
    down = list(vals)
    up[arg] = up[arg] + epsilon
    down[arg] = down[arg] - epsilon
    return (f(*up) - f(*down)) / (2.0 * epsilon)


def topological_sort(variable: Variable) -> List[Variable]:
    """The non-constant nodes reachable from `variable`, each before its parents.

    Iterative (no recursion limit on long graphs).

    Args:
        variable: the right-most node (usually the loss).

    Returns:
        The nodes in order: `variable` first, leaves last.
    """
    order: List[Variable] = []
    visited = set()
    # Depth-first post-order with an explicit stack of (node, children-expanded?) pairs.
    stack: List[Tuple[Variable, bool]] = [(variable, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
            continue
        if node.unique_id in visited or node.is_constant():
            continue
        visited.add(node.unique_id)
        stack.append((node, True))
        if not node.is_leaf():
            for parent in node.parents:
                if parent.unique_id not in visited and not parent.is_constant():
                    stack.append((parent, False))
    order.reverse()
    return order


def backpropagate(variable: Variable, deriv: Any) -> None:
    """Run backpropagation from `variable` with upstream derivative `deriv`.

    Leaves accumulate: calling this twice adds the two gradients, as in PyTorch; clear them
    with `zero_grad_()` (tensors) or an optimizer's `zero_grad()`.

    Args:
        variable: the right-most node.
        deriv: d(output)/d(variable), a float for scalars or a tensor for tensors.
    """
    derivatives = {variable.unique_id: deriv}
    with no_grad():
        for node in topological_sort(variable):
            d_node = derivatives.pop(node.unique_id, None)
            if d_node is None:
                continue
            if node.is_leaf():
                node.accumulate_derivative(d_node)
                continue
            for parent, d_parent in node.chain_rule(d_node):
                if d_parent is None or parent.is_constant():
                    continue
                key = parent.unique_id
                if key in derivatives:
                    derivatives[key] = derivatives[key] + d_parent
                else:
                    derivatives[key] = d_parent


class _GradMode(threading.local):
    enabled = True


_grad_mode = _GradMode()


def is_grad_enabled() -> bool:
    """Whether new operations are recorded for backpropagation."""
    return _grad_mode.enabled


def set_grad_enabled(mode: bool) -> None:
    """Switch graph recording on or off for this thread."""
    _grad_mode.enabled = bool(mode)


@contextmanager
def no_grad() -> Iterator[None]:
    """Context manager: operations inside record no graph (evaluation, optimizer steps).

    Example:
        >>> with no_grad():
        ...     pass
    """
    previous = _grad_mode.enabled
    _grad_mode.enabled = False
    try:
        yield
    finally:
        _grad_mode.enabled = previous


@contextmanager
def enable_grad() -> Iterator[None]:
    """Context manager: record the graph even inside `no_grad`."""
    previous = _grad_mode.enabled
    _grad_mode.enabled = True
    try:
        yield
    finally:
        _grad_mode.enabled = previous
