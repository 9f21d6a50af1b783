"""The tensor API beyond the registry: dtypes and promotion, conversions, constructors, the
two faces of `size` / `sum` / `expand`, and the everyday expressions of issue 11."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import minitorch
from minitorch.errors import AutodiffError, DomainError, DTypeError, ShapeError


def test_comparisons_are_bool_and_promote_in_arithmetic():
    x = minitorch.tensor([[1.0, -2.0], [3.0, 0.0]])
    mask = x > 0
    assert mask.dtype == np.bool_ and mask.tolist() == [[True, False], [True, False]]
    assert (x >= 0).tolist() == [[True, False], [True, True]] and (x != 0).sum().item() == 3
    assert (mask * x).dtype == np.float64 and (mask * x).tolist() == [[1.0, 0.0], [3.0, 0.0]]
    assert mask.sum().dtype == np.int64 and mask.sum().item() == 2  # a count, as torch
    assert (~mask).tolist() == [[False, True], [False, True]] and (mask & ~mask).any().item() is False
    assert (mask | True).all().item() is True
    with pytest.raises(DTypeError, match="bool"):
        -mask


def test_dtype_promotion_follows_torch_categories():
    i = minitorch.tensor([1, 2, 3], dtype="int64")
    f32 = minitorch.tensor([0.5, 0.5, 0.5], dtype="float32")
    cases = [
        (i + 1, "int64"), (i * 2, "int64"), (i + 0.5, "float64"), (i / 2, "float64"), (i + f32, "float32"),
        (f32 * 2.0, "float32"), (f32 + minitorch.tensor([1.0, 2.0, 3.0]), "float64"), (i.sum(), "int64"),
        (i ** 2, "int64"), (i ** 0.5, "float64"), (i.exp(), "float64"), (i.abs(), "int64"),
    ]
    for out, dtype in cases:
        assert out.dtype == np.dtype(dtype), out
    assert (i / 2).tolist() == [0.5, 1.0, 1.5]
    with pytest.raises(DomainError, match="negative integer powers"):
        i ** -1
    with pytest.raises(DTypeError, match="only float tensors"):
        i.requires_grad_()
    with pytest.raises(DTypeError, match="mean"):
        i.mean()


def test_no_gradient_flows_through_int_or_bool():
    x = minitorch.tensor([1.5, -2.5], requires_grad=True)
    y = x.long()
    assert y.tolist() == [1, -2] and not y.requires_grad()
    (x * (x > 0)).sum().backward()
    assert x.grad.tolist() == [1.0, 0.0]


def test_conversions():
    x = minitorch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    assert x.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert x.ndim == 2 and x.dim() == 2 and x.numel() == 4 and x.device == "cpu"
    assert x.size == 4 and x.size() == (2, 2) and x.size(-1) == 2  # course int, PyTorch call
    with pytest.raises(AutodiffError, match="detach"):
        x.numpy()
    view = x.detach().numpy()
    view[0, 0] = 9.0
    assert x[0, 0] == 9.0  # zero-copy
    assert minitorch.tensor([7], dtype="int64").item() == 7 and isinstance(minitorch.tensor([7], dtype="int64").item(), int)
    assert float(minitorch.tensor([2.5])) == 2.5 and int(minitorch.tensor([3.0])) == 3
    assert [10, 20, 30][minitorch.tensor([1], dtype="int64")] == 20  # __index__
    assert bool(minitorch.tensor([1.0])) and len(x) == 2
    with pytest.raises(ShapeError, match="ambiguous"):
        bool(x)


def test_zero_dim_results_work_like_torch():
    x = minitorch.tensor([[1.0, 5.0], [3.0, 2.0]], requires_grad=True)
    top = x.max()
    assert top.shape == () and top.item() == 5.0
    top.backward()
    assert x.grad.tolist() == [[0.0, 1.0], [0.0, 0.0]]
    assert x.sum(keepdim=False).shape == () and x.argmax().item() == 1
    with pytest.raises(DTypeError, match="0-d"):
        len(top)


def test_constructors():
    assert minitorch.zeros(2, 3).shape == (2, 3) == minitorch.ones((2, 3)).shape
    assert minitorch.rand(2, 3, backend=minitorch.SimpleBackend).backend is minitorch.SimpleBackend
    assert minitorch.zeros((2,), minitorch.SimpleBackend).backend is minitorch.SimpleBackend  # course positional
    assert minitorch.arange(4).dtype == np.int64 and minitorch.arange(0, 1, 0.25).tolist() == [0.0, 0.25, 0.5, 0.75]
    assert minitorch.linspace(0, 1, 5).tolist() == torch.linspace(0, 1, 5, dtype=torch.float64).tolist()
    assert minitorch.eye(2, 3).tolist() == torch.eye(2, 3).tolist()
    assert minitorch.full((2,), 3, dtype="int64").tolist() == [3, 3]
    like = minitorch.rand((2, 3), dtype="float32")
    for made in (minitorch.zeros_like(like), minitorch.ones_like(like), minitorch.randn_like(like), minitorch.rand_like(like)):
        assert made.shape == (2, 3) and made.dtype == np.float32
    assert minitorch.tensor([1, 2]).dtype == np.float64  # the course's rule (PyTorch: int64)
    with pytest.raises(DTypeError, match="float"):
        minitorch.rand(2, dtype="int64")


def test_course_sum_shapes_and_torch_keepdim():
    x = minitorch.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert x.sum().shape == (1,) and x.sum(0).shape == (1, 2) and x.mean(1).shape == (2, 1)
    assert x.sum(0, keepdim=False).shape == (2,) and x.sum((0, 1), keepdim=True).shape == (1, 1)
    assert x.mean(dim=1, keepdim=False).tolist() == [1.5, 3.5]


def test_expand_serves_the_course_engine_and_torch():
    x = minitorch.tensor([[1.0], [2.0]], requires_grad=True)
    big = x.expand(3, 2, 4)
    assert big.shape == (3, 2, 4) and big._tensor.strides[0] == 0  # a view
    big.sum().backward()
    assert x.grad.tolist() == [[12.0], [12.0]]
    gradient = minitorch.ones((5, 2, 1))
    assert x.expand(gradient).tolist() == [[5.0], [5.0]]  # MiniTorch: reduce a broadcast gradient


def test_prod_gradient_is_exact_with_zeros():
    values = np.array([[2.0, 0.0, 3.0], [0.0, 0.0, 4.0], [1.0, 2.0, 3.0]])
    x = minitorch.tensor(values, requires_grad=True)
    ref = torch.tensor(values, requires_grad=True)
    x.prod(1).sum().backward()
    ref.prod(1).sum().backward()
    np.testing.assert_array_equal(x.grad.to_numpy(), ref.grad.numpy())


def test_pow_domain_and_both_sides():
    x = minitorch.tensor([-2.0, 3.0], requires_grad=True)
    assert (x ** 2).tolist() == [4.0, 9.0] and (2 ** x).tolist() == [0.25, 8.0]
    with pytest.raises(DomainError, match=r"pow: a negative base .* \(2,\)"):
        x ** 0.5
    with pytest.raises(DomainError, match="negative base"):
        (-2.0) ** minitorch.tensor([0.5])


def test_issue_expressions_work():
    """The 24 expressions issue 11 found failing on a (3, 4) tensor."""
    x = minitorch.rand(3, 4)
    results = [
        x[0], x[:, 1], x ** 2, x.pow(2), x.abs(), x.sqrt(), x.clamp(0.2, 0.8), x.max(1), x.argmax(1), x.var(),
        x.flatten(), x.unsqueeze(0), x.squeeze(), x.expand(2, 3, 4), x.repeat(2, 1), x.T, x.log_softmax(1),
        x.numpy(), x.tolist(), x.ndim, x.device, minitorch.cat([x, x]), minitorch.stack([x, x]),
        minitorch.where(x > 0.5, x, 0.0),
    ]
    assert len(results) == 24
    assert results[1].shape == (3,) and results[7].indices.dtype == np.int64 and results[15].shape == (4, 3)
