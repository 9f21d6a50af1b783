"""The scalar functions of the elementwise activations, each a forward f(x) and a backward
f_back(x, g) = g * f'(x), written once.

Every backend lifts them to kernels the way it lifts the course's `relu` / `relu_back`
(`backend.ops.map(f)`, `backend.ops.zip(f_back)`): the simple backend loops in Python, the fast
backend compiles them with numba (`fast_walk.py`), the CUDA backend compiles the C expression
each function carries as `expression` (arity, text over `x` and the gradient `y`; the same
subset of C that is also Python over numpy that `cuda_array_ops.EXPRESSIONS` uses) or, without
CuPy, the function itself with numba.cuda. So an activation costs one kernel forward and one
backward on every backend.

Functions with a parameter (LeakyReLU's slope, ELU's alpha, Softplus's beta and threshold,
Hardtanh's bounds) are built once per parameter value by a cached factory: the value is a
constant of the compiled kernel (numba keys its disk cache on it), and of the C text.

Values follow PyTorch's CPU kernels, NaN and the gradients at the kinks included (ReLU6's
gradient is 0 at 0 and 6, Hardswish's 0 at -3 and 1 at 3, LeakyReLU's the slope at 0).
Python's `math.exp` raises past 709, so no function here takes the exp of an unbounded value.
"""

from __future__ import annotations

import functools
import math
from typing import Callable, NamedTuple

from ..errors import DomainError

__all__ = [
    "Pair", "GELU", "GELU_TANH", "SILU", "MISH", "HARDSWISH", "HARDSIGMOID", "LOGSIGMOID", "SOFTSIGN",
    "TANHSHRINK", "SELU_ALPHA", "SELU_SCALE", "leaky_relu_pair", "elu_pair", "softplus_pair", "hardtanh_pair",
]


class Pair(NamedTuple):
    """An activation's forward f(x) and backward f_back(x, g) = g f'(x), each with `.expression`."""

    forward: Callable[[float], float]
    backward: Callable[[float, float], float]


def _pair(forward: Callable, forward_c: str, backward: Callable, backward_c: str, form: tuple = ()) -> Pair:
    """The pair, each function given its C `expression` and, when `form` names one (name, then
    parameters), its `float32_form` (the fast backend's vectorised float32 form of the same formula,
    `backends/fast_activation.py`)."""
    forward.expression = (1, forward_c)  # type: ignore[attr-defined]
    backward.expression = (2, backward_c)  # type: ignore[attr-defined]
    if form:
        forward.float32_form = (form[0], False, form[1:])  # type: ignore[attr-defined]
        backward.float32_form = (form[0], True, form[1:])  # type: ignore[attr-defined]
    return Pair(forward, backward)


def _literal(name: str, value: float) -> str:
    """A parameter as a C (and Python) literal; it must be finite."""
    value = float(value)
    if not math.isfinite(value):
        raise DomainError(f"{name} must be a finite number, got {value}")
    return repr(value)


_SQRT1_2 = 0.7071067811865476  # 1 / sqrt(2)
_INV_SQRT_2PI = 0.3989422804014327  # 1 / sqrt(2 pi)
_SQRT_2_PI = 0.7978845608028654  # sqrt(2 / pi)
_GELU_C = 0.044715
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def gelu(x):
    return 0.5 * x * (1.0 + math.erf(x * _SQRT1_2))


def gelu_back(x, g):
    return g * (0.5 * (1.0 + math.erf(x * _SQRT1_2)) + x * _INV_SQRT_2PI * math.exp(-0.5 * x * x))


GELU = _pair(
    gelu, f"0.5 * x * (1 + erf(x * {_SQRT1_2!r}))",
    gelu_back, f"y * (0.5 * (1 + erf(x * {_SQRT1_2!r})) + x * {_INV_SQRT_2PI!r} * exp(-0.5 * x * x))",
    ("gelu",),
)


def gelu_tanh(x):
    return 0.5 * x * (1.0 + math.tanh(_SQRT_2_PI * (x + _GELU_C * x * x * x)))


def gelu_tanh_back(x, g):
    t = math.tanh(_SQRT_2_PI * (x + _GELU_C * x * x * x))
    return g * (0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * _SQRT_2_PI * (1.0 + 3.0 * _GELU_C * x * x))


_TANH_INNER = f"tanh({_SQRT_2_PI!r} * (x + {_GELU_C!r} * x * x * x))"
GELU_TANH = _pair(
    gelu_tanh, f"0.5 * x * (1 + {_TANH_INNER})",
    gelu_tanh_back,
    f"y * (0.5 * (1 + {_TANH_INNER}) + 0.5 * x * (1 - {_TANH_INNER} * {_TANH_INNER}) * {_SQRT_2_PI!r}"
    f" * (1 + {3 * _GELU_C!r} * x * x))",
    ("gelu_tanh",),
)

# the logistic function without overflow: e = exp(-|x|), sigmoid(x) = 1 / (1 + e) or e / (1 + e)
_SIGMOID_C = "where(x >= 0, 1 / (1 + exp(-fabs(x))), exp(-fabs(x)) / (1 + exp(-fabs(x))))"


def silu(x):
    e = math.exp(-abs(x))
    return x / (1.0 + e) if x >= 0 else x * e / (1.0 + e)


def silu_back(x, g):
    e = math.exp(-abs(x))
    s = 1.0 / (1.0 + e) if x >= 0 else e / (1.0 + e)
    return g * s * (1.0 + x * (1.0 - s))


SILU = _pair(silu, f"x * {_SIGMOID_C}", silu_back, f"y * {_SIGMOID_C} * (1 + x * (1 - {_SIGMOID_C}))", ("silu",))


# mish(x) = x tanh(softplus(x)); past x = 20, tanh(softplus(x)) is 1 in float64
def mish(x):
    return x if x > 20.0 else x * math.tanh(math.log1p(math.exp(x)))


def mish_back(x, g):
    if x > 20.0:
        return g
    t = math.tanh(math.log1p(math.exp(x)))
    e = math.exp(-abs(x))
    s = 1.0 / (1.0 + e) if x >= 0 else e / (1.0 + e)
    return g * (t + x * s * (1.0 - t * t))


_MISH_T = "tanh(log1p(exp(where(x > 20, 20, x))))"
MISH = _pair(
    mish, f"where(x > 20, x, x * {_MISH_T})",
    mish_back, f"where(x > 20, y, y * ({_MISH_T} + x * {_SIGMOID_C} * (1 - {_MISH_T} * {_MISH_T})))",
    ("mish",),
)


def hardswish(x):
    return x * min(max(x + 3.0, 0.0), 6.0) / 6.0


def hardswish_back(x, g):
    if x <= -3.0:
        return 0.0
    return g * (x / 3.0 + 0.5) if x < 3.0 else g


HARDSWISH = _pair(
    hardswish, "x * where(x + 3 <= 0, 0, where(x + 3 >= 6, 6, x + 3)) / 6",
    hardswish_back, "where(x <= -3, 0, where(x < 3, y * (x / 3 + 0.5), y))",
)


def hardsigmoid(x):
    if x <= -3.0:
        return 0.0
    return 1.0 if x >= 3.0 else x / 6.0 + 0.5


def hardsigmoid_back(x, g):
    return g / 6.0 if -3.0 < x < 3.0 else 0.0


HARDSIGMOID = _pair(
    hardsigmoid, "where(x <= -3, 0, where(x >= 3, 1, x / 6 + 0.5))",
    hardsigmoid_back, "where(x > -3, where(x < 3, y / 6, 0), 0)",
)


# log sigmoid(x) = min(x, 0) - log1p(exp(-|x|)); its derivative is sigmoid(-x)
def logsigmoid(x):
    return min(x, 0.0) - math.log1p(math.exp(-abs(x)))


def logsigmoid_back(x, g):
    e = math.exp(-abs(x))
    return g / (1.0 + e) if x < 0 else g * e / (1.0 + e)


LOGSIGMOID = _pair(
    logsigmoid, "where(x < 0, x, 0) - log1p(exp(-fabs(x)))",
    logsigmoid_back, "where(x < 0, y / (1 + exp(-fabs(x))), y * exp(-fabs(x)) / (1 + exp(-fabs(x))))",
    ("logsigmoid",),
)


def softsign(x):
    return x / (1.0 + abs(x))


def softsign_back(x, g):
    d = 1.0 + abs(x)
    return g / (d * d)


SOFTSIGN = _pair(softsign, "x / (1 + fabs(x))", softsign_back, "y / ((1 + fabs(x)) * (1 + fabs(x)))")


def tanhshrink(x):
    return x - math.tanh(x)


def tanhshrink_back(x, g):
    t = math.tanh(x)
    return g * t * t


TANHSHRINK = _pair(tanhshrink, "x - tanh(x)", tanhshrink_back, "y * tanh(x) * tanh(x)", ("tanhshrink",))


@functools.lru_cache(maxsize=None)
def leaky_relu_pair(negative_slope: float) -> Pair:
    """x if x > 0 else negative_slope x; the gradient at 0 is the slope (as PyTorch)."""
    slope = _literal("leaky_relu: negative_slope", negative_slope)
    s = float(negative_slope)

    def leaky_relu(x):
        return x if x > 0 else x * s

    def leaky_relu_back(x, g):
        return g if x > 0 else g * s

    return _pair(leaky_relu, f"where(x > 0, x, x * {slope})", leaky_relu_back, f"where(x > 0, y, y * {slope})")


@functools.lru_cache(maxsize=None)
def elu_pair(alpha: float, scale: float = 1.0, input_scale: float = 1.0) -> Pair:
    """scale x if x > 0 else scale alpha (exp(input_scale x) - 1): ELU (1, 1), CELU (1, 1 / alpha),
    SELU (its two constants); the gradient at 0 is the left one, as PyTorch's."""
    a, k, c = _literal("elu: alpha", alpha), _literal("elu: scale", scale), _literal("elu: input_scale", input_scale)
    alpha, scale, input_scale = float(alpha), float(scale), float(input_scale)
    left = alpha * scale

    def elu(x):
        return left * math.expm1(x * input_scale) if x <= 0 else scale * x

    def elu_back(x, g):
        return g * left * input_scale * math.exp(x * input_scale) if x <= 0 else g * scale

    return _pair(
        elu, f"where(x <= 0, {k} * {a} * expm1(x * {c}), {k} * x)",
        elu_back, f"where(x <= 0, y * {k} * {a} * {c} * exp(x * {c}), y * {k})",
        ("elu", alpha, scale, input_scale),
    )


@functools.lru_cache(maxsize=None)
def softplus_pair(beta: float, threshold: float) -> Pair:
    """log(1 + exp(beta x)) / beta, and x itself once beta x > threshold (as PyTorch)."""
    b, t = _literal("softplus: beta", beta), _literal("softplus: threshold", threshold)
    beta, threshold = float(beta), float(threshold)

    def softplus(x):
        z = x * beta
        if z > threshold:
            return x
        return (math.log1p(math.exp(z)) if z < 709.0 else z) / beta  # (math.exp raises past 709.78)

    def softplus_back(x, g):
        z = x * beta
        if z > threshold:
            return g
        e = math.exp(-abs(z))
        return g / (1.0 + e) if z >= 0 else g * e / (1.0 + e)

    z, e = f"(x * {b})", f"exp(-fabs(x * {b}))"
    sigmoid = f"where({z} >= 0, 1 / (1 + {e}), {e} / (1 + {e}))"
    return _pair(
        softplus, f"where({z} > {t}, x, log1p(exp({z})) / {b})",
        softplus_back, f"where(x * {b} > {t}, y, y * {sigmoid})",
        ("softplus", beta, threshold),
    )


@functools.lru_cache(maxsize=None)
def hardtanh_pair(min_val: float, max_val: float) -> Pair:
    """x clamped to [min_val, max_val]; the gradient is 0 at and beyond the bounds (as PyTorch)."""
    lo, hi = _literal("hardtanh: min_val", min_val), _literal("hardtanh: max_val", max_val)
    low, high = float(min_val), float(max_val)

    def hardtanh(x):
        if x < low:
            return low
        return high if x > high else x

    def hardtanh_back(x, g):
        return 0.0 if x <= low or x >= high else g

    return _pair(
        hardtanh, f"where(x < {lo}, {lo}, where(x > {hi}, {hi}, x))",
        hardtanh_back, f"where(x <= {lo}, 0, where(x >= {hi}, 0, y))",
    )
