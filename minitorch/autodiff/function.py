"""Differentiable functions on tensors: `Context`, `History` and `Function`.

A `Function` subclass pairs a `forward` with its `backward`. `Function.apply` runs forward
with graph recording off, and, when some input requires a gradient, records a `History` on
the output (which function, its context, its inputs) so `backpropagate` can call backward.

Tensor positional arguments are graph inputs; every other argument (a dim, a shape, a
stride) is a static Python value handed to forward unchanged. The tensor arguments must live
on one device (`DeviceError` otherwise; see `ops/device.py`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, List, Optional, Sequence, Tuple, Type

from ..core.dispatch import ops
from ..core.tensor import Tensor
from .graph import _grad_mode

__all__ = ["Context", "History", "Function"]


class Context:
    """What forward leaves for backward.

    Attributes:
        no_grad: True when no input needs a gradient (then nothing is saved).
        saved_values: the tuple given to `save_for_backward`.
    """

    __slots__ = ("no_grad", "saved_values", "__dict__")

    def __init__(self, no_grad: bool = False):
        self.no_grad = no_grad
        self.saved_values: Tuple[Any, ...] = ()

    def save_for_backward(self, *values: Any) -> None:
        """Keep `values` for backward (skipped when no gradient is needed)."""
        if self.no_grad:
            return
        self.saved_values = values

    @property
    def saved_tensors(self) -> Tuple[Any, ...]:
        return self.saved_values

    if TYPE_CHECKING:  # forward may leave any named value for backward (ctx.shape = ...)

        def __getattr__(self, name: str) -> Any: ...

        def __setattr__(self, name: str, value: Any) -> None: ...


class History:
    """How a tensor was made: the function, its context and its inputs.

    A leaf that requires a gradient has a History whose `last_fn` is None.
    """

    __slots__ = ("last_fn", "ctx", "inputs")

    def __init__(
        self,
        last_fn: Optional[Type[Function]] = None,
        ctx: Optional[Context] = None,
        inputs: Sequence[Any] = (),
    ) -> None:
        self.last_fn = last_fn
        self.ctx = ctx
        self.inputs = inputs


def _on_one_device(op: str, args: Tuple[Any, ...], tensors: List[Tensor]) -> Tuple[Tuple[Any, ...], List[Tensor]]:
    """args with every tensor on one device (see `ops/device.py::same_device`; raises DeviceError)."""
    placed = ops.same_device(op, tensors)
    if all(p is t for p, t in zip(placed, tensors)):
        return args, tensors
    moved = {id(t): p for t, p in zip(tensors, placed)}
    return tuple(moved.get(id(a), a) if isinstance(a, Tensor) else a for a in args), placed


def _without_cycle(saved: Tuple[Any, ...], out: Tensor) -> Tuple[Any, ...]:
    """`saved` with the output itself replaced by a history-less tensor over the same data.

    An output kept for backward would close a reference cycle (out -> history -> ctx -> out):
    the whole step's graph, with its large buffers, would then wait for Python's cycle
    collector instead of going as soon as the step drops it (and the workspace would allocate
    anew meanwhile).
    """
    alias = out._new(out._tensor)
    return tuple(alias if value is out else value for value in saved)


class Function:
    """Base class of differentiable tensor functions.

    Subclasses define `forward(ctx, *args)` returning one Tensor and
    `backward(ctx, grad_output)` returning one gradient (or None) per Tensor argument.
    """

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        # (every op passes here: plain loops, no generator expressions, one grad-mode read)
        tensors = [a for a in args if isinstance(a, Tensor)]
        if len(tensors) > 1:
            backend = tensors[0].backend
            for t in tensors:
                if t.backend is not backend:
                    args, tensors = _on_one_device(cls.__name__.lower(), args, tensors)
                    break
        mode = _grad_mode
        if not mode.enabled:  # no graph is recorded: forward runs as it is
            return cls.forward(Context(True), *args, **kwargs)
        need_grad = False
        for t in tensors:
            if t.history is not None:
                need_grad = True
                break
        ctx = Context(not need_grad)
        mode.enabled = False
        try:
            out = cls.forward(ctx, *args, **kwargs)
        finally:
            mode.enabled = True
        if need_grad:
            out.history = History(cls, ctx, tensors)
            saved = ctx.saved_values
            for value in saved:
                if value is out:  # (sigmoid, exp, softmax, ... keep their output)
                    ctx.saved_values = _without_cycle(saved, out)
                    break
        return out

    @classmethod
    def _backward(cls, ctx: Context, grad_output: Any) -> Tuple[Any, ...]:
        grads = cls.backward(ctx, grad_output)
        if not isinstance(grads, tuple):
            grads = (grads,)
        return grads

    @staticmethod
    def forward(ctx: Context, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError

    @staticmethod
    def backward(ctx: Context, grad_output: Any) -> Any:
        raise NotImplementedError
