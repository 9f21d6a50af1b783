"""Vector norms over dims: `norm` (as `torch.norm` / `torch.linalg.vector_norm`).

||x||_p = (sum_i |x_i|^p)^(1/p) over the reduced dims; p = inf is max |x_i|, p = -inf
min |x_i|, p = 0 the number of non-zero entries; "fro" (the default) is p = 2 over every
reduced dim. Gradients as PyTorch: x / ||x|| for p = 2, sign(x) for p = 1,
sign(x) |x|^(p-1) / ||x||^(p-1) in general (0 where ||x|| = 0, and where x = 0 for p < 1),
shared evenly among tied extremes for +-inf, none for p = 0.

Shape:
    (d_0, ..., d_k, ..., d_n), dim=k -> (d_0, ..., d_n without d_k); 0-d over every dim.
"""

from __future__ import annotations

import math
from typing import Any, Optional, Sequence, Tuple, Union

from ..autodiff.function import Context, Function
from ..core.tensor import Tensor
from ..errors import DomainError, DTypeError
from .arrays import array, from_array, namespace, quiet
from .extrema import amax, amin
from .reduce import drop_dims, reduced_dims

__all__ = ["Norm", "norm"]


class Norm(Function):
    """(sum |a|^p)^(1/p) over `dims`, kept with size 1, for a finite p >= 0 (p = 0: the count
    of non-zero entries)."""

    @staticmethod
    def forward(ctx: Context, a: Tensor, p: float, dims: Tuple[int, ...]) -> Tensor:
        xp = namespace(a)
        x = array(a)
        with quiet(a):
            if p == 2:
                out = xp.sqrt(xp.sum(x * x, axis=dims, keepdims=True))
            elif p == 1:
                out = xp.sum(xp.abs(x), axis=dims, keepdims=True)
            elif p == 0:
                out = xp.sum(x != 0, axis=dims, keepdims=True).astype(x.dtype)
            else:
                out = xp.sum(xp.abs(x) ** p, axis=dims, keepdims=True) ** (1.0 / p)
        ctx.save_for_backward(x, out)
        ctx.p = p
        return from_array(a, out)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Optional[Tensor]:
        x, out = ctx.saved_values
        xp = namespace(grad_output)
        g, p = array(grad_output), ctx.p
        if p == 0:
            return None  # a count: no gradient reaches the input (as PyTorch, whose .grad stays None)
        with quiet(grad_output):
            if p == 1:
                grad = g * xp.sign(x)
            elif p == 2:
                grad = xp.where(out == 0, 0, g * x / out)
            else:
                scaled = xp.sign(x) * (xp.abs(x) / out) ** (p - 1)
                grad = xp.where((out == 0) | (x == 0), 0, g * scaled)
        return from_array(grad_output, grad.astype(g.dtype, copy=False))


def norm(
    input: Tensor,
    p: Union[float, str] = "fro",
    dim: Union[int, Sequence[int], None] = None,
    keepdim: bool = False,
    dtype: Any = None,
) -> Tensor:
    """The vector p-norm of `input` over `dim` (every dim by default), as `torch.norm`.

    Args:
        input: a float tensor.
        p: "fro" (default; 2 over the reduced dims), a number >= 0, or +-inf (`float("inf")`).
        dim: the dim(s) to reduce; None reduces everything (a 0-d result).
        keepdim: keep the reduced dims with size 1. Default False.
        dtype: convert the input to this float dtype first.

    Raises:
        DTypeError: an int64 or bool input. DomainError: p = "nuc" (matrix norms are not
            provided), a negative finite p or an unknown string.

    Shape:
        (d_0, ..., d_k, ..., d_n), dim=k -> (d_0, ..., d_n without d_k).

    Example:
        >>> norm(minitorch.tensor([[3.0, 4.0], [0.0, 1.0]]), dim=1).tolist()
        [5.0, 1.0]
    """
    if dtype is not None:
        input = input.to(dtype)
    if input.dtype.kind != "f":
        raise DTypeError(f"norm: needs a float tensor, got {input.dtype}; convert with .double() or .float() first")
    if isinstance(p, str):
        if p != "fro":
            raise DomainError(f"norm: p={p!r} is not supported; use 'fro', a number >= 0 or +-inf (nuclear norms are not provided)")
        p = 2
    p = float(p)
    if math.isinf(p):
        return (amax if p > 0 else amin)(input.abs(), () if dim is None else dim, keepdim)
    if p < 0 or math.isnan(p):
        raise DomainError(f"norm: p={p} is not a norm order; use 'fro', a number >= 0 or +-inf")
    dims = reduced_dims("norm", input, dim)
    out = Norm.apply(input, p, dims)
    return out if keepdim else drop_dims(out, dims)
