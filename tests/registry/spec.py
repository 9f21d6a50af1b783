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


def cut_batch(*indices: int) -> Callable[[OpCase], OpCase]:
    """An `OpSpec.empty` that keeps none of the rows of dim 0 of the inputs at `indices`
    (the batch dim N of an input, of its class targets, ...)."""

    def cut(case: OpCase) -> OpCase:
        inputs = [np.asarray(a)[:0] if i in indices else a for i, a in enumerate(case.inputs)]
        return OpCase(inputs, case.kwargs, case.ref_kwargs)

    return cut


def cut_broadcast_batch(case: OpCase) -> OpCase:
    """An `OpSpec.empty` for broadcasting ops: the highest-rank input loses the rows of its dim 0,
    and so does every input of the same rank and the same dim-0 size; inputs of lower rank or
    with a size-1 dim 0 broadcast against the empty batch unchanged."""
    arrays = [np.asarray(a) for a in case.inputs]
    lead = max(arrays, key=lambda a: a.ndim)
    inputs = [a[:0] if a.ndim == lead.ndim and a.ndim and a.shape[0] == lead.shape[0] else a for a in arrays]
    return OpCase(inputs, case.kwargs, case.ref_kwargs)


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
    edges:       explicit edge geometries (kernel as large as the input, 'same' padding with an
                 even kernel, ceil-mode windows starting in the padding, ...), run on every
                 backend beside the seeded random cases.
    empty:       turns a small case into one with an empty batch (N = 0); torch decides whether
                 that must work (then forward and backward are compared) or be refused. Default:
                 input 0 keeps none of its dim-0 rows.
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
    edges: Sequence[OpCase] = ()
    empty: Callable[[OpCase], OpCase] = cut_batch(0)
