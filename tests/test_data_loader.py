"""ArrayDataset and DataLoader: batching, seeded per-epoch shuffling, conversion of columns."""

import numpy as np
import pytest

from minitorch.data import ArrayDataset, DataLoader, DatasetError


class FakeTensor:
    def __init__(self, array, backend=None):
        self.array, self.backend = array, backend


@pytest.fixture
def fake_from_numpy(monkeypatch):
    """Stand-in for minitorch.from_numpy so these tests do not depend on the tensor core."""
    import minitorch

    monkeypatch.setattr(minitorch, "from_numpy", lambda array, backend=None: FakeTensor(array, backend),
                        raising=False)


def _dataset(n=10):
    x = np.arange(n * 3, dtype=np.float64).reshape(n, 3)
    return ArrayDataset(x, np.arange(n))


def test_array_dataset_checks_lengths_and_indexes_every_array():
    ds = _dataset()
    assert len(ds) == 10
    x, y = ds[np.array([2, 5])]
    np.testing.assert_array_equal(y, [2, 5])
    assert x.shape == (2, 3)
    with pytest.raises(DatasetError, match="same first dimension"):
        ArrayDataset(np.zeros((3, 2)), np.zeros(4))


def test_batches_convert_floats_to_tensors_and_keep_int_targets(fake_from_numpy):
    loader = DataLoader(_dataset(), batch_size=4, backend="backend-object")
    batches = list(loader)
    assert len(loader) == len(batches) == 3
    x, y = batches[0]
    assert isinstance(x, FakeTensor) and x.array.dtype == np.float32 and x.array.flags.c_contiguous
    assert x.backend == "backend-object"
    assert isinstance(y, np.ndarray) and y.dtype == np.int64
    np.testing.assert_array_equal(y, [0, 1, 2, 3])
    assert batches[-1][1].tolist() == [8, 9]
    assert len(DataLoader(_dataset(), batch_size=4, drop_last=True)) == 2
    assert list(DataLoader(_dataset(), batch_size=4, drop_last=True, dtype="float64"))[1][0].array.dtype == np.float64


def test_shuffle_depends_only_on_seed_and_epoch(fake_from_numpy):
    def epoch_order(loader):
        return np.concatenate([y for _, y in loader])

    loader = DataLoader(_dataset(), batch_size=3, shuffle=True, seed=7)
    first, second = epoch_order(loader), epoch_order(loader)
    assert sorted(first) == list(range(10)) and not np.array_equal(first, second)
    resumed = DataLoader(_dataset(), batch_size=3, shuffle=True, seed=7)
    resumed.set_epoch(1)
    np.testing.assert_array_equal(epoch_order(resumed), second)
    assert not np.array_equal(epoch_order(DataLoader(_dataset(), batch_size=3, shuffle=True, seed=8)), first)


def test_generic_datasets_are_stacked(fake_from_numpy):
    class Squares:
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return np.full(2, i * i, dtype=np.float64), i

    (x, y), = list(DataLoader(Squares(), batch_size=5))
    assert x.array.shape == (5, 2) and y.tolist() == [0, 1, 2, 3, 4]


def test_bad_arguments_are_refused():
    with pytest.raises(DatasetError, match="batch_size"):
        DataLoader(_dataset(), batch_size=0)
    with pytest.raises(DatasetError, match="dtype"):
        DataLoader(_dataset(), dtype="int32")
    with pytest.raises(DatasetError, match="dtype <U1"):
        list(DataLoader(ArrayDataset(np.array(["a", "b"])), batch_size=2))


@pytest.mark.parametrize("backend_name", ["SimpleBackend", "FastBackend"])
def test_real_tensors_from_the_core(backend_name):
    import minitorch

    backend = getattr(minitorch, backend_name)
    (x, y), = list(DataLoader(_dataset(4), batch_size=4, dtype="float64", backend=backend))
    assert isinstance(x, minitorch.Tensor) and x.shape == (4, 3) and x.backend is backend
    np.testing.assert_array_equal(x.to_numpy(), np.arange(12.0).reshape(4, 3))
    assert y.dtype == np.int64
