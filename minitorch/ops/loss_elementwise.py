"""Elementwise losses, fused and stable: `mse_loss`, `binary_cross_entropy` and
`binary_cross_entropy_with_logits`.

One Function (`ElementwiseLoss`) computes, in a single pass over the backend's arrays, the per-element loss and
its derivatives with respect to the input and the target (each only when needed); backward
scales them by the upstream gradient (see `loss_reduce.py`).

Shape:
    input (*), target (*) of the same shape; optional weight broadcastable to (*).
    Output: (1,) for reduction "mean" / "sum", (*) for "none".
"""

from __future__ import annotations

from typing import Any, Optional, Tuple

from ..autodiff.function import Context, Function
from ..core.tensor import Tensor
from ..core.tensor_data import shape_broadcast
from ..errors import IndexingError, ShapeError
from .arrays import array, from_array, namespace, quiet
from .loss_reduce import check_reduction, reduce_loss, scale_grad

__all__ = ["ElementwiseLoss", "mse_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits"]

Derivs = Tuple[Any, Any, Any]


def _mse(xp: Any, x: Any, y: Any, pos_weight: Any) -> Derivs:
    diff = x - y
    return diff * diff, 2.0 * diff, -2.0 * diff


def _bce(xp: Any, x: Any, y: Any, pos_weight: Any) -> Derivs:
    if bool(xp.any((x < 0) | (x > 1))):
        raise ValueError(
            "binary_cross_entropy: all elements of input should be between 0 and 1 "
            "(apply sigmoid first, or use binary_cross_entropy_with_logits)"
        )
    log_x = xp.maximum(xp.log(x), -100.0)  # PyTorch clamps the logs at -100 (log 0 = -inf, quietly)
    log_1mx = xp.maximum(xp.log1p(-x), -100.0)
    loss = -(y * log_x + (1.0 - y) * log_1mx)
    d_input = (x - y) / xp.maximum((1.0 - x) * x, 1e-12)
    return loss, d_input, log_1mx - log_x


def _bce_logits(xp: Any, x: Any, y: Any, pos_weight: Any) -> Derivs:
    softplus_neg = xp.maximum(-x, 0.0) + xp.log1p(xp.exp(-xp.abs(x)))  # log(1 + e^-x), stable
    sigmoid = xp.exp(-softplus_neg)  # 1 / (1 + e^-x), no cancellation in either tail
    if pos_weight is None:
        return (1.0 - y) * x + softplus_neg, sigmoid - y, -x
    log_weight = 1.0 + (pos_weight - 1.0) * y
    loss = (1.0 - y) * x + log_weight * softplus_neg
    return loss, log_weight * sigmoid - pos_weight * y, -x + (pos_weight - 1.0) * softplus_neg


_KINDS = {"mse_loss": _mse, "binary_cross_entropy": _bce, "binary_cross_entropy_with_logits": _bce_logits}


class ElementwiseLoss(Function):
    """weight * loss(input, target) per element, reduced; derivatives computed in forward."""

    @staticmethod
    def forward(ctx: Context, input: Tensor, target: Tensor, kind: str, reduction: str,
                weight: Optional[Any], pos_weight: Optional[Any]) -> Tensor:
        xp = namespace(input)
        x = array(input)
        y = array(target).astype(x.dtype, copy=False)
        with quiet(input):
            loss, d_input, d_target = _KINDS[kind](xp, x, y, pos_weight)
        if weight is not None:
            loss, d_input, d_target = loss * weight, d_input * weight, d_target * weight
        if not ctx.no_grad:
            ctx.d_input = d_input.astype(x.dtype, copy=False) if input.history is not None else None
            ctx.d_target = d_target.astype(x.dtype, copy=False) if target.history is not None else None
            ctx.reduction, ctx.denom = reduction, float(x.size)
        return from_array(input, reduce_loss(xp, loss.astype(x.dtype, copy=False), reduction, float(x.size)))

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tuple[Optional[Tensor], Optional[Tensor]]:
        def scaled(local: Any) -> Optional[Tensor]:
            if local is None:
                return None
            return from_array(grad_output, scale_grad(local, grad_output, ctx.reduction, ctx.denom))

        return scaled(ctx.d_input), scaled(ctx.d_target)


def _as_array(value: Any, like: Tensor) -> Optional[Any]:
    """A weight (tensor, array, list or number) as an array of `like`'s backend and dtype."""
    if value is None:
        return None
    return namespace(like).asarray(array(value) if isinstance(value, Tensor) else value, dtype=like.dtype)


def _apply(op: str, input: Tensor, target: Any, reduction: str, weight: Any = None, pos_weight: Any = None) -> Tensor:
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: input must be a minitorch Tensor, got {type(input).__name__}")
    check_reduction(op, reduction)
    if not isinstance(target, Tensor):
        target = from_array(input, namespace(input).asarray(target, dtype=input.dtype))
    if target.shape != input.shape:
        raise ShapeError(
            f"{op}: target shape {target.shape} differs from input shape {input.shape}; reshape one "
            f"of them (e.g. target.view{input.shape}) so they match"
        )
    weight_array, pos_array = _as_array(weight, input), _as_array(pos_weight, input)
    for name, array in (("weight", weight_array), ("pos_weight", pos_array)):
        if array is not None:
            try:
                if shape_broadcast(array.shape, input.shape) != input.shape:
                    raise IndexingError("broadcasts to a larger shape")
            except IndexingError:
                raise ShapeError(
                    f"{op}: {name} of shape {array.shape} does not broadcast to the input {input.shape}"
                ) from None
    return ElementwiseLoss.apply(input, target, op, reduction, weight_array, pos_array)


def mse_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """Mean squared error (as `torch.nn.functional.mse_loss`).

    loss = (input - target)^2 elementwise; "mean" divides the sum by the number of elements.

    Args:
        input: predictions, any shape.
        target: same shape (a Tensor gets a gradient too when it requires one).
        reduction: "mean" (default), "sum" or "none".

    Shape:
        (*), (*) -> (1,), or (*) for "none".

    Example:
        >>> mse_loss(minitorch.tensor([1.0, 2.0]), minitorch.tensor([0.0, 0.0])).item()
        2.5
    """
    return _apply("mse_loss", input, target, reduction)


def binary_cross_entropy(input: Tensor, target: Any, weight: Any = None, reduction: str = "mean") -> Tensor:
    """Binary cross-entropy of probabilities (as `torch.nn.functional.binary_cross_entropy`).

    loss = -w (y log x + (1 - y) log(1 - x)), each log clamped at -100 as in PyTorch.

    Args:
        input: probabilities x in [0, 1], any shape.
        target: y, same shape (usually 0/1).
        weight: w, broadcastable to the input, default None.
        reduction: "mean" (default), "sum" or "none".

    Shape:
        (*), (*) -> (1,), or (*) for "none".

    Raises:
        ValueError: an input outside [0, 1].

    Example:
        >>> round(binary_cross_entropy(minitorch.tensor([0.9]), minitorch.tensor([1.0])).item(), 4)
        0.1054
    """
    return _apply("binary_cross_entropy", input, target, reduction, weight)


def binary_cross_entropy_with_logits(
    input: Tensor, target: Any, weight: Any = None, reduction: str = "mean", pos_weight: Any = None
) -> Tensor:
    """Binary cross-entropy of logits, fused with the sigmoid and stable for any logit
    (as `torch.nn.functional.binary_cross_entropy_with_logits`).

    loss = w ((1 - y) x + (1 + (p - 1) y) log(1 + e^-x)), with log(1 + e^-x) computed as
    max(-x, 0) + log1p(e^-|x|); p = pos_weight (1 when None).

    Args:
        input: logits x, any shape.
        target: y, same shape.
        weight: w, broadcastable to the input, default None.
        reduction: "mean" (default), "sum" or "none".
        pos_weight: p, weight of the positive term, broadcastable (e.g. one per class), default None.

    Shape:
        (*), (*) -> (1,), or (*) for "none".

    Example:
        >>> round(binary_cross_entropy_with_logits(minitorch.tensor([0.0]), minitorch.tensor([1.0])).item(), 4)
        0.6931
    """
    return _apply("binary_cross_entropy_with_logits", input, target, reduction, weight, pos_weight)
