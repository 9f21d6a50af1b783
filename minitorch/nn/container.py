"""Containers: `Sequential` (modules applied in order), `ModuleList` (an indexable list) and
`ModuleDict` (modules by name).

Children are registered under their position ("0", "1", ...) or name, so parameter names are
PyTorch's (`0.weight`, `3.bias`, `encoder.weight`) and state dicts move between the two
libraries unchanged.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Iterable, Iterator, Mapping, Optional, Tuple, Union

from .module import Module

__all__ = ["Sequential", "ModuleList", "ModuleDict"]


def _check_module(owner: str, module: Any) -> Module:
    if not isinstance(module, Module):
        raise TypeError(f"{owner}: {type(module).__name__} is not a Module; wrap functions in a Module subclass")
    return module


class ModuleList(Module):
    """A list of sub-modules, registered so their parameters are found (as `torch.nn.ModuleList`).

    Args:
        modules: an iterable of Modules, default empty.

    Example:
        >>> from minitorch.nn import Linear
        >>> layers = ModuleList([Linear(2, 2) for _ in range(3)])
        >>> len(layers), len(layers.parameters())
        (3, 6)
    """

    def __init__(self, modules: Optional[Iterable[Module]] = None):
        super().__init__()
        for module in modules or ():
            self.append(module)

    def _index(self, idx: int) -> str:
        size = len(self._modules)
        if not -size <= idx < size:
            raise IndexError(f"{type(self).__name__}: index {idx} is out of range for {size} modules")
        return str(idx % size)

    def __getitem__(self, idx: Union[int, slice]) -> Any:
        if isinstance(idx, slice):
            return type(self)(list(self._modules.values())[idx])
        return self._modules[self._index(idx)]

    def __setitem__(self, idx: int, module: Module) -> None:
        setattr(self, self._index(idx), _check_module(type(self).__name__, module))

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def append(self, module: Module) -> "ModuleList":
        """Add `module` at the end (registered as str(len(self)))."""
        setattr(self, str(len(self._modules)), _check_module(type(self).__name__, module))
        return self

    def extend(self, modules: Iterable[Module]) -> "ModuleList":
        """Append each of `modules`."""
        for module in modules:
            self.append(module)
        return self


class Sequential(ModuleList):
    """Modules applied one after the other (as `torch.nn.Sequential`).

    Args:
        *args: the modules in order, or a single OrderedDict name -> module (names kept).

    Shape:
        that of the first module's input -> that of the last module's output.

    Example:
        >>> from minitorch.nn import Linear, ReLU
        >>> net = Sequential(Linear(4, 8), ReLU(), Linear(8, 2))
        >>> [name for name, _ in net.named_parameters()]
        ['0.weight', '0.bias', '2.weight', '2.bias']
    """

    def __init__(self, *args: Any):
        super().__init__()
        if len(args) == 1 and isinstance(args[0], OrderedDict):
            for name, module in args[0].items():
                setattr(self, name, _check_module("Sequential", module))
        else:
            for module in args:
                self.append(module)

    def __getitem__(self, idx: Union[int, slice]) -> Any:
        if isinstance(idx, slice):
            return Sequential(OrderedDict(list(self._modules.items())[idx]))
        return list(self._modules.values())[int(self._index(idx))]

    def forward(self, input: Any) -> Any:
        for module in self._modules.values():
            input = module(input)
        return input


class ModuleDict(Module):
    """Sub-modules by name, registered so their parameters are found, in insertion order (as
    `torch.nn.ModuleDict`): `d[name]`, `d[name] = module`, `del d[name]`, `name in d`, `len`,
    iteration over the names, `keys`, `items`, `values`, `update`, `pop`, `clear`.

    Args:
        modules: a mapping name -> Module, or an iterable of (name, Module) pairs; default empty.

    Raises:
        KeyError: a name that is not a string, is empty, holds a "." or is another attribute of
            the module (as PyTorch). TypeError: a value that is not a Module.

    Example:
        >>> from minitorch.nn import Linear, ReLU
        >>> blocks = ModuleDict({"encoder": Linear(4, 2), "act": ReLU()})
        >>> [name for name, _ in blocks.named_parameters()]
        ['encoder.weight', 'encoder.bias']
    """

    def __init__(self, modules: Optional[Union[Mapping[str, Module], Iterable[Tuple[str, Module]]]] = None):
        super().__init__()
        if modules is not None:
            self.update(modules)

    def _name(self, key: Any) -> str:
        if not isinstance(key, str):
            raise KeyError(f"ModuleDict: module names are strings, got {type(key).__name__} {key!r}")
        if not key or "." in key:
            raise KeyError(f"ModuleDict: a module name can be neither empty nor hold a '.', got {key!r}")
        if key not in self._modules and hasattr(self, key):
            raise KeyError(f"ModuleDict: {key!r} is already an attribute of the module; choose another name")
        return key

    def __getitem__(self, key: str) -> Module:
        return self._modules[key]

    def __setitem__(self, key: str, module: Module) -> None:
        setattr(self, self._name(key), _check_module("ModuleDict", module))

    def __delitem__(self, key: str) -> None:
        del self._modules[key]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __contains__(self, key: object) -> bool:
        return key in self._modules

    def keys(self) -> Iterable[str]:
        """The names, in insertion order."""
        return self._modules.keys()

    def items(self) -> Iterable[Tuple[str, Module]]:
        """(name, module) pairs, in insertion order."""
        return self._modules.items()

    def values(self) -> Iterable[Module]:
        """The modules, in insertion order."""
        return self._modules.values()

    def pop(self, key: str) -> Module:
        """Remove the module named `key` and return it."""
        return self._modules.pop(key)

    def clear(self) -> None:
        """Remove every module."""
        self._modules.clear()

    def update(self, modules: Union[Mapping[str, Module], Iterable[Tuple[str, Module]]]) -> None:
        """Add or replace modules from a mapping or an iterable of (name, Module) pairs."""
        pairs = modules.items() if isinstance(modules, (Mapping, ModuleDict)) else modules
        for pair in pairs:
            if not isinstance(pair, (tuple, list)) or len(pair) != 2:
                raise TypeError(f"ModuleDict.update: expected (name, Module) pairs, got {pair!r}")
            self[pair[0]] = pair[1]
