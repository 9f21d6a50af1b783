"""Adaptive pooling: choose the output size, the windows follow (PyTorch's rule).

Output position o of a dim of input size I and output size O pools the input range
[floor(o * I / O), ceil((o + 1) * I / O)); windows may differ in size and overlap. Global
pooling is output size 1. The windows become a gather table (`pool.combine_windows`) and the same
`MaxPool` / `AvgPool` functions (and kernels) as ordinary pooling do the work.

Shape:
    (N, C, L) -> (N, C, L_out) for 1-D; (N, C, H, W) -> (N, C, H_out, W_out) for 2-D;
    the batch dim N may be left out.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Optional, Sequence, Tuple, Union

import numpy as np

from ..core.tensor import Tensor
from ..errors import ShapeError
from .pool import AvgPool, MaxPool, PoolWindows, combine_windows, wrap_array, check_pool_input

__all__ = ["adaptive_windows", "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_max_pool1d", "adaptive_max_pool2d"]

SizeArg = Union[int, None, Sequence[Optional[int]]]


@lru_cache(maxsize=256)
def adaptive_windows(in_size: Tuple[int, ...], out_size: Tuple[int, ...]) -> PoolWindows:
    """The (cached) gather table of adaptive pooling from `in_size` to `out_size`."""
    dims = []
    for size, out in zip(in_size, out_size):
        o = np.arange(out)
        starts = (o * size) // out  # floor(o * I / O)
        ends = -((-(o + 1) * size) // out)  # ceil((o + 1) * I / O)
        width = int((ends - starts).max())
        pos = starts[:, None] + np.arange(width)[None, :]  # (O, K)
        dims.append((pos, pos < ends[:, None], ends - starts))
    return combine_windows(in_size, dims)


def _adaptive(op: str, input: Tensor, n: int, output_size: SizeArg) -> PoolWindows:
    check_pool_input(op, input, n)
    in_size = tuple(input.shape[-n:])
    sizes = (output_size,) * n if output_size is None or isinstance(output_size, (int, np.integer)) else tuple(output_size)
    if len(sizes) != n:
        raise ShapeError(f"{op}: output_size must be an int or a tuple of {n} sizes, got {output_size!r}")
    out = tuple(i if s is None else s for s, i in zip(sizes, in_size))  # None keeps the input size
    if not all(isinstance(s, (int, np.integer)) and s >= 1 for s in out):
        raise ShapeError(f"{op}: output_size {output_size!r} must hold positive ints (or None) for input {input.shape}")
    return adaptive_windows(in_size, tuple(int(s) for s in out))


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
    windows = _adaptive("adaptive_avg_pool1d", input, 1, output_size)
    return AvgPool.apply(input, windows, windows.counts.astype(np.float64))


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
    windows = _adaptive("adaptive_avg_pool2d", input, 2, output_size)
    return AvgPool.apply(input, windows, windows.counts.astype(np.float64))


def _adaptive_max(windows: PoolWindows, input: Tensor, return_indices: bool):
    if not return_indices:
        return MaxPool.apply(input, windows)
    sink: list = []
    out = MaxPool.apply(input, windows, sink)
    return out, wrap_array(out, sink[0].astype(np.float64), out.shape)


def adaptive_max_pool1d(input: Tensor, output_size: SizeArg, return_indices: bool = False):
    """1-D adaptive max pooling (as `torch.nn.functional.adaptive_max_pool1d`).

    out[n, c, o] = max of x[n, c, floor(o L / L_out) : ceil((o + 1) L / L_out)]; the gradient
    goes to each window's first maximum.

    Args:
        input: (N, C, L) or (C, L).
        output_size: L_out (1 for global max pooling).
        return_indices: also return the flat argmax positions (float64 tensor).

    Shape:
        (N, C, L) -> (N, C, L_out).

    Example:
        >>> adaptive_max_pool1d(minitorch.tensor([[[1.0, 5.0, 3.0]]]), 1).to_numpy().tolist()
        [[[5.0]]]
    """
    return _adaptive_max(_adaptive("adaptive_max_pool1d", input, 1, output_size), input, return_indices)


def adaptive_max_pool2d(input: Tensor, output_size: SizeArg, return_indices: bool = False):
    """2-D adaptive max pooling (as `torch.nn.functional.adaptive_max_pool2d`).

    out[n, c, i, j] = max over the same windows as `adaptive_avg_pool2d`; the gradient goes
    to each window's first maximum and accumulates where windows overlap.

    Args:
        input: (N, C, H, W) or (C, H, W).
        output_size: H_out or (H_out, W_out); None keeps that input size.
        return_indices: also return flat argmax positions h * W + w (float64 tensor).

    Shape:
        (N, C, H, W) -> (N, C, H_out, W_out).

    Example:
        >>> adaptive_max_pool2d(minitorch.rand((1, 2, 6, 6)), (2, 3)).shape
        (1, 2, 2, 3)
    """
    return _adaptive_max(_adaptive("adaptive_max_pool2d", input, 2, output_size), input, return_indices)
