"""Tensor methods that reduce or scan along dims, or order along one (a mixin of `Tensor`).

Sugar over the functions of `minitorch.ops`, reached through `core.dispatch.ops`. As in
MiniTorch, `sum(dim)` and `mean(dim)` keep the reduced dim with size 1 and `sum()` has shape
(1,) unless `keepdim` is given (`keepdim=False` is PyTorch's shape); the reductions MiniTorch
has not (`prod`, `var`, `std`, `max`, `min`, `amax`, `amin`, `norm`, `argmax`, `argmin`,
`all`, `any`, `logsumexp`) follow PyTorch, and so do `cumsum`, `cumprod`, `sort`, `argsort`
and `topk`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional, Sequence, Union

from .dispatch import ops

if TYPE_CHECKING:
    from .tensor import Tensor

__all__ = ["ReduceMethods"]

Dims = Union[int, Sequence[int], None]  # one dim, several, or every dim


class ReduceMethods:
    """Reductions of `Tensor`."""

    __slots__ = ()

    def sum(self, dim: Dims = None, keepdim: Optional[bool] = None) -> "Tensor":
        """Sum over `dim` (kept with size 1), or over everything (shape (1,)); see `ops.reduce.sum`."""
        return ops.sum(self, dim, keepdim)

    def mean(self, dim: Dims = None, keepdim: Optional[bool] = None) -> "Tensor":
        """Mean over `dim` (kept with size 1), or over everything (shape (1,)); see `ops.statistics.mean`."""
        return ops.mean(self, dim, keepdim)

    def var(self, dim: Dims = None, unbiased: Optional[bool] = None, keepdim: bool = False, *,
            correction: Optional[float] = None) -> "Tensor":
        """Variance (as `torch.var`; correction 1 by default)."""
        return ops.var(self, dim, unbiased, keepdim, correction=correction)

    def std(self, dim: Dims = None, unbiased: Optional[bool] = None, keepdim: bool = False, *,
            correction: Optional[float] = None) -> "Tensor":
        """Standard deviation (as `torch.std`; correction 1 by default)."""
        return ops.std(self, dim, unbiased, keepdim, correction=correction)

    def prod(self, dim: Optional[int] = None, keepdim: bool = False) -> "Tensor":
        return ops.prod(self, dim, keepdim)

    def cumsum(self, dim: int) -> "Tensor":
        return ops.cumsum(self, dim)

    def cumprod(self, dim: int) -> "Tensor":
        return ops.cumprod(self, dim)

    def max(self, dim: Union[int, "Tensor", None] = None, keepdim: bool = False) -> Any:
        """The maximum: 0-d, or (values, indices) along `dim`, or maximum(self, other tensor)."""
        return ops.max(self, dim, keepdim)

    def min(self, dim: Union[int, "Tensor", None] = None, keepdim: bool = False) -> Any:
        """The minimum: 0-d, or (values, indices) along `dim`, or minimum(self, other tensor)."""
        return ops.min(self, dim, keepdim)

    def amax(self, dim: Union[int, Sequence[int]] = (), keepdim: bool = False) -> "Tensor":
        """The maximum over `dim` (every dim by default); ties share the gradient (as `torch.amax`)."""
        return ops.amax(self, dim, keepdim)

    def amin(self, dim: Union[int, Sequence[int]] = (), keepdim: bool = False) -> "Tensor":
        """The minimum over `dim` (every dim by default); ties share the gradient (as `torch.amin`)."""
        return ops.amin(self, dim, keepdim)

    def norm(self, p: Union[float, str] = "fro", dim: Dims = None, keepdim: bool = False,
             dtype: Any = None) -> "Tensor":
        """The vector p-norm over `dim` (every dim by default); see `minitorch.ops.norm.norm`."""
        return ops.norm(self, p, dim, keepdim, dtype)

    def logsumexp(self, dim: Union[int, Sequence[int]], keepdim: bool = False) -> "Tensor":
        """log(sum(exp(self))) over `dim`, computed stably (as `torch.logsumexp`)."""
        return ops.logsumexp(self, dim, keepdim)

    def count_nonzero(self, dim: Dims = None) -> "Tensor":
        """The number of non-zero entries over `dim` (every dim by default), int64."""
        return ops.sum(ops.ne(self, 0), dim, keepdim=False)

    def argmax(self, dim: Optional[int] = None, keepdim: bool = False) -> "Tensor":
        return ops.argmax(self, dim, keepdim)

    def argmin(self, dim: Optional[int] = None, keepdim: bool = False) -> "Tensor":
        return ops.argmin(self, dim, keepdim)

    def all(self, dim: Dims = None, keepdim: bool = False) -> "Tensor":
        """True where every entry (along `dim`) is non-zero (bool)."""
        return ops.all(self, dim, keepdim)

    def any(self, dim: Dims = None, keepdim: bool = False) -> "Tensor":
        """True where some entry (along `dim`) is non-zero (bool)."""
        return ops.any(self, dim, keepdim)

    def sort(self, dim: int = -1, descending: bool = False, stable: bool = False) -> Any:
        """(values, indices) sorted along `dim` (see `minitorch.ops.sort.sort`)."""
        return ops.sort(self, dim, descending, stable)

    def argsort(self, dim: int = -1, descending: bool = False, stable: bool = False) -> "Tensor":
        return ops.argsort(self, dim, descending, stable)

    def topk(self, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> Any:
        """(values, indices) of the k largest (or smallest) along `dim` (see `minitorch.ops.sort.topk`)."""
        return ops.topk(self, k, dim, largest, sorted)
