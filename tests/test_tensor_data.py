"""TensorData: layout, index math, broadcasting and their errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minitorch
from minitorch import IndexingError, TensorData


@st.composite
def tensor_data(draw, max_dims=4):
    shape = tuple(draw(st.lists(st.integers(1, 5), min_size=1, max_size=max_dims)))
    size = int(np.prod(shape))
    data = TensorData(np.arange(size, dtype=np.float64), shape)
    order = draw(st.permutations(range(len(shape))))
    return data.permute(*order)


def test_layout_and_strides():
    data = TensorData([0.0] * 10, (2, 5))
    assert data.strides == (5, 1) and data.is_contiguous()
    t = data.permute(1, 0)
    assert t.shape == (5, 2) and t.strides == (1, 5) and not t.is_contiguous()
    assert data.index((1, 0)) == 5 and t.index((1, 0)) == 1


@given(tensor_data())
def test_every_index_maps_to_a_distinct_position(data):
    positions = {data.index(i) for i in data.indices()}
    assert len(positions) == data.size
    assert positions == set(range(data.size))


SHAPES = [(1,), (7,), (2, 3), (3, 1, 4), (2, 3, 4, 5), (1, 1, 3, 1, 2), (5, 1)]


@pytest.mark.parametrize("shape", SHAPES)
def test_index_math_matches_numpy(shape):
    # oracles independent of our code: numpy's unravel_index, ndindex and byte strides
    out = np.zeros(len(shape), dtype=np.int64)
    size = int(np.prod(shape))
    for ordinal in range(size):
        minitorch.to_index(ordinal, np.array(shape), out)
        assert tuple(out) == tuple(int(i) for i in np.unravel_index(ordinal, shape)), (shape, ordinal)
    assert minitorch.strides_from_shape(shape) == tuple(s // 8 for s in np.empty(shape).strides)
    assert list(TensorData(np.zeros(size), shape).indices()) == list(np.ndindex(*shape))


@pytest.mark.parametrize("shape", [s for s in SHAPES if len(s) > 1])
def test_permuted_positions_match_numpy(shape):
    size = int(np.prod(shape))
    positions = np.arange(size).reshape(shape)
    for order in [tuple(reversed(range(len(shape)))), tuple(range(1, len(shape))) + (0,)]:
        data = TensorData(np.zeros(size), shape).permute(*order)
        expected = positions.transpose(order)
        for index in np.ndindex(*expected.shape):
            assert data.index(index) == expected[index]
            assert minitorch.index_to_position(np.array(index), np.array(data.strides)) == expected[index]


@pytest.mark.parametrize("big, small", [((2, 3, 4), (3, 1)), ((4, 5), (5,)), ((2, 1, 3), (1, 1, 3)), ((6,), (1,))])
def test_broadcast_index_matches_numpy(big, small):
    values = np.arange(int(np.prod(small))).reshape(small)
    spread = np.broadcast_to(values, big)
    out = np.zeros(len(small), dtype=np.int64)
    for index in np.ndindex(*big):
        minitorch.broadcast_index(np.array(index), np.array(big), np.array(small), out)
        assert values[tuple(out)] == spread[index]


@given(tensor_data())
def test_numpy_view_matches_get(data):
    view = data.to_numpy_view()
    for index in data.indices():
        assert view[index] == data.get(index)


def test_index_errors_are_typed():
    data = TensorData([0.0] * 6, (2, 3))
    with pytest.raises(IndexingError, match="out of range"):
        data.index((2, 0))
    with pytest.raises(IndexingError, match="has 1 entries"):
        data.index((0,))
    with pytest.raises(IndexingError, match="too small"):
        TensorData([0.0] * 5, (2, 3))
    with pytest.raises(IndexingError, match="strides"):
        TensorData([0.0] * 6, (2, 3), (1,))
    with pytest.raises(IndexingError, match="permutation"):
        data.permute(0, 0)
    assert isinstance(IndexingError("x"), IndexError)


def test_index_rejects_negatives_but_tensor_indexing_counts_from_end():
    # The course's layout contract: TensorData.index takes only 0 <= i < size ...
    data = TensorData(np.arange(6.0), (2, 3))
    with pytest.raises(IndexingError, match="out of range"):
        data.index((-1, 0))
    # ... while Tensor[...] (get/set) keeps Python's negative indices, as torch does.
    t = minitorch.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]])
    assert t[-1, -1] == 5.0 and t[0, -3] == 0.0
    t[-2, 1] = 7.0
    assert t[0, 1] == 7.0
    with pytest.raises(IndexingError, match="out of range"):
        t[-3, 0]


def test_broadcast_rules():
    assert minitorch.shape_broadcast((2, 1, 4), (3, 1)) == (2, 3, 4)
    assert minitorch.shape_broadcast((1,), (5, 5)) == (5, 5)
    with pytest.raises(IndexingError, match=r"\(2, 3\) and \(4,\)"):
        minitorch.shape_broadcast((2, 3), (4,))
    out = np.zeros(2, dtype=np.int64)
    minitorch.broadcast_index(np.array([1, 2, 3]), np.array([2, 3, 4]), np.array([3, 1]), out)
    assert list(out) == [2, 0]


def test_from_numpy_shares_memory_where_possible():
    base = np.arange(12.0).reshape(3, 4)
    for view in (base, base.T, base[:, ::2]):
        t = minitorch.from_numpy(view)
        np.testing.assert_array_equal(t.to_numpy(), view)
        assert np.shares_memory(t._tensor._storage, base)
    offset = base[1:, 1:]  # a view starting inside its base: the storage is the base from there
    t = minitorch.from_numpy(offset)
    np.testing.assert_array_equal(t.to_numpy(), offset)
    assert np.shares_memory(t._tensor._storage, base)
    f32 = np.ones((2, 2), dtype=np.float32)
    assert minitorch.from_numpy(f32).dtype == np.float32
    assert minitorch.from_numpy(np.arange(3)).dtype == np.int64  # as torch.from_numpy
    assert minitorch.from_numpy(np.arange(3, dtype=np.uint8)).dtype == np.int64  # other ints: int64 copies
    assert minitorch.from_numpy(np.ones(2, dtype=bool)).dtype == np.bool_
