"""Padding of the last dims (PyTorch's `torch.nn.functional.pad`): constant, reflect, replicate, circular.

Every mode is a gather along each padded dim: output position j of a dim of size n reads input
position src[j] (or, for "constant", the fill value where src[j] = -1). With i = j - left:

    constant:   src = i if 0 <= i < n else -1 (negative pads crop)
    reflect:    i mirrored at both ends without repeating the edge (-1 -> 1, n -> n - 2)
    replicate:  i clamped to [0, n - 1]
    circular:   i mod n

The backward sums the gradient of every output position into the input position it read
(edge and mirror positions are read more than once).

Shape:
    pad = (left_last, right_last, left_2nd_last, right_2nd_last, ...), one pair per padded dim
    from the last dim backwards; input (*, n_k, ..., n_1) -> (*, n_k + l_k + r_k, ..., n_1 + l_1 + r_1).
"""

from __future__ import annotations

from typing import Optional, Sequence, Tuple

import numpy as np

from ..autodiff.function import Context, Function
from ..core.tensor import Tensor
from ..core.tensor_data import TensorData
from ..errors import DTypeError, ShapeError

__all__ = ["Pad", "pad", "PAD_MODES"]

PAD_MODES = ("constant", "reflect", "replicate", "circular")

# (dim, src): the input position read by each output position of one padded dim (-1: the fill value)
Gathers = Tuple[Tuple[int, np.ndarray], ...]


def _source_positions(mode: str, size: int, left: int, right: int) -> np.ndarray:
    """src[j] for the output positions j of one dim (see the module docstring)."""
    i = np.arange(size + left + right) - left
    if mode == "constant":
        return np.where((i >= 0) & (i < size), i, -1)
    if mode == "replicate":
        return np.clip(i, 0, size - 1)
    if mode == "circular":
        return np.mod(i, size)
    # reflect: fold the index into one period of length 2 (n - 1), then mirror the upper half
    period = 2 * (size - 1)
    folded = np.mod(i, period) if period else np.zeros_like(i)
    return np.where(folded < size, folded, period - folded)


class Pad(Function):
    """Gather along each padded dim (fill value where nothing is read); scatter-add back."""

    @staticmethod
    def forward(ctx: Context, input: Tensor, gathers: Gathers, value: float) -> Tensor:
        out = input.to_numpy() if gathers else input.to_numpy().copy()  # np.take copies
        for dim, src in gathers:
            out = np.take(out, np.maximum(src, 0), axis=dim)
            outside = src < 0
            if outside.any():
                index = [slice(None)] * out.ndim
                index[dim] = outside
                out[tuple(index)] = value
        ctx.gathers, ctx.input_shape = gathers, input.shape
        out = np.ascontiguousarray(out)
        return input._new(TensorData._trusted(out.reshape(-1), out.shape))

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        grad = grad_output.to_numpy()
        shape = list(grad.shape)
        for dim, src in reversed(ctx.gathers):
            shape[dim] = ctx.input_shape[dim]
            summed = np.zeros(shape, dtype=grad.dtype)
            read = np.flatnonzero(src >= 0)
            # (..., n_out, ...) -> (..., n_in, ...): add each output slice onto the slice it read
            moved_grad = np.moveaxis(grad, dim, 0)[read]
            np.add.at(np.moveaxis(summed, dim, 0), src[read], moved_grad)
            grad = summed
        grad = np.ascontiguousarray(grad)
        return grad_output._new(TensorData._trusted(grad.reshape(-1), grad.shape))


def pad(input: Tensor, pad: Sequence[int], mode: str = "constant", value: Optional[float] = None) -> Tensor:
    """Pad the last len(pad) // 2 dims of `input` (as `torch.nn.functional.pad`).

    out[..., j] = input[..., src(j)] along each padded dim, where src mirrors ("reflect", the
    edge not repeated), clamps ("replicate") or wraps ("circular") the index j - left; "constant"
    writes `value` outside the input and crops for negative pads.

    Args:
        input: any shape; "reflect", "replicate" and "circular" need (N, C, *d) or (C, *d)
            with 1 to 3 padded dims d, as in PyTorch.
        pad: (left, right) pairs, the last dim's first: (l_1, r_1, l_2, r_2, ...). Negative
            pads crop ("constant" only); "reflect" needs pads < the dim's size, "circular"
            pads <= it.
        mode: "constant" (default), "reflect", "replicate" or "circular".
        value: the fill value of "constant"; None (the default) means 0.

    Shape:
        (*, n_k, ..., n_1) -> (*, n_k + l_k + r_k, ..., n_1 + l_1 + r_1) for k = len(pad) // 2.

    Example:
        >>> x = minitorch.tensor([[[1.0, 2.0, 3.0]]])
        >>> pad(x, (2, 1), mode="reflect").to_numpy().tolist()
        [[[3.0, 2.0, 1.0, 2.0, 3.0, 2.0]]]
    """
    if not isinstance(input, Tensor):
        raise DTypeError(f"pad: input must be a minitorch Tensor, got {type(input).__name__}")
    pads = tuple(pad)
    if len(pads) % 2 or not all(isinstance(p, (int, np.integer)) for p in pads):
        raise ShapeError(f"pad: pad must be an even-length sequence of ints (left, right, ...), got {pad!r}")
    n = len(pads) // 2
    if n > input.dims:
        raise ShapeError(f"pad: {n} (left, right) pairs but the input {input.shape} has only {input.dims} dims")
    if mode not in PAD_MODES:
        raise ShapeError(f"pad: mode must be one of {PAD_MODES}, got {mode!r}")
    if mode != "constant":
        if value is not None and value != 0.0:
            raise ShapeError(f"pad: value is only used by mode='constant', got value={value} with mode={mode!r}")
        if not 1 <= n <= 3 or input.dims not in (n + 1, n + 2):
            raise ShapeError(
                f"pad: mode={mode!r} pads 1 to 3 trailing dims of a (N, C, *d) or (C, *d) input; got "
                f"{n} pairs for input {input.shape}; use mode='constant' for other layouts"
            )
    gathers = []
    for k in range(n):
        dim = input.dims - 1 - k
        left, right = int(pads[2 * k]), int(pads[2 * k + 1])
        size = input.shape[dim]
        if size + left + right < 0:
            raise ShapeError(f"pad: pads ({left}, {right}) crop dim {dim} of size {size} below zero (input {input.shape})")
        if mode != "constant":
            # PyTorch's limits: reflect < size, circular <= size (one wrap), replicate any
            limit = {"reflect": size - 1, "circular": size}.get(mode, max(left, right, 0))
            if min(left, right) < 0 or max(left, right) > limit or size == 0:
                raise ShapeError(
                    f"pad: mode={mode!r} needs pads in [0, {limit}] for dim {dim} of size {size} (input "
                    f"{input.shape}), got ({left}, {right}); pad less, or crop with mode='constant' first"
                )
        if left or right:
            gathers.append((dim, _source_positions(mode, size, left, right)))
    return Pad.apply(input, tuple(gathers), 0.0 if value is None else float(value))
