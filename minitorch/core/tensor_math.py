"""Tensor methods for arithmetic, comparisons and elementwise functions (a mixin of `Tensor`).

Each method is sugar over a differentiable function of `minitorch.ops`, reached through
`core.dispatch.ops` (installed by the ops layer; core imports nothing above itself).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Union

from .dispatch import ops

if TYPE_CHECKING:
    from .tensor import Tensor

__all__ = ["MathMethods", "TensorLike"]

TensorLike = Union[float, int, "Tensor"]


class MathMethods:
    """Operators (`+ - * / @ < > == -`) and elementwise functions of `Tensor`."""

    def __add__(self: "Tensor", b: TensorLike) -> "Tensor":
        return ops.Add.apply(self, self._ensure_tensor(b))

    def __radd__(self: "Tensor", b: TensorLike) -> "Tensor":
        return ops.Add.apply(self._ensure_tensor(b), self)

    def __sub__(self: "Tensor", b: TensorLike) -> "Tensor":
        return ops.Add.apply(self, ops.Neg.apply(self._ensure_tensor(b)))

    def __rsub__(self: "Tensor", b: TensorLike) -> "Tensor":
        return ops.Add.apply(self._ensure_tensor(b), ops.Neg.apply(self))

    def __mul__(self: "Tensor", b: TensorLike) -> "Tensor":
        return ops.Mul.apply(self, self._ensure_tensor(b))

    def __rmul__(self: "Tensor", b: TensorLike) -> "Tensor":
        return ops.Mul.apply(self._ensure_tensor(b), self)

    def __truediv__(self: "Tensor", b: TensorLike) -> "Tensor":
        return ops.Mul.apply(self, ops.Inv.apply(self._ensure_tensor(b)))

    def __rtruediv__(self: "Tensor", b: TensorLike) -> "Tensor":
        return ops.Mul.apply(self._ensure_tensor(b), ops.Inv.apply(self))

    def __matmul__(self: "Tensor", b: "Tensor") -> "Tensor":
        return ops.MatMul.apply(self, b)

    def __lt__(self: "Tensor", b: TensorLike) -> "Tensor":
        return ops.LT.apply(self, self._ensure_tensor(b))

    def __gt__(self: "Tensor", b: TensorLike) -> "Tensor":
        return ops.LT.apply(self._ensure_tensor(b), self)

    def __eq__(self: "Tensor", b: Any) -> "Tensor":  # type: ignore[override]
        return ops.EQ.apply(self, self._ensure_tensor(b))

    def __neg__(self: "Tensor") -> "Tensor":
        return ops.Neg.apply(self)

    def is_close(self: "Tensor", b: TensorLike) -> "Tensor":
        return ops.IsClose.apply(self, self._ensure_tensor(b))

    def sigmoid(self: "Tensor") -> "Tensor":
        return ops.Sigmoid.apply(self)

    def relu(self: "Tensor") -> "Tensor":
        return ops.ReLU.apply(self)

    def log(self: "Tensor") -> "Tensor":
        return ops.Log.apply(self)

    def exp(self: "Tensor") -> "Tensor":
        return ops.Exp.apply(self)
