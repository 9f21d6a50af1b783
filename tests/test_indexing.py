"""Indexing against NumPy and PyTorch: random index expressions (ints, slices, None, ...,
integer arrays, boolean masks) forward and backward; views share storage; setitem; errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import example, given, settings
from hypothesis import strategies as st

import minitorch
from minitorch.errors import AutodiffError, IndexingError, ShapeError

from .helpers import BACKENDS, make_tensor


@st.composite
def index_expressions(draw):
    """(shape, key): a random shape and a valid key mixing every kind of index."""
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=4)))
    parts = []
    dim = 0
    used_ellipsis = False  # after a `...`, the key must index every remaining dim (the ... takes the rest)
    while dim < len(shape) and (used_ellipsis or not parts or draw(st.booleans())):
        size = shape[dim]
        kind = draw(st.sampled_from(["int", "slice", "slice", "none", "ellipsis", "array", "mask"]))
        if kind == "int":
            parts.append(draw(st.integers(-size, size - 1)))
            dim += 1
        elif kind == "slice":
            start = draw(st.one_of(st.none(), st.integers(-size - 1, size + 1)))
            stop = draw(st.one_of(st.none(), st.integers(-size - 1, size + 1)))
            step = draw(st.one_of(st.none(), st.integers(1, 3)))
            parts.append(slice(start, stop, step))
            dim += 1
        elif kind == "none":
            parts.append(None)
        elif kind == "ellipsis" and not used_ellipsis:
            used_ellipsis = True
            parts.append(Ellipsis)
            dim = len(shape) - draw(st.integers(0, len(shape) - dim))  # the ellipsis takes the dims in between
        elif kind == "array":
            length = draw(st.integers(1, 4))
            parts.append(np.array(draw(st.lists(st.integers(-size, size - 1), min_size=length, max_size=length))))
            dim += 1
        elif kind == "mask":
            covered = draw(st.integers(1, min(2, len(shape) - dim)))
            mask_shape = shape[dim : dim + covered]
            bits = draw(st.lists(st.booleans(), min_size=int(np.prod(mask_shape)), max_size=int(np.prod(mask_shape))))
            parts.append(np.array(bits, dtype=bool).reshape(mask_shape))
            dim += covered
    arrays = [p for p in parts if isinstance(p, np.ndarray)]
    if len(arrays) > 1:  # advanced indices must broadcast together: keep one array or mask
        keep = arrays[0]  # a dropped mask of k dims becomes k full slices, so every part keeps its dims
        parts = [q for p in parts for q in ([p] if not isinstance(p, np.ndarray) or p is keep
                                            else [slice(None)] * (p.ndim if p.dtype == bool else 1))]
    return shape, tuple(parts)


def _torch_key(key):
    return tuple(torch.as_tensor(k) if isinstance(k, np.ndarray) else k for k in key)


def _numpy_lays_out_as_torch(key) -> bool:
    """NumPy puts the advanced dims first when its advanced entries (arrays, masks, and ints
    beside an array) are separated by a slice, None or Ellipsis; torch keeps them in place.
    Equal shapes do not tell (shape (1, 4, 1), key (0, 1:, [0, 0, 0]) gives (3, 3) both ways)."""
    entries = key if isinstance(key, tuple) else (key,)
    advanced = [i for i, entry in enumerate(entries) if not (isinstance(entry, slice) or entry is None or entry is Ellipsis)]
    if not any(isinstance(entries[i], (np.ndarray, list)) for i in advanced):
        return True
    return advanced == list(range(advanced[0], advanced[-1] + 1))


@pytest.mark.parametrize("backend_name", ["fast", "simple"])
@settings(max_examples=150, deadline=None)
@given(expression=index_expressions(), seed=st.integers(0, 2**16), permuted=st.booleans())
@example(expression=((1, 4, 1), (0, slice(1, None), np.array([0, 0, 0]))), seed=0, permuted=False)
def test_random_keys_match_numpy_and_torch(backend_name, expression, seed, permuted):
    shape, key = expression
    rng = np.random.default_rng(seed)
    values = rng.standard_normal(shape)
    x = make_tensor(values, BACKENDS[backend_name], permuted=permuted, requires_grad=True)
    out = x[key]
    if not isinstance(out, minitorch.Tensor):  # one int per dim: the course's Python number
        assert out == values[key]
        return
    reference = torch.tensor(values, requires_grad=True)
    torch_out = reference[_torch_key(key)]
    np.testing.assert_array_equal(out.to_numpy(), torch_out.detach().numpy())
    if _numpy_lays_out_as_torch(key):
        np.testing.assert_array_equal(out.to_numpy(), values[key])
    upstream = rng.standard_normal(out.shape)
    (out * minitorch.tensor(upstream)).sum().backward()
    (torch_out * torch.tensor(upstream)).sum().backward()
    np.testing.assert_allclose(x.grad.to_numpy(), reference.grad.numpy(), atol=1e-12)


@pytest.mark.parametrize("key", [
    (slice(None), slice(1, 3)), 1, -1, (slice(None), 2), (slice(None), slice(3, 1)), (None, slice(None), 0),
    slice(None), (slice(1, 3), 0), (slice(None), slice(None, None, 2)), (Ellipsis, slice(1, None)), (0, 1, None),
])
def test_basic_index_gradient_is_zero_outside_the_view(monkeypatch, key):
    """The backward of x[basic key] zeros only outside the view where it can: a fresh buffer's
    contents (NaN here) must never reach the gradient."""
    xp = minitorch.FastBackend.xp
    monkeypatch.setattr(xp, "empty", lambda shape, dtype=float: np.full(shape, np.nan, dtype=dtype))
    values = np.arange(24.0).reshape(4, 3, 2)
    x = minitorch.tensor(values, requires_grad=True)
    reference = torch.tensor(values, requires_grad=True)
    out, torch_out = x[key], reference[key]
    upstream = np.random.default_rng(0).standard_normal(tuple(torch_out.shape))
    out.backward(minitorch.tensor(upstream))
    torch_out.backward(torch.tensor(upstream))
    np.testing.assert_array_equal(x.grad.to_numpy(), reference.grad.numpy())


def test_basic_index_is_a_view_sharing_storage():
    x = minitorch.tensor(np.arange(24.0).reshape(2, 3, 4))
    view = x[1, :, 1:3]
    assert view.shape == (3, 2) and view._tensor.strides == (4, 1)
    view[0, 0] = -1.0
    assert x[1, 0, 1] == -1.0  # written through
    assert x[:, None, ..., ::2].shape == (2, 1, 3, 2)


def test_view_of_unit_step_slices_keeps_the_input_strides():
    x = minitorch.tensor(np.arange(24.0).reshape(2, 3, 4))
    assert x[:, 1:3]._tensor.strides is x._tensor.strides  # one tuple fewer per view
    assert x[:, ::2]._tensor.strides == (12, 8, 1) and x[0, 1:]._tensor.strides == (4, 1)
    assert x[None, :, 1:]._tensor.strides == (0, 12, 4, 1)


def test_advanced_index_copies_and_repeats_accumulate():
    x = minitorch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    picked = x[[0, 0, 2, 0]]
    assert picked.tolist() == [1.0, 1.0, 3.0, 1.0]
    picked.sum().backward()
    assert x.grad.tolist() == [3.0, 0.0, 1.0]


def test_index_tensors_and_masks():
    x = minitorch.tensor([[1.0, -2.0], [-3.0, 4.0]])
    assert x[x > 0].tolist() == [1.0, 4.0]
    rows = minitorch.tensor([1, 0], dtype="int64")
    assert x[rows].tolist() == [[-3.0, 4.0], [1.0, -2.0]]
    assert x[x.argmax(1)[0]].tolist() == [1.0, -2.0]  # a one-element int64 tensor acts as an int
    with pytest.raises(IndexingError, match="int64"):
        x[minitorch.tensor([0.0])]


def test_one_int_per_dim_reads_a_python_number():
    x = minitorch.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert x[1, -1] == 4.0 and isinstance(x[1, -1], float)
    assert isinstance(minitorch.tensor([1, 2], dtype="int64")[0], int)
    assert x[np.int64(0), np.int64(1)] == 2.0 and isinstance(x[np.int64(0), np.int64(1)], float)
    assert x[1, 1, None].shape == (1,)  # the PyTorch spelling of a one-element tensor


def test_setitem_broadcasts_and_refuses_recorded_tensors():
    x = minitorch.zeros((2, 3))
    x[:, 1] = 5.0
    x[0] = minitorch.tensor([1.0, 2.0, 3.0])
    x[x > 4] = -1.0
    x[[1, 1], [0, 2]] = 7.0
    assert x.tolist() == [[1.0, 2.0, 3.0], [7.0, -1.0, 7.0]]
    with pytest.raises(ShapeError, match="does not broadcast"):
        x[0] = minitorch.tensor([1.0, 2.0])
    w = minitorch.zeros((2,), requires_grad=True)
    with pytest.raises(AutodiffError, match="no_grad"):
        w[0] = 1.0
    with minitorch.no_grad():
        w[0] = 1.0
        w.fill_(2.0)
    assert w.tolist() == [2.0, 2.0] and w.requires_grad()


def test_in_place_fill_zero_copy():
    x = minitorch.ones((2, 2))
    assert x.fill_(3).tolist() == [[3.0, 3.0], [3.0, 3.0]]
    assert x.zero_().sum().item() == 0.0
    x.copy_(minitorch.tensor([1, 2], dtype="int64"))  # broadcast and converted
    assert x.tolist() == [[1.0, 2.0], [1.0, 2.0]]


@pytest.mark.parametrize(
    "key,fragments",
    [
        ((2, 0), ("index 2", "dim 0", "(2, 3)")),
        ((0, 0, 0), ("too many indices", "(2, 3)")),
        ((Ellipsis, Ellipsis), ("more than one",)),
        ((np.ones((3, 3), dtype=bool),), ("mask", "(3, 3)", "(2, 3)")),
        (("a",), ("str", "(2, 3)")),
    ],
)
def test_bad_keys_raise_typed_errors(key, fragments):
    x = minitorch.zeros((2, 3))
    with pytest.raises(IndexingError) as info:
        x[key]
    for fragment in fragments:
        assert fragment in str(info.value)
