"""Class losses, fused and stable: `cross_entropy` (log-softmax + NLL in one op) and `nll_loss`.

Both are one Function (`ClassLoss`) over coefficients q (M, C): the loss of sample i is
-sum_c q[i, c] log p[i, c]. Class-index targets, class weights, `ignore_index`, label smoothing
and probability targets only change q (kept sparse, as one picked class per sample plus an
optional dense part: `Targets`), so the forward and backward are written once:

    cross_entropy:  log p = z - logsumexp(z),  d loss_i / d z_i = (sum_c q_ic) softmax(z_i) - q_i
    nll_loss:       log p = input,             d loss_i / d input_i = -q_i

The backward is computed in the forward (it needs the same softmax) and only scaled later.

Shape:
    N batch, C classes, d_1..d_k extra dims (e.g. a segmentation map's H, W).
    input (N, C, d_1, ..., d_k) or (N, C) or (C,); target (N, d_1, ..., d_k) class indices
    (integers, any numeric dtype) or, for cross_entropy only, probabilities of input's shape.
    Output: (1,) for reduction "mean" / "sum", the target's shape for "none".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Tuple, Union, cast

from ..autodiff.function import Context, Function
from ..backends.namespace import array_namespace
from ..core.tensor import Tensor
from ..errors import IndexingError, ShapeError
from .arrays import array, from_array, namespace, quiet
from .device import same_device
from .loss_reduce import check_reduction, reduce_loss, scale_grad

__all__ = ["ClassLoss", "Targets", "cross_entropy", "nll_loss"]


def _class_last(input: Tensor) -> Tuple[Any, Tuple[int, ...]]:
    """input (N, C, *d) -> (M, C) rows with M = N * prod(d), and the sample shape (N, *d)."""
    x = array(input)
    if input.dims == 1:
        return x.reshape(1, -1), (1,)  # (C,) -> (1, C)
    moved = namespace(input).moveaxis(x, 1, -1) if input.dims > 2 else x  # (N, C, *d) -> (N, *d, C)
    return moved.reshape(-1, input.shape[1]), moved.shape[:-1]  # -> (M, C)


@dataclass(frozen=True)
class Targets:
    """The coefficients of a class loss: loss_i = -picked_i log p[i, labels_i] - sum_c dense[i, c] log p[i, c].

    labels: (M,) int64 class per sample, or None; picked: (M,) weights, or None for all ones;
    dense: (M, C) extra coefficients (label smoothing, probability targets), or None;
    denom: the divisor of reduction "mean";
    dense_scale: (C,) d dense[i, c] / d probability target[i, c] (probability targets only).
    """

    labels: Optional[Any]
    picked: Optional[Any]
    dense: Optional[Any]
    denom: float
    dense_scale: Optional[Any] = None


class ClassLoss(Function):
    """-sum_c q[i, c] log p[i, c] per sample (q from `Targets`); log p = log_softmax(input) when `from_logits`.

    `soft_target`, the probability-target tensor (or None), also gets a gradient:
    d loss_i / d y[i, c] = -dense_scale[c] log p[i, c].
    """

    @staticmethod
    def forward(
        ctx: Context, input: Tensor, targets: Targets, from_logits: bool, reduction: str,
        soft_target: Optional[Tensor] = None,
    ) -> Tensor:
        xp = namespace(input)
        rows, sample_shape = _class_last(input)  # (M, C)
        picked, dense, labels = targets.picked, targets.dense, targets.labels
        if from_logits:
            log_p = xp.empty(rows.shape, dtype=rows.dtype)  # log_softmax(rows), (M, C)
            input.backend.ops.log_softmax_forward(rows, log_p)
        else:
            log_p = rows
        r = None if labels is None else xp.arange(rows.shape[0])
        loss = xp.zeros(rows.shape[0], dtype=rows.dtype)
        if labels is not None:
            loss -= log_p[r, labels] if picked is None else picked * log_p[r, labels]
        if dense is not None:
            with quiet(input):
                # 0 * log 0 = 0: unselected -inf log-probabilities do not count
                terms = xp.where(dense == 0, 0.0, dense * log_p)
            loss -= terms.sum(axis=1)
        if not ctx.no_grad:
            if from_logits:
                grad = xp.exp(log_p)  # softmax, (M, C)
                weight = 1.0 if picked is None else picked
                if dense is not None:
                    weight = weight + dense.sum(axis=1) if labels is not None else dense.sum(axis=1)
                if not isinstance(weight, float):
                    grad *= weight[:, None]  # d loss_i / d z_i = (sum_c q_ic) softmax(z_i) - q_i
            else:
                grad = xp.zeros_like(rows)
            if labels is not None:
                grad[r, labels] -= 1.0 if picked is None else picked
            if dense is not None:
                grad -= dense
            ctx.grad, ctx.input_shape, ctx.reduction, ctx.denom = grad, input.shape, reduction, targets.denom
            # d loss / d target (M, C), when the probability targets are a tensor in the graph
            ctx.target_grad = None if soft_target is None else -cast(Any, targets.dense_scale) * log_p
        return from_array(input, reduce_loss(xp, loss.reshape(sample_shape), reduction, targets.denom))  # (M,) -> (N, *d)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Union[Tensor, Tuple[Tensor, Tensor]]:
        grad = scale_grad(ctx.grad, grad_output, ctx.reduction, ctx.denom, per_row=True)  # (M, C)
        grad_input = _class_first(grad_output, grad, ctx.input_shape)
        if ctx.target_grad is None:
            return grad_input
        grad_target = scale_grad(ctx.target_grad, grad_output, ctx.reduction, ctx.denom, per_row=True)  # (M, C)
        return grad_input, _class_first(grad_output, grad_target, ctx.input_shape)


def _class_first(like: Tensor, rows: Any, shape: Tuple[int, ...]) -> Tensor:
    """(M, C) rows back to a tensor of `shape` (N, C, *d), (N, C) or (C,): `_class_last` undone."""
    if len(shape) <= 2:
        return from_array(like, rows, shape)  # (M, C) -> (N, C) or (C,)
    # (M, C) -> (N, *d, C), then permuted back to (N, C, *d) without a copy
    moved = (shape[0],) + shape[2:] + (shape[1],)
    order = (0, len(shape) - 1) + tuple(range(1, len(shape) - 1))
    return like._new(from_array(like, rows, moved)._tensor.permute(*order))


def _class_indices(op: str, input: Tensor, target: Any, sample_shape: Tuple[int, ...], classes: int,
                   ignore_index: int) -> Tuple[Any, Optional[Any]]:
    """Validated class-index targets (M,) and the mask of non-ignored samples (None: all count).

    Labels are checked where they are -- host labels (a numpy array, a list) on the host, before
    their one copy to the input's device, so a GPU step waits on no device-to-host read for them.
    """
    xp = namespace(input)
    t = array(target) if isinstance(target, Tensor) else target
    ns = array_namespace(t)  # the labels' own array library (numpy for host labels and lists)
    t = ns.asarray(t)
    if t.shape != sample_shape and not (sample_shape == (1,) and t.size == 1):
        raise ShapeError(f"{op}: target has shape {t.shape}, expected {sample_shape} (one class index per sample)")
    flat = t.reshape(-1)  # (N, *d) -> (M,)
    if flat.dtype.kind == "f":
        if not bool(ns.all(ns.isfinite(flat))) or bool(ns.any(flat != ns.round(flat))):
            raise ShapeError(f"{op}: class-index targets must be whole numbers, got {flat[:5]}...; pass integer labels")
    elif flat.dtype.kind not in "iub":
        raise ShapeError(f"{op}: target of dtype {flat.dtype} cannot hold class indices; pass integers")
    flat = flat.astype(ns.int64, copy=False)
    low, high = (int(v) for v in ns.stack((flat.min(), flat.max())).tolist()) if flat.size else (0, 0)  # one read
    if 0 <= low and high < classes and not 0 <= ignore_index < classes:
        return xp.asarray(flat), None  # the common case: every label valid, none ignored
    valid = flat != ignore_index
    bad = valid & ((flat < 0) | (flat >= classes))
    if bool(ns.any(bad)):
        raise IndexingError(
            f"{op}: target {int(flat[bad][0])} is out of bounds for {classes} classes; "
            f"labels must lie in [0, {classes - 1}] (or equal ignore_index={ignore_index})"
        )
    return xp.asarray(ns.where(valid, flat, 0)), xp.asarray(valid)


def _coefficients(op: str, input: Tensor, target: Any, weight: Optional[Any], ignore_index: int,
                  label_smoothing: float) -> Targets:
    """The loss's `Targets` from class indices or probabilities, weights and smoothing."""
    if isinstance(target, Tensor) or isinstance(weight, Tensor):  # one device (read as arrays, not through apply)
        given = [t for t in (target, weight) if isinstance(t, Tensor)]
        placed = iter(same_device(op, [input, *given])[1:])
        target = next(placed) if isinstance(target, Tensor) else target
        weight = next(placed) if isinstance(weight, Tensor) else weight
    xp = namespace(input)
    rows, sample_shape = _class_last(input)
    count, classes = rows.shape
    if isinstance(weight, Tensor):
        weight = array(weight)
    w = None if weight is None else xp.asarray(weight, dtype=xp.float64)
    if w is not None and w.shape != (classes,):
        raise ShapeError(f"{op}: weight has shape {w.shape}, expected ({classes},), one weight per class")
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"{op}: label_smoothing must lie in [0, 1], got {label_smoothing}")
    ones = xp.ones(classes) if w is None else w
    if _holds_probabilities(input, target):
        if ignore_index != -100:
            raise ValueError(f"{op}: ignore_index={ignore_index} applies to class-index targets only, not to "
                             f"probability targets {target.shape}; drop ignore_index or pass class indices")
        probs, _ = _class_last(target)  # probabilities (M, C)
        dense = (probs * (1.0 - label_smoothing) + label_smoothing / classes) * ones
        scale = ((1.0 - label_smoothing) * ones).astype(input.dtype)  # d dense / d probs, per class
        return Targets(None, None, dense.astype(input.dtype), float(count), scale)
    labels, valid = _class_indices(op, input, target, sample_shape, classes, ignore_index)
    if w is None and valid is None:
        picked, denom = None, float(count)
    else:
        picked = ones[labels] if valid is None else ones[labels] * valid  # 0 where ignored
        denom = float(picked.sum())
    dense = None
    if label_smoothing > 0.0:
        mask = 1.0 if valid is None else valid[:, None]
        dense = ((label_smoothing / classes) * ones[None, :] * mask * xp.ones((count, 1))).astype(input.dtype)
        picked = (1.0 - label_smoothing) * (xp.ones(count) if picked is None else picked)
    return Targets(labels, None if picked is None else picked.astype(input.dtype), dense, denom)


def _holds_probabilities(input: Tensor, target: Any) -> bool:
    """Whether `target` is a tensor of class probabilities (the input's shape) rather than
    class indices; an unbatched (C,) input with C > 1 takes (C,) probabilities."""
    return isinstance(target, Tensor) and target.shape == input.shape and (input.dims > 1 or input.shape[0] > 1)


def _check_input(op: str, input: Tensor) -> None:
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: input must be a minitorch Tensor, got {type(input).__name__}")
    if input.dims < 1 or input.shape[-1 if input.dims == 1 else 1] < 1:
        raise ShapeError(f"{op}: input must be (N, C, *) or (C,) with C >= 1, got {input.shape}")


def cross_entropy(
    input: Tensor,
    target: Any,
    weight: Optional[Any] = None,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """Cross-entropy of logits against class indices (as `torch.nn.functional.cross_entropy`).

    loss_i = -(1 - eps) w[t_i] log p[i, t_i] - (eps / C) sum_c w[c] log p[i, c], with
    p = softmax(input) over the class dim and eps = label_smoothing. "mean" divides the sum by
    sum_i w[t_i] over non-ignored samples (N when unweighted). Fused with log-softmax and
    stable for large logits. Probability targets (input's shape) give
    loss_i = -sum_c w[c] y'[i, c] log p[i, c] with y' = (1 - eps) y + eps / C, mean over samples.
    Probability targets get a gradient too when they require one (as in PyTorch).

    Args:
        input: logits (N, C, *d), (N, C) or (C,).
        target: class indices (N, *d) as a Tensor, numpy array or list; or probabilities.
        weight: per-class weights (C,), default None (all 1).
        ignore_index: target value whose samples contribute nothing. Default -100.
        reduction: "mean" (default), "sum" or "none".
        label_smoothing: eps in [0, 1]. Default 0.0.

    Shape:
        input (N, C, *d), target (N, *d) -> (1,), or (N, *d) for reduction "none".

    Raises:
        IndexingError: a class index outside [0, C) that is not `ignore_index`.
        ShapeError: target or weight of the wrong shape.

    Example:
        >>> logits = minitorch.tensor([[2.0, 0.5, -1.0], [0.1, 0.2, 3.0]])
        >>> round(cross_entropy(logits, [0, 2]).item(), 4)
        0.1755
    """
    _check_input("cross_entropy", input)
    check_reduction("cross_entropy", reduction)
    targets = _coefficients("cross_entropy", input, target, weight, ignore_index, float(label_smoothing))
    soft_target = target if targets.dense_scale is not None else None  # probabilities: a tensor input
    return ClassLoss.apply(input, targets, True, reduction, soft_target)


def nll_loss(
    input: Tensor,
    target: Any,
    weight: Optional[Any] = None,
    ignore_index: int = -100,
    reduction: str = "mean",
) -> Tensor:
    """Negative log-likelihood of log-probabilities (as `torch.nn.functional.nll_loss`).

    loss_i = -w[t_i] input[i, t_i]; "mean" divides the sum by sum_i w[t_i] over
    non-ignored samples. Pair it with `log_softmax` (or use `cross_entropy`, which fuses both).

    Args:
        input: log-probabilities (N, C, *d), (N, C) or (C,).
        target: class indices (N, *d).
        weight: per-class weights (C,), default None.
        ignore_index: target value whose samples contribute nothing. Default -100.
        reduction: "mean" (default), "sum" or "none".

    Shape:
        input (N, C, *d), target (N, *d) -> (1,), or (N, *d) for reduction "none".

    Example:
        >>> round(nll_loss(minitorch.tensor([[-0.1, -2.3]]), [0]).item(), 4)
        0.1
    """
    _check_input("nll_loss", input)
    check_reduction("nll_loss", reduction)
    if _holds_probabilities(input, target):
        expected = (input.shape[0],) + input.shape[2:] if input.dims > 1 else ()
        raise ShapeError(f"nll_loss: target must hold class indices of shape {expected}, got {target.shape}")
    targets = _coefficients("nll_loss", input, target, weight, ignore_index, 0.0)
    return ClassLoss.apply(input, targets, False, reduction)
