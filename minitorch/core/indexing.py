"""Reading an index expression (`x[key]`) against a shape, NumPy/PyTorch rules.

`parse_key(key, shape)` checks the key and sorts it into one of three kinds:

* **element** -- one int per dim (`x[1, -2]`): the MiniTorch course reads a Python number;
* **basic** -- ints, slices (positive steps), `None` and `...`: a view of the same storage,
  whose `view_layout` (offset, shape, strides) this module computes;
* **advanced** -- at least one integer array or boolean mask (a list, a numpy array, an int64
  or bool tensor): a copy. As in PyTorch, the ints, slices and Nones apply first (a view) and
  the arrays then index that view, gathered by the backend's array namespace (NumPy would
  count an int as an advanced index too; the two differ when an int and an array are
  separated by a slice: `x[:, 0, ..., [0]]`).

Integer arrays may be negative (counted from the end); boolean masks must match the dims they
cover. Everything is checked here, so a bad key raises `IndexingError` naming the key, the
shape and the fix, never an array library's message.
"""

from __future__ import annotations

import functools
from typing import Any, List, NamedTuple, Optional, Sequence, Tuple

import numpy as np

from ..errors import IndexingError, ShapeError

__all__ = ["IndexPlan", "parse_key", "view_layout", "reshape_strides", "reshape_layout", "resolve_shape", "is_row_major"]

_BASIC = (int, slice, type(None))
_ALL = slice(None)


class IndexPlan(NamedTuple):
    """A checked key.

    kind: "element", "basic" or "advanced".
    entries: the key with `...` expanded into full slices (for "advanced": with each array
        replaced by full slices over the dims it indexes -- the basic part, a view).
    arrays: for "advanced", the key that indexes that view: the int64/bool numpy arrays (the
        host copy of any index tensor) in place, full slices elsewhere.
    """

    kind: str
    entries: Tuple[Any, ...]
    arrays: Tuple[Any, ...] = ()


def _describe(key: Any) -> str:
    parts = key if isinstance(key, tuple) else (key,)
    shown = []
    for part in parts:
        if isinstance(part, slice):
            text = ":".join("" if v is None else str(v) for v in (part.start, part.stop, part.step))
            shown.append(text.rstrip(":") if part.step is None else text)
        elif part is Ellipsis:
            shown.append("...")
        elif hasattr(part, "shape") and not isinstance(part, (int, np.integer)):
            shown.append(f"<{getattr(part, 'dtype', 'array')} array of shape {tuple(part.shape)}>")
        else:
            shown.append(repr(part))
    return "[" + ", ".join(shown) + "]"


def _as_index_array(entry: Any, key: Any, shape: Tuple[int, ...]) -> np.ndarray:
    """An int64 or bool numpy array from a list, numpy array or index tensor."""
    if hasattr(entry, "_tensor"):  # a minitorch Tensor
        array = entry._tensor.to_numpy_view()
        array = array.get() if hasattr(array, "get") else array  # a device array: to the host
    else:
        try:
            array = np.asarray(entry)
        except ValueError as error:
            raise IndexingError(f"index: {_describe(key)} holds a ragged list; index lists must be rectangular") from error
        if array.size == 0 and array.dtype.kind == "f":  # x[[]] selects nothing
            array = array.astype(np.int64)
    if array.dtype.kind == "b":
        return array
    if array.dtype.kind in "iu":
        return array.astype(np.int64, copy=False)
    raise IndexingError(
        f"index: tensors and arrays used as indices must hold integers (int64) or booleans, got "
        f"{array.dtype} in {_describe(key)} for shape {shape}; convert with .long() or .bool()"
    )


def parse_key(key: Any, shape: Tuple[int, ...]) -> IndexPlan:
    """Check `key` against `shape` and sort it into element / basic / advanced.

    Raises:
        IndexingError: too many indices, an index out of range, a second `...`, a slice
            step that is not positive, a mask whose shape does not match, index arrays that
            do not broadcast together, or an index of an unsupported type.
    """
    parts = key if isinstance(key, tuple) else (key,)
    ndim = len(shape)
    if all(type(p) in _BASIC for p in parts):  # ints, slices and None: checked where used
        return IndexPlan(_basic_kind(parts, ndim), parts)
    entries: List[Any] = []
    consumed = 0
    ellipsis_at: Optional[int] = None
    advanced = False
    for part in parts:
        if part is None:
            entries.append(None)
        elif part is Ellipsis:
            if ellipsis_at is not None:
                raise IndexingError(f"index: {_describe(key)} has more than one '...'; use at most one")
            ellipsis_at = len(entries)
        elif isinstance(part, slice):
            entries.append(part)
            consumed += 1
        elif isinstance(part, (bool, np.bool_)):
            entries.append(np.array(bool(part)))  # a 0-d mask: adds a dim of size 1 (or 0)
            advanced = True
        elif isinstance(part, (int, np.integer)):
            entries.append(int(part))
            consumed += 1
        elif isinstance(part, (list, tuple, np.ndarray)) or hasattr(part, "_tensor"):
            array = _as_index_array(part, key, shape)
            if array.ndim == 0 and array.dtype.kind != "b":
                entries.append(int(array))  # a one-element index tensor acts as an int
                consumed += 1
                continue
            entries.append(array)
            consumed += array.ndim if array.dtype.kind == "b" else 1
            advanced = True
        else:
            raise IndexingError(
                f"index: {type(part).__name__} {part!r} cannot index a tensor (shape {shape}); use ints, "
                f"slices, None, ..., integer or boolean tensors, or lists of ints"
            )
    if consumed > ndim:
        raise IndexingError(
            f"index: too many indices for a tensor of shape {shape}: {_describe(key)} indexes {consumed} "
            f"dims but the tensor has {ndim}"
        )
    fill = (slice(None),) * (ndim - consumed)
    if ellipsis_at is None:
        entries.extend(fill)
    else:
        entries[ellipsis_at:ellipsis_at] = fill
    _check_ranges(entries, key, shape)
    if not advanced:
        return IndexPlan(_basic_kind(entries, ndim), tuple(entries))
    _check_broadcast(entries, key, shape)
    basic: List[Any] = []
    arrays: List[Any] = []
    for entry in entries:
        if isinstance(entry, np.ndarray):
            covered = entry.ndim if entry.dtype.kind == "b" else 1
            basic.extend((slice(None),) * covered)
            arrays.append(entry)
        else:
            basic.append(entry)
            if not isinstance(entry, int):
                arrays.append(slice(None))  # a slice or None: one dim of the view
    while isinstance(arrays[-1], slice):  # trailing full slices are implied
        arrays.pop()
    return IndexPlan("advanced", tuple(basic), tuple(arrays))


def _basic_kind(entries: Sequence[Any], ndim: int) -> str:
    """"element" for one int per dim (the course's `t[i, j]`), else "basic"."""
    return "element" if len(entries) == ndim and all(type(e) is int for e in entries) else "basic"


def _check_ranges(entries: Sequence[Any], key: Any, shape: Tuple[int, ...]) -> None:
    """Check the index arrays and masks of an advanced key (ints and slices: `view_layout`)."""
    dim = 0
    for entry in entries:
        if entry is None:
            continue
        if not isinstance(entry, np.ndarray):
            dim += 1
            continue
        if entry.dtype.kind == "b":
            covered = shape[dim : dim + entry.ndim]
            if tuple(entry.shape) != tuple(covered):
                raise IndexingError(
                    f"index: boolean mask of shape {tuple(entry.shape)} does not match the dims it covers: "
                    f"shape {shape} has {tuple(covered)} at dims {dim}..{dim + entry.ndim - 1}; "
                    f"the mask must have exactly those sizes"
                )
            dim += entry.ndim
            continue
        size = shape[dim]
        if entry.size and (entry.min() < -size or entry.max() >= size):
            bad = entry[(entry < -size) | (entry >= size)].reshape(-1)[0]
            raise IndexingError(
                f"index: {_describe(key)} is out of range for shape {shape}: index {int(bad)} in dim {dim} "
                f"of size {size} (use {-size}..{size - 1})"
            )
        dim += 1


def _check_broadcast(entries: Sequence[Any], key: Any, shape: Tuple[int, ...]) -> None:
    shapes = []
    for entry in entries:
        if isinstance(entry, np.ndarray):
            shapes.append((int(entry.sum()),) if entry.dtype.kind == "b" and entry.ndim else entry.shape)
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        raise IndexingError(
            f"index: the index arrays of {_describe(key)} have shapes {[tuple(s) for s in shapes]} "
            f"(a mask counts as its number of True entries), which do not broadcast together "
            f"(tensor shape {shape}); give them broadcastable shapes"
        ) from None


def view_layout(
    entries: Sequence[Any], shape: Tuple[int, ...], strides: Tuple[int, ...]
) -> Optional[Tuple[int, Tuple[int, ...], Tuple[int, ...], int]]:
    """(offset, shape, strides, size) of the view that ints, slices and Nones select; None when
    an entry is anything else (`...`, an array, a numpy int: `parse_key` sorts those out).

    An int drops its dim and moves the offset; a slice keeps the dim with size
    len(range(start, stop, step)) and stride * step; `None` inserts a dim of size 1. Dims
    after the last entry are kept whole. (The loop is the hot path of `x[:, 1:3]`: written
    for speed.)

    Raises:
        IndexingError: more entries than dims, an int out of range, a step that is not positive.

    Example:
        >>> view_layout((slice(None), 1), (2, 3), (3, 1))
        (1, (2,), (3,), 2)
    """
    offset = 0
    size = 1
    out_shape: List[int] = []
    # None while the view keeps the input's strides (only slices of step 1): the input's own
    # tuple is then the view's, one object fewer per view (views are made by the thousand)
    out_strides: Optional[List[int]] = None
    dim = 0
    ndim = len(shape)
    for entry in entries:
        kind = entry.__class__
        if kind is slice:
            if dim == ndim:
                raise IndexingError(f"index: too many indices for a tensor of shape {shape}: {_describe(tuple(entries))}")
            length, stride = shape[dim], strides[dim]
            step = entry.step
            if step is None:
                if entry.start is not None or entry.stop is not None:
                    start, stop, _ = entry.indices(length)
                    length = stop - start if stop > start else 0
                    if length:
                        offset += start * stride
            elif step > 0:
                start, stop, _ = entry.indices(length)
                length = (stop - start + step - 1) // step if stop > start else 0
                if length:
                    offset += start * stride
                if out_strides is None:
                    out_strides = list(strides[:dim])
                stride *= step
            else:
                raise IndexingError(
                    f"index: slice step {step} in {_describe(tuple(entries))} must be positive (as in "
                    f"PyTorch); index with a reversed list instead, x[list(range(n - 1, -1, -1))]"
                )
            out_shape.append(length)
            if out_strides is not None:
                out_strides.append(stride)
            size *= length
            dim += 1
        elif kind is int:
            if dim == ndim:
                raise IndexingError(f"index: too many indices for a tensor of shape {shape}: {_describe(tuple(entries))}")
            length = shape[dim]
            if not -length <= entry < length:
                raise IndexingError(
                    f"index: {_describe(tuple(entries))} is out of range for shape {shape}: index {entry} in dim "
                    f"{dim} of size {length} (use {-length}..{length - 1})"
                )
            offset += (entry + length if entry < 0 else entry) * strides[dim]
            if out_strides is None:
                out_strides = list(strides[:dim])
            dim += 1
        elif entry is None:
            if out_strides is None:
                out_strides = list(strides[:dim])
            out_shape.append(1)
            out_strides.append(0)
        else:
            return None
    for rest in shape[dim:]:
        size *= rest
    view_strides = strides if out_strides is None else (*out_strides, *strides[dim:])
    return offset, (*out_shape, *shape[dim:]), view_strides, size


def reshape_strides(
    shape: Tuple[int, ...], strides: Tuple[int, ...], new_shape: Tuple[int, ...]
) -> Optional[Tuple[int, ...]]:
    """Strides that show a tensor of (shape, strides) as `new_shape` without copying, or None
    when no strides can (PyTorch's rule for `view`: `reshape` copies then).

    The old dims are cut into chunks that are each one evenly strided run (dim i and i + 1 are
    in one chunk when stride[i] == size[i + 1] * stride[i + 1]); a view exists when the new
    dims can be grouped, in order, into products matching those chunks.

    Example:
        >>> reshape_strides((4, 2, 3), (12, 3, 1), (4, 6)), reshape_strides((3, 4), (1, 3), (12,))
        ((12, 1), None)
    """
    total = 1
    for size in shape:
        total *= size
    if total == 0 or not shape:  # nothing to address, or a single element: row-major strides
        out: List[int] = []
        step = 1
        for size in reversed(new_shape):
            out.append(step)
            step *= max(size, 1)
        return tuple(reversed(out))
    new_strides = [0] * len(new_shape)
    view_d = len(new_shape) - 1
    base = strides[-1]  # the stride of the innermost dim of the current chunk
    chunk_numel = 1
    view_numel = 1
    for d in range(len(shape) - 1, -1, -1):
        chunk_numel *= shape[d]
        if d == 0 or (shape[d - 1] != 1 and strides[d - 1] != chunk_numel * base):  # the chunk ends at d
            while view_d >= 0 and (view_numel < chunk_numel or new_shape[view_d] == 1):
                new_strides[view_d] = view_numel * base
                view_numel *= new_shape[view_d]
                view_d -= 1
            if view_numel != chunk_numel:
                return None
            if d > 0:
                base = strides[d - 1]
                chunk_numel = 1
                view_numel = 1
    if view_d != -1:
        return None
    return tuple(new_strides)


def is_row_major(shape: Tuple[int, ...], strides: Tuple[int, ...]) -> bool:
    """Whether (shape, strides) lays the entries out in row-major order from position 0
    (a contiguous tensor: size-1 dims may have any stride; an empty one always is).

    Example:
        >>> is_row_major((2, 1, 3), (3, 7, 1)), is_row_major((2, 3), (1, 2))
        (True, False)
    """
    if 0 in shape:
        return True
    expected = 1
    for size, stride in zip(reversed(shape), reversed(strides)):
        if size != 1 and stride != expected:
            return False
        expected *= size
    return True


def resolve_shape(op: str, old: Tuple[int, ...], size: int, shape: Tuple[int, ...]) -> Tuple[int, ...]:
    """`shape` with its -1 (at most one) worked out for `size` elements.

    Raises:
        ShapeError: more than one -1, another negative size, or sizes that do not multiply to `size`.
    """
    total = 1
    negative = False
    for s in shape:
        total *= s
        negative = negative or s < 0
    if total == size and not negative:  # the common case: every size given
        return shape
    unknown = [i for i, s in enumerate(shape) if s == -1]
    if len(unknown) > 1 or any(s < -1 for s in shape):
        raise ShapeError(f"{op}: shape {shape} is invalid (at most one -1, no other negatives)")
    if unknown:
        known = -total
        if known == 0 or size % known != 0:
            raise ShapeError(f"{op}: cannot view a tensor of shape {old} ({size} elements) as {shape}")
        return tuple(size // known if s == -1 else s for s in shape)
    raise ShapeError(f"{op}: cannot view a tensor of shape {old} ({size} elements) as {shape} ({total} elements)")


@functools.lru_cache(maxsize=1024)
def reshape_layout(
    op: str, shape: Tuple[int, ...], strides: Tuple[int, ...], requested: Tuple[int, ...]
) -> Tuple[Tuple[int, ...], Optional[Tuple[int, ...]], bool]:
    """How data of (shape, strides) is seen as `requested` (one size may be -1): (the new shape,
    its strides -- None when the data is row-major, so the view is too --, whether a view exists;
    when not, `reshape` copies first and the copy is row-major).

    Cached: a program reshapes the same layouts again and again (`x.view(n, -1)` every step).

    Raises:
        ShapeError: (from `resolve_shape`) sizes that cannot describe the data, naming `op`.

    Example:
        >>> reshape_layout("reshape", (2, 3), (1, 2), (6,)), reshape_layout("view", (2, 3), (3, 1), (3, -1))
        (((6,), None, False), ((3, 2), None, True))
    """
    size = 1
    for s in shape:
        size *= s
    new_shape = resolve_shape(op, shape, size, requested)
    if is_row_major(shape, strides):
        return new_shape, None, True
    new_strides = reshape_strides(shape, strides, new_shape)
    return new_shape, new_strides, new_strides is not None
