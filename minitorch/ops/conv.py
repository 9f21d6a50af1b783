"""Convolution in 1-D, 2-D and 3-D (PyTorch's functional API), with gradients.

One N-d implementation: every call is lifted to the canonical 3-D spatial form (size-1
leading spatial dims), described by a `Window` (`core/window.py`), lowered to "unroll + matmul"
(`ops/conv_lowering.py`) and run with the tensor backend's `unfold` / `fold` kernels (the
window view copied to a matrix, and its adjoint). The transposed convolution (`ops/conv_transpose.py`)
and the course's `conv1d` / `conv2d` (`ops/conv_course.py`) reuse the same `Conv` function.

Shape:
    N batch, C_in / C_out channels, G groups, L length, H height, W width, D depth,
    K kernel size, S stride, P padding, d dilation. Each spatial size becomes
        out = floor((in + P_low + P_high - d (K - 1) - 1) / S) + 1
    (P_low = P_high = P for an int or tuple padding).
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any, Callable, Optional, Sequence, Tuple, Type, Union

from ..autodiff.function import Context, Function
from ..core.tensor import Tensor
from ..core.window import Window
from ..errors import ShapeError
from .arrays import array, from_array, int_tuple, is_int, namespace
from .conv_lowering import conv_forward, conv_gradients, conv_input_grad, conv_weight_grad

__all__ = [
    "Conv",
    "apply_conv",
    "bias_grad",
    "canonical",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_geometry",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "expand_arg",
    "from_canonical",
    "lift",
    "resolve_padding",
]

IntOrTuple = Union[int, Sequence[int]]


def expand_arg(op: str, name: str, value: IntOrTuple, n: int, minimum: int) -> Tuple[int, ...]:
    """An int or a length-n sequence of ints (each >= minimum) as an n-tuple."""
    values = int_tuple(value, n)
    if len(values) != n or not all(is_int(v) for v in values):
        raise ShapeError(f"{op}: {name} must be an int or a tuple of {n} ints, got {value!r}")
    if min(values) < minimum:
        raise ShapeError(f"{op}: {name} must be >= {minimum} in every dim, got {value!r}")
    return tuple(int(v) for v in values)


def lift(values: Tuple[int, ...], fill: int) -> Tuple[int, int, int]:
    """Left-pad a per-dim tuple to the canonical 3 spatial dims (D, H, W)."""
    return (fill,) * (3 - len(values)) + tuple(values)  # type: ignore[return-value]


def resolve_padding(op: str, padding: Union[str, IntOrTuple], n: int, kernel: Tuple[int, ...], stride: Tuple[int, ...],
                    dilation: Tuple[int, ...], shapes: Tuple[Tuple[int, ...], Tuple[int, ...]]
                    ) -> Tuple[Tuple[int, ...], Tuple[int, ...]]:
    """(low, high) padding per dim from an int, a tuple, 'valid' or 'same'."""
    if isinstance(padding, str):
        if padding == "valid":
            return (0,) * n, (0,) * n
        if padding != "same":
            raise ShapeError(f"{op}: padding must be an int, a tuple, 'valid' or 'same', got {padding!r}")
        if any(s != 1 for s in stride):
            raise ShapeError(
                f"{op}: padding='same' needs stride 1, got stride {stride} (input {shapes[0]}, weight {shapes[1]}); "
                f"pad explicitly instead"
            )
        total = tuple(d * (k - 1) for d, k in zip(dilation, kernel))
        low = tuple(t // 2 for t in total)  # PyTorch puts the odd extra element at the high end
        return low, tuple(t - lo for t, lo in zip(total, low))
    pads = expand_arg(op, "padding", padding, n, 0)
    return pads, pads


@lru_cache(maxsize=256)
def conv_geometry(
    op: str,
    input_shape: Tuple[int, ...],
    weight_shape: Tuple[int, ...],
    n: int,
    stride: IntOrTuple,
    padding: Union[IntOrTuple, str],
    dilation: IntOrTuple,
    groups: int,
) -> Window:
    """Validate a convolution's arguments; returns its canonical 3-D windows (cached).

    input_shape is (N, C_in, *spatial) and weight_shape (C_out, C_in / groups, *kernel);
    stride, padding and dilation must be hashable (ints, tuples or strings).
    """
    if len(input_shape) != n + 2:
        raise ShapeError(f"{op}: input must have {n + 2} dims (N, C_in, *spatial), got shape {input_shape}")
    if len(weight_shape) != n + 2:
        raise ShapeError(
            f"{op}: weight must have {n + 2} dims (C_out, C_in/groups, *kernel), got shape {weight_shape}"
        )
    if not is_int(groups) or groups < 1:
        raise ShapeError(f"{op}: groups must be a positive int, got {groups!r}")
    channels, out_channels = input_shape[1], weight_shape[0]
    if channels % groups or out_channels % groups:
        raise ShapeError(
            f"{op}: groups={groups} must divide both C_in={channels} and C_out={out_channels} "
            f"(input {input_shape}, weight {weight_shape})"
        )
    if weight_shape[1] * groups != channels:
        raise ShapeError(
            f"{op}: input has C_in={channels} channels but weight {weight_shape} expects "
            f"{weight_shape[1]} x groups={groups} = {weight_shape[1] * groups}"
        )
    kernel = tuple(weight_shape[2:])
    stride_t = expand_arg(op, "stride", stride, n, 1)
    dilation_t = expand_arg(op, "dilation", dilation, n, 1)
    low, high = resolve_padding(op, padding, n, kernel, stride_t, dilation_t, (input_shape, weight_shape))
    in_size = tuple(input_shape[2:])
    spans = tuple(d * (k - 1) + 1 for d, k in zip(dilation_t, kernel))
    if min(kernel, default=1) < 1 or any(i + lo + hi < span for i, lo, hi, span in zip(in_size, low, high, spans)):
        raise ShapeError(
            f"{op}: kernel {kernel} (dilation {dilation_t}) is larger than the padded input "
            f"{tuple(i + lo + hi for i, lo, hi in zip(in_size, low, high))} (input {input_shape}, "
            f"weight {weight_shape}); use a smaller kernel or more padding"
        )
    out_size = tuple((i + lo + hi - span) // s + 1 for i, lo, hi, span, s in zip(in_size, low, high, spans, stride_t))
    return Window(
        kernel=lift(kernel, 1),
        stride=lift(stride_t, 1),
        dilation=lift(dilation_t, 1),
        padding=lift(low, 0),
        in_size=lift(in_size, 1),
        out_size=lift(out_size, 1),
    )


def canonical(t: Tensor, dtype: Any) -> Any:
    """The (A, B, *spatial) tensor as a 5-D (A, B, D, H, W) array of `dtype` (no copy when possible)."""
    values = array(t).astype(dtype, copy=False)
    # (A, B, *spatial) -> (A, B, 1, ..., *spatial)
    return values.reshape(values.shape[:2] + lift(values.shape[2:], 1))


class Conv(Function):
    """y = conv(x, W) + b over the canonical windows; the gradients reuse the same lowering.

    forward(input (N, C_in, *in), weight (C_out, C_in/G, *K), bias (C_out,) or None, window, groups).
    """

    @staticmethod
    def forward(
        ctx: Context, input: Tensor, weight: Tensor, bias: Optional[Tensor], window: Window, groups: int
    ) -> Tensor:
        ops = input.backend.ops
        dtype = ops.xp.result_type(input.dtype, weight.dtype)
        x, w = canonical(input, dtype), canonical(weight, dtype)
        b = None if bias is None else array(bias).astype(dtype, copy=False)
        ctx.needs = (input.requires_grad(), weight.requires_grad())
        # (N, C_out, OD, OH, OW), and each thread's last batch chunk, still unrolled
        out, unrolled = conv_forward(ops, x, w, window, groups, b, whole_batch_ok=not ctx.needs[0])
        ctx.save_for_backward(x, w, unrolled if ctx.needs[1] else None)
        ctx.window, ctx.groups, ctx.has_bias = window, groups, bias is not None
        ctx.shapes = (input.shape, weight.shape)
        return from_canonical(input, out)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tuple[Optional[Tensor], ...]:
        x, w, unrolled = ctx.saved_values
        window, groups = ctx.window, ctx.groups
        input_shape, weight_shape = ctx.shapes
        ops = grad_output.backend.ops
        # (N, C_out, *out) -> (N, C_out, OD, OH, OW), C-contiguous for the matmuls
        grad = ops.xp.ascontiguousarray(canonical(grad_output, x.dtype))
        grad_input = grad_weight = None
        if ctx.needs[0] and ctx.needs[1]:  # both in one parallel region
            grad_x, grad_w = conv_gradients(ops, x, grad, w, window, groups, unrolled)
            grad_input = from_array(grad_output, grad_x, input_shape)
            grad_weight = from_array(grad_output, grad_w, weight_shape)
        elif ctx.needs[0]:
            grad_input = from_array(grad_output, conv_input_grad(ops, grad, w, window, groups), input_shape)
        elif ctx.needs[1]:
            grad_w = conv_weight_grad(ops, x, grad, window, groups, unrolled)
            grad_weight = from_array(grad_output, grad_w, weight_shape)
        if not ctx.has_bias:
            return grad_input, grad_weight
        return grad_input, grad_weight, bias_grad(grad_output, grad)


def from_canonical(input: Tensor, out: Any) -> Tensor:
    """A canonical 5-D (N, C, D, H, W) result as a tensor with `input`'s number of spatial dims."""
    n_spatial = len(input.shape) - 2
    return from_array(input, out, out.shape[:2] + out.shape[5 - n_spatial :])


def bias_grad(like: Tensor, grad: Any) -> Tensor:
    """The bias gradient of a convolution: grad (N, C_out, OD, OH, OW) summed to (C_out,)."""
    # (N, C_out, OD, OH, OW) -> (N, C_out, L) -> (C_out,); einsum beats a sum over two axes here.
    # L spelled out, not -1: an empty (N = 0) batch cannot infer it.
    length = math.prod(grad.shape[2:])
    summed = namespace(like).einsum("ncl->c", grad.reshape(grad.shape[0], grad.shape[1], length))
    return from_array(like, summed, (grad.shape[1],))


def apply_conv(op: str, n: int, function: Type[Function], input: Tensor, weight: Tensor, bias: Optional[Tensor],
               groups: int, out_channels: int, window_of: Callable[[Tuple[int, ...]], Window]) -> Tensor:
    """`function` (Conv, ConvTranspose) over `input` with the window `window_of(batched input shape)`;
    an unbatched (C_in, *spatial) input runs as a batch of one, as PyTorch accepts it.

    Raises:
        ShapeError: when the bias is not (out_channels,) (after the window's own checks).
    """
    unbatched = len(input.shape) == n + 1
    if unbatched:
        input = input.reshape(1, *input.shape)
    window = window_of(input.shape)
    if bias is not None and bias.shape != (out_channels,):
        raise ShapeError(f"{op}: bias must have shape ({out_channels},) = (C_out,), got {bias.shape}")
    out = function.apply(input, weight, bias, window, int(groups))
    return out.view(*out.shape[1:]) if unbatched else out


def _conv(op: str, n: int, input: Tensor, weight: Tensor, bias: Optional[Tensor], stride: IntOrTuple,
          padding: Union[str, IntOrTuple], dilation: IntOrTuple, groups: int) -> Tensor:
    """Shared body of conv1d/2d/3d."""
    stride, dilation = (tuple(a) if isinstance(a, list) else a for a in (stride, dilation))
    padding = tuple(padding) if isinstance(padding, list) else padding
    return apply_conv(op, n, Conv, input, weight, bias, groups, weight.shape[0],
                      lambda shape: conv_geometry(op, shape, weight.shape, n, stride, padding, dilation, groups))


def conv1d(input: Tensor, weight: Tensor, bias: Optional[Tensor] = None, stride: IntOrTuple = 1,
           padding: Union[str, IntOrTuple] = 0, dilation: IntOrTuple = 1, groups: int = 1) -> Tensor:
    """1-D convolution (cross-correlation, as in PyTorch) over a batch of signals.

    out[n, o, l] = bias[o] + sum_{c, k} weight[o, c, k] * input_pad[n, g*C_in/G + c, l*S + k*d]
    for output channel o in group g.

    Args:
        input: (N, C_in, L) or (C_in, L).
        weight: (C_out, C_in / groups, K).
        bias: (C_out,) or None. Default None.
        stride: int or (int,). Default 1.
        padding: int, (int,), 'valid' or 'same' (stride 1 only; an even kernel pads one more
            at the end). Default 0.
        dilation: int or (int,). Default 1.
        groups: split channels into independent groups. Default 1.

    Shape:
        output (N, C_out, L_out), L_out = floor((L + 2P - d (K - 1) - 1) / S) + 1.

    Example:
        >>> x = minitorch.tensor([[[0.0, 1.0, 2.0, 3.0]]])
        >>> conv1d(x, minitorch.tensor([[[1.0, 2.0]]])).to_numpy().tolist()
        [[[2.0, 5.0, 8.0]]]
    """
    return _conv("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input: Tensor, weight: Tensor, bias: Optional[Tensor] = None, stride: IntOrTuple = 1,
           padding: Union[str, IntOrTuple] = 0, dilation: IntOrTuple = 1, groups: int = 1) -> Tensor:
    """2-D convolution (cross-correlation, as in PyTorch) over a batch of images.

    out[n, o, i, j] = bias[o] + sum_{c, kh, kw} weight[o, c, kh, kw]
                      * input_pad[n, g*C_in/G + c, i*S_h + kh*d_h, j*S_w + kw*d_w]

    Args:
        input: (N, C_in, H, W) or (C_in, H, W).
        weight: (C_out, C_in / groups, KH, KW).
        bias: (C_out,) or None. Default None.
        stride, padding, dilation: int or (int, int); padding also 'valid' or 'same'.
            Defaults 1, 0, 1.
        groups: split channels into independent groups. Default 1.

    Shape:
        output (N, C_out, H_out, W_out), H_out = floor((H + 2P_h - d_h (KH - 1) - 1) / S_h) + 1,
        and likewise W_out.

    Example:
        >>> x = minitorch.ones((1, 1, 3, 3))
        >>> conv2d(x, minitorch.ones((2, 1, 2, 2)), padding=1).shape
        (1, 2, 4, 4)
    """
    return _conv("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)


def conv3d(input: Tensor, weight: Tensor, bias: Optional[Tensor] = None, stride: IntOrTuple = 1,
           padding: Union[str, IntOrTuple] = 0, dilation: IntOrTuple = 1, groups: int = 1) -> Tensor:
    """3-D convolution (cross-correlation, as in PyTorch) over a batch of volumes.

    out[n, o, i, j, l] = bias[o] + sum_{c, kd, kh, kw} weight[o, c, kd, kh, kw]
                         * input_pad[n, g*C_in/G + c, i*S_d + kd*d_d, j*S_h + kh*d_h, l*S_w + kw*d_w]

    Args:
        input: (N, C_in, D, H, W) or (C_in, D, H, W).
        weight: (C_out, C_in / groups, KD, KH, KW).
        bias: (C_out,) or None. Default None.
        stride, padding, dilation: int or 3-tuple; padding also 'valid' or 'same'.
            Defaults 1, 0, 1.
        groups: split channels into independent groups. Default 1.

    Shape:
        output (N, C_out, D_out, H_out, W_out), each as floor((in + 2P - d (K - 1) - 1) / S) + 1.

    Example:
        >>> conv3d(minitorch.ones((1, 1, 3, 3, 3)), minitorch.ones((1, 1, 2, 2, 2))).shape
        (1, 1, 2, 2, 2)
    """
    return _conv("conv3d", 3, input, weight, bias, stride, padding, dilation, groups)


# The transposed convolutions live in their own file (they import the helpers above); they are
# re-exported here so `minitorch.ops.conv` holds every convolution of the functional API.
from .conv_transpose import conv_transpose1d, conv_transpose2d, conv_transpose3d  # noqa: E402
