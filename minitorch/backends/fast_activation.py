"""float32 forms of the transcendental activations that numba vectorises.

numba compiles `math.erf` / `exp` / `tanh` / `log1p` / `expm1` as one libm call per element (no
vector math library here), which made gelu, silu, elu, softplus and the rest 40-110x slower
than PyTorch on float32. The scalar functions of `ops/activation_scalars.py` stay the definition
(and what runs for float64, libm-exact); each one that has a float32 form here names it in its
`float32_form` attribute: `(name, is_backward, parameters)`. The forms are the same formulas in
float32 arithmetic over plain arithmetic primitives (the backends may not import ops):

* `exp_nonpositive` of `fast_exp.py` (every exp here is of a value <= 0: e = exp(-|x|));
* `expm1` of a value <= 0: a degree-8 Taylor polynomial above -0.5 (no cancellation), exp - 1 below;
* `log1p` of u in [0, 1]: 2 atanh(s), s = u / (2 + u) in [0, 1/3], by its odd series;
* tanh(y) = -expm1(-2|y|) / (2 + expm1(-2|y|)) with y's sign;
* erfc(z) for z >= 0 by Numerical Recipes' `erfcc` (a Chebyshev fit, relative error < 1.2e-7
  everywhere, also in the far tail): t exp(-z^2 + P(t)), t = 1 / (1 + z / 2).

Every branch is a select of values computed on both sides, so each kernel's loop vectorises.
Results are within a few float32 units of the float64 scalar function (tests/test_fast_activation.py
compares every form with it on edges, NaN and inf included); forms exist only for positive
parameters (ELU's alpha, Softplus's beta), others run the scalar function.
"""

from __future__ import annotations

import functools
import math
from typing import Any, Callable, Dict, Optional, Tuple

import numpy as np
from numba.extending import register_jitable

from .fast_exp import EXP_CONSTANTS, FASTMATH, exp_nonpositive
from .fast_walk import jitable

__all__ = ["float32_form", "FORMS"]

F = np.float32
_SPLIT, _POLY = EXP_CONSTANTS[np.dtype(np.float32)]
_ZERO, _HALF, _ONE, _TWO = F(0.0), F(0.5), F(1.0), F(2.0)
_EXPM1 = tuple(F(1.0 / math.factorial(i)) for i in range(8, 0, -1))  # t^8/8! .. t/1!, highest first
_ATANH = tuple(F(1.0 / k) for k in (13, 11, 9, 7, 5, 3, 1))  # s^12/13 .. 1, highest first
_ERFC = tuple(F(c) for c in (
    0.17087277, -0.82215223, 1.48851587, -1.13520398, 0.27886807, -0.18628806, 0.09678418, 0.37409196,
    1.00002368, -1.26551223,
))
_SQRT1_2 = F(0.7071067811865476)
_INV_SQRT_2PI = F(0.3989422804014327)
_SQRT_2_PI = F(0.7978845608028654)
_GELU_C = F(0.044715)
_TWENTY = F(20.0)
_BIG = F(1e4)

# helpers, and the forms the kernels call: inlined at numba's level (LLVM's inliner left the
# larger forms as calls, and a loop with a call does not vectorise)
jit = register_jitable(fastmath=FASTMATH, error_model="numpy", inline="always")
form = functools.partial(jitable, fastmath=FASTMATH, error_model="numpy", inline="always")


@jit
def exp_(t):  # pragma: no cover - numba (t <= 0)
    return exp_nonpositive(t, _SPLIT, _POLY)


@jit
def expm1_(t):  # pragma: no cover - numba (t <= 0)
    p = _EXPM1[0]
    for c in _EXPM1[1:]:
        p = p * t + c
    return t * p if t > -_HALF else exp_(t) - _ONE


@jit
def log1p_(u):  # pragma: no cover - numba (0 <= u <= 1)
    s = u / (_TWO + u)
    s2 = s * s
    p = _ATANH[0]
    for c in _ATANH[1:]:
        p = p * s2 + c
    return _TWO * s * p


@jit
def tanh_(y):  # pragma: no cover - numba
    m = expm1_(-_TWO * abs(y))
    t = -m / (_TWO + m)
    return -t if y < _ZERO else t


@jit
def sigmoid_parts(x):  # pragma: no cover - numba
    """(sigmoid(x), 1 - sigmoid(x), exp(-|x|)), each without cancellation."""
    e = exp_(-abs(x))
    r = _ONE / (_ONE + e)
    if x >= _ZERO:
        return r, e * r, e
    return e * r, r, e


@jit
def normal_cdf(x):  # pragma: no cover - numba
    """Phi(x) = erfc(-x / sqrt 2) / 2, erfc by Numerical Recipes' erfcc."""
    z = abs(x) * _SQRT1_2
    t = _ONE / (_ONE + _HALF * z)
    p = _ERFC[0]
    for c in _ERFC[1:]:
        p = p * t + c
    half_erfc = _HALF * t * exp_(p - z * z)
    return _ONE - half_erfc if x >= _ZERO else half_erfc


@form
def gelu(x):  # pragma: no cover - numba
    return x * normal_cdf(x)


@form
def gelu_back(x, g):  # pragma: no cover - numba
    return g * (normal_cdf(x) + x * _INV_SQRT_2PI * exp_(-_HALF * x * x))


@jit
def _gelu_tanh_parts(x):  # pragma: no cover - numba
    # 0.5 (1 + tanh(y)) = sigmoid(2y), 0.25 (1 - tanh(y)^2) = sigmoid(2y) (1 - sigmoid(2y))
    s, s_c, _ = sigmoid_parts(_TWO * _SQRT_2_PI * (x + _GELU_C * x * x * x))
    return s, s_c


@form
def gelu_tanh(x):  # pragma: no cover - numba
    s, _ = _gelu_tanh_parts(x)
    return x * s


@form
def gelu_tanh_back(x, g):  # pragma: no cover - numba
    s, s_c = _gelu_tanh_parts(x)
    # s (1 - s) is 0 from |x| = 1e4 on: clamping x there keeps x^3 finite (no 0 * inf)
    x = _BIG if x > _BIG else (-_BIG if x < -_BIG else x)
    return g * (s + _TWO * x * s * s_c * _SQRT_2_PI * (_ONE + F(3.0) * _GELU_C * x * x))


@form
def silu(x):  # pragma: no cover - numba
    s, _, _ = sigmoid_parts(x)
    return x * s


@form
def silu_back(x, g):  # pragma: no cover - numba
    s, s_c, _ = sigmoid_parts(x)
    return g * s * (_ONE + x * s_c)


@jit
def _mish_parts(x):  # pragma: no cover - numba
    """(tanh(softplus(x)), 1 - that, 1 + that): with u = exp(-|x|), tanh(log(1 + e^x)) is
    (1 + 2u) / (1 + 2u + 2u^2) for x >= 0 and (u^2 + 2u) / (u^2 + 2u + 2) below."""
    u = exp_(-abs(x))
    n = _ONE + _TWO * u if x >= _ZERO else u * (u + _TWO)
    w = u * u if x >= _ZERO else _ONE
    d = n + _TWO * w
    return n / d, _TWO * w / d, _TWO * (n + w) / d


@form
def mish(x):  # pragma: no cover - numba
    t, _, _ = _mish_parts(x)
    return x if x > _TWENTY else x * t


@form
def mish_back(x, g):  # pragma: no cover - numba
    t, t_c, t_p = _mish_parts(x)
    s, _, _ = sigmoid_parts(x)
    return g if x > _TWENTY else g * (t + x * s * t_c * t_p)


@form
def logsigmoid(x):  # pragma: no cover - numba
    e = exp_(-abs(x))
    return (x if x < _ZERO else _ZERO) - log1p_(e)


@form
def logsigmoid_back(x, g):  # pragma: no cover - numba
    s, s_c, _ = sigmoid_parts(x)
    return g * s_c


@form
def tanhshrink(x):  # pragma: no cover - numba
    return x - tanh_(x)


@form
def tanhshrink_back(x, g):  # pragma: no cover - numba
    t = tanh_(x)
    return g * t * t


def _elu(alpha: float, scale: float, input_scale: float) -> Optional[Tuple[Callable, Callable]]:
    if not input_scale > 0:  # exp of x * input_scale for x <= 0 must not grow
        return None
    left, k, c, slope = F(alpha * scale), F(scale), F(input_scale), F(alpha * scale * input_scale)

    def elu(x):  # pragma: no cover - numba
        return left * expm1_(x * c) if x <= _ZERO else k * x

    def elu_back(x, g):  # pragma: no cover - numba
        return g * slope * exp_(x * c) if x <= _ZERO else g * k

    return form(elu), form(elu_back)


def _softplus(beta: float, threshold: float) -> Optional[Tuple[Callable, Callable]]:
    if not beta > 0:
        return None
    b, limit = F(beta), F(threshold)

    def softplus(x):  # pragma: no cover - numba
        z = x * b
        e = exp_(-abs(z))
        return x if z > limit else ((z if z > _ZERO else _ZERO) + log1p_(e)) / b

    def softplus_back(x, g):  # pragma: no cover - numba
        z = x * b
        s, _, _ = sigmoid_parts(z)
        return g if z > limit else g * s

    return form(softplus), form(softplus_back)


def _fixed(forward: Callable, backward: Callable) -> Callable[[], Tuple[Callable, Callable]]:
    return lambda: (forward, backward)


# name -> factory(*parameters) -> (forward form, backward form), or None: no form for those values
FORMS: Dict[str, Callable[..., Optional[Tuple[Callable, Callable]]]] = {
    "gelu": _fixed(gelu, gelu_back),
    "gelu_tanh": _fixed(gelu_tanh, gelu_tanh_back),
    "silu": _fixed(silu, silu_back),
    "mish": _fixed(mish, mish_back),
    "logsigmoid": _fixed(logsigmoid, logsigmoid_back),
    "tanhshrink": _fixed(tanhshrink, tanhshrink_back),
    "elu": _elu,
    "softplus": _softplus,
}


@functools.lru_cache(maxsize=None)
def _forms(name: str, parameters: Tuple[float, ...]) -> Optional[Tuple[Callable, Callable]]:
    return FORMS[name](*parameters)


def float32_form(fn: Callable[..., Any]) -> Optional[Callable[..., Any]]:
    """The float32 form of the scalar function `fn` (by its `float32_form` attribute), or None."""
    named = getattr(fn, "float32_form", None)
    if named is None:
        return None
    name, is_backward, parameters = named
    forms = _forms(name, tuple(parameters))
    return None if forms is None else forms[1 if is_backward else 0]
