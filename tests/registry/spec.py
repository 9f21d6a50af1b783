"""The op registry's record types.

One `OpSpec` per op: how to call ours, how to call the independent reference (PyTorch),
how to draw a random case, which inputs are differentiable, and which bad inputs must be
refused with which error. `tests/test_registry.py` runs every spec on every backend:
forward against the reference (float64), backward against torch.autograd for a random
upstream gradient, the same on non-contiguous (permuted) inputs, central differences on a
few small cases, and every error case.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np


@dataclass(frozen=True)
class OpCase:
    """One concrete call: float64 input arrays plus static keyword arguments.

    `kwargs` go to both `ours` and `reference`. `ref_kwargs`, when given, replace them for the
    reference only (for arguments whose spelling differs).
    """

    inputs: Sequence[np.ndarray]
    kwargs: dict = field(default_factory=dict)
    ref_kwargs: dict | None = None


@dataclass(frozen=True)
class ErrorCase:
    """Bad input that must raise `error` with every fragment of `match` in the message."""

    inputs: Sequence[np.ndarray]
    kwargs: dict
    error: type[BaseException]
    match: Sequence[str] = ()


@dataclass(frozen=True)
class OpSpec:
    """How to test one op.

    name:        registry id, e.g. "conv2d" or "add".
    ours:        ours(*tensors, **kwargs) -> minitorch Tensor.
    reference:   reference(*torch_tensors, **kwargs) -> torch.Tensor (float64).
    sample:      sample(rng: np.random.Generator, small: bool) -> OpCase. `small=True` asks for
                 a case cheap enough for the pure-Python SimpleOps backend and for central
                 differences (a few hundred elements at most).
    grad_inputs: indices of the inputs that get gradients (None: all; () : not differentiable).
    backends:    which backends run it ("simple", "fast").
    atol, rtol:  forward/backward tolerances in float64.
    errors:      bad-input cases.
    permute_ok:  False for ops whose inputs must keep their layout (rare).
    """

    name: str
    ours: Callable[..., Any]
    reference: Callable[..., Any]
    sample: Callable[[np.random.Generator, bool], OpCase]
    grad_inputs: Sequence[int] | None = None
    backends: Sequence[str] = ("simple", "fast")
    atol: float = 1e-8
    rtol: float = 1e-7
    errors: Sequence[ErrorCase] = ()
    permute_ok: bool = True
