"""Fused optimizer update kernels (numba) for host arrays: one pass over a parameter and its state.

The numpy formulation of an Adam step makes about ten passes over memory and several
temporaries; on large parameters (a 4M-entry embedding) that dominated a training step. The
kernel below applies the same arithmetic, in the same order, element by element, so its
trajectories equal the numpy (and PyTorch) ones to rounding. `optim/adam.py` reaches it through
`compiled.fast_optim` (numba loads at the first step); `cuda_optim.py` is its device twin.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit
from numba.extending import register_jitable

__all__ = ["adam_step", "adam_moments"]


@register_jitable
def adam_moments(p, g, m, v, beta1, beta2, one_minus_beta1, one_minus_beta2, weight_decay, decay):  # pragma: no cover - numba
    """(decayed parameter, new first moment, new second moment) of one element: p * decay, then
    g + weight_decay * p into both moments. Compiled into this kernel and into the GPU's
    (`cuda_optim._adam`), so both update in the same order."""
    p = p * decay
    g = g + weight_decay * p
    return p, m * beta1 + one_minus_beta1 * g, v * beta2 + one_minus_beta2 * (g * g)


def _kernel(amsgrad: bool) -> Any:
    """The update loop, with or without AMSGrad's running maximum of v. `amsgrad` is a constant of
    the compiled code (numba freezes a closure's values), so neither loop has a branch, and with
    weight_decay 0 when unused none is needed for it either: LLVM vectorises both."""

    def step(
        data, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, beta1, beta2, one_minus_beta1, one_minus_beta2,
        step_size, bias_correction2_sqrt, eps, weight_decay, decay,
    ):  # pragma: no cover - numba
        for i in range(data.size):
            p, m, v = adam_moments(
                data[i], grad[i], exp_avg[i], exp_avg_sq[i], beta1, beta2, one_minus_beta1, one_minus_beta2,
                weight_decay, decay,
            )
            exp_avg[i] = m
            exp_avg_sq[i] = v
            if amsgrad:
                v = max(max_exp_avg_sq[i], v)
                max_exp_avg_sq[i] = v
            data[i] = p - step_size * (m / (np.sqrt(v) / bias_correction2_sqrt + eps))

    return njit(cache=True, error_model="numpy")(step)


_STEPS = (_kernel(False), _kernel(True))


def adam_step(
    data: np.ndarray,
    grad: np.ndarray,
    exp_avg: np.ndarray,
    exp_avg_sq: np.ndarray,
    max_exp_avg_sq: np.ndarray,
    *,
    beta1: float,
    beta2: float,
    step_size: float,
    bias_correction2_sqrt: float,
    eps: float,
    weight_decay: float,
    decay: float,
    amsgrad: bool,
) -> None:
    """One Adam/AdamW update of flat, contiguous arrays in place.

    p = p * decay (AdamW's decoupled decay; 1 for Adam); g = grad + weight_decay * p (Adam's L2
    term; 0 for AdamW); m, v updated; v = max(v_max, v) with amsgrad;
    p = p - step_size * m / (sqrt(v) / bias_correction2_sqrt + eps).
    Scalars are computed in float64 and then cast to the parameter's dtype (as numpy does with
    Python floats), so float32 parameters are updated in float32 exactly as the numpy
    formulation would.
    """
    cast = data.dtype.type
    scalars = (
        cast(beta1), cast(beta2), cast(1.0 - beta1), cast(1.0 - beta2), cast(step_size),
        cast(bias_correction2_sqrt), cast(eps), cast(weight_decay), cast(decay),
    )
    _STEPS[bool(amsgrad)](data, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, *scalars)
