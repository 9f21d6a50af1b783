"""PyTorch's names, checked against torch itself rather than a list kept by hand.

Every public function of minitorch.ops whose name torch.nn.functional also has is exported as
`minitorch.nn.functional.<name>`; every such function whose layer torch.nn has (conv1d ->
Conv1d, adaptive_max_pool1d -> AdaptiveMaxPool1d, cross_entropy -> CrossEntropyLoss) exists as
`minitorch.nn.<Layer>`; and our arguments are torch's, in torch's order, with torch's defaults.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import torch
import torch.nn.functional as TF

import minitorch.ops
from minitorch import nn
from minitorch.nn import functional as F

# Arguments torch lacks, each a deliberate extension.
EXTRA_ARGUMENTS = {("dropout", "generator"), ("dropout1d", "generator"), ("dropout2d", "generator"), ("dropout3d", "generator")}
# Arguments torch lets default to a deprecated implicit choice, which we require.
REQUIRED_HERE = {("softmax", "dim"), ("log_softmax", "dim")}
# torch's own deprecated arguments, which we leave out.
DEPRECATED = {"size_average", "reduce", "_stacklevel"}


def _normalise(name: str) -> str:
    return name.replace("_", "").lower()


def _ops_functions_torch_has() -> dict[str, str]:
    """name -> 'module.name' for every public function of minitorch.ops that F of torch has."""
    found = {}
    for info in pkgutil.iter_modules(minitorch.ops.__path__):
        module = importlib.import_module(f"minitorch.ops.{info.name}")
        for name in getattr(module, "__all__", []):
            if inspect.isfunction(getattr(module, name)) and hasattr(TF, name):
                found.setdefault(name, f"minitorch.ops.{info.name}.{name}")
    return found


OPS = _ops_functions_torch_has()
TORCH_LAYERS = {
    _normalise(name): name
    for name, value in vars(torch.nn).items()
    if inspect.isclass(value) and issubclass(value, torch.nn.Module)
}


def test_the_scan_sees_the_ops():
    # a guard against a scan that finds nothing (and so checks nothing)
    assert {"conv1d", "conv_transpose3d", "adaptive_max_pool1d", "cross_entropy", "softmax", "pad"} <= set(OPS)


def test_every_op_torch_has_is_exported_under_its_name():
    missing = sorted(where for name, where in OPS.items() if name not in F.__all__ or not hasattr(F, name))
    assert not missing, f"exported in torch.nn.functional but not in minitorch.nn.functional: {missing}"


def test_every_functional_with_a_torch_layer_has_our_layer():
    missing = []
    for name in sorted(set(OPS) | set(F.__all__)):
        layer = TORCH_LAYERS.get(_normalise(name)) or TORCH_LAYERS.get(_normalise(name) + "loss")
        if layer is not None and not hasattr(nn, layer):
            missing.append(f"F.{name} -> nn.{layer}")
    assert not missing, f"torch.nn has these layers, minitorch.nn does not: {missing}"
    assert {"AdaptiveMaxPool1d", "ConvTranspose3d"} <= set(nn.__all__)


def _torch_parameters(name: str):
    try:
        return inspect.signature(getattr(TF, name)).parameters
    except (TypeError, ValueError):  # a C builtin (conv1d, avg_pool1d, ...): nothing to compare
        return None


def test_arguments_follow_torch_order_and_defaults():
    problems, compared = [], 0
    for name in sorted(F.__all__):
        theirs = _torch_parameters(name) if hasattr(TF, name) else None
        if theirs is None or list(theirs) == ["args", "kwargs"]:  # C builtin or a boolean dispatcher
            continue
        compared += 1
        ours = inspect.signature(getattr(F, name)).parameters
        extra = [p for p in ours if p not in theirs and (name, p) not in EXTRA_ARGUMENTS]
        shared = [p for p in ours if p in theirs]
        order = [p for p in theirs if p in ours]
        if extra:
            problems.append(f"{name}: arguments torch lacks: {extra}")
        if shared != order:
            problems.append(f"{name}: order {shared}, torch's {order}")
        for p in shared:
            if (name, p) in REQUIRED_HERE:
                continue
            if ours[p].default is not theirs[p].default and ours[p].default != theirs[p].default:
                problems.append(f"{name}({p}=...): default {ours[p].default!r}, torch's {theirs[p].default!r}")
        missing = [p for p in theirs if p not in ours and p not in DEPRECATED
                   and theirs[p].default is inspect.Parameter.empty]
        if missing:
            problems.append(f"{name}: required torch arguments missing: {missing}")
    assert compared >= 8, f"only {compared} signatures compared; is torch's functional API still Python?"
    assert not problems, "\n".join(problems)
