"""Elementwise losses, fused and stable: `mse_loss`, `l1_loss`, `smooth_l1_loss`, `huber_loss`,
`kl_div`, `binary_cross_entropy` and `binary_cross_entropy_with_logits`.

One Function (`ElementwiseLoss`) computes, in a single pass over the backend's arrays, the per-element loss and
its derivatives with respect to the input and the target (each only when needed); backward
scales them by the upstream gradient (see `loss_reduce.py`).

Shape:
    input (*), target (*) of the same shape; optional weight broadcastable to (*).
    Output: (1,) for reduction "mean" / "sum" (and kl_div's "batchmean"), (*) for "none".
"""

from __future__ import annotations

from typing import Any, Optional, Tuple

from ..autodiff.function import Context, Function
from ..core.tensor import Tensor
from ..core.tensor_data import shape_broadcast
from ..errors import DomainError, IndexingError, ShapeError
from .arrays import array, from_array, namespace, quiet
from .loss_reduce import check_reduction, reduce_loss, scale_grad

__all__ = [
    "ElementwiseLoss", "mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "kl_div", "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
]

Derivs = Tuple[Any, Any, Any]


# Each kind: (xp, input, target, extra) -> (loss, d loss / d input, d loss / d target), where
# `extra` is the loss's parameter (pos_weight, beta, delta, log_target) or None.
def _mse(xp: Any, x: Any, y: Any, extra: Any) -> Derivs:
    diff = x - y
    return diff * diff, 2.0 * diff, -2.0 * diff


def _l1(xp: Any, x: Any, y: Any, extra: Any) -> Derivs:
    diff = x - y
    sign = xp.sign(diff)  # 0 at 0, as PyTorch's gradient
    return xp.abs(diff), sign, -sign


def _smooth_l1(xp: Any, x: Any, y: Any, beta: float) -> Derivs:
    if beta == 0.0:
        return _l1(xp, x, y, None)
    diff = x - y
    small = xp.abs(diff) < beta
    loss = xp.where(small, 0.5 * diff * diff / beta, xp.abs(diff) - 0.5 * beta)
    d_input = xp.where(small, diff / beta, xp.sign(diff))
    return loss, d_input, -d_input


def _huber(xp: Any, x: Any, y: Any, delta: float) -> Derivs:
    diff = x - y
    small = xp.abs(diff) < delta
    loss = xp.where(small, 0.5 * diff * diff, delta * (xp.abs(diff) - 0.5 * delta))
    d_input = xp.where(small, diff, delta * xp.sign(diff))
    return loss, d_input, -d_input


def _kl_div(xp: Any, x: Any, y: Any, log_target: bool) -> Derivs:
    if log_target:  # target holds log q: q (log q - x)
        q = xp.exp(y)
        return q * (y - x), -q, q * (y - x + 1.0)
    log_y = xp.log(y)
    loss = xp.where(y > 0, y * (log_y - x), xp.where(y == 0, 0.0, xp.nan))  # 0 log 0 = 0, as torch's xlogy
    return loss, -y, log_y + 1.0 - x


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


_KINDS = {
    "mse_loss": _mse, "l1_loss": _l1, "smooth_l1_loss": _smooth_l1, "huber_loss": _huber, "kl_div": _kl_div,
    "binary_cross_entropy": _bce, "binary_cross_entropy_with_logits": _bce_logits,
}


class ElementwiseLoss(Function):
    """weight * loss(input, target) per element, reduced; derivatives computed in forward.
    `extra` is the kind's parameter (static, or an array for pos_weight); "batchmean" divides
    the sum by the batch size (input.shape[0])."""

    @staticmethod
    def forward(ctx: Context, input: Tensor, target: Tensor, kind: str, reduction: str,
                weight: Optional[Any], extra: Any) -> Tensor:
        xp = namespace(input)
        x = array(input)
        y = array(target).astype(x.dtype, copy=False)
        with quiet(input):
            loss, d_input, d_target = _KINDS[kind](xp, x, y, extra)
        if weight is not None:
            loss, d_input, d_target = loss * weight, d_input * weight, d_target * weight
        denom = float(x.shape[0] if x.ndim else 1) if reduction == "batchmean" else float(x.size)
        reduction = "mean" if reduction == "batchmean" else reduction
        if not ctx.no_grad:
            ctx.d_input = d_input.astype(x.dtype, copy=False) if input.history is not None else None
            ctx.d_target = d_target.astype(x.dtype, copy=False) if target.history is not None else None
            ctx.reduction, ctx.denom = reduction, denom
        return from_array(input, reduce_loss(xp, loss.astype(x.dtype, copy=False), reduction, denom))

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


def _apply(op: str, input: Tensor, target: Any, reduction: str, weight: Any = None, pos_weight: Any = None,
           extra: Any = None) -> Tensor:
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: input must be a minitorch Tensor, got {type(input).__name__}")
    if op != "kl_div" or reduction != "batchmean":
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
    return ElementwiseLoss.apply(input, target, op, reduction, weight_array, pos_array if extra is None else extra)


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


def l1_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """Mean absolute error (as `torch.nn.functional.l1_loss`).

    loss = |input - target| elementwise; the gradient at input == target is 0.

    Args:
        input: predictions, any shape.
        target: same shape.
        reduction: "mean" (default), "sum" or "none".

    Shape:
        (*), (*) -> (1,), or (*) for "none".

    Example:
        >>> l1_loss(minitorch.tensor([1.0, -3.0]), minitorch.tensor([0.0, 0.0])).item()
        2.0
    """
    return _apply("l1_loss", input, target, reduction)


def smooth_l1_loss(input: Tensor, target: Any, reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """Smooth L1 loss (as `torch.nn.functional.smooth_l1_loss`): with d = input - target,
    0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta; beta = 0 is the L1 loss.

    Args:
        beta: where the quadratic turns linear, >= 0. Default 1.0.
        reduction: "mean" (default), "sum" or "none".

    Raises:
        DomainError: beta < 0.

    Shape:
        (*), (*) -> (1,), or (*) for "none".

    Example:
        >>> smooth_l1_loss(minitorch.tensor([0.5, 3.0]), minitorch.tensor([0.0, 0.0]), reduction="sum").item()
        2.625
    """
    if not float(beta) >= 0.0:
        raise DomainError(f"smooth_l1_loss: beta must be >= 0, got {beta}")
    return _apply("smooth_l1_loss", input, target, reduction, extra=float(beta))


def huber_loss(input: Tensor, target: Any, reduction: str = "mean", delta: float = 1.0) -> Tensor:
    """Huber loss (as `torch.nn.functional.huber_loss`): with d = input - target, 0.5 d^2 where
    |d| < delta, else delta (|d| - 0.5 delta) -- smooth L1 scaled by delta.

    Args:
        reduction: "mean" (default), "sum" or "none".
        delta: where the quadratic turns linear, > 0. Default 1.0.

    Raises:
        DomainError: delta <= 0.

    Shape:
        (*), (*) -> (1,), or (*) for "none".

    Example:
        >>> huber_loss(minitorch.tensor([0.5, 3.0]), minitorch.tensor([0.0, 0.0]), reduction="sum", delta=2.0).item()
        4.125
    """
    if not float(delta) > 0.0:
        raise DomainError(f"huber_loss: delta must be > 0, got {delta}")
    return _apply("huber_loss", input, target, reduction, extra=float(delta))


def kl_div(input: Tensor, target: Any, reduction: str = "mean", log_target: bool = False) -> Tensor:
    """Kullback-Leibler divergence (as `torch.nn.functional.kl_div`), input given as log-probabilities.

    loss = target (log target - input) elementwise (0 where target is 0), or with log_target,
    e^target (target - input). "batchmean" divides the sum by the batch size, the mathematical
    KL divergence per sample; "mean" divides by the number of elements (PyTorch's default).

    Args:
        input: log-probabilities, any shape (N, *).
        target: probabilities (log-probabilities with log_target), same shape.
        reduction: "mean" (default), "batchmean", "sum" or "none".
        log_target: whether target holds log-probabilities. Default False.

    Shape:
        (N, *), (N, *) -> (1,), or (N, *) for "none".

    Example:
        >>> kl_div(minitorch.tensor([[0.0, 0.0]]), minitorch.tensor([[0.5, 0.5]]), reduction="batchmean").item() < 0
        True
    """
    if reduction not in ("batchmean", "mean", "sum", "none"):
        raise ValueError(f"kl_div: reduction must be one of ('none', 'batchmean', 'mean', 'sum'), got {reduction!r}")
    return _apply("kl_div", input, target, reduction, extra=bool(log_target))

