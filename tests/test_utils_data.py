"""minitorch.utils.data against torch.utils.data: batches (values, shapes, dtypes, count) of
TensorDataset and of map-style Dataset subclasses, drop_last, shuffling (a permutation per
epoch, reproducible from a seed; the order itself is numpy's, not torch's), default_collate on
nested examples, random_split's lengths, Subset and ConcatDataset."""

from __future__ import annotations

import collections
import warnings

import numpy as np
import pytest
import torch
import torch.utils.data as tud

import minitorch
import minitorch.nn as nn
import minitorch.nn.functional as F
from minitorch import optim
from minitorch.data.errors import DatasetError
from minitorch.errors import DomainError, IndexingError, ShapeError
from minitorch.utils.data import (
    ConcatDataset,
    DataLoader,
    Dataset,
    Subset,
    TensorDataset,
    default_collate,
    random_split,
)

RNG = np.random.default_rng(0)
X = RNG.standard_normal((10, 3))
Y = RNG.integers(0, 4, 10)


def _values(batch):
    """A batch (nested lists / dicts of tensors) as the same structure of numpy arrays."""
    if isinstance(batch, (list, tuple)):
        return [_values(b) for b in batch]
    if isinstance(batch, dict):
        return {k: _values(v) for k, v in batch.items()}
    if isinstance(batch, torch.Tensor):
        return batch.numpy()
    return batch.to_numpy() if isinstance(batch, minitorch.Tensor) else batch


def _assert_same_batches(ours, theirs):
    ours, theirs = list(ours), list(theirs)
    assert len(ours) == len(theirs)
    for mine, ref in zip(ours, theirs):
        _assert_same_structure(_values(mine), _values(ref))


def _assert_same_structure(mine, ref):
    assert type(mine) is type(ref) or isinstance(ref, np.ndarray), (type(mine), type(ref))
    if isinstance(ref, list):
        assert len(mine) == len(ref)
        for a, b in zip(mine, ref):
            _assert_same_structure(a, b)
    elif isinstance(ref, dict):
        assert mine.keys() == ref.keys()
        for key in ref:
            _assert_same_structure(mine[key], ref[key])
    elif isinstance(ref, np.ndarray):
        assert isinstance(mine, np.ndarray) and mine.dtype == ref.dtype and mine.shape == ref.shape
        np.testing.assert_array_equal(mine, ref)
    else:
        assert mine == ref


@pytest.mark.parametrize("batch_size,drop_last", [(1, False), (3, False), (3, True), (4, True), (10, False), (16, True), (16, False)])
def test_tensor_dataset_batches_match_torch(batch_size, drop_last):
    ours = DataLoader(TensorDataset(minitorch.tensor(X), minitorch.tensor(Y.tolist(), dtype="int64")), batch_size=batch_size,
                      drop_last=drop_last)
    theirs = tud.DataLoader(tud.TensorDataset(torch.tensor(X), torch.tensor(Y)), batch_size=batch_size, drop_last=drop_last)
    assert len(ours) == len(theirs)
    _assert_same_batches(ours, theirs)
    for x, y in ours:
        assert isinstance(x, minitorch.Tensor) and isinstance(y, minitorch.Tensor)


def test_tensor_dataset_items_and_dtypes_match_torch():
    ours = TensorDataset(X.astype(np.float32), minitorch.tensor(X), Y)
    theirs = tud.TensorDataset(torch.tensor(X.astype(np.float32)), torch.tensor(X), torch.tensor(Y))
    assert len(ours) == len(theirs) == 10
    _assert_same_structure(_values(list(ours[3])), _values(list(theirs[3])))
    assert [str(t.dtype) for t in ours[3]] == ["float32", "float64", "int64"]
    assert len(ours.tensors) == 3
    with pytest.raises(DatasetError, match="same first dimension"):
        TensorDataset(minitorch.zeros((3, 2)), minitorch.zeros((4,)))


class Pairs(Dataset):
    """A map-style dataset of (tensor image, int label) tuples, the usual user subclass."""

    def __init__(self, library):
        self.library = library

    def __len__(self):
        return 7

    def __getitem__(self, i):
        image = X[i].reshape(1, 3)
        return (torch.tensor(image) if self.library is torch else minitorch.tensor(image)), int(Y[i])


class Nested(tud.Dataset):
    """Examples with numpy arrays, floats, strings, dicts and named tuples (the same for both libraries)."""

    Point = collections.namedtuple("Point", "x y")

    def __len__(self):
        return 5

    def __getitem__(self, i):
        return {"array": X[i].astype(np.float32), "number": float(X[i, 0]), "name": f"item{i}",
                "point": self.Point(i, float(i) / 2), "flag": bool(i % 2)}


@pytest.mark.parametrize("batch_size,drop_last", [(2, False), (3, True)])
def test_dataset_subclasses_collate_as_torch(batch_size, drop_last):
    _assert_same_batches(DataLoader(Pairs(minitorch), batch_size=batch_size, drop_last=drop_last),
                         tud.DataLoader(Pairs(torch), batch_size=batch_size, drop_last=drop_last))
    ours = list(DataLoader(Nested(), batch_size=batch_size, drop_last=drop_last))
    theirs = list(tud.DataLoader(Nested(), batch_size=batch_size, drop_last=drop_last))
    assert len(ours) == len(theirs)
    for mine, ref in zip(ours, theirs):
        assert isinstance(mine["point"], Nested.Point)
        mine["point"], ref["point"] = list(mine["point"]), list(ref["point"])
        _assert_same_structure(_values(mine), _values(ref))


def test_default_collate_matches_torch_and_refuses_ragged_examples():
    batch = [(np.ones(2), 3, 0.5), (np.zeros(2), 4, 1.5)]
    _assert_same_structure(_values(default_collate(batch)), _values(tud.default_collate(batch)))
    with pytest.raises(ShapeError, match="shapes"):
        default_collate([np.ones(2), np.ones(3)])
    with pytest.raises(ShapeError, match="same number of fields"):
        default_collate([(1, 2), (1,)])
    with pytest.raises(ShapeError, match="shapes"):
        default_collate([minitorch.ones((2,)), minitorch.ones((3,))])


def test_custom_collate_fn_gets_the_examples():
    loader = DataLoader(Pairs(minitorch), batch_size=3, collate_fn=lambda examples: [label for _, label in examples])
    assert list(loader) == [Y[0:3].tolist(), Y[3:6].tolist(), Y[6:7].tolist()]


def test_shuffle_is_a_fresh_permutation_each_epoch_and_reproducible():
    def epochs(loader, n=3):
        return [np.concatenate([y.to_numpy() for _, y in loader]).tolist() for _ in range(n)]

    dataset = TensorDataset(minitorch.tensor(X), np.arange(10))
    first = epochs(DataLoader(dataset, batch_size=3, shuffle=True, generator=np.random.default_rng(5)))
    again = epochs(DataLoader(dataset, batch_size=3, shuffle=True, generator=np.random.default_rng(5)))
    assert first == again
    assert all(sorted(order) == list(range(10)) for order in first)
    assert first[0] != first[1] != first[2]
    minitorch.manual_seed(3)
    seeded = epochs(DataLoader(dataset, batch_size=4, shuffle=True))
    minitorch.manual_seed(3)
    assert seeded == epochs(DataLoader(dataset, batch_size=4, shuffle=True))
    assert epochs(DataLoader(dataset, batch_size=4), 1) == [list(range(10))]


def test_torchs_usual_training_loop_runs():
    minitorch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 8), nn.ReLU(), nn.Linear(8, 4))
    opt = optim.SGD(model.parameters(), lr=0.1)
    train, val = random_split(TensorDataset(minitorch.tensor(X), minitorch.tensor(Y.tolist(), dtype="int64")), [0.7, 0.3])
    losses = []
    for _ in range(20):
        for x, y in DataLoader(train, batch_size=4, shuffle=True):
            opt.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            losses.append(loss.item())
    assert losses[-1] < losses[0]
    assert sum(len(y.to_numpy()) for _, y in DataLoader(val, batch_size=2)) == 3


@pytest.mark.parametrize("n,lengths", [(10, [7, 3]), (10, [0.8, 0.2]), (10, [0.33, 0.33, 0.34]), (7, [0.5, 0.5]),
                                       (11, [0.1, 0.3, 0.6]), (5, [0.05, 0.95]), (3, [1.0])])
def test_random_split_lengths_match_torch(n, lengths):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = random_split(range(n), lengths, generator=np.random.default_rng(1))
        theirs = tud.random_split(range(n), lengths, generator=torch.Generator().manual_seed(1))
    assert [len(s) for s in ours] == [len(s) for s in theirs]
    assert sorted(i for s in ours for i in s) == list(range(n))
    again = random_split(range(n), lengths, generator=np.random.default_rng(1))
    assert [list(s) for s in ours] == [list(s) for s in again]
    assert all(isinstance(s, Subset) for s in ours)


def test_random_split_refuses_wrong_lengths():
    with pytest.raises(DomainError, match="sum to 9"):
        random_split(range(10), [4, 5])
    with pytest.raises(DomainError, match="fraction"):
        random_split(range(10), [1.5, -0.5])
    with pytest.warns(UserWarning, match="empty"):
        random_split(range(3), [0.9, 0.1])


def test_subset_and_concat_index_as_torch():
    a, b = Pairs(minitorch), TensorDataset(minitorch.tensor(X[:4]), Y[:4])
    ta, tb = Pairs(torch), tud.TensorDataset(torch.tensor(X[:4]), torch.tensor(Y[:4]))
    ours, theirs = ConcatDataset([a, b]), tud.ConcatDataset([ta, tb])
    assert len(ours) == len(theirs) == 11 and ours.cumulative_sizes == theirs.cumulative_sizes
    for i in (0, 6, 7, 10, -1, -11):
        _assert_same_structure(_values(list(ours[i])), _values(list(theirs[i])))
    for bad in (11, -12):
        with pytest.raises(IndexingError):
            ours[bad]
    assert len(a + b) == 11
    subset = Subset(b, [3, 1])
    assert len(subset) == 2
    _assert_same_structure(_values(list(subset[0])), _values(list(tud.Subset(tb, [3, 1])[0])))
    _assert_same_batches(DataLoader(subset, batch_size=2), tud.DataLoader(tud.Subset(tb, [3, 1]), batch_size=2))
    with pytest.raises(DatasetError, match="empty"):
        ConcatDataset([])


@pytest.mark.parametrize("kwargs,message", [
    (dict(sampler=[0, 1]), "sampler"),
    (dict(batch_sampler=[[0]]), "batch_sampler"),
    (dict(timeout=5), "timeout"),
    (dict(batch_size=None), "batch_size=None"),
])
def test_unsupported_loader_arguments_raise(kwargs, message):
    with pytest.raises(DomainError, match=message):
        DataLoader(Pairs(minitorch), **kwargs)


def test_workers_and_pinning_are_accepted():
    loader = DataLoader(Pairs(minitorch), batch_size=4, num_workers=2, pin_memory=True)
    assert [y.tolist() for _, y in loader] == [Y[:4].tolist(), Y[4:7].tolist()]


def test_the_face_is_reachable_as_torch_s():
    import minitorch as mt

    assert mt.utils.data.DataLoader is DataLoader
    assert issubclass(DataLoader, minitorch.data.DataLoader)  # one implementation under both faces
