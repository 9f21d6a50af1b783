"""Dropout: zero random entries while training, scale the survivors by 1 / (1 - p).

Shape:
    input (*) -> output (*), same shape.
"""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, Optional, Tuple

from ..autodiff.function import Context, Function
from ..core.random import batch_random, default_generator
from ..core.tensor import Tensor
from ..errors import DTypeError
from .arrays import from_array, namespace

if TYPE_CHECKING:
    from numpy.random import Generator

__all__ = ["Dropout", "dropout", "course_dropout"]


class Dropout(Function):
    """input * mask for a fixed (already scaled) mask; the gradient is grad * mask."""

    @staticmethod
    def forward(ctx: Context, input: Tensor, mask: Tensor) -> Tensor:
        ctx.save_for_backward(mask)
        return input.f.mul_zip(input, mask)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tuple[Tensor, None]:
        (mask,) = ctx.saved_values
        return grad_output.f.mul_zip(grad_output, mask), None


def dropout(
    input: Tensor,
    p: float = 0.5,
    training: bool = True,
    inplace: bool = False,
    generator: Optional["Generator"] = None,
) -> Tensor:
    """Randomly zero entries with probability p (as `torch.nn.functional.dropout`).

    out = input * m / (1 - p) with m_i ~ Bernoulli(1 - p) independently, so E[out] = input;
    p = 1 gives exact zeros (no 0 / 0). With training=False or p = 0 the input is returned.

    Args:
        input: any shape.
        p: drop probability in [0, 1]. Default 0.5.
        training: apply dropout (False: identity). Default True.
        inplace: accepted for PyTorch compatibility; a new tensor is always returned.
        generator: numpy Generator for the mask; default `minitorch.default_generator()`
            (seed it with `minitorch.manual_seed`).

    Shape:
        (*) -> (*).

    Example:
        >>> x = minitorch.ones((2, 3))
        >>> dropout(x, p=1.0).to_numpy().tolist()
        [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    """
    if not isinstance(input, Tensor):
        raise DTypeError(f"dropout: input must be a minitorch Tensor, got {type(input).__name__}")
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or not 0.0 <= float(p) <= 1.0:
        raise ValueError(f"dropout: probability p has to be between 0 and 1, got {p!r}")
    p = float(p)
    if not training or p == 0.0:
        return input
    xp = namespace(input)
    if p == 1.0:
        keep = xp.zeros(input.shape, dtype=input.dtype)
    else:
        rng = default_generator() if generator is None else generator
        # the host generator draws (*) in [0, 1), so seeded masks are the same on every backend (and, in
        # data-parallel training, the same as one process's: see core.random.batch_rows)
        uniform = xp.asarray(batch_random(rng, input.shape, input.dtype))
        keep = (uniform >= p).astype(input.dtype) * xp.asarray(1.0 / (1.0 - p), dtype=input.dtype)
    return Dropout.apply(input, from_array(input, keep))


def course_dropout(input: Tensor, rate: float, ignore: bool = False) -> Tensor:
    """MiniTorch's `dropout(input, rate, ignore=False)` (exported as `minitorch.dropout`).

    Drops each entry with probability `rate` and scales survivors by 1 / (1 - rate); rate 0
    returns the input unchanged, rate 1 gives exact zeros, ignore=True skips dropout.

    Args:
        input: any shape.
        rate: drop probability in [0, 1].
        ignore: skip dropout (evaluation). Default False.

    Shape:
        (*) -> (*).

    Example:
        >>> x = minitorch.ones((2, 2))
        >>> course_dropout(x, 0.0).to_numpy().tolist()
        [[1.0, 1.0], [1.0, 1.0]]
    """
    return dropout(input, p=rate, training=not ignore)
