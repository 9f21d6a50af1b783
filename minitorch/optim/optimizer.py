"""`Optimizer`: parameter groups, per-parameter state, `zero_grad` and state dicts.

Optimizers update each parameter's storage in place with its backend's arrays (numpy, or CuPy
on the GPU; no graph is recorded, and the tensors the model holds stay the same objects),
reading the gradient from `parameter.value.grad`. Parameters whose gradient is None are skipped, as in PyTorch.

`state_dict()` has PyTorch's layout: {"state": {index: {...}}, "param_groups": [{...,
"params": [index, ...]}]}, where indices count parameters across groups in order; the
state holds numpy arrays and numbers, so `minitorch.save` stores it directly.
"""

from __future__ import annotations

import copy
from typing import Any, Dict, Iterable, List, Optional, Tuple

import numpy as np

from ..backends.namespace import array_namespace
from ..core.tensor import Tensor
from ..errors import DomainError
from ..nn.module import Parameter

__all__ = ["Optimizer", "check_betas", "check_nonnegative"]


def check_nonnegative(optimizer: str, **values: float) -> None:
    """Refuse a hyper-parameter below 0 (or NaN), as torch's `Invalid learning rate: -0.1` checks do.

    Raises:
        DomainError: naming the optimizer, the argument and its value.
    """
    for name, value in values.items():
        if not value >= 0:
            raise DomainError(f"{optimizer}: invalid {name} {value!r}; it must be >= 0")


def check_betas(optimizer: str, betas: Any) -> None:
    """Refuse Adam-style betas outside [0, 1) (torch's `Invalid beta parameter` checks).

    Raises:
        DomainError: naming the optimizer and the betas.
    """
    if not all(0.0 <= b < 1.0 for b in betas):
        raise DomainError(f"{optimizer}: betas must lie in [0, 1), got {tuple(betas)}")


def _as_tensor(parameter: Any) -> Tensor:
    """The tensor an optimizer updates: a Parameter's `.value`, or a leaf Tensor itself."""
    value = parameter if isinstance(parameter, Tensor) else getattr(parameter, "value", None)
    if not isinstance(value, Tensor):
        raise TypeError(
            f"optimizer: expected Parameters holding Tensors (model.parameters()) or Tensors, "
            f"got {type(parameter).__name__}"
        )
    return value


class Optimizer:
    """Base class: holds `param_groups` (dicts with "params" and hyper-parameters) and `state`.

    Args:
        params: an iterable of Parameters (or leaf Tensors), or of dicts {"params": [...], "lr": ...}
            giving per-group settings.
        defaults: the hyper-parameters a group gets when it does not set them.

    Subclasses implement `_update(group, data, grad, state)`: update the array `data` (numpy, or
    the device library's) in place from `grad`, keeping per-parameter arrays in the dict `state`;
    or `_update_group(group, items)` to update a group's parameters together.
    A group with "maximize" set gets the negated gradient (ascent), as torch's optimizers.
    """

    def __init__(self, params: Iterable[Any], defaults: Dict[str, Any]):
        self.defaults = dict(defaults)
        self.param_groups: List[Dict[str, Any]] = []
        self.state: Dict[Any, Dict[str, Any]] = {}  # keyed by the Parameter (or Tensor) object
        params = list(params)
        if not params:
            raise ValueError(f"{type(self).__name__}: got an empty parameter list; pass model.parameters()")
        groups = params if isinstance(params[0], dict) else [{"params": params}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, group: Dict[str, Any]) -> None:
        """Add a group of parameters with its own hyper-parameters (others from defaults)."""
        group = dict(group)
        params = group["params"]
        params = [params] if isinstance(params, (Parameter, Tensor)) else list(params)
        for p in params:
            _as_tensor(p)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in params):
            raise ValueError(f"{type(self).__name__}: a parameter appears in more than one group")
        group["params"] = params
        for key, value in self.defaults.items():
            group.setdefault(key, value)
        self.param_groups.append(group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget every parameter's gradient (None; or zero-filled with set_to_none=False)."""
        for group in self.param_groups:
            for p in group["params"]:
                value = _as_tensor(p)
                if set_to_none or value.grad is None:
                    value.grad = None
                else:
                    _array(value.grad)[...] = 0

    def step(self) -> None:
        """Update every parameter that has a gradient, in place."""
        for group in self.param_groups:
            maximize = group.get("maximize", False)
            items = []
            for p in group["params"]:
                value = _as_tensor(p)
                if value.grad is None:
                    continue
                data = _array(value)  # the storage itself (on the tensor's device), updated in place
                grad = _array(value.grad)
                if grad.dtype != data.dtype:
                    grad = grad.astype(data.dtype)
                items.append((p, data, -grad if maximize else grad))
            self._update_group(group, items)

    def _update_group(self, group: Dict[str, Any], items: List[Tuple[Any, Any, Any]]) -> None:
        """Update a group's (parameter, data, gradient) items: one `_update` each, unless overridden
        (a multi-tensor update)."""
        for p, data, grad in items:
            self._update(group, data, grad, self.state.setdefault(p, {}))

    def _update(self, group: Dict[str, Any], data: np.ndarray, grad: np.ndarray, state: Dict[str, Any]) -> None:
        raise NotImplementedError

    # ## State dicts

    def _ordered_params(self) -> List[Any]:
        return [p for group in self.param_groups for p in group["params"]]

    def state_dict(self) -> Dict[str, Any]:
        """{"state": {index: {name: array or number}}, "param_groups": [settings + "params": indices]}."""
        index = {id(p): i for i, p in enumerate(self._ordered_params())}
        groups = []
        for group in self.param_groups:
            settings = {k: (list(v) if isinstance(v, tuple) else v) for k, v in group.items() if k != "params"}
            settings["params"] = [index[id(p)] for p in group["params"]]
            groups.append(settings)
        state = {index[id(p)]: {k: (v.copy() if _is_array(v) else v) for k, v in s.items()}
                 for p, s in self.state.items() if id(p) in index}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: Dict[str, Any]) -> None:
        """Restore hyper-parameters and state saved by `state_dict` (same parameter layout).

        Raises:
            ValueError: when the number of groups or of parameters per group differs.
        """
        groups = state_dict["param_groups"]
        if len(groups) != len(self.param_groups) or any(
            len(saved["params"]) != len(own["params"]) for saved, own in zip(groups, self.param_groups)
        ):
            raise ValueError(
                f"{type(self).__name__}.load_state_dict: the saved groups have "
                f"{[len(g['params']) for g in groups]} parameters, this optimizer has "
                f"{[len(g['params']) for g in self.param_groups]}; build it over the same model"
            )
        params = self._ordered_params()
        for saved, own in zip(groups, self.param_groups):
            for key, value in saved.items():
                if key != "params":
                    own[key] = tuple(value) if isinstance(own.get(key), tuple) else copy.deepcopy(value)
        self.state = {}
        for key, entry in state_dict["state"].items():
            p = params[int(key)]
            data = _array(_as_tensor(p))
            self.state[p] = {name: _like(v, data) if _is_array(v) else v for name, v in entry.items()}

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines.extend(f"    {key}: {group[key]}" for key in sorted(group) if key != "params")
        return "\n".join(lines + [")"])


def _is_array(value: Optional[Any]) -> bool:
    return isinstance(value, np.ndarray) or hasattr(value, "to_numpy") or hasattr(value, "__cuda_array_interface__")


def _array(t: Tensor) -> Any:
    """A tensor's values as an array of its backend (numpy; CuPy for a GPU tensor), sharing its storage."""
    return t.backend.ops.array(t._tensor)


def _like(value: Any, data: Any) -> Any:
    """A copy of a saved state array (numpy, device, or a Tensor) as an array like `data`: its dtype and device."""
    if isinstance(value, Tensor):
        value = value.to_numpy()
    xp = array_namespace(data)
    if xp is np and not isinstance(value, np.ndarray):
        value = value.get()  # a device array saved from a GPU optimizer, loaded onto the CPU
    return xp.array(value, dtype=data.dtype)
