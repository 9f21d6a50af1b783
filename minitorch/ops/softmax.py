"""Softmax, log-softmax and logsumexp along a dim, computed stably (shifted by the maximum).

The dim is moved last and the tensor seen as rows (R, n); the backend's fused row kernels
(`backends/simple_rows.py`, `backends/fast_rows.py`) compute forward and backward.

Shape:
    softmax, log_softmax: (*) -> (*), same shape.
    logsumexp: the reduced dims are removed (or kept with size 1 when keepdim=True).
"""

from __future__ import annotations

from typing import Sequence, Tuple, Union

from ..autodiff.function import Context, Function
from ..core.tensor import Tensor
from ..errors import DTypeError, IndexingError
from .arrays import array, from_array, namespace, quiet
from .rows import from_rows, normalise_dims, to_rows

__all__ = ["Softmax", "LogSoftmax", "LogSumExp", "softmax", "log_softmax", "logsoftmax", "logsumexp"]


class _RowNormalise(Function):
    """A fused row kernel pair of the backend along `dim`: `forward_kernel(rows, out)` and
    `backward_kernel(y, g, grad)`, where y is the saved output."""

    forward_kernel = ""
    backward_kernel = ""

    @classmethod
    def forward(cls, ctx: Context, input: Tensor, dim: int) -> Tensor:
        rows, moved_shape, order = to_rows(input, (dim,))
        out = namespace(input).empty(rows.shape, dtype=input.dtype)  # (R, n)
        if out.size:
            getattr(input.backend.ops, cls.forward_kernel)(rows, out)
        ctx.save_for_backward(out)
        ctx.dim, ctx.moved_shape, ctx.order = dim, moved_shape, order
        return from_rows(input, out, moved_shape, order)

    @classmethod
    def backward(cls, ctx: Context, grad_output: Tensor) -> Tensor:
        (y,) = ctx.saved_values
        g, _, _ = to_rows(grad_output, (ctx.dim,))
        grad = namespace(grad_output).empty(y.shape, dtype=y.dtype)  # (R, n)
        if grad.size:
            getattr(grad_output.backend.ops, cls.backward_kernel)(y, g, grad)
        return from_rows(grad_output, grad, ctx.moved_shape, ctx.order)


class Softmax(_RowNormalise):
    """exp(x - max) / sum exp(x - max) along `dim`; backward y * (g - sum(g * y))."""

    forward_kernel = "softmax_forward"
    backward_kernel = "softmax_backward"


class LogSoftmax(_RowNormalise):
    """(x - max) - log sum exp(x - max) along `dim`; backward g - exp(y) * sum(g)."""

    forward_kernel = "log_softmax_forward"
    backward_kernel = "log_softmax_backward"


class LogSumExp(Function):
    """log sum exp over `dims`; backward g * softmax(x) over the same dims."""

    @staticmethod
    def forward(ctx: Context, input: Tensor, dims: Tuple[int, ...], keepdim: bool) -> Tensor:
        rows, moved_shape, order = to_rows(input, dims)
        out = namespace(input).full(rows.shape[0], -float("inf"), dtype=input.dtype)  # (R,); an empty sum is 0, its log -inf
        if rows.size:
            input.backend.ops.logsumexp_forward(rows, out)
        ctx.save_for_backward(rows, out)
        ctx.moved_shape, ctx.order = moved_shape, order
        shape = tuple(1 if d in dims else s for d, s in enumerate(input.shape)) if keepdim else moved_shape[: input.dims - len(dims)]
        return from_array(input, out, shape)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        rows, out = ctx.saved_values
        xp = namespace(grad_output)
        grad = xp.empty(rows.shape, dtype=rows.dtype)  # (R, n)
        if grad.size:
            grad_output.backend.ops.softmax_forward(rows, grad)
        infinite = xp.isinf(out)
        if bool(infinite.any()):  # softmax's shift by an infinite max is inf - inf; torch's exp(x - y) gives 0 at finite x
            with quiet(grad_output):
                grad[infinite] = xp.exp(rows[infinite] - out[infinite, None])
        grad *= array(grad_output).reshape(-1, 1)  # (kept...) -> (R, 1)
        return from_rows(grad_output, grad, ctx.moved_shape, ctx.order)


def _check(op: str, input: Tensor) -> None:
    if not isinstance(input, Tensor):
        raise DTypeError(f"{op}: input must be a minitorch Tensor, got {type(input).__name__}")


def softmax(input: Tensor, dim: int) -> Tensor:
    """Softmax along `dim` (as `torch.softmax`; MiniTorch's `softmax(input, dim)`).

    softmax(x)_i = exp(x_i - m) / sum_j exp(x_j - m), m = max_j x_j, so large inputs (+-1000)
    neither overflow nor divide 0 by 0.

    Args:
        input: any shape.
        dim: the dim that sums to 1 (negative counts from the end).

    Shape:
        (*) -> (*).

    Example:
        >>> softmax(minitorch.tensor([[1000.0, 1000.0]]), dim=1).to_numpy().tolist()
        [[0.5, 0.5]]
    """
    _check("softmax", input)
    (d,) = normalise_dims("softmax", dim, input.dims)
    return Softmax.apply(input, d)


def log_softmax(input: Tensor, dim: int) -> Tensor:
    """Log-softmax along `dim` (as `torch.log_softmax`), without forming the softmax.

    log_softmax(x)_i = (x_i - m) - log sum_j exp(x_j - m), m = max_j x_j.

    Args:
        input: any shape.
        dim: the dim to normalise over.

    Shape:
        (*) -> (*).

    Example:
        >>> log_softmax(minitorch.tensor([[0.0, 0.0]]), dim=1).to_numpy().round(4).tolist()
        [[-0.6931, -0.6931]]
    """
    _check("log_softmax", input)
    (d,) = normalise_dims("log_softmax", dim, input.dims)
    return LogSoftmax.apply(input, d)


def logsoftmax(input: Tensor, dim: int) -> Tensor:
    """MiniTorch's name for `log_softmax(input, dim)`."""
    return log_softmax(input, dim)


def logsumexp(input: Tensor, dim: Union[int, Sequence[int]], keepdim: bool = False) -> Tensor:
    """log sum exp over `dim` (as `torch.logsumexp`), shifted by the maximum.

    logsumexp(x) = m + log sum_i exp(x_i - m), m = max_i x_i (+-inf maxima pass through).

    Args:
        input: any shape.
        dim: an int or a tuple of ints to reduce.
        keepdim: keep the reduced dims with size 1. Default False.

    Shape:
        (d_0, ..., d_n) -> the same without the reduced dims (size 1 with keepdim).

    Example:
        >>> logsumexp(minitorch.tensor([[1000.0, 1000.0]]), dim=1).to_numpy().round(4).tolist()
        [1000.6931]
    """
    _check("logsumexp", input)
    dims = normalise_dims("logsumexp", dim, input.dims)
    if not dims:
        raise IndexingError(f"logsumexp: give at least one dim to reduce for input of shape {input.shape}")
    return LogSumExp.apply(input, dims, keepdim)
