"""Saving and loading a `Module`'s state: `state_dict` and `load_state_dict` (PyTorch's layout).

A state dict maps dotted names (`"features.0.weight"`) to every parameter and persistent buffer,
detached from the graph; loading copies values into the existing storage, so optimizers holding
the parameters keep seeing them. `StateDictMixin` holds the two methods for `Module`.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, NamedTuple, Tuple

import numpy as np

from ..autodiff.scalar import Scalar
from ..core.tensor import Tensor
from ..errors import DTypeError, ShapeError

if TYPE_CHECKING:
    from .module import Module

__all__ = ["IncompatibleKeys", "StateDictMixin"]


class IncompatibleKeys(NamedTuple):
    """What `load_state_dict(strict=False)` could not match."""

    missing_keys: List[str]
    unexpected_keys: List[str]


class StateDictMixin:
    """`state_dict` / `load_state_dict` for `Module` (which supplies `_parameters`, `_buffers`,
    `_non_persistent_buffers` and `_modules`)."""

    _parameters: Dict[str, Any]
    _buffers: Dict[str, Any]
    _modules: Dict[str, Any]

    def state_dict(self) -> "OrderedDict[str, Any]":
        """Every parameter and persistent buffer by dotted name, detached from the graph.

        Tensors in the result share storage with the module (copy them to snapshot).
        A parameter shared by two modules appears under both names.

        Example:
            >>> layer = minitorch.nn.Linear(2, 1)
            >>> layer.register_buffer("steps", minitorch.zeros((1,)))
            >>> list(layer.state_dict())
            ['weight', 'bias', 'steps']
        """
        state: "OrderedDict[str, Any]" = OrderedDict()
        for module_name, module in self._all_modules_with_repeats():
            dotted = f"{module_name}." if module_name else ""
            for name, parameter in module._parameters.items():
                if parameter is not None:  # an absent parameter (a disabled bias) is not saved, as in PyTorch
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
        stack: List[Tuple[str, Any]] = [("", self)]
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
                if parameter is not None:
                    slots[dotted + name] = (module, "parameter", parameter.value)
            for name, buffer in module._buffers.items():
                if buffer is not None and name not in module._non_persistent_buffers:
                    slots[dotted + name] = (module, "buffer", buffer)
        return slots


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
