"""Module.register_forward_hook: PyTorch's contract (call order, output replacement, removal)."""

from __future__ import annotations

import doctest

import numpy as np
import torch

import minitorch
from minitorch import nn
from minitorch.nn import hooks


def _calls(make_relu, make_seq, tensor):
    """Events of one forward through Sequential(relu, relu) with hooks, for either library."""
    relu = make_relu()
    model = make_seq(relu, relu)  # one module called twice
    events = []
    first = relu.register_forward_hook(lambda m, args, out: events.append(("a", len(args), tuple(out.shape))))
    relu.register_forward_hook(lambda m, args, out: events.append(("b", len(args), tuple(out.shape))))
    relu.register_forward_hook(lambda m, args, out: events.append(("first", len(args), tuple(out.shape))),
                               prepend=True)
    model(tensor)
    first.remove()
    first.remove()  # twice is harmless
    model(tensor)
    return events


def test_hook_order_and_removal_match_torch():
    ours = _calls(nn.ReLU, nn.Sequential, minitorch.zeros((2, 3)))
    theirs = _calls(torch.nn.ReLU, torch.nn.Sequential, torch.zeros(2, 3))
    assert ours == theirs and len(ours) == 10


def test_hook_output_replacement_and_context_manager():
    layer = nn.Linear(3, 2)
    x = minitorch.tensor([[1.0, 2.0, 3.0]])
    expected = layer(x).to_numpy() * 2
    with layer.register_forward_hook(lambda m, args, out: out * 2):
        got = layer(x).to_numpy()
    np.testing.assert_allclose(got, expected)
    np.testing.assert_allclose(layer(x).to_numpy() * 2, expected)  # removed on exit


def test_hook_sees_inputs_and_module():
    layer, seen = nn.Conv1d(1, 2, 3), []
    x = minitorch.rand((1, 1, 5))
    layer.register_forward_hook(lambda m, args, out: seen.append((m, args[0], out.shape)))
    layer(x)
    assert seen == [(layer, x, (1, 2, 3))]


def test_not_callable_is_a_type_error():
    try:
        nn.ReLU().register_forward_hook("not a function")
    except TypeError as error:
        assert "register_forward_hook" in str(error)
    else:
        raise AssertionError("expected a TypeError")


def test_docstring_example():
    result = doctest.testmod(hooks, extraglobs={"minitorch": minitorch})
    assert result.attempted > 0 and result.failed == 0
