"""Transposed convolution in 1-D, 2-D and 3-D (PyTorch's functional API), with gradients.

A transposed convolution is the input gradient of a convolution: its forward is
`fold(W^T @ x)` and its backward is an ordinary convolution of the upstream gradient, so
both directions reuse `ops/conv_lowering.py` on the geometry of the matching convolution
(input = our output, output = our input).

Shape:
    N batch, C_in / C_out channels, G groups, K kernel size, S stride, P padding,
    d dilation, A output_padding. Each spatial size becomes
        out = (in - 1) S - 2P + d (K - 1) + A + 1.
"""

from __future__ import annotations

from typing import Optional, Tuple

from ..autodiff.function import Context, Function
from ..core.tensor import Tensor
from ..core.window import Window
from ..errors import ShapeError
from .arrays import array, from_array, is_int
from .conv import IntOrTuple, apply_conv, bias_grad, canonical, expand_arg, from_canonical, lift
from .conv_lowering import conv_forward, conv_input_grad, conv_weight_grad

__all__ = ["ConvTranspose", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "conv_transpose_geometry"]


def conv_transpose_geometry(
    op: str,
    input_shape: Tuple[int, ...],
    weight_shape: Tuple[int, ...],
    n: int,
    stride: IntOrTuple,
    padding: IntOrTuple,
    output_padding: IntOrTuple,
    groups: int,
    dilation: IntOrTuple,
) -> Window:
    """Validate the arguments; returns the canonical windows of the matching convolution.

    input_shape is (N, C_in, *spatial) and weight_shape (C_in, C_out / groups, *kernel).
    """
    if len(input_shape) != n + 2:
        raise ShapeError(f"{op}: input must have {n + 2} dims (N, C_in, *spatial), got shape {input_shape}")
    if len(weight_shape) != n + 2:
        raise ShapeError(
            f"{op}: weight must have {n + 2} dims (C_in, C_out/groups, *kernel), got shape {weight_shape}"
        )
    if not is_int(groups) or groups < 1:
        raise ShapeError(f"{op}: groups must be a positive int, got {groups!r}")
    channels = input_shape[1]
    if weight_shape[0] != channels:
        raise ShapeError(
            f"{op}: input has C_in={channels} channels but weight {weight_shape} expects {weight_shape[0]}"
        )
    if channels % groups:
        raise ShapeError(
            f"{op}: groups={groups} must divide C_in={channels} (input {input_shape}, weight {weight_shape})"
        )
    kernel = tuple(weight_shape[2:])
    stride_t = expand_arg(op, "stride", stride, n, 1)
    padding_t = expand_arg(op, "padding", padding, n, 0)
    extra = expand_arg(op, "output_padding", output_padding, n, 0)
    dilation_t = expand_arg(op, "dilation", dilation, n, 1)
    if any(a >= s and a >= d for a, s, d in zip(extra, stride_t, dilation_t)):
        raise ShapeError(
            f"{op}: output_padding {extra} must be smaller than either stride {stride_t} or dilation {dilation_t}"
        )
    in_size = tuple(input_shape[2:])
    out_size = tuple(
        (i - 1) * s - 2 * p + d * (k - 1) + a + 1
        for i, s, p, d, k, a in zip(in_size, stride_t, padding_t, dilation_t, kernel, extra)
    )
    if min(kernel, default=1) < 1 or min(out_size) < 1:
        raise ShapeError(
            f"{op}: output size {out_size} is empty (input {input_shape}, weight {weight_shape}, "
            f"padding {padding_t}); use less padding"
        )
    # the matching convolution maps our output (its input) to our input (its output)
    return Window(
        kernel=lift(kernel, 1),
        stride=lift(stride_t, 1),
        dilation=lift(dilation_t, 1),
        padding=lift(padding_t, 0),
        in_size=lift(out_size, 1),
        out_size=lift(in_size, 1),
    )


class ConvTranspose(Function):
    """z = conv_transpose(x, W) + b: the input gradient of `Conv` run forward.

    forward(input (N, C_in, *in), weight (C_in, C_out/G, *K), bias (C_out,) or None, window, groups).
    """

    @staticmethod
    def forward(
        ctx: Context, input: Tensor, weight: Tensor, bias: Optional[Tensor], window: Window, groups: int
    ) -> Tensor:
        ops = input.backend.ops
        dtype = ops.xp.result_type(input.dtype, weight.dtype)
        x, w = canonical(input, dtype), canonical(weight, dtype)
        out = conv_input_grad(ops, ops.xp.ascontiguousarray(x), w, window, groups)  # (N, C_out, OD, OH, OW)
        if bias is not None:
            # (C_out,) -> (1, C_out, 1, 1, 1)
            out += array(bias).astype(dtype, copy=False).reshape(1, -1, 1, 1, 1)
        ctx.save_for_backward(x, w)
        ctx.window, ctx.groups, ctx.has_bias = window, groups, bias is not None
        ctx.shapes = (input.shape, weight.shape)
        ctx.needs = (input.requires_grad(), weight.requires_grad())
        return from_canonical(input, out)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tuple[Optional[Tensor], ...]:
        x, w = ctx.saved_values
        window, groups = ctx.window, ctx.groups
        input_shape, weight_shape = ctx.shapes
        ops = grad_output.backend.ops
        # (N, C_out, *out) -> (N, C_out, OD, OH, OW)
        grad = ops.xp.ascontiguousarray(canonical(grad_output, x.dtype))
        grad_input = grad_weight = unrolled = None
        if ctx.needs[0]:
            # (N, C_in, *in), and each thread's last batch chunk of the unrolled gradient
            grad_x, unrolled = conv_forward(ops, grad, w, window, groups)
            grad_input = from_array(grad_output, grad_x, input_shape)
        if ctx.needs[1]:
            # the convolution's weight gradient with the roles of input and output swapped
            grad_w = conv_weight_grad(ops, grad, x, window, groups, unrolled)
            grad_weight = from_array(grad_output, grad_w, weight_shape)
        if not ctx.has_bias:
            return grad_input, grad_weight
        return grad_input, grad_weight, bias_grad(grad_output, grad)


def _conv_transpose(op: str, n: int, input: Tensor, weight: Tensor, bias: Optional[Tensor], stride: IntOrTuple,
                    padding: IntOrTuple, output_padding: IntOrTuple, groups: int, dilation: IntOrTuple) -> Tensor:
    """Shared body of conv_transpose1d/2d/3d."""
    return apply_conv(op, n, ConvTranspose, input, weight, bias, groups, weight.shape[1] * groups,
                      lambda shape: conv_transpose_geometry(op, shape, weight.shape, n, stride, padding, output_padding,
                                                            groups, dilation))


def conv_transpose1d(input: Tensor, weight: Tensor, bias: Optional[Tensor] = None, stride: IntOrTuple = 1,
                     padding: IntOrTuple = 0, output_padding: IntOrTuple = 0, groups: int = 1,
                     dilation: IntOrTuple = 1) -> Tensor:
    """1-D transposed convolution ("deconvolution"), the adjoint of `conv1d`.

    Every input element scatters weight[c, o, :] * input[n, c, l] onto output positions
    l*S + k*d - P, k = 0..K-1 (within its group), then bias[o] is added.

    Args:
        input: (N, C_in, L) or (C_in, L).
        weight: (C_in, C_out / groups, K).
        bias: (C_out,) or None. Default None.
        stride: int or (int,). Default 1.
        padding: int or (int,), cropped from both ends of the output. Default 0.
        output_padding: int or (int,), extra size at the end (< stride or < dilation). Default 0.
        groups: split channels into independent groups. Default 1.
        dilation: int or (int,). Default 1.

    Shape:
        output (N, C_out, L_out), L_out = (L - 1) S - 2P + d (K - 1) + output_padding + 1.

    Example:
        >>> x = minitorch.tensor([[[1.0, 2.0]]])
        >>> conv_transpose1d(x, minitorch.tensor([[[1.0, 10.0]]])).to_numpy().tolist()
        [[[1.0, 12.0, 20.0]]]
    """
    args = (stride, padding, output_padding, groups, dilation)
    return _conv_transpose("conv_transpose1d", 1, input, weight, bias, *args)


def conv_transpose2d(input: Tensor, weight: Tensor, bias: Optional[Tensor] = None, stride: IntOrTuple = 1,
                     padding: IntOrTuple = 0, output_padding: IntOrTuple = 0, groups: int = 1,
                     dilation: IntOrTuple = 1) -> Tensor:
    """2-D transposed convolution ("deconvolution"), the adjoint of `conv2d`.

    Every input pixel scatters weight[c, o] * input[n, c, i, j] onto the output window at
    (i*S_h - P_h, j*S_w - P_w) with taps spaced by the dilation, then bias[o] is added.

    Args:
        input: (N, C_in, H, W) or (C_in, H, W).
        weight: (C_in, C_out / groups, KH, KW).
        bias: (C_out,) or None. Default None.
        stride, padding, output_padding, dilation: int or (int, int). Defaults 1, 0, 0, 1.
        groups: split channels into independent groups. Default 1.

    Shape:
        output (N, C_out, H_out, W_out), H_out = (H - 1) S_h - 2P_h + d_h (KH - 1) + A_h + 1,
        and likewise W_out.

    Example:
        >>> conv_transpose2d(minitorch.ones((1, 2, 3, 3)), minitorch.ones((2, 4, 2, 2)), stride=2).shape
        (1, 4, 6, 6)
    """
    args = (stride, padding, output_padding, groups, dilation)
    return _conv_transpose("conv_transpose2d", 2, input, weight, bias, *args)


def conv_transpose3d(input: Tensor, weight: Tensor, bias: Optional[Tensor] = None, stride: IntOrTuple = 1,
                     padding: IntOrTuple = 0, output_padding: IntOrTuple = 0, groups: int = 1,
                     dilation: IntOrTuple = 1) -> Tensor:
    """3-D transposed convolution, the adjoint of `conv3d`.

    Args:
        input: (N, C_in, D, H, W) or (C_in, D, H, W).
        weight: (C_in, C_out / groups, KD, KH, KW).
        bias: (C_out,) or None. Default None.
        stride, padding, output_padding, dilation: int or 3-tuple. Defaults 1, 0, 0, 1.
        groups: split channels into independent groups. Default 1.

    Shape:
        output (N, C_out, D_out, H_out, W_out), each (in - 1) S - 2P + d (K - 1) + A + 1.

    Example:
        >>> conv_transpose3d(minitorch.ones((1, 1, 2, 2, 2)), minitorch.ones((1, 3, 2, 2, 2))).shape
        (1, 3, 3, 3, 3)
    """
    args = (stride, padding, output_padding, groups, dilation)
    return _conv_transpose("conv_transpose3d", 3, input, weight, bias, *args)
