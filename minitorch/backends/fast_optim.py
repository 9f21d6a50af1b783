"""Fused optimizer update kernels (numba) for host arrays: one pass over each parameter and its state.

The numpy formulation of an Adam step makes about ten passes over memory and several
temporaries; on large parameters (a 4M-entry embedding) that dominated a training step. The
kernel below applies the same arithmetic, in the same order, element by element, so its
trajectories equal the numpy (and PyTorch) ones to rounding. One call updates several tensors
(as torch's foreach optimizers do): a model's ten small parameters cost two calls, not ten.
`optim/adam.py` reaches it through `compiled.fast_optim` (numba loads at the first step);
`cuda_optim.py` is its device twin (one tensor per call).
"""

from __future__ import annotations

from typing import Any, Optional, Sequence

import numpy as np
from numba import njit
from numba.extending import register_jitable

__all__ = ["adam_steps", "adam_moments", "CHUNK"]


@register_jitable
def adam_moments(p, g, m, v, beta1, beta2, one_minus_beta1, one_minus_beta2, weight_decay, decay):  # pragma: no cover - numba
    """(decayed parameter, new first moment, new second moment) of one element: p * decay, then
    g + weight_decay * p into both moments. Compiled into this kernel and into the GPU's
    (`cuda_optim._adam`), so both update in the same order."""
    p = p * decay
    g = g + weight_decay * p
    return p, m * beta1 + one_minus_beta1 * g, v * beta2 + one_minus_beta2 * (g * g)


def _kernel(amsgrad: bool) -> Any:
    """The update loop over up to `CHUNK` tensors, with or without AMSGrad's running maximum of v.
    `amsgrad` is a constant of the compiled code (numba freezes a closure's values), so neither
    loop has a branch, and with weight_decay 0 when unused none is needed for it either: LLVM
    vectorises both. The tensors come as tuples of exactly `CHUNK` flat arrays (empty ones pad a
    shorter list), so one signature per dtype serves every model."""

    def step(
        datas, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, step_sizes, bias_corrections2_sqrt, beta1, beta2,
        one_minus_beta1, one_minus_beta2, eps, weight_decay, decay,
    ):  # pragma: no cover - numba
        for j in range(len(datas)):
            data, grad, exp_avg, exp_avg_sq, max_exp_avg_sq = (
                datas[j], grads[j], exp_avgs[j], exp_avg_sqs[j], max_exp_avg_sqs[j])
            step_size, bias_correction2_sqrt = step_sizes[j], bias_corrections2_sqrt[j]
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
CHUNK = 8  # tensors per kernel call


def adam_steps(
    datas: Sequence[np.ndarray],
    grads: Sequence[np.ndarray],
    exp_avgs: Sequence[np.ndarray],
    exp_avg_sqs: Sequence[np.ndarray],
    max_exp_avg_sqs: Optional[Sequence[np.ndarray]],
    *,
    beta1: float,
    beta2: float,
    step_sizes: Sequence[float],
    bias_corrections2_sqrt: Sequence[float],
    eps: float,
    weight_decay: float,
    decay: float,
) -> None:
    """One Adam/AdamW update of several tensors in place: flat, contiguous arrays of one dtype,
    the k-th of each list belonging to the k-th tensor (a multi-tensor, "foreach" update: one
    kernel call per `CHUNK` tensors instead of one per tensor).

    p = p * decay (AdamW's decoupled decay; 1 for Adam); g = grad + weight_decay * p (Adam's L2
    term; 0 for AdamW); m, v updated; v = max(v_max, v) when `max_exp_avg_sqs` is given (AMSGrad);
    p = p - step_size * m / (sqrt(v) / bias_correction2_sqrt + eps), with tensor k's step_size and
    bias_correction2_sqrt. Scalars are computed in float64 and then cast to the parameters' dtype
    (as numpy does with Python floats), so float32 parameters are updated in float32 exactly as
    the numpy formulation would.
    """
    if not datas:
        return
    dtype = datas[0].dtype
    cast = dtype.type
    scalars = (cast(beta1), cast(beta2), cast(1.0 - beta1), cast(1.0 - beta2), cast(eps), cast(weight_decay),
               cast(decay))
    sizes = np.array(step_sizes, dtype=dtype)
    corrections = np.array(bias_corrections2_sqrt, dtype=dtype)
    kernel = _STEPS[max_exp_avg_sqs is not None]
    empty = datas[0][:0]
    for start in range(0, len(datas), CHUNK):
        stop = min(start + CHUNK, len(datas))
        pad = (empty,) * (CHUNK - (stop - start))
        kernel(
            tuple(datas[start:stop]) + pad, tuple(grads[start:stop]) + pad, tuple(exp_avgs[start:stop]) + pad,
            tuple(exp_avg_sqs[start:stop]) + pad,
            tuple(max_exp_avg_sqs[start:stop]) + pad if max_exp_avg_sqs is not None else (empty,) * CHUNK,
            _padded(sizes[start:stop]), _padded(corrections[start:stop]), *scalars,
        )


def _padded(values: np.ndarray) -> np.ndarray:
    """`values` with zeros after them up to `CHUNK` entries (the padding tensors are empty)."""
    if len(values) == CHUNK:
        return values
    out = np.zeros(CHUNK, dtype=values.dtype)
    out[:len(values)] = values
    return out
