"""Adaptive pooling: choose the output size, the windows follow (PyTorch's rule).

Output position o of a dim of input size I and output size O pools the input range
[floor(o * I / O), ceil((o + 1) * I / O)); windows may differ in size and overlap. Global
pooling is output size 1. The windows are an adaptive `Window` (`core/window.py`: rows of the
stride-1 window view, trailing taps masked), and the same `MaxPool` / `AvgPool` functions and
kernels as ordinary pooling do the work.

Shape:
    (N, C, L) -> (N, C, L_out) for 1-D; (N, C, H, W) -> (N, C, H_out, W_out) for 2-D;
    the batch dim N may be left out.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Literal, Optional, Sequence, Tuple, Union, overload

from ..core.tensor import Tensor
from ..core.window import Window
from ..errors import ShapeError
from .arrays import is_int
from .conv import lift
from .pool import AvgPool, MaxPoolResult, check_pool_input, divisors, max_pool

__all__ = ["adaptive_window", "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_max_pool1d", "adaptive_max_pool2d"]

SizeArg = Union[int, None, Sequence[Optional[int]]]


@lru_cache(maxsize=256)
def adaptive_window(in_size: Tuple[int, ...], out_size: Tuple[int, ...]) -> Window:
    """The (cached) canonical window of adaptive pooling from `in_size` to `out_size`."""
    widths = [max(-(-(o + 1) * i // out) - (o * i) // out for o in range(out)) for i, out in zip(in_size, out_size)]
    return Window(
        kernel=lift(tuple(widths), 1),
        stride=(1, 1, 1),
        dilation=(1, 1, 1),
        padding=(0, 0, 0),
        in_size=lift(in_size, 1),
        out_size=lift(out_size, 1),
        adaptive=True,
    )


def _adaptive(op: str, input: Tensor, n: int, output_size: SizeArg) -> Window:
    check_pool_input(op, input, n)
    in_size = tuple(input.shape[-n:])
    sizes = (output_size,) * n if output_size is None or is_int(output_size) else tuple(output_size)  # type: ignore[arg-type]
    if len(sizes) != n:
        raise ShapeError(f"{op}: output_size must be an int or a tuple of {n} sizes, got {output_size!r}")
    out = tuple(i if s is None else s for s, i in zip(sizes, in_size))  # None keeps the input size
    if not all(is_int(s) and s >= 1 for s in out):
        raise ShapeError(f"{op}: output_size {output_size!r} must hold positive ints (or None) for input {input.shape}")
    return adaptive_window(in_size, tuple(int(s) for s in out))


def adaptive_avg_pool1d(input: Tensor, output_size: SizeArg) -> Tensor:
    """1-D adaptive average pooling (as `torch.nn.functional.adaptive_avg_pool1d`).

    out[n, c, o] = mean of x[n, c, floor(o L / L_out) : ceil((o + 1) L / L_out)].

    Args:
        input: (N, C, L) or (C, L).
        output_size: L_out (1 for global average pooling).

    Shape:
        (N, C, L) -> (N, C, L_out).

    Example:
        >>> adaptive_avg_pool1d(minitorch.tensor([[[1.0, 2.0, 3.0]]]), 1).to_numpy().tolist()
        [[[2.0]]]
    """
    window = _adaptive("adaptive_avg_pool1d", input, 1, output_size)
    return AvgPool.apply(input, window, 1, divisors(window, False))


def adaptive_avg_pool2d(input: Tensor, output_size: SizeArg) -> Tensor:
    """2-D adaptive average pooling (as `torch.nn.functional.adaptive_avg_pool2d`).

    out[n, c, i, j] = mean of the rows floor(i H / H_out) .. ceil((i + 1) H / H_out) - 1 and
    columns floor(j W / W_out) .. ceil((j + 1) W / W_out) - 1 of x[n, c].

    Args:
        input: (N, C, H, W) or (C, H, W).
        output_size: H_out or (H_out, W_out); None keeps that input size. 1: global pooling.

    Shape:
        (N, C, H, W) -> (N, C, H_out, W_out).

    Example:
        >>> adaptive_avg_pool2d(minitorch.ones((2, 3, 5, 7)), 1).shape
        (2, 3, 1, 1)
    """
    window = _adaptive("adaptive_avg_pool2d", input, 2, output_size)
    return AvgPool.apply(input, window, 2, divisors(window, False))


@overload
def adaptive_max_pool1d(input: Tensor, output_size: SizeArg, return_indices: Literal[False] = ...) -> Tensor: ...
@overload
def adaptive_max_pool1d(input: Tensor, output_size: SizeArg, *, return_indices: Literal[True]) -> Tuple[Tensor, Tensor]: ...
@overload
def adaptive_max_pool1d(input: Tensor, output_size: SizeArg, return_indices: bool = ...) -> MaxPoolResult: ...


def adaptive_max_pool1d(input: Tensor, output_size: SizeArg, return_indices: bool = False) -> MaxPoolResult:
    """1-D adaptive max pooling (as `torch.nn.functional.adaptive_max_pool1d`).

    out[n, c, o] = max of x[n, c, floor(o L / L_out) : ceil((o + 1) L / L_out)]; the gradient
    goes to each window's first maximum.

    Args:
        input: (N, C, L) or (C, L).
        output_size: L_out (1 for global max pooling).
        return_indices: also return the flat argmax positions (an int64 tensor).

    Shape:
        (N, C, L) -> (N, C, L_out).

    Example:
        >>> adaptive_max_pool1d(minitorch.tensor([[[1.0, 5.0, 3.0]]]), 1).to_numpy().tolist()
        [[[5.0]]]
    """
    return max_pool(input, _adaptive("adaptive_max_pool1d", input, 1, output_size), 1, return_indices)


@overload
def adaptive_max_pool2d(input: Tensor, output_size: SizeArg, return_indices: Literal[False] = ...) -> Tensor: ...
@overload
def adaptive_max_pool2d(input: Tensor, output_size: SizeArg, *, return_indices: Literal[True]) -> Tuple[Tensor, Tensor]: ...
@overload
def adaptive_max_pool2d(input: Tensor, output_size: SizeArg, return_indices: bool = ...) -> MaxPoolResult: ...


def adaptive_max_pool2d(input: Tensor, output_size: SizeArg, return_indices: bool = False) -> MaxPoolResult:
    """2-D adaptive max pooling (as `torch.nn.functional.adaptive_max_pool2d`).

    out[n, c, i, j] = max over the same windows as `adaptive_avg_pool2d`; the gradient goes
    to each window's first maximum and accumulates where windows overlap.

    Args:
        input: (N, C, H, W) or (C, H, W).
        output_size: H_out or (H_out, W_out); None keeps that input size.
        return_indices: also return flat argmax positions h * W + w (an int64 tensor).

    Shape:
        (N, C, H, W) -> (N, C, H_out, W_out).

    Example:
        >>> adaptive_max_pool2d(minitorch.rand((1, 2, 6, 6)), (2, 3)).shape
        (1, 2, 2, 3)
    """
    return max_pool(input, _adaptive("adaptive_max_pool2d", input, 2, output_size), 2, return_indices)
