"""Fused optimizer updates for device arrays: one pass per parameter, no temporaries.

`adam_step` (Adam, AdamW, AMSGrad) and `sgd_step` (momentum, dampening, Nesterov, weight decay)
apply the arithmetic of `minitorch/optim` element by element, in the same order as the CPU
kernel (`fast_optim.py`) and the numpy formulation, so trajectories agree to rounding.

Each has two implementations of the same expression: a numba CUDA kernel (what runs under the
simulator, and on a GPU without CuPy) and a CuPy elementwise kernel (what runs where CuPy holds
the arrays: its launch costs a few microseconds, a numba launch with five array arguments tens).
tests/cuda checks both against the CPU optimizers.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import numpy as np
from numba import cuda

from .cuda import launch_1d
from .cuda_device import kernel_array
from .fast_optim import adam_moments

__all__ = ["adam_step", "sgd_step"]


@cuda.jit(cache=True)
def _adam(data, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, amsgrad, beta1, beta2, one_minus_beta1, one_minus_beta2,
          step_size, bias_correction2_sqrt, eps, weight_decay, decay):  # pragma: no cover - device code
    i = cuda.grid(1)
    while i < data.size:
        p, m, v = adam_moments(
            data[i], grad[i], exp_avg[i], exp_avg_sq[i], beta1, beta2, one_minus_beta1, one_minus_beta2, weight_decay, decay,
        )
        exp_avg[i] = m
        exp_avg_sq[i] = v
        if amsgrad:  # max(v_max, v) spelled out: builtin max does not compile on every numba CUDA target
            v = v if v > max_exp_avg_sq[i] else max_exp_avg_sq[i]
            max_exp_avg_sq[i] = v
        data[i] = p - step_size * (m / (math.sqrt(v) / bias_correction2_sqrt + eps))
        i += cuda.gridsize(1)


@cuda.jit(cache=True)
def _sgd(data, grad, buffer, first, lr, momentum, one_minus_dampening, weight_decay, nesterov):  # pragma: no cover
    i = cuda.grid(1)
    while i < data.size:
        g = grad[i] + weight_decay * data[i] if weight_decay != 0 else grad[i]
        if momentum != 0:
            b = g if first else buffer[i] * momentum + one_minus_dampening * g
            buffer[i] = b
            g = g + momentum * b if nesterov else b
        data[i] = data[i] - lr * g
        i += cuda.gridsize(1)


# The CuPy kernels' bodies: statements `[T] name = expression;` in the part of C that is also
# Python over numpy arrays (`where` as in cuda_array_ops.PREAMBLE), so that tests/cuda/fake_cupy.py
# runs the same text on the CPU. Output parameters are read and written in place.
_ADAM_BODY = """
T p = data * decay;
T g = grad + weight_decay * p;
T m = exp_avg * beta1 + one_minus_beta1 * g;
T v = exp_avg_sq * beta2 + one_minus_beta2 * (g * g);
exp_avg = m;
exp_avg_sq = v;
%s
data = p - step_size * (m / (sqrt(v) / bias_correction2_sqrt + eps));
"""
_AMSGRAD = "v = where(v > max_exp_avg_sq, v, max_exp_avg_sq);\nmax_exp_avg_sq = v;"
_ADAM_SCALARS = (
    "T beta1, T beta2, T one_minus_beta1, T one_minus_beta2, T step_size, T bias_correction2_sqrt, T eps, "
    "T weight_decay, T decay"
)
_SGD_PARAMS = "T grad, bool first, T lr, T momentum, T one_minus_dampening, T weight_decay, bool nesterov"
_SGD_DECAY = "T g = where(weight_decay != 0, grad + weight_decay * data, grad);\n"
_SGD_MOMENTUM = """
T b = where(first, g, buffer * momentum + one_minus_dampening * g);
buffer = b;
g = where(nesterov, g + momentum * b, b);
"""


@lru_cache(maxsize=None)
def _cupy_kernels() -> Any:
    """(Adam, Adam with AMSGrad, SGD with momentum, SGD without) as CuPy elementwise kernels."""
    import cupy

    from .cuda_array_ops import PREAMBLE

    def kernel(params: str, outputs: str, body: str, name: str) -> Any:
        return cupy.ElementwiseKernel(params, outputs, body, name, preamble=PREAMBLE)

    adam = kernel(f"T grad, {_ADAM_SCALARS}", "T data, T exp_avg, T exp_avg_sq", _ADAM_BODY % "", "minitorch_adam_step")
    amsgrad = kernel(
        f"T grad, {_ADAM_SCALARS}",
        "T data, T exp_avg, T exp_avg_sq, T max_exp_avg_sq",
        _ADAM_BODY % _AMSGRAD,
        "minitorch_adam_amsgrad_step",
    )
    update = "data = data - lr * g;"
    sgd = kernel(_SGD_PARAMS, "T data, T buffer", _SGD_DECAY + _SGD_MOMENTUM + update, "minitorch_sgd_momentum_step")
    plain = kernel(_SGD_PARAMS, "T data", _SGD_DECAY + update, "minitorch_sgd_step")
    return adam, amsgrad, sgd, plain


def adam_step(
    data: Any, grad: Any, exp_avg: Any, exp_avg_sq: Any, max_exp_avg_sq: Any, *, beta1: float, beta2: float,
    step_size: float, bias_correction2_sqrt: float, eps: float, weight_decay: float, decay: float, amsgrad: bool,
) -> None:
    """One Adam/AdamW update of flat, contiguous device arrays in place (the contract of
    `fast_optim.adam_steps` for one tensor; scalars cast to the parameter's dtype first, as there)."""
    cast = np.dtype(data.dtype).type
    scalars = (
        cast(beta1), cast(beta2), cast(1.0 - beta1), cast(1.0 - beta2), cast(step_size),
        cast(bias_correction2_sqrt), cast(eps), cast(weight_decay), cast(decay),
    )
    if not isinstance(data, np.ndarray):
        adam, adam_amsgrad, _, _ = _cupy_kernels()
        if amsgrad:
            adam_amsgrad(grad, *scalars, data, exp_avg, exp_avg_sq, max_exp_avg_sq)
        else:
            adam(grad, *scalars, data, exp_avg, exp_avg_sq)
        return
    maxima = max_exp_avg_sq if amsgrad else exp_avg_sq  # an operand the kernel does not touch
    if data.size == 0:
        return
    blocks, threads = launch_1d(data.size)
    arrays = [kernel_array(a) for a in (data, grad, exp_avg, exp_avg_sq, maxima)]
    _adam[blocks, threads](*arrays, amsgrad, *scalars)


def sgd_step(data: Any, grad: Any, buffer: Any, *, first: bool, lr: float, momentum: float, dampening: float,
             weight_decay: float, nesterov: bool) -> None:
    """One SGD update of flat, contiguous device arrays in place: g = grad + weight_decay * p;
    with momentum b = g (first step) or b * momentum + (1 - dampening) * g, then g = g +
    momentum * b (Nesterov) or b; p = p - lr * g. `buffer` is ignored without momentum (it
    may then be any array, `data` itself included)."""
    cast = np.dtype(data.dtype).type
    scalars = (cast(lr), cast(momentum), cast(1.0 - dampening), cast(weight_decay))
    if not isinstance(data, np.ndarray):
        _, _, with_momentum, plain = _cupy_kernels()
        if momentum != 0:
            with_momentum(grad, first, *scalars, nesterov, data, buffer)
        else:
            plain(grad, first, *scalars, nesterov, data)
        return
    if data.size == 0:
        return
    blocks, threads = launch_1d(data.size)
    _sgd[blocks, threads](kernel_array(data), kernel_array(grad), kernel_array(buffer), first, *scalars, nesterov)
