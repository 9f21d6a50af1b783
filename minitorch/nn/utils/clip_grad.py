"""Gradient clipping: `clip_grad_norm_` and `clip_grad_value_` (as `torch.nn.utils`).

Both act on the `.grad` of each parameter in place, after `backward()` and before
`optimizer.step()`; parameters without a gradient are skipped. They compute with tensor ops
(under `no_grad`), so they run on any backend and read nothing back to the host unless
`error_if_nonfinite` asks for the norm's value.
"""

from __future__ import annotations

from typing import Any, Iterable, List, Optional, Union

from ...autodiff.graph import no_grad
from ...core.creation import zeros
from ...core.tensor import Tensor
from ...errors import DomainError, DTypeError, NonFiniteError
from ...ops.norm import norm
from ...ops.stack import stack

__all__ = ["clip_grad_norm_", "clip_grad_value_", "parameter_tensors"]


def parameter_tensors(parameters: Union[Any, Iterable[Any]], op: str) -> List[Tensor]:
    """`parameters` (one tensor, or an iterable of Parameters, course boxes or tensors) as a list of tensors."""
    if isinstance(parameters, Tensor):
        return [parameters]
    found = [getattr(p, "value", p) for p in parameters]  # a course ParameterBox holds its tensor as .value
    for item in found:
        if not isinstance(item, Tensor):
            raise DTypeError(f"{op}: expected Parameters or Tensors (model.parameters()), got {type(item).__name__}")
    return found


def clip_grad_norm_(parameters: Union[Tensor, Iterable[Any]], max_norm: float, norm_type: Union[float, str] = 2.0,
                    error_if_nonfinite: bool = False, foreach: Optional[bool] = None) -> Tensor:
    """Scale the gradients so that their joint norm is at most `max_norm`, in place.

    The total norm is the `norm_type`-norm of the per-parameter gradient norms (the norm of all
    gradients concatenated); every gradient is multiplied by min(1, max_norm / (total + 1e-6)),
    as torch does (so gradients under the limit are multiplied by 1).

    Args:
        parameters: `model.parameters()`, an iterable of tensors, or one tensor.
        max_norm: the largest allowed total norm.
        norm_type: the p of the norm, default 2.0; float("inf") (or "inf") for the largest |g|.
        error_if_nonfinite: raise when the total norm is inf or NaN instead of scaling by it, default False.
        foreach: accepted for torch's signature and ignored.

    Returns:
        The total norm of the gradients before clipping, a 0-d tensor (0.0 when none has a gradient).

    Raises:
        NonFiniteError: the total norm is inf or NaN and `error_if_nonfinite` is set.
        DomainError: a negative or NaN norm_type.

    Shape:
        each gradient: any shape, unchanged; returns a 0-d tensor.

    Example:
        >>> w = minitorch.tensor([3.0, 4.0], requires_grad=True)
        >>> (w * w).sum().backward()  # grad = (6, 8), norm 10
        >>> float(clip_grad_norm_([w], max_norm=5.0)), [round(g, 4) for g in w.grad.tolist()]
        (10.0, [3.0, 4.0])
    """
    norm_type = float(norm_type)
    if not norm_type >= 0:
        raise DomainError(f"clip_grad_norm_: norm_type must be a norm order >= 0 or inf, got {norm_type}")
    grads = [p.grad for p in parameter_tensors(parameters, "clip_grad_norm_") if p.grad is not None]
    if not grads:
        return zeros(())
    with no_grad():
        total = norm(stack([norm(g, norm_type) for g in grads]), norm_type)
        if error_if_nonfinite and not bool(total.isfinite().item()):
            raise NonFiniteError(
                f"clip_grad_norm_: the total norm of order {norm_type} of the gradients is {total.item()}, so it "
                "cannot be clipped; find the inf/NaN gradient, or pass error_if_nonfinite=False to scale by it anyway"
            )
        coefficient = (max_norm / (total + 1e-6)).clamp(max=1.0)
        for g in grads:
            g.mul_(coefficient)
    return total


def clip_grad_value_(parameters: Union[Tensor, Iterable[Any]], clip_value: float, foreach: Optional[bool] = None) -> None:
    """Clamp every gradient to [-clip_value, clip_value], in place.

    Args:
        parameters: `model.parameters()`, an iterable of tensors, or one tensor.
        clip_value: the largest allowed |g|.
        foreach: accepted for torch's signature and ignored.

    Shape:
        each gradient: any shape, unchanged.

    Example:
        >>> w = minitorch.tensor([3.0, -4.0], requires_grad=True)
        >>> (w * w).sum().backward()  # grad = (6, -8)
        >>> clip_grad_value_(w, 1.5); w.grad.tolist()
        [1.5, -1.5]
    """
    clip_value = float(clip_value)
    with no_grad():
        for p in parameter_tensors(parameters, "clip_grad_value_"):
            if p.grad is not None:
                p.grad.clamp_(min=-clip_value, max=clip_value)
