"""flatten and unflatten: merge a run of dims into one, or split one dim into several.

Both are views when the strides allow (a copy is made first otherwise, as `reshape`), so the
gradient is the reverse view.
"""

from __future__ import annotations

from typing import Sequence

from ..core.tensor import Tensor
from ..errors import DTypeError, ShapeError
from .movement import reshape
from .rows import normalise_dims

__all__ = ["flatten", "unflatten"]


def flatten(input: Tensor, start_dim: int = 1, end_dim: int = -1) -> Tensor:
    """Merge dims start_dim..end_dim into one (as `nn.Flatten`; note `torch.flatten`
    defaults to start_dim=0, here the batch dim is kept by default).

    out.shape = shape[:start] + (prod(shape[start:end + 1]),) + shape[end + 1:].

    Args:
        input: any shape with at least one dim.
        start_dim: first dim to merge. Default 1.
        end_dim: last dim to merge (inclusive). Default -1.

    Shape:
        (N, *) -> (N, prod(*)) with the defaults.

    Example:
        >>> flatten(minitorch.zeros((2, 3, 4))).shape
        (2, 12)
    """
    if not isinstance(input, Tensor):
        raise DTypeError(f"flatten: input must be a minitorch Tensor, got {type(input).__name__}")
    (start,) = normalise_dims("flatten", start_dim, input.dims)
    (end,) = normalise_dims("flatten", end_dim, input.dims)
    if start > end:
        raise ShapeError(
            f"flatten: start_dim {start_dim} comes after end_dim {end_dim} for input of shape {input.shape}; "
            f"swap them"
        )
    if start == end:
        return input
    merged = 1
    for size in input.shape[start : end + 1]:
        merged *= size
    shape = input.shape[:start] + (merged,) + input.shape[end + 1 :]
    return reshape(input, shape)  # (..., d_start..d_end, ...) -> (..., prod, ...): a view when strides allow


def unflatten(input: Tensor, dim: int, sizes: Sequence[int]) -> Tensor:
    """Split dim `dim` into `sizes` (as `torch.unflatten`); one size may be -1.

    Args:
        input: any shape.
        dim: the dim to split.
        sizes: the new sizes; their product must equal input.shape[dim].

    Shape:
        (..., d, ...) -> (..., *sizes, ...).

    Example:
        >>> unflatten(minitorch.zeros((2, 12)), 1, (3, 4)).shape
        (2, 3, 4)
    """
    if not isinstance(input, Tensor):
        raise DTypeError(f"unflatten: input must be a minitorch Tensor, got {type(input).__name__}")
    (d,) = normalise_dims("unflatten", dim, input.dims)
    sizes = tuple(int(s) for s in sizes)
    size = input.shape[d]
    known = 1
    for s in sizes:
        if s != -1:
            known *= s
    unknown = sizes.count(-1)
    bad = not sizes or unknown > 1 or any(s < -1 for s in sizes)
    if not bad and unknown:
        bad = known == 0 or size % known != 0
        sizes = tuple(size // known if s == -1 else s for s in sizes) if not bad else sizes
    if bad or (not unknown and known != size):
        raise ShapeError(
            f"unflatten: sizes {tuple(sizes)} do not multiply to {size}, the size of dim {dim} of input "
            f"{input.shape}; give sizes whose product is {size} (at most one -1)"
        )
    shape = input.shape[:d] + sizes + input.shape[d + 1 :]
    return reshape(input, shape)  # (..., d, ...) -> (..., *sizes, ...): a view when strides allow
