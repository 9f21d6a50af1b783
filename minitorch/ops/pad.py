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

from dataclasses import dataclass
from functools import lru_cache
from typing import List, Optional, Sequence, Tuple

from ..autodiff.function import Context, Function
from ..core.tensor import Tensor
from ..errors import DTypeError, ShapeError
from .arrays import array, from_array, is_int, namespace

__all__ = ["Pad", "PadPlan", "pad", "pad_plan", "PAD_MODES"]

PAD_MODES = ("constant", "reflect", "replicate", "circular")


def _source_position(mode: str, size: int, i: int) -> int:
    """The input position output position i + left reads along a dim of `size` (-1: the fill value)."""
    if mode == "constant":
        return i if 0 <= i < size else -1
    if mode == "replicate":
        return min(max(i, 0), size - 1)
    if mode == "circular":
        return i % size
    # reflect: fold the index into one period of length 2 (n - 1), then mirror the upper half
    period = 2 * (size - 1)
    folded = i % period if period else 0
    return folded if folded < size else period - folded


def _source_positions(mode: str, size: int, left: int, right: int) -> List[int]:
    """src[j] for the output positions j of one dim (see the module docstring)."""
    return [_source_position(mode, size, j - left) for j in range(size + left + right)]


@dataclass(frozen=True)
class PadPlan:
    """How one padding call moves data (built once per shape, pads and mode; cached).

    out_shape: the padded shape. out_index / in_index: the block where output position j
    holds input position j - left in every padded dim. edges: per padded dim, in order, the
    output positions outside that block as (index, source): source is the index of the output
    position they copy (same dim, in output coordinates), or None for the fill value.
    crops: whether a negative pad drops part of the input.
    """

    out_shape: Tuple[int, ...]
    out_index: tuple
    in_index: tuple
    edges: Tuple[Tuple[tuple, Optional[tuple]], ...]
    crops: bool


@lru_cache(maxsize=256)
def pad_plan(mode: str, shape: Tuple[int, ...], pairs: Tuple[Tuple[int, int], ...]) -> PadPlan:
    """The plan for padding `shape` by `pairs` ((left, right) for the last dim, then the one
    before, ...) in `mode`; the arguments are already validated."""
    out_shape, out_index, in_index = list(shape), [slice(None)] * len(shape), [slice(None)] * len(shape)
    edges = []
    for k, (left, right) in enumerate(pairs):
        dim = len(shape) - 1 - k
        src = _source_positions(mode, shape[dim], left, right)
        out_shape[dim] = len(src)
        direct = [s >= 0 and s == j - left for j, s in enumerate(src)]  # one run: output j <- input j - left
        run = [j for j, d in enumerate(direct) if d]
        lo, hi = (run[0], run[-1] + 1) if run else (0, 0)
        out_index[dim], in_index[dim] = slice(lo, hi), slice(lo - left, hi - left) if run else slice(0, 0)
        for j in (j for j, d in enumerate(direct) if not d):
            source = None if src[j] < 0 else (slice(None),) * dim + (src[j] + left,)
            edges.append(((slice(None),) * dim + (j,), source))
    crops = any(left < 0 or right < 0 for left, right in pairs)
    return PadPlan(tuple(out_shape), tuple(out_index), tuple(in_index), tuple(edges), crops)


class Pad(Function):
    """The input copied into the interior of the output, then the edge positions filled dim by
    dim (the value, or a copy of the output position they read, so corners come out right);
    backward adds every edge's gradient onto the position it read, in reverse, and takes the
    interior."""

    @staticmethod
    def forward(ctx: Context, input: Tensor, plan: PadPlan, value: float) -> Tensor:
        xp, x = namespace(input), array(input)
        reads = any(source is not None for _, source in plan.edges)  # every mode but "constant"
        # "constant": fill everything, then copy the interior (faster than filling strided edges)
        out = xp.empty(plan.out_shape, dtype=x.dtype) if reads else xp.full(plan.out_shape, value, dtype=x.dtype)
        out[plan.out_index] = x[plan.in_index]
        if reads:
            for target, source in plan.edges:
                out[target] = out[source]
        ctx.plan, ctx.input_shape, ctx.reads = plan, input.shape, reads
        return from_array(input, out)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        xp, grad, plan = namespace(grad_output), array(grad_output), ctx.plan
        if ctx.reads:
            grad = grad.copy()  # edges are added onto the positions they read
            for target, source in reversed(plan.edges):
                if source is not None:
                    grad[source] += grad[target]
        if not plan.crops:
            grad_in = grad[plan.out_index]  # the whole input was read
        else:
            grad_in = xp.zeros(ctx.input_shape, dtype=grad.dtype)  # zero where a negative pad cropped
            grad_in[plan.in_index] = grad[plan.out_index]
        return from_array(grad_output, grad_in)


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
    if len(pads) % 2 or not all(is_int(p) for p in pads):
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
    for k in range(n):
        dim = input.dims - 1 - k
        left, right = int(pads[2 * k]), int(pads[2 * k + 1])
        size = input.shape[dim]
        if size + left + right < 0 or min(left, right) < -size:
            raise ShapeError(
                f"pad: pads ({left}, {right}) crop more than dim {dim} holds (size {size}, input {input.shape}); "
                f"a negative pad may remove at most the whole dim"
            )
        if mode != "constant":
            # PyTorch's limits: reflect < size, circular <= size (one wrap), replicate any
            limit = {"reflect": size - 1, "circular": size}.get(mode, max(left, right, 0))
            if min(left, right) < 0 or max(left, right) > limit or size == 0:
                raise ShapeError(
                    f"pad: mode={mode!r} needs pads in [0, {limit}] for dim {dim} of size {size} (input "
                    f"{input.shape}), got ({left}, {right}); pad less, or crop with mode='constant' first"
                )
    pairs = tuple((int(pads[2 * k]), int(pads[2 * k + 1])) for k in range(n))
    return Pad.apply(input, pad_plan(mode, input.shape, pairs), 0.0 if value is None else float(value))
