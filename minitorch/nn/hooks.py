"""Forward hooks: functions a `Module` calls after its `forward`, as PyTorch's
`Module.register_forward_hook`.

A hook is called as `hook(module, args, output)` right after `module.forward(*args)` returns;
it may return a replacement output (or None to keep it). `register_forward_hook` returns a
`RemovableHandle` whose `remove()` takes the hook off again (also usable as a context manager).
`minitorch explain` uses hooks to record every layer's input and output during one forward pass.

Example:
    >>> from minitorch import nn
    >>> layer, seen = nn.ReLU(), []
    >>> handle = layer.register_forward_hook(lambda module, args, output: seen.append(output.shape))
    >>> _ = layer(minitorch.zeros((2, 3)))
    >>> handle.remove()
    >>> _ = layer(minitorch.zeros((4,)))
    >>> seen
    [(2, 3)]
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
from typing import Any, Callable, Dict

__all__ = ["RemovableHandle", "add_hook", "run_forward_hooks"]

_next_id = itertools.count()


class RemovableHandle:
    """Removes one hook from the dict that holds it (`remove()` twice is harmless)."""

    def __init__(self, hooks: Dict[int, Callable[..., Any]], hook_id: int):
        self._hooks, self.id = hooks, hook_id

    def remove(self) -> None:
        self._hooks.pop(self.id, None)

    def __enter__(self) -> "RemovableHandle":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.remove()


def add_hook(hooks: "OrderedDict[int, Callable[..., Any]]", hook: Callable[..., Any],
             prepend: bool = False) -> RemovableHandle:
    """Put `hook` into `hooks` (last, or first with `prepend`) and return its handle."""
    if not callable(hook):
        raise TypeError(f"register_forward_hook: expected a callable hook(module, args, output), "
                        f"got {type(hook).__name__}")
    hook_id = next(_next_id)
    hooks[hook_id] = hook
    if prepend:
        hooks.move_to_end(hook_id, last=False)
    return RemovableHandle(hooks, hook_id)


def run_forward_hooks(hooks: Dict[int, Callable[..., Any]], module: Any, args: tuple, output: Any) -> Any:
    """Call each hook in order; a hook that returns something replaces the output."""
    for hook in list(hooks.values()):
        result = hook(module, args, output)
        if result is not None:
            output = result
    return output
