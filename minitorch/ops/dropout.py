"""Dropout: zero random entries while training, scale the survivors by 1 / (1 - p); channel
dropout (`dropout1d/2d/3d`) zeroes whole channels (one draw per (N, C)).

Shape:
    input (*) -> output (*), same shape.
"""

from __future__ import annotations

import numbers
import warnings
from typing import TYPE_CHECKING, Optional, Tuple

from ..autodiff.function import Context, Function
from ..core.random import batch_random, default_generator
from ..core.tensor import Tensor
from ..errors import DTypeError, ShapeError
from .arrays import from_array, namespace

if TYPE_CHECKING:
    from numpy.random import Generator

__all__ = ["Dropout", "dropout", "dropout1d", "dropout2d", "dropout3d", "course_dropout"]


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
    p = _check("dropout", input, p)
    if not training or p == 0.0:
        return input
    return _drop(input, p, input.shape, generator)


def _check(op: str, input: Tensor, p: float) -> float:
    if not isinstance(input, Tensor):
        raise DTypeError(f"{op}: input must be a minitorch Tensor, got {type(input).__name__}")
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or not 0.0 <= float(p) <= 1.0:
        raise ValueError(f"{op}: probability p has to be between 0 and 1, got {p!r}")
    return float(p)


def _drop(input: Tensor, p: float, mask_shape: Tuple[int, ...], generator: Optional["Generator"]) -> Tensor:
    """input * a mask of `mask_shape` (broadcast to the input) holding 0 or 1 / (1 - p)."""
    xp = namespace(input)
    if p == 1.0:
        keep = xp.zeros(mask_shape, dtype=input.dtype)
    else:
        rng = default_generator() if generator is None else generator
        # the host generator draws (*) in [0, 1), so seeded masks are the same on every backend (and, in
        # data-parallel training, the same as one process's: see core.random.batch_rows)
        uniform = xp.asarray(batch_random(rng, mask_shape, input.dtype, fresh=generator is None))
        keep = (uniform >= p).astype(input.dtype) * xp.asarray(1.0 / (1.0 - p), dtype=input.dtype)
    return Dropout.apply(input, from_array(input, keep))


def _channel_dropout(op: str, input: Tensor, p: float, training: bool, spatial: int,
                     generator: Optional["Generator"]) -> Tensor:
    """Zero whole channels: one draw per (N, C) of a batched (N, C, *spatial) input, per C of an
    unbatched (C, *spatial) one. dropout2d reads a 3-D input as batched (N, C, L), as PyTorch."""
    p = _check(op, input, p)
    dims = input.dims
    if spatial == 2 and dims == 3:
        warnings.warn(f"{op}: a 3-D input is read as (N, C, L), channel-wise 1-D dropout (as PyTorch); "
                      "use dropout1d for that, or give (N, C, H, W)", UserWarning, stacklevel=3)
        spatial = 1
    elif dims not in (spatial + 1, spatial + 2):
        raise ShapeError(f"{op}: expected a {spatial + 1}-D (C, *) or {spatial + 2}-D (N, C, *) input, got shape "
                         f"{input.shape}; dropout{spatial}d drops whole channels of {spatial}-D feature maps")
    if not training or p == 0.0:
        return input
    channel_dims = dims - spatial  # (N, C) or (C,)
    return _drop(input, p, input.shape[:channel_dims] + (1,) * spatial, generator)


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False,
              generator: Optional["Generator"] = None) -> Tensor:
    """Zero whole channels with probability p (as `torch.nn.functional.dropout1d`), scaling the
    kept ones by 1 / (1 - p); the identity when not training.

    Args:
        input: (N, C, L) or (C, L).
        p: drop probability in [0, 1]. Default 0.5.
        training: apply it (False: identity). Default True.
        inplace: accepted; a new tensor is always returned.
        generator: numpy Generator for the mask (default the library generator).

    Raises:
        ShapeError: an input that is not 2-D or 3-D.

    Shape:
        (N, C, L) -> (N, C, L); (C, L) -> (C, L).

    Example:
        >>> dropout1d(minitorch.ones((1, 2, 3)), p=1.0).sum().item()
        0.0
    """
    return _channel_dropout("dropout1d", input, p, training, 1, generator)


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False,
              generator: Optional["Generator"] = None) -> Tensor:
    """Zero whole channels of 2-D feature maps (as `torch.nn.functional.dropout2d`); see dropout1d.

    Args: as dropout1d.

    Raises:
        ShapeError: an input that is not 3-D or 4-D (a 3-D one is read as (N, C, L), with
            PyTorch's warning).

    Shape:
        (N, C, H, W) -> (N, C, H, W); (N, C, L) -> (N, C, L).
    """
    return _channel_dropout("dropout2d", input, p, training, 2, generator)


def dropout3d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False,
              generator: Optional["Generator"] = None) -> Tensor:
    """Zero whole channels of 3-D feature maps (as `torch.nn.functional.dropout3d`); see dropout1d.

    Args: as dropout1d.

    Raises:
        ShapeError: an input that is not 4-D or 5-D.

    Shape:
        (N, C, D, H, W) -> (N, C, D, H, W); (C, D, H, W) -> (C, D, H, W).
    """
    return _channel_dropout("dropout3d", input, p, training, 3, generator)


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
