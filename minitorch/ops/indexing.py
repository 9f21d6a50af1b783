"""Indexing with autodiff: `x[key]` and `x[key] = value` (NumPy/PyTorch rules).

Basic keys (ints, slices, None, ...) give a view sharing the input's storage (its storage
sliced at the view's offset, with the view's shape and strides); the gradient is the upstream
gradient written into that same view of a zero tensor. Advanced keys (integer arrays, boolean
masks) gather a copy; the gradient scatter-adds back, so repeated indices accumulate.
`core/indexing.py` checks the key and computes the view's layout.

Shape:
    basic: ints drop their dim, slices keep it (len(range(start, stop, step))), None adds a 1.
    advanced: the broadcast shape of the index arrays replaces the dims they index (in place
    when they are adjacent, else first), as in NumPy.
"""

from __future__ import annotations

from typing import Any, List, Optional, Tuple

from ..autodiff.function import Context, Function
from ..autodiff.graph import is_grad_enabled
from ..core.indexing import IndexPlan, parse_key
from ..core.tensor import Tensor
from ..errors import AutodiffError, ShapeError
from .arrays import array, from_array, namespace

__all__ = ["IndexView", "IndexCopy", "getitem", "setitem", "view_of"]


def view_of(t: Tensor, entries: Tuple[Any, ...]) -> Tensor:
    """The view of `t` that ints, slices and Nones select (no autodiff; shares storage)."""
    return t._new(t._tensor.select(entries))


def _outside(entries: Tuple[Any, ...], shape: Tuple[int, ...]) -> Optional[List[Tuple[Any, ...]]]:
    """Keys of the parts of `shape` that the basic key `entries` leaves out, when it narrows at
    most one dim to one run (an int, or a slice with step 1): then they are two slabs along
    that dim. None for any other key (the caller zeros everything)."""
    narrowed = None
    dim = 0
    for entry in entries:
        if entry is None:
            continue
        size = shape[dim]
        if entry.__class__ is int:
            start = entry + size if entry < 0 else entry
            stop = start + 1
        else:
            start, stop, step = entry.indices(size)
            if step != 1:
                return None
            if start == 0 and stop == size:  # the whole dim
                dim += 1
                continue
        if narrowed is not None:
            return None
        narrowed = (dim, start, max(start, stop))
        dim += 1
    if narrowed is None:
        return []
    dim, start, stop = narrowed
    lead = (slice(None),) * dim
    return [lead + (slice(0, start),), lead + (slice(stop, None),)]


class IndexView(Function):
    """x[basic key]: a view; the gradient is g written into the same view of zeros."""

    @staticmethod
    def forward(ctx: Context, a: Tensor, entries: Tuple[Any, ...]) -> Tensor:
        ctx.entries, ctx.shape = entries, a.shape
        return view_of(a, entries)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        xp = namespace(grad_output)
        outside = _outside(ctx.entries, ctx.shape)
        if outside is None:
            grad = xp.zeros(ctx.shape, dtype=grad_output.dtype)
        else:  # zeros only outside the view: x[:, 1:3] of (64, 3, 32, 32) zeros a third, not all of it
            grad = xp.empty(ctx.shape, dtype=grad_output.dtype)
            for key in outside:
                grad[key] = 0
        grad[ctx.entries] = array(grad_output)  # the key is basic (ints, slices, None): a view of grad
        return from_array(grad_output, grad)


def _device_key(like: Tensor, arrays: Tuple[Any, ...]) -> Tuple[Any, ...]:
    """The advanced part of a key with its index arrays moved to `like`'s array namespace."""
    xp = namespace(like)
    return tuple(xp.asarray(e) if hasattr(e, "dtype") else e for e in arrays)


class IndexCopy(Function):
    """x[advanced key]: the basic part as a view, then the arrays gather a copy from it; the
    gradient scatter-adds g into that view of zeros (repeated indices accumulate)."""

    @staticmethod
    def forward(ctx: Context, a: Tensor, plan: IndexPlan) -> Tensor:
        key = _device_key(a, plan.arrays)
        ctx.entries, ctx.key, ctx.shape = plan.entries, key, a.shape
        return from_array(a, array(view_of(a, plan.entries))[key])

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        xp = namespace(grad_output)
        grad = from_array(grad_output, xp.zeros(ctx.shape, dtype=grad_output.dtype))
        target, key, values = array(view_of(grad, ctx.entries)), ctx.key, array(grad_output)
        if len(key) == 1 and key[0].ndim == 1 and key[0].dtype.kind != "b":
            grad_output.backend.ops.index_add(target, key[0], values)  # rows: the backend's kernel
        else:
            xp.add.at(target, key, values)
        return grad


def getitem(input: Tensor, key: Any, plan: Any = None) -> Any:
    """`input[key]` (as `torch.Tensor.__getitem__`, except one int per dim reads a number).

    Args:
        input: any shape.
        key: ints, slices (positive steps), None, ..., integer arrays/lists/tensors, boolean
            masks, or a tuple of them.
        plan: the key already checked by `core.indexing.parse_key` (optional).

    Returns:
        A Python number for one int per dim (the MiniTorch course's `t[i, j]`), a view for a
        basic key, a copy for an advanced key.

    Shape:
        see the module docstring.

    Example:
        >>> x = minitorch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        >>> x[:, 1:].shape, x[1, 2], x[[1, 0, 1]].shape
        ((2, 2), 6.0, (3, 3))
    """
    if plan is None:
        plan = parse_key(key, input.shape)
    if plan.kind == "element":
        return input._tensor.get(plan.entries)
    if plan.kind == "basic":
        return IndexView.apply(input, plan.entries)
    return IndexCopy.apply(input, plan)


def check_writable(op: str, t: Tensor) -> None:
    """Refuse an in-place write into a tensor whose gradient is being recorded.

    Raises:
        AutodiffError: when grad mode is on and `t` requires a gradient (as PyTorch refuses
            in-place ops on leaves that require grad; here also on non-leaves, which PyTorch
            allows with version counters).
    """
    if t.history is not None and is_grad_enabled():
        raise AutodiffError(
            f"{op}: cannot write in place into a tensor of shape {t.shape} that requires a gradient; "
            f"wrap the write in `with minitorch.no_grad():` (e.g. to initialise a parameter) or "
            f"write into a copy (x = x.clone())"
        )


def _value_array(target: Tensor, value: Any) -> Any:
    xp = namespace(target)
    if isinstance(value, Tensor):
        return array(value).astype(target.dtype, copy=False)
    try:
        return xp.asarray(value, dtype=target.dtype)
    except (TypeError, ValueError) as error:
        raise ShapeError(f"setitem: cannot write {type(value).__name__} {value!r} into a {target.dtype} tensor") from error


def setitem(input: Tensor, key: Any, value: Any) -> None:
    """`input[key] = value` in place, broadcasting `value` (as `torch.Tensor.__setitem__`).

    Args:
        input: the tensor written into (it must not be recording a gradient; see
            `check_writable`).
        key: any key `getitem` accepts.
        value: a number, a tensor or a (nested) list broadcastable to `input[key]`'s shape.

    Raises:
        AutodiffError: input requires a gradient and grad mode is on.
        ShapeError: value does not broadcast to the selected shape.

    Example:
        >>> x = minitorch.zeros((2, 3))
        >>> x[:, 1] = 5.0
        >>> x.to_numpy().tolist()
        [[0.0, 5.0, 0.0], [0.0, 5.0, 0.0]]
    """
    check_writable("setitem", input)
    plan: IndexPlan = parse_key(key, input.shape)
    if plan.kind == "element" and not isinstance(value, Tensor):
        input._tensor.set(plan.entries, value)
        return
    values = _value_array(input, value)
    if plan.kind == "advanced":
        target, key = array(view_of(input, plan.entries)), _device_key(input, plan.arrays)
    else:
        target, key = array(view_of(input, plan.entries) if plan.kind == "basic" else input), ...
        if plan.kind == "element":
            key = plan.entries
    try:
        target[key] = values
    except ValueError:
        raise ShapeError(
            f"setitem: a value of shape {tuple(values.shape)} does not broadcast to the shape "
            f"{tuple(target[key].shape)} that the key selects from shape {input.shape}"
        ) from None
