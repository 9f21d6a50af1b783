"""Mini-batches: `ArrayDataset` (like torch's TensorDataset) and a seeded `DataLoader`.

Datasets hold numpy arrays; the loader converts each batch at the last moment:
floating-point arrays become minitorch Tensors (in `dtype`, on `backend`); integer arrays
(class targets, token ids, indices) stay int64 numpy arrays, because minitorch tensors
store floats and losses such as `cross_entropy` take integer class targets as numpy.
"""

from __future__ import annotations

from typing import Any, Iterator, Sequence, cast

import numpy as np

from minitorch.data.errors import DatasetError

__all__ = ["ArrayDataset", "DataLoader"]


class ArrayDataset:
    """Examples stored as aligned numpy arrays, indexed along their first axis.

    Args:
        *arrays: arrays with the same length N (e.g. images (N, 1, 28, 28) and labels (N,)).

    Example:
        >>> import numpy as np
        >>> ds = ArrayDataset(np.zeros((10, 3)), np.arange(10))
        >>> len(ds), int(ds[2][1])
        (10, 2)
    """

    def __init__(self, *arrays: Any):
        if not arrays:
            raise DatasetError("ArrayDataset: give at least one array")
        self.arrays = tuple(np.asarray(a) for a in arrays)
        lengths = [len(a) if a.ndim else None for a in self.arrays]
        if None in lengths or len(set(lengths)) != 1:
            shapes = [a.shape for a in self.arrays]
            raise DatasetError(f"ArrayDataset: all arrays need the same first dimension, got shapes {shapes}")

    def __len__(self) -> int:
        return len(self.arrays[0])

    def __getitem__(self, index: Any) -> tuple[np.ndarray, ...]:
        """One example (an int) or a batch (an index array or slice) from every array."""
        return tuple(a[index] for a in self.arrays)


class DataLoader:
    """Iterate over a dataset in mini-batches, optionally shuffled reproducibly.

    The order of epoch e depends only on (seed, e): every `iter()` uses the current epoch and
    then advances it, and `set_epoch(e)` chooses it (to resume a run with the same order).
    With `seed=None`, a random seed is drawn once when the loader is made.

    Args:
        dataset: an `ArrayDataset`, or any object with `__len__` and `__getitem__(int)`
            returning a tuple of arrays / numbers.
        batch_size: examples per batch. Default 1.
        shuffle: permute the examples every epoch. Default False.
        drop_last: drop the last batch if smaller than `batch_size`. Default False.
        seed: seed of the shuffling. Default None (fresh entropy).
        dtype: dtype of the float tensors, "float32" or "float64". Default "float32".
        backend: TensorBackend of the tensors. Default None (minitorch's default).

    Yields:
        Tuples with one entry per dataset array: a minitorch Tensor for floating-point data,
        an int64 numpy array for integer data (class targets stay integer numpy arrays).

    Example:
        >>> loader = DataLoader(ArrayDataset(x, y), batch_size=64, shuffle=True, seed=0)  # doctest: +SKIP
        >>> for images, labels in loader:  # doctest: +SKIP
        ...     ...  # images: Tensor (64, ...), labels: int64 numpy (64,)
    """

    def __init__(self, dataset: Any, batch_size: int = 1, shuffle: bool = False, drop_last: bool = False,
                 seed: int | None = None, dtype: str = "float32", backend: Any = None):
        if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise DatasetError(f"DataLoader: batch_size must be a positive int, got {batch_size!r}")
        if np.dtype(dtype) not in (np.float32, np.float64):
            raise DatasetError(f"DataLoader: dtype must be 'float32' or 'float64', got {dtype!r}")
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.drop_last = drop_last
        # (a fresh SeedSequence's entropy is an int, drawn from the OS)
        self.seed = int(cast(int, np.random.SeedSequence().entropy) % 2**63) if seed is None else int(seed)
        self.dtype = np.dtype(dtype)
        self.backend = backend
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        """Use the order of `epoch` for the next iteration."""
        self.epoch = int(epoch)

    def __len__(self) -> int:
        """Number of batches per epoch."""
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def indices(self, epoch: int) -> np.ndarray:
        """The example order of `epoch` (identity when not shuffling)."""
        n = len(self.dataset)
        if not self.shuffle:
            return np.arange(n)
        return np.random.default_rng([self.seed, epoch]).permutation(n)

    def __iter__(self) -> Iterator[tuple]:
        order = self.indices(self.epoch)
        self.epoch += 1
        for batch_number in range(len(self)):
            yield self._batch(order[batch_number * self.batch_size:(batch_number + 1) * self.batch_size])

    def _batch(self, chosen: np.ndarray) -> Any:
        """The batch of the examples at `chosen` (minitorch.utils.data's face collates its own way)."""
        return tuple(self._convert(column) for column in self._fetch(chosen))

    def _fetch(self, chosen: np.ndarray) -> Sequence[np.ndarray]:
        if isinstance(self.dataset, ArrayDataset):
            return self.dataset[chosen]  # one fancy-indexing gather per array
        examples = [self.dataset[int(i)] for i in chosen]
        if not isinstance(examples[0], tuple):
            examples = [(example,) for example in examples]
        return [np.stack([np.asarray(field) for field in column]) for column in zip(*examples)]

    def _convert(self, column: np.ndarray) -> Any:
        if column.dtype.kind in "iub":
            return column.astype(np.int64)
        if column.dtype.kind != "f":
            raise DatasetError(f"DataLoader: cannot batch arrays of dtype {column.dtype}; use floats or ints")
        from minitorch import from_numpy  # lazy: data sits above the tensor core

        return from_numpy(np.ascontiguousarray(column.astype(self.dtype, copy=False)), backend=self.backend)
