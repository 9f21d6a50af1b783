"""The MiniTorch course's `Module` face: `minitorch.Module`.

The same class as `minitorch.nn.Module` (registration, `parameters()`, `state_dict`, `to`, ...)
with the two behaviours the course's code relies on:

* an unknown attribute reads as None instead of raising AttributeError (the course's Module 4
  scripts test `self.mode == "eval"` on a network that never sets `mode`);
* `modules()` lists the direct sub-modules, as the course defines it (`named_modules()` still
  walks the whole tree, and `children()` is the PyTorch spelling of the course's `modules()`).

`add_parameter(k, v)` registers the course's `Parameter` box (`minitorch.Parameter`,
`nn.parameter.ParameterBox`) around `v`.

Example:
    >>> class Network(Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.p = self.add_parameter("p", 5.0)
    >>> net = Network()
    >>> net.mode is None, net.p.value, [name for name, _ in net.named_parameters()]
    (True, 5.0, ['p'])
"""

from __future__ import annotations

from typing import Any, List

from .module import Module as TorchModule
from .parameter import ParameterBox

__all__ = ["Module"]


class Module(TorchModule):
    """The course's `minitorch.Module`: `nn.Module` whose unknown attributes read as None."""

    def __getattr__(self, name: str) -> Any:
        try:
            return super().__getattr__(name)
        except AttributeError:
            if name.startswith("__") and name.endswith("__"):
                raise  # copy / pickle probe dunders; answering None would break them
            return None

    def modules(self) -> List[TorchModule]:
        """The direct sub-modules (the course's meaning; `named_modules()` walks the tree)."""
        return self.children()

    def add_parameter(self, k: str, v: Any) -> ParameterBox:
        """Register the course's `Parameter(v, k)` box under the local name `k` and return it.

        Handy for many scalar parameters: `self.add_parameter(f"weight_{i}_{j}", Scalar(0.1))`.
        """
        parameter = ParameterBox(v, k)
        setattr(self, k, parameter)
        return parameter
