"""A vectorisable exp for numba kernels (shared by the row and elementwise kernels).

numba's `math.exp` calls libm one element at a time (measured 5x slower than PyTorch here), so
`exp_nonpositive` computes exp(t) for t <= 0 in a form the compiler vectorizes:
t = k ln2 + f with |f| <= ln2 / 2, exp(t) = 2^k * poly(f), where poly is the Taylor series
(degree 7 for float32, 13 for float64: below one unit in the last place) and 2^k is built by
writing k into the exponent bits (`_pow2`). Below `lowest` (exp underflows) the result is 0.
Kernels get the constants with `split, poly = constants_of(x)` (compile-time constants for the
dtype of x, a number or an array; `EXP_CONSTANTS[dtype]` outside numba).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from llvmlite import ir
from numba import types
from numba.extending import intrinsic, overload, register_jitable

__all__ = ["FASTMATH", "EXP_CONSTANTS", "exp_nonpositive", "sigmoid", "constants_of"]

# reassociation lets sums vectorize; no "nnan"/"ninf", so NaN and inf keep their meaning;
# numpy's error model: x / 0 gives inf or NaN instead of a Python exception check per division
FASTMATH = {"reassoc", "nsz", "contract", "arcp", "afn"}


@intrinsic
def _pow2(typingctx, k, like):
    """2.0 ** k in the float type of `like`, for an int32 k in the normal exponent range."""

    def codegen(context, builder, signature, args):
        k_value = args[0]
        if like.bitwidth == 32:
            int_type, bias, shift, float_type = ir.IntType(32), 127, 23, ir.FloatType()
        else:
            int_type, bias, shift, float_type = ir.IntType(64), 1023, 52, ir.DoubleType()
        if k_value.type.width < int_type.width:
            k_value = builder.sext(k_value, int_type)
        biased = builder.add(k_value, ir.Constant(int_type, bias))
        return builder.bitcast(builder.shl(biased, ir.Constant(int_type, shift)), float_type)

    return like(k, like), codegen


def _constants(float_type: Any) -> tuple:
    """(log2 e, 1/2, ln2 high part, ln2 low part, lowest t, lowest k) and the Taylor coefficients.

    All in the array's dtype: a Python float would promote float32 arithmetic to float64.
    """
    lowest, degree = (-87.0, 7) if float_type == np.float32 else (-708.0, 13)
    split = tuple(float_type(v) for v in (1.4426950408889634, 0.5, 0.693145751953125, 1.428606820309417232e-06, lowest))
    split = split + (float_type(math.floor(lowest * 1.4426950408889634)),)
    poly = tuple(float_type(1.0 / math.factorial(i)) for i in range(degree, -1, -1))  # highest first
    return split, poly


EXP_CONSTANTS = {np.dtype(np.float32): _constants(np.float32), np.dtype(np.float64): _constants(np.float64)}


@register_jitable(fastmath=FASTMATH, error_model="numpy")
def exp_nonpositive(t, split, poly):
    log2e, half, ln2_high, ln2_low, lowest, lowest_k = split
    clamped = lowest if t < lowest else t  # NaN passes through
    k = np.floor(clamped * log2e + half)
    k = k if k > lowest_k else lowest_k  # NaN -> a defined integer; the polynomial stays NaN
    f = clamped - k * ln2_high - k * ln2_low
    p = poly[0]
    for c in poly[1:]:
        p = p * f + c
    e = p * _pow2(np.int32(k), p)
    return e - e if t < lowest else e  # e is finite there: exact 0


def constants_of(x):
    """(split, poly) for the float type of `x`, a number or an array (float32, else float64),
    inside numba code: compile-time constants."""
    return EXP_CONSTANTS[np.dtype(np.float32 if np.asarray(x).dtype == np.float32 else np.float64)]


@overload(constants_of)
def _constants_of_overload(x):
    dtype = x.dtype if isinstance(x, types.Array) else x
    split, poly = EXP_CONSTANTS[np.dtype(np.float32 if dtype == types.float32 else np.float64)]
    return lambda x: (split, poly)


@register_jitable(fastmath=FASTMATH, error_model="numpy")
def sigmoid(x):
    """`operators.sigmoid` in a form numba vectorises: with e = exp(-|x|) (never overflows),
    1 / (1 + e) for x >= 0, else e / (1 + e). NaN stays NaN (x >= 0 is false, e is NaN)."""
    split, poly = constants_of(x)
    e = exp_nonpositive(-abs(x), split, poly)
    one = poly[-1]  # 1 in x's dtype
    r = one / (one + e)
    return r if x >= 0 else e * r
