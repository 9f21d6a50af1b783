"""`Module`: the tree that holds a model's parameters, buffers and sub-modules.

Assigning a `Parameter` or a `Module` to an attribute of a module registers it (in
`_parameters` / `_modules`); `register_buffer` adds non-trainable state (running statistics)
that is saved in `state_dict` but not returned by `parameters()`. Names are dotted paths
through the tree (`"layer1.weights"`), as in PyTorch and the MiniTorch course.

`Parameter` (nn/parameter.py, re-exported here as in the course's module.py) wraps each
trainable value.

Example:
    >>> class Affine(Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.scale = Parameter(2.0)
    ...     def forward(self, x):
    ...         return self.scale.value * x
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
    >>> net(3.0)
    12.0
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Callable, Dict, Iterator, List, NamedTuple, Set, Tuple

import numpy as np

from ..autodiff.scalar import Scalar
from ..core.tensor import Tensor
from ..errors import DTypeError, ShapeError
from .parameter import Parameter

__all__ = ["Module", "Parameter", "IncompatibleKeys"]


class IncompatibleKeys(NamedTuple):
    """What `load_state_dict(strict=False)` could not match."""

    missing_keys: List[str]
    unexpected_keys: List[str]


class Module:
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
        return self.forward(*args, **kwargs)

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
        if isinstance(value, (Parameter, Module)):
            parameters, buffers, modules = self._stores()
            for store in (parameters, buffers, modules, self.__dict__):
                store.pop(name, None)
            self._non_persistent_buffers.discard(name)
            (parameters if isinstance(value, Parameter) else modules)[name] = value
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

    def add_parameter(self, k: str, v: Any) -> Parameter:
        """Register `Parameter(v, name=k)` under the local name `k` and return it.

        Handy for many scalar parameters: `self.add_parameter(f"weight_{i}_{j}", Scalar(0.1))`.
        """
        parameter = Parameter(v, k)
        setattr(self, k, parameter)
        return parameter

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

    def named_modules(self, prefix: str = "") -> List[Tuple[str, Module]]:
        """`(dotted name, module)` for this module (name `prefix`, "" by default) and every
        descendant, depth first; a module reachable twice is listed once."""
        seen: Set[int] = set()
        found: List[Tuple[str, Module]] = []
        stack = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if id(module) in seen:
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
        members = self.named_modules(prefix) if recurse else [(prefix, self)]
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
        for module in self.modules():
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

    # ## Saving and loading

    def state_dict(self) -> "OrderedDict[str, Any]":
        """Every parameter and persistent buffer by dotted name, detached from the graph.

        Tensors in the result share storage with the module (copy them to snapshot).
        A parameter shared by two modules appears under both names.

        Example:
            >>> class M(Module):
            ...     def __init__(self):
            ...         super().__init__()
            ...         self.w = Parameter(Scalar(1.0))
            >>> M().state_dict()
            OrderedDict([('w', Scalar(1.0))])
        """
        state: "OrderedDict[str, Any]" = OrderedDict()
        for module_name, module in self._all_modules_with_repeats():
            dotted = f"{module_name}." if module_name else ""
            for name, parameter in module._parameters.items():
                state[dotted + name] = _detached(parameter.value)
            for name, buffer in module._buffers.items():
                if buffer is not None and name not in module._non_persistent_buffers:
                    state[dotted + name] = _detached(buffer)
        return state

    def load_state_dict(self, state_dict: Dict[str, Any], strict: bool = True) -> IncompatibleKeys:
        """Copy values from `state_dict` into this module's parameters and buffers, in place.

        Tensor values are copied into the existing storage (converted to its dtype), so
        optimizers holding the parameters keep seeing them. Nothing is changed if any check
        fails.

        Args:
            state_dict: dotted name -> value (Tensor, numpy array, Scalar or number), e.g.
                from `state_dict()` or a checkpoint.
            strict: if True (default) the keys must match exactly.

        Returns:
            `IncompatibleKeys(missing_keys, unexpected_keys)` (both empty when strict).

        Raises:
            KeyError: with `strict=True`, listing missing and unexpected keys.
            ShapeError: listing every entry whose shape differs from the module's.
            DTypeError: listing every entry that is not real numbers (complex, strings, objects).
        """
        slots = self._state_slots()
        missing = [k for k in slots if k not in state_dict]
        unexpected = [k for k in state_dict if k not in slots]
        if strict and (missing or unexpected):
            raise KeyError(
                f"load_state_dict for {type(self).__name__}: missing keys {missing}, unexpected "
                f"keys {unexpected}; the state_dict must come from the same architecture "
                "(or pass strict=False)"
            )
        mismatched = []
        for key, (_, _, current) in slots.items():
            if key in state_dict:
                expected, got = _shape_of(current), _shape_of(state_dict[key])
                if got != expected:
                    mismatched.append(f"{key}: module has {expected}, state_dict has {got}")
        unreal = [f"{key} ({_as_array(state_dict[key]).dtype})" for key in slots
                  if key in state_dict and _as_array(state_dict[key]).dtype.kind not in "biuf"]
        if unreal:
            raise DTypeError(
                f"load_state_dict for {type(self).__name__}: {', '.join(unreal)} not real numbers; parameters "
                "and buffers hold float values (take .real explicitly if the imaginary part is meant to go)"
            )
        if mismatched:
            raise ShapeError(
                f"load_state_dict for {type(self).__name__}: shape mismatch for "
                + "; ".join(mismatched)
                + ". Load a checkpoint of the same configuration"
            )
        for key, (owner, kind, current) in slots.items():
            if key in state_dict:
                _load_into(owner, kind, key.rsplit(".", 1)[-1], current, state_dict[key])
        return IncompatibleKeys(missing, unexpected)

    def _all_modules_with_repeats(self) -> Iterator[Tuple[str, Module]]:
        # Like named_modules, but a shared sub-module is visited under every name
        # (state_dict keeps each path, as PyTorch does).
        stack: List[Tuple[str, Module]] = [("", self)]
        while stack:
            name, module = stack.pop()
            yield name, module
            children = [(f"{name}.{k}" if name else k, m) for k, m in module._modules.items()]
            stack.extend(reversed(children))

    def _state_slots(self) -> "OrderedDict[str, Tuple[Module, str, Any]]":
        # dotted key -> (owning module, "parameter" or "buffer", current value)
        slots: "OrderedDict[str, Tuple[Module, str, Any]]" = OrderedDict()
        for module_name, module in self._all_modules_with_repeats():
            dotted = f"{module_name}." if module_name else ""
            for name, parameter in module._parameters.items():
                slots[dotted + name] = (module, "parameter", parameter.value)
            for name, buffer in module._buffers.items():
                if buffer is not None and name not in module._non_persistent_buffers:
                    slots[dotted + name] = (module, "buffer", buffer)
        return slots

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


def _detached(value: Any) -> Any:
    return value.detach() if isinstance(value, (Tensor, Scalar)) else value


def _shape_of(value: Any) -> Tuple[int, ...]:
    """The shape of a tensor or array (torch tensors too); () for a Scalar or a number."""
    if isinstance(value, Scalar):
        return ()
    shape = getattr(value, "shape", None)
    return tuple(shape) if shape is not None else np.shape(value)


def _as_array(value: Any) -> np.ndarray:
    if isinstance(value, Scalar):
        return np.asarray(value.data)
    if hasattr(value, "detach"):  # our Tensor or a torch tensor that requires grad
        value = value.detach()
    return np.asarray(value)


def _load_into(owner: Module, kind: str, name: str, current: Any, new: Any) -> None:
    """Write `new` into the slot `name` of `owner`, in place when the current value allows."""
    if isinstance(current, Tensor):
        current.to_numpy()[...] = _as_array(new)  # same shape, checked by the caller
    elif isinstance(current, Scalar):
        current.data = float(_as_array(new))
    elif kind == "parameter":
        owner._parameters[name].update(new)
    else:
        owner._buffers[name] = new
