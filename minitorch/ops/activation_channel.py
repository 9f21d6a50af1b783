"""Activations along a dimension (as `torch.nn.functional`): prelu (a learned slope per channel,
dim 1), glu (one half of a dim gates the other), softmin (softmax of -x along a dim).

Shape:
    prelu: input (N, C, *) -> (N, C, *), weight (C,) or (1,); glu: (*, 2K, *) -> (*, K, *) along
    dim; softmin: (*) -> (*).
"""

from __future__ import annotations

from typing import Any, Optional, Tuple

from ..autodiff.function import Context, Function
from ..core.tensor import Tensor
from ..errors import DTypeError, ShapeError
from .arrays import array, from_array, namespace
from .softmax import softmax

__all__ = ["PReLU", "prelu", "glu", "softmin", "legacy_softmax_dim"]


class PReLU(Function):
    """x if x > 0 else w_c x, w viewed as `view` (static: (1, C, 1, ...) per channel, else all 1s).

    Gradients: g where x > 0 else w_c g for x; the sum of x g over x <= 0 for w, per channel.
    """

    @staticmethod
    def forward(ctx: Context, input: Tensor, weight: Tensor, view: Tuple[int, ...]) -> Tensor:
        xp = namespace(input)
        x, w = array(input), array(weight).reshape(view)
        ctx.save_for_backward(x, w)
        return from_array(input, xp.where(x > 0, x, w * x).astype(input.dtype, copy=False))

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tuple[Tensor, Tensor]:
        x, w = ctx.saved_values
        xp = namespace(grad_output)
        g = array(grad_output)
        positive = x > 0
        grad_input = xp.where(positive, g, w * g).astype(grad_output.dtype, copy=False)
        per_channel = tuple(i for i, s in enumerate(w.shape) if s == 1)  # every dim but the channel's
        grad_weight = xp.where(positive, 0, x * g).sum(axis=per_channel).reshape(-1)  # (C,) or (1,)
        return from_array(grad_output, grad_input), from_array(grad_output, grad_weight.astype(grad_output.dtype, copy=False))


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """x if x > 0 else weight_c x (as `torch.nn.functional.prelu`): one learned slope, or one
    per channel (dim 1; an input of fewer than 2 dims has one channel).

    Args:
        input: (N, C, *) or any shape with a one-element weight.
        weight: (C,) or (1,).

    Raises:
        ShapeError: weight has more than one element and not the input's channel count.

    Shape:
        input (N, C, *), weight (C,) or (1,) -> (N, C, *).

    Example:
        >>> prelu(minitorch.tensor([[-2.0, 3.0]]), minitorch.tensor([0.25])).tolist()
        [[-0.5, 3.0]]
    """
    if input.dtype.kind != "f" or weight.dtype.kind != "f":
        raise DTypeError(f"prelu: input and weight must be float tensors, got {input.dtype} and {weight.dtype}")
    channels = input.shape[1] if input.dims >= 2 else 1
    if weight.size != 1 and weight.size != channels:
        raise ShapeError(
            f"prelu: weight of {weight.size} parameters for an input of shape {input.shape} with {channels} channels "
            f"(dim 1); give weight {channels} entries or 1"
        )
    view = tuple(channels if i == 1 and weight.size != 1 else 1 for i in range(input.dims))  # (1, C, 1, ...)
    return PReLU.apply(input, weight, view)


def glu(input: Tensor, dim: int = -1) -> Tensor:
    """Gated linear unit (as `torch.nn.functional.glu`): a * sigmoid(b), a and b the two halves
    of `input` along `dim`.

    Raises:
        ShapeError: a 0-d input, or an odd size along dim.

    Shape:
        (*, 2K, *) -> (*, K, *) along dim.

    Example:
        >>> glu(minitorch.tensor([[2.0, 0.0]])).tolist()
        [[1.0]]
    """
    if input.dims == 0:
        raise ShapeError("glu: a 0-d input has no dim to halve; give it at least one dim")
    if not -input.dims <= dim < input.dims:
        raise ShapeError(f"glu: dim {dim} out of range for shape {input.shape}")
    size = input.shape[dim]
    if size % 2:
        raise ShapeError(f"glu: halving dim {dim} needs an even size, got {size} (shape {input.shape})")
    a, b = input.chunk(2, dim)
    return a * b.sigmoid()


def legacy_softmax_dim(dims: int) -> int:
    """PyTorch's choice when a softmax's `dim` is not given: 0 for 0-, 1- and 3-D inputs, else 1."""
    return 0 if dims in (0, 1, 3) else 1


def softmin(input: Tensor, dim: Optional[int] = None, _stacklevel: int = 3, dtype: Optional[Any] = None) -> Tensor:
    """softmax(-x) along dim (as `torch.nn.functional.softmin`): exp(-x_i) / sum_j exp(-x_j).

    Args:
        dim: the dim that sums to 1; None takes PyTorch's legacy choice (pass it).
        dtype: cast the input to it first.

    Shape:
        (*) -> (*).

    Example:
        >>> softmin(minitorch.tensor([0.0, 0.0]), dim=0).tolist()
        [0.5, 0.5]
    """
    if dtype is not None:
        input = input.to(dtype)
    return softmax(-input, legacy_softmax_dim(input.dims) if dim is None else dim)
