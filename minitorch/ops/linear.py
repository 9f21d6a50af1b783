"""The affine map of a fully connected layer, fused: y = x W^T + b in one BLAS call.

Forward is one matrix product plus a broadcast add of the bias; backward is two matrix
products and a column sum, each skipped when that input needs no gradient.

Shape:
    input (*, in_features), weight (out_features, in_features), bias (out_features,)
    -> output (*, out_features).
"""

from __future__ import annotations

from typing import Optional, Tuple

from ..autodiff.function import Context, Function
from ..core.tensor import Tensor
from ..errors import ShapeError
from .arrays import array, from_array, namespace

__all__ = ["Linear", "linear"]


class Linear(Function):
    """x W^T (+ b); gradients g W, g^T x and the column sums of g (one BLAS call each)."""

    @staticmethod
    def forward(ctx: Context, input: Tensor, weight: Tensor, bias: Optional[Tensor] = None) -> Tensor:
        in_features = weight.shape[1]
        xp = namespace(input)
        x = array(input).reshape(-1, in_features)  # (*, in) -> (M, in); copies only if strided
        w = array(weight)  # (out, in)
        dtype = xp.result_type(input.dtype, weight.dtype)
        out = xp.empty((x.shape[0], w.shape[0]), dtype=dtype)  # (M, out)
        xp.matmul(x, w.T, out=out)
        if bias is not None:
            out += array(bias)
        needs_bias = bias is not None and bias.history is not None
        ctx.needs = (input.history is not None, weight.history is not None, needs_bias)
        ctx.has_bias = bias is not None
        ctx.input_shape = input.shape
        ctx.save_for_backward(x, w)
        return from_array(input, out, input.shape[:-1] + (w.shape[0],))

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tuple[Optional[Tensor], ...]:
        x, w = ctx.saved_values
        need_input, need_weight, need_bias = ctx.needs
        xp = namespace(grad_output)
        g = array(grad_output).reshape(-1, w.shape[0])  # (*, out) -> (M, out)
        grad_input = from_array(grad_output, xp.matmul(g, w), ctx.input_shape) if need_input else None  # (M, in)
        grad_weight = from_array(grad_output, xp.matmul(g.T, x), w.shape) if need_weight else None  # (out, in)
        if not ctx.has_bias:
            return grad_input, grad_weight
        grad_bias = from_array(grad_output, g.sum(axis=0), (w.shape[0],)) if need_bias else None
        return grad_input, grad_weight, grad_bias


def linear(input: Tensor, weight: Tensor, bias: Optional[Tensor] = None) -> Tensor:
    """Affine map y = x W^T + b (as `torch.nn.functional.linear`).

    y[..., o] = sum_i x[..., i] W[o, i] + b[o].

    Args:
        input: (*, in_features).
        weight: (out_features, in_features), PyTorch's layout.
        bias: (out_features,) or None (default).

    Shape:
        (*, in_features) -> (*, out_features).

    Raises:
        ShapeError: when the feature sizes disagree.

    Example:
        >>> linear(minitorch.ones((2, 3)), minitorch.ones((4, 3))).shape
        (2, 4)
    """
    if weight.dims != 2 or input.dims < 1 or input.shape[-1] != weight.shape[1]:
        raise ShapeError(
            f"linear: input {input.shape} and weight {weight.shape} do not fit; the weight must be "
            f"(out_features, in_features) with in_features equal to the input's last dim"
        )
    if bias is not None and bias.shape != (weight.shape[0],):
        raise ShapeError(
            f"linear: bias has shape {bias.shape}, expected ({weight.shape[0]},) for weight {weight.shape}"
        )
    return Linear.apply(input, weight, bias) if bias is not None else Linear.apply(input, weight)
