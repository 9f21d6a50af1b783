"""`default_collate`: a list of examples -> one batch, as `torch.utils.data.default_collate`.

Tensors are stacked (on their backend); numpy arrays and numbers become tensors of their own
dtype (Python floats float64, ints int64, bools bool; float16 and other floats float64 and other
integers int64, minitorch's dtypes); strings stay lists; tuples, lists, named tuples and dicts
are collated field by field (a tuple gives a list, as torch's).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, List

import numpy as np

from minitorch.core.creation import from_numpy
from minitorch.core.tensor import Tensor
from minitorch.errors import DTypeError, ShapeError
from minitorch.ops.stack import stack

__all__ = ["default_collate", "as_tensor"]


def as_tensor(value: Any) -> Any:
    """A numpy array or number as a CPU tensor of its dtype (a Tensor or string as it is)."""
    if isinstance(value, (Tensor, str, bytes)):
        return value
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise DTypeError(f"default_collate: cannot make a tensor of {type(value).__name__} with dtype {array.dtype}; "
                         "return numbers, numpy arrays or tensors from the dataset (or pass your own collate_fn)")
    if array.dtype.kind == "f" and array.dtype != np.float32:
        array = array.astype(np.float64, copy=False)
    return from_numpy(array if array.flags.c_contiguous else array.copy())  # (ascontiguousarray makes 0-d 1-d)


def default_collate(batch: List[Any]) -> Any:
    """Merge a list of examples into a batch with a new first dim.

    Args:
        batch: examples of one structure (tensors, arrays, numbers, strings, or tuples / lists /
            dicts of them).

    Raises:
        ShapeError: tensors or arrays of different shapes, or sequences of different lengths.
        DTypeError: a value that cannot become a tensor.

    Shape:
        B examples of shape S -> (B, *S).

    Example:
        >>> x, y = default_collate([(np.zeros(3), 1), (np.ones(3), 0)])
        >>> x.shape, y.tolist()
        ((2, 3), [1, 0])
    """
    first = batch[0]
    if isinstance(first, Tensor):
        shapes = {t.shape for t in batch}
        if len(shapes) != 1:
            raise ShapeError(f"default_collate: the examples' tensors have shapes {sorted(shapes)}; one batch needs one "
                             "shape (pad them, or pass your own collate_fn)")
        return stack(batch)
    if isinstance(first, (str, bytes)):
        return list(batch)
    if isinstance(first, Mapping):
        return {key: default_collate([example[key] for example in batch]) for key in first}
    if isinstance(first, tuple) and hasattr(first, "_fields"):  # a named tuple
        return type(first)(*(default_collate(list(field)) for field in zip(*batch)))
    if isinstance(first, Sequence) and not isinstance(first, np.ndarray):
        if any(len(example) != len(first) for example in batch):
            raise ShapeError("default_collate: each example in the batch must have the same number of fields, got "
                             f"{sorted({len(e) for e in batch})}")
        return [default_collate(list(field)) for field in zip(*batch)]
    arrays = [np.asarray(example) for example in batch]
    shapes = {a.shape for a in arrays}
    if len(shapes) != 1:
        raise ShapeError(f"default_collate: the examples' arrays have shapes {sorted(shapes)}; one batch needs one "
                         "shape (pad them, or pass your own collate_fn)")
    return as_tensor(np.stack(arrays))
