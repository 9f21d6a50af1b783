"""Elementwise differentiable functions: forward through the backend's map/zip kernels; the
PyTorch-named functions `exp`, `log`, `sigmoid`, `relu` over them.

Shape:
    Unary: input (*) -> output (*). Binary: inputs broadcast, output (broadcast shape).
"""

from __future__ import annotations

from typing import Any, Optional, Tuple

from ..autodiff.function import Context, Function
from ..core.tensor import Tensor
from .arrays import array, from_array

__all__ = ["Neg", "Inv", "Add", "Mul", "Sigmoid", "ReLU", "Log", "Exp", "Cast", "cast", "exp", "log", "sigmoid", "relu"]


class Neg(Function):
    """-a.

    Shape: (*) -> (*).
    """

    @staticmethod
    def forward(ctx: Context, a: Tensor) -> Tensor:
        return a.f.neg_map(a)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        return grad_output.f.neg_map(grad_output)


class _MapWithBackZip(Function):
    """f(a) through the backend map `forward_kernel`; the gradient is `backward_kernel(a, g)`
    (the course's `*_back` scalar functions, which take the input and the upstream gradient)."""

    forward_kernel = ""
    backward_kernel = ""

    @classmethod
    def forward(cls, ctx: Context, a: Tensor) -> Tensor:
        ctx.save_for_backward(a)
        return getattr(a.f, cls.forward_kernel)(a)

    @classmethod
    def backward(cls, ctx: Context, grad_output: Tensor) -> Tensor:
        (a,) = ctx.saved_values
        return getattr(grad_output.f, cls.backward_kernel)(a, grad_output)


class Inv(_MapWithBackZip):
    """1 / a; gradient -g / a^2.

    Shape: (*) -> (*).
    """

    forward_kernel = "inv_map"
    backward_kernel = "inv_back_zip"


class Add(Function):
    """a + b (broadcasting); both gradients are g, reduced to each input's shape.

    Shape: a, b broadcastable -> the broadcast shape.
    """

    @staticmethod
    def forward(ctx: Context, a: Tensor, b: Tensor) -> Tensor:
        return a.f.add_zip(a, b)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tuple[Tensor, Tensor]:
        return grad_output, grad_output


class Mul(Function):
    """a * b (broadcasting); gradients g * b and g * a.

    Shape: a, b broadcastable -> the broadcast shape.
    """

    @staticmethod
    def forward(ctx: Context, a: Tensor, b: Tensor) -> Tensor:
        # each gradient needs the other input: keep it only when that gradient is wanted (the
        # course's `out * y` and `x / n` multiply by constants, whose gradients nobody reads)
        ctx.save_for_backward(b if a.history is not None else None, a if b.history is not None else None)
        return a.f.mul_zip(a, b)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tuple[Optional[Tensor], Optional[Tensor]]:
        b, a = ctx.saved_values
        mul = grad_output.f.mul_zip
        return None if b is None else mul(grad_output, b), None if a is None else mul(grad_output, a)


class Sigmoid(Function):
    """1 / (1 + exp(-a)), computed stably in both tails; gradient g * s * (1 - s).

    Shape: (*) -> (*).
    """

    @staticmethod
    def forward(ctx: Context, a: Tensor) -> Tensor:
        out = a.f.sigmoid_map(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        (s,) = ctx.saved_values
        f = grad_output.f
        one_minus = f.add_zip(f.neg_map(s), s._ensure_tensor(1.0))
        return f.mul_zip(grad_output, f.mul_zip(s, one_minus))


class ReLU(_MapWithBackZip):
    """max(a, 0); the gradient at 0 is 0 (as PyTorch).

    Shape: (*) -> (*).
    """

    forward_kernel = "relu_map"
    backward_kernel = "relu_back_zip"


class Log(_MapWithBackZip):
    """Natural logarithm; gradient g / a.

    Shape: (*) -> (*).
    """

    forward_kernel = "log_map"
    backward_kernel = "log_back_zip"


class Exp(Function):
    """e ** a; gradient g * e ** a.

    Shape: (*) -> (*).
    """

    @staticmethod
    def forward(ctx: Context, a: Tensor) -> Tensor:
        out = a.f.exp_map(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        (out,) = ctx.saved_values
        return grad_output.f.mul_zip(grad_output, out)


class Cast(Function):
    """A copy of `a` in another dtype; the gradient is cast back.

    Shape: (*) -> (*).
    """

    @staticmethod
    def forward(ctx: Context, a: Tensor, dtype: Any) -> Tensor:  # (a dtype of the backend's arrays)
        ctx.dtype = a.dtype
        return from_array(a, array(a).astype(dtype))

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        return grad_output.to(ctx.dtype)


def cast(a: Tensor, dtype: Any) -> Tensor:
    """`a` converted to `dtype` (differentiable)."""
    return Cast.apply(a, dtype)


def _floating(t: Tensor) -> Tensor:
    """`t` as a float tensor (int64/bool become the default float, as in PyTorch)."""
    return t if t.dtype.kind == "f" else t.to(None)


def exp(input: Tensor) -> Tensor:
    """e ** input, elementwise (as `torch.exp`; ints give floats). Shape: (*) -> (*).

    Example:
        >>> exp(minitorch.tensor([0.0])).tolist()
        [1.0]
    """
    return Exp.apply(_floating(input))


def log(input: Tensor) -> Tensor:
    """Natural logarithm, elementwise (as `torch.log`; ints give floats). Shape: (*) -> (*).

    Example:
        >>> log(minitorch.tensor([1.0])).tolist()
        [0.0]
    """
    return Log.apply(_floating(input))


def sigmoid(input: Tensor) -> Tensor:
    """1 / (1 + e ** -input), elementwise (as `torch.sigmoid`). Shape: (*) -> (*).

    Example:
        >>> sigmoid(minitorch.tensor([0.0])).tolist()
        [0.5]
    """
    return Sigmoid.apply(_floating(input))


def relu(input: Tensor) -> Tensor:
    """max(input, 0), elementwise (as `torch.relu`). Shape: (*) -> (*).

    Example:
        >>> relu(minitorch.tensor([-1.0, 2.0])).tolist()
        [0.0, 2.0]
    """
    return ReLU.apply(input)
