"""Compare autodiff gradients of tensor functions with central differences."""

from __future__ import annotations

import random
from typing import Any, Callable

import numpy as np

from ..core.tensor import Tensor

__all__ = ["grad_check", "tensor_central_difference"]


def tensor_central_difference(f: Callable[..., Any], *vals: Any, arg: int = 0, epsilon: float = 1e-6, ind: tuple = ()) -> float:
    """Central difference of sum(f(*vals)) with respect to entry `ind` of input `arg`."""
    x = vals[arg]
    base = x.to_numpy()
    up = base.copy()
    down = base.copy()
    up[ind] += epsilon
    down[ind] -= epsilon
    inputs_up = list(vals)
    inputs_down = list(vals)
    inputs_up[arg] = Tensor.make(up.reshape(-1), x.shape, backend=x.backend)
    inputs_down[arg] = Tensor.make(down.reshape(-1), x.shape, backend=x.backend)
    delta = f(*inputs_up).sum().item() - f(*inputs_down).sum().item()
    return delta / (2.0 * epsilon)


def grad_check(f: Callable[..., Any], *vals: Any, samples: int = 1, atol: float = 1e-2, rtol: float = 1e-2) -> None:
    """Check d sum(f(*vals)) / d vals[i] at random entries against central differences.

    Inputs must be float64 for a tight check; gradients accumulate, so each input's `.grad`
    is cleared first.

    Raises:
        AssertionError: naming the input, the index and both values, when they differ.

    Example:
        >>> import minitorch
        >>> x = minitorch.tensor([1.0, 2.0], requires_grad=True)
        >>> grad_check(lambda t: t * t, x)
    """
    for x in vals:
        x.requires_grad_(True)
        x.zero_grad_()
    random.seed(10)
    out = f(*vals)
    out.sum().backward()
    for i, x in enumerate(vals):
        for _ in range(samples):
            ind = x._tensor.sample()
            check = tensor_central_difference(f, *vals, arg=i, ind=ind)
            got = 0.0 if x.grad is None else float(x.grad.to_numpy()[ind])
            if not np.isclose(got, check, atol=atol, rtol=rtol):
                raise AssertionError(
                    f"grad_check: gradient of input {i} at index {ind} is {got}, central difference gives {check}"
                )
