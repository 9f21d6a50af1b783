"""inf and NaN are results, as in PyTorch: ops on valid input holding inf, -inf, NaN, 0 and
+-1000 give torch's values, forward and backward, and no numpy RuntimeWarning reaches the user
(the fast backend's numpy paths -- elementwise ufuncs and reductions -- once leaked them)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import minitorch

from .helpers import BACKENDS, make_tensor, to_numpy

VALUES = [np.inf, -np.inf, np.nan, -1.0, 0.0, 1000.0, -1000.0]

OPS = {
    "log": lambda t: t.log(),
    "exp": lambda t: t.exp(),
    "reciprocal": lambda t: 1.0 / t,
    "div": lambda t: t / t,
    "sub": lambda t: t - t,
    "mul": lambda t: t * t,
    "sum": lambda t: t.sum(),
    "sum0": lambda t: t.sum(0),
    "mean": lambda t: t.mean(),
    "prod": lambda t: t.prod(),
    "broadcast sub": lambda t: t.view(7, 1) - t.view(1, 7),
    "strided log": lambda t: (t.view(7, 1) * t.view(1, 7)).permute(1, 0).log(),
    "logsumexp": lambda t: t.view(1, 7).logsumexp(1),
    "log_softmax": lambda t: t.view(1, 7).log_softmax(1),
}


@pytest.mark.parametrize("backend_name", ["simple", "fast"])
@pytest.mark.parametrize("name", sorted(OPS))
def test_inf_and_nan_are_results_without_warnings(backend_name, name):
    op = OPS[name]
    x = make_tensor(np.array(VALUES), BACKENDS[backend_name], requires_grad=True)
    xt = torch.tensor(VALUES, dtype=torch.float64, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = op(x)
        out.sum().backward()
    expected = op(xt)
    expected.sum().backward()
    np.testing.assert_allclose(to_numpy(out), expected.detach().numpy(), rtol=1e-12, equal_nan=True)
    np.testing.assert_allclose(to_numpy(x.grad), xt.grad.numpy(), rtol=1e-12, equal_nan=True)
