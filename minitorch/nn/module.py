"""`Module`: the tree that holds a model's parameters, buffers and sub-modules (PyTorch's face).

Assigning a parameter (`nn.Parameter`, or the course's `minitorch.Parameter` box) or a `Module`
to an attribute of a module registers it (in `_parameters` / `_modules`); `register_buffer` adds
non-trainable state (running statistics) that is saved in `state_dict` but not returned by
`parameters()`. Names are dotted paths through the tree (`"layer1.weight"`), as in PyTorch and
the MiniTorch course. An unknown attribute raises AttributeError, as in PyTorch; the course's
`minitorch.Module` (nn/course.py) is the same class answering None instead.

Example:
    >>> class Affine(Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.scale = Parameter(minitorch.tensor([2.0]))
    ...     def forward(self, x):
    ...         return self.scale * x
    >>> class Net(Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.first = Affine()
    ...         self.second = Affine()
    ...     def forward(self, x):
    ...         return self.second(self.first(x))
    >>> net = Net()
    >>> [name for name, _ in net.named_parameters()]
    ['first.scale', 'second.scale']
    >>> net(minitorch.tensor([3.0])).item()
    12.0
    >>> net.float().second.scale.dtype
    dtype('float32')
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Callable, Dict, List, Optional, Set, Tuple

from ..autodiff.scalar import Scalar
from ..core.tensor import Tensor
from .hooks import RemovableHandle, add_hook, run_forward_hooks
from .module_state import IncompatibleKeys, StateDictMixin
from .module_to import convert_tensor, parse_to
from .parameter import Parameter, is_parameter

__all__ = ["Module", "Parameter", "IncompatibleKeys"]


class Module(StateDictMixin):
    """Base class of every layer and model: a tree of parameters, buffers and sub-modules.

    Subclasses call `super().__init__()` first, assign `Parameter`s and `Module`s as
    attributes, and define `forward`; calling the module calls `forward`.

    Attributes:
        training: True in training mode (the default), False after `eval()`.
    """

    def __init__(self) -> None:
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_non_persistent_buffers", set())
        object.__setattr__(self, "_modules", OrderedDict())
        self.training = True

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            f"{type(self).__name__} has no forward(); define forward(self, ...) in the subclass"
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        output = self.forward(*args, **kwargs)
        hooks = self.__dict__.get("_forward_hooks")
        return run_forward_hooks(hooks, self, args, output) if hooks else output

    def register_forward_hook(self, hook: Callable[..., Any], *, prepend: bool = False) -> RemovableHandle:
        """Call `hook(module, args, output)` after every forward (see nn/hooks.py); returns its handle."""
        if "_forward_hooks" not in self.__dict__:
            object.__setattr__(self, "_forward_hooks", OrderedDict())
        return add_hook(self._forward_hooks, hook, prepend)

    # ## Registration (attribute routing)

    def _stores(self) -> Tuple[Dict[str, Any], Dict[str, Any], Dict[str, Any]]:
        d = self.__dict__
        if "_parameters" not in d:
            raise AttributeError(
                f"{type(self).__name__}: cannot register parameters, buffers or modules before "
                "Module.__init__() runs; call super().__init__() first in __init__"
            )
        return d["_parameters"], d["_buffers"], d["_modules"]

    def __setattr__(self, name: str, value: Any) -> None:
        if is_parameter(value) or isinstance(value, Module):
            parameters, buffers, modules = self._stores()
            for store in (parameters, buffers, modules, self.__dict__):
                store.pop(name, None)
            self._non_persistent_buffers.discard(name)
            (modules if isinstance(value, Module) else parameters)[name] = value
            return
        stores = self.__dict__
        if name in stores.get("_parameters", ()):
            raise TypeError(
                f"{type(self).__name__}.{name} is a Parameter and cannot be set to a "
                f"{type(value).__name__}; assign a Parameter, or call .{name}.update(value)"
            )
        if name in stores.get("_modules", ()):
            raise TypeError(
                f"{type(self).__name__}.{name} is a sub-module and cannot be set to a "
                f"{type(value).__name__}; assign a Module or delete it first with del"
            )
        if name in stores.get("_buffers", ()):
            stores["_buffers"][name] = value
            return
        object.__setattr__(self, name, value)

    def __getattr__(self, name: str) -> Any:
        d = self.__dict__
        for store in ("_parameters", "_buffers", "_modules"):
            if name in d.get(store, ()):
                return d[store][name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        d = self.__dict__
        for store in ("_parameters", "_buffers", "_modules"):
            if name in d.get(store, ()):
                del d[store][name]
                d["_non_persistent_buffers"].discard(name)
                return
        object.__delattr__(self, name)

    def __dir__(self) -> List[str]:
        d = self.__dict__
        registered = [name for store in ("_parameters", "_buffers", "_modules") for name in d.get(store, ())]
        return sorted(set(super().__dir__()) | set(registered))

    def register_parameter(self, name: str, param: Optional[Parameter]) -> None:
        """Register `param` (a Parameter, or None for an absent one such as a disabled bias)."""
        parameters, buffers, modules = self._stores()
        if param is not None and not is_parameter(param):
            raise TypeError(
                f"register_parameter: {type(self).__name__}.{name} must be a Parameter or None, got "
                f"{type(param).__name__}; wrap a tensor as minitorch.nn.Parameter(tensor)"
            )
        if name in modules or name in buffers or (name in self.__dict__ and name not in parameters):
            raise KeyError(f"register_parameter: attribute '{name}' already exists on {type(self).__name__}")
        parameters[name] = param

    def register_buffer(self, name: str, tensor: Any, persistent: bool = True) -> None:
        """Register non-trainable state (e.g. running statistics) under `name`.

        Buffers follow the module in `state_dict` (unless `persistent=False`) and
        `load_state_dict`, but are not returned by `parameters()`.

        Args:
            name: attribute name.
            tensor: the value (a Tensor, or None).
            persistent: whether `state_dict` includes it, default True.
        """
        parameters, buffers, modules = self._stores()
        if name in parameters or name in modules or (name in self.__dict__ and name not in buffers):
            raise KeyError(f"register_buffer: attribute '{name}' already exists on {type(self).__name__}")
        buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers.discard(name)
        else:
            self._non_persistent_buffers.add(name)

    # ## Walking the tree

    def children(self) -> List[Module]:
        """The direct sub-modules."""
        return list(self._modules.values())

    def named_children(self) -> List[Tuple[str, Module]]:
        """`(name, module)` for the direct sub-modules."""
        return list(self._modules.items())

    def named_modules(self, memo: Optional[Set[int]] = None, prefix: str = "",
                      remove_duplicate: bool = True) -> List[Tuple[str, Module]]:
        """`(dotted name, module)` for this module (name `prefix`, "" by default) and every
        descendant, depth first; a module reachable twice is listed once (unless
        `remove_duplicate=False`). `memo` is a set of `id`s to skip, updated in place."""
        seen: Set[int] = memo if memo is not None else set()
        found: List[Tuple[str, Module]] = []
        stack = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if remove_duplicate and id(module) in seen:
                continue
            seen.add(id(module))
            found.append((name, module))
            children = [(f"{name}.{k}" if name else k, m) for k, m in module._modules.items()]
            stack.extend(reversed(children))
        return found

    def modules(self) -> List[Module]:
        """This module and all its descendants (PyTorch's meaning; `children()` gives the
        direct sub-modules only)."""
        return [module for _, module in self.named_modules()]

    def _named_members(self, store: str, prefix: str, recurse: bool) -> List[Tuple[str, Any]]:
        members = self.named_modules(prefix=prefix) if recurse else [(prefix, self)]
        seen: Set[int] = set()
        found = []
        for module_name, module in members:
            for name, value in getattr(module, store).items():
                if value is None or id(value) in seen:
                    continue
                seen.add(id(value))
                found.append((f"{module_name}.{name}" if module_name else name, value))
        return found

    def named_parameters(self, prefix: str = "", recurse: bool = True) -> List[Tuple[str, Parameter]]:
        """`(dotted name, Parameter)` for every parameter of this module and its descendants
        (own parameters first); a parameter shared by two modules is listed once."""
        return self._named_members("_parameters", prefix, recurse)

    def parameters(self, recurse: bool = True) -> List[Parameter]:
        """Every `Parameter` of this module and its descendants (see `named_parameters`)."""
        return [p for _, p in self.named_parameters(recurse=recurse)]

    def named_buffers(self, prefix: str = "", recurse: bool = True) -> List[Tuple[str, Any]]:
        """`(dotted name, value)` for every buffer of this module and its descendants."""
        return self._named_members("_buffers", prefix, recurse)

    def buffers(self, recurse: bool = True) -> List[Any]:
        """Every buffer value of this module and its descendants."""
        return [b for _, b in self.named_buffers(recurse=recurse)]

    def apply(self, fn: Callable[[Module], None]) -> Module:
        """Call `fn` on every descendant, then on this module (e.g. custom initialisation)."""
        for child in self._modules.values():
            child.apply(fn)
        fn(self)
        return self

    # ## Modes and gradients

    def train(self, mode: bool = True) -> Module:
        """Set training mode on this module and all descendants (dropout on, batch statistics)."""
        for _, module in self.named_modules():
            module.training = mode
        return self

    def eval(self) -> Module:
        """Set evaluation mode on this module and all descendants; same as `train(False)`."""
        return self.train(False)

    def zero_grad(self) -> None:
        """Forget every parameter's accumulated gradient (`.grad` / `.derivative` -> None)."""
        for parameter in self.parameters():
            value = parameter.value
            if isinstance(value, Tensor):
                value.grad = None
            elif isinstance(value, Scalar):
                value.derivative = None

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Switch gradient tracking of every parameter on or off (e.g. to freeze a layer)."""
        for parameter in self.parameters():
            if hasattr(parameter.value, "requires_grad_"):
                parameter.value.requires_grad_(requires_grad)
        return self

    # ## Dtype and device

    def to(self, *args: Any, **kwargs: Any) -> Module:
        """Convert every floating parameter and buffer, in place, and return this module.

        As `torch.nn.Module.to`: `to(dtype)`, `to(device)`, `to(device, dtype)`, `to(tensor)`
        (its dtype and device), or the keywords `device=` / `dtype=`. A parameter keeps its
        identity (optimizers built before still hold it); its gradient is converted too.

        Args:
            device: "cpu" or "cuda" (a GPU backend must be installed for "cuda"), or a
                `TensorBackend` such as `minitorch.SimpleBackend` (minitorch's finer devices).
            dtype: "float32" or "float64" (numpy dtypes and `float` work too).
        """
        device, dtype = parse_to("Module.to", args, kwargs)
        return self._apply(lambda t: convert_tensor(t, device, dtype))

    def float(self) -> Module:
        """Cast every floating parameter and buffer to float32."""
        return self.to(dtype="float32")

    def double(self) -> Module:
        """Cast every floating parameter and buffer to float64."""
        return self.to(dtype="float64")

    def cuda(self, device: Any = None) -> Module:
        """Move every parameter and buffer to the GPU ("cuda", or `device` such as "cuda:1")."""
        return self.to(device="cuda" if device is None else device)

    def cpu(self) -> Module:
        """Move every parameter and buffer to the CPU."""
        return self.to(device="cpu")

    def _apply(self, fn: Callable[[Tensor], Tensor]) -> Module:
        """Replace every parameter's and buffer's tensor t by fn(t) (parameters in place)."""
        for _, module in self.named_modules():
            for name, parameter in module._parameters.items():
                value = None if parameter is None else parameter.value
                if not isinstance(value, Tensor):
                    continue
                new = fn(value)
                if new is value:
                    continue
                grad = value.grad
                if isinstance(parameter, Parameter):
                    parameter._set_data(new._tensor, new.backend)
                else:
                    parameter.update(new)
                parameter.value.grad = None if grad is None else fn(grad)
            for name, buffer in module._buffers.items():
                if isinstance(buffer, Tensor):
                    module._buffers[name] = fn(buffer)
        return self

    # ## Printing

    def extra_repr(self) -> str:
        """One line of settings shown inside this module's repr (override in layers)."""
        return ""

    def __repr__(self) -> str:
        extra = self.extra_repr()
        lines = extra.split("\n") if extra else []
        for name, module in self._modules.items():
            child = repr(module).replace("\n", "\n  ")  # indent the child's inner lines
            lines.append(f"({name}): {child}")
        head = type(self).__name__ + "("
        if not lines:
            return head + ")"
        if len(lines) == 1 and not self._modules:
            return head + lines[0] + ")"
        return head + "\n  " + "\n  ".join(lines) + "\n)"
