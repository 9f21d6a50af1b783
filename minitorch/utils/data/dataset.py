"""Map-style datasets as `torch.utils.data`'s: `Dataset`, `TensorDataset`, `Subset`,
`ConcatDataset` and `random_split`.

`TensorDataset` is minitorch.data's `ArrayDataset` (one implementation: the DataLoader gathers
its batches with one fancy index per array) that takes tensors and gives tensors back.
"""

from __future__ import annotations

import bisect
import math
import warnings
from typing import Any, Generic, Iterable, List, Optional, Sequence, TypeVar, Union

import numpy as np

from minitorch.core.random import default_generator
from minitorch.core.tensor import Tensor
from minitorch.data.errors import DatasetError
from minitorch.data.loader import ArrayDataset
from minitorch.errors import DomainError, IndexingError

from .collate import as_tensor

__all__ = ["Dataset", "TensorDataset", "Subset", "ConcatDataset", "random_split"]

T_co = TypeVar("T_co", covariant=True)


class Dataset(Generic[T_co]):
    """The base of map-style datasets: subclasses define `__getitem__(index)` and `__len__()`.

    `dataset_a + dataset_b` is their `ConcatDataset`.

    Example:
        >>> class Squares(Dataset):
        ...     def __len__(self): return 4
        ...     def __getitem__(self, i): return float(i), i * i
        >>> Squares()[3]
        (3.0, 9)
    """

    def __getitem__(self, index: Any) -> T_co:
        raise NotImplementedError(f"{type(self).__name__}: a Dataset subclass must define __getitem__")

    def __add__(self, other: "Dataset[T_co]") -> "ConcatDataset[T_co]":
        return ConcatDataset([self, other])


class TensorDataset(ArrayDataset, Dataset):
    """Examples indexed along the first dim of tensors (as `torch.utils.data.TensorDataset`).

    Args:
        *tensors: minitorch Tensors (or numpy arrays) with the same first dim N.

    Attributes:
        tensors: the tensors given.

    Raises:
        DatasetError: no tensors, or first dims that differ.

    Example:
        >>> ds = TensorDataset(minitorch.zeros((5, 3)), minitorch.tensor([0, 1, 0, 1, 1], dtype="int64"))
        >>> x, y = ds[1]
        >>> len(ds), x.shape, y.item()
        (5, (3,), 1)
    """

    def __init__(self, *tensors: Any):
        self.tensors = tensors
        super().__init__(*(t.to_numpy() if isinstance(t, Tensor) else t for t in tensors))

    def __getitem__(self, index: Any) -> tuple:
        """Example `index` (or a batch, for an index array or a slice) of every tensor, as tensors."""
        return tuple(as_tensor(part) for part in ArrayDataset.__getitem__(self, index))


class Subset(Dataset[T_co]):
    """The examples of `dataset` at `indices`, in that order.

    Args:
        dataset: any map-style dataset.
        indices: a sequence of indices into it.
    """

    def __init__(self, dataset: Any, indices: Sequence[int]):
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, index: Any) -> T_co:
        if isinstance(index, list):
            return self.dataset[[self.indices[i] for i in index]]
        return self.dataset[self.indices[index]]

    def __len__(self) -> int:
        return len(self.indices)


class ConcatDataset(Dataset[T_co]):
    """Datasets one after another.

    Args:
        datasets: map-style datasets (at least one).

    Attributes:
        cumulative_sizes: the running totals of their lengths.
    """

    def __init__(self, datasets: Iterable[Any]):
        self.datasets = list(datasets)
        if not self.datasets:
            raise DatasetError("ConcatDataset: datasets is empty; give at least one dataset")
        self.cumulative_sizes: List[int] = np.cumsum([len(d) for d in self.datasets]).tolist()

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, index: int) -> T_co:
        if index < 0:
            if -index > len(self):
                raise IndexingError(f"ConcatDataset: index {index} is out of range for length {len(self)}")
            index = len(self) + index
        which = bisect.bisect_right(self.cumulative_sizes, index)
        if which == len(self.datasets):
            raise IndexingError(f"ConcatDataset: index {index} is out of range for length {len(self)}")
        offset = self.cumulative_sizes[which - 1] if which > 0 else 0
        return self.datasets[which][index - offset]


def random_split(dataset: Any, lengths: Sequence[Union[int, float]],
                 generator: Optional[np.random.Generator] = None) -> List[Subset]:
    """Split a dataset into non-overlapping random subsets of the given lengths (as torch's).

    Args:
        dataset: a map-style dataset.
        lengths: the subsets' lengths (summing to len(dataset)), or fractions summing to 1
            (each floored, the remainder given one by one to the first subsets, as torch).
        generator: a numpy Generator; default minitorch's (seeded by `minitorch.manual_seed`).
            The permutation is numpy's, so a seed gives a different split than torch's.

    Raises:
        DomainError: lengths that do not sum to the dataset's length (or fractions to 1).

    Example:
        >>> train, val = random_split(range(10), [0.8, 0.2], generator=np.random.default_rng(0))
        >>> len(train), len(val), sorted(list(train) + list(val)) == list(range(10))
        (8, 2, True)
    """
    n = len(dataset)
    lengths = list(lengths)
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        for i, fraction in enumerate(lengths):
            if not 0 <= fraction <= 1:
                raise DomainError(f"random_split: fraction at index {i} is {fraction}, not between 0 and 1")
        sizes = [int(math.floor(n * fraction)) for fraction in lengths]
        for i in range(n - sum(sizes)):
            sizes[i % len(sizes)] += 1
        for i, size in enumerate(sizes):
            if size == 0:
                warnings.warn(f"random_split: length of split at index {i} is 0; this split will be empty")
    else:
        sizes = [int(length) for length in lengths]
        if sizes != lengths:
            raise DomainError(f"random_split: lengths must be ints, or fractions that sum to 1; got {lengths}")
    if sum(sizes) != n:
        raise DomainError(f"random_split: the lengths {sizes} sum to {sum(sizes)}, the dataset has {n} examples; "
                          "give lengths that sum to it, or fractions that sum to 1")
    order = (generator if generator is not None else default_generator()).permutation(n).tolist()
    subsets: List[Subset] = []
    offset = 0
    for length in sizes:
        subsets.append(Subset(dataset, order[offset:offset + length]))
        offset += length
    return subsets
