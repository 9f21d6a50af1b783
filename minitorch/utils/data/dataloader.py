"""`DataLoader` with `torch.utils.data.DataLoader`'s arguments, over minitorch.data's loader.

The batching, shuffling and epoch bookkeeping are `minitorch.data.DataLoader`'s (one
implementation); this face collates as torch does: every batch is `collate_fn(examples)`,
`default_collate` unless given, so float data keeps its dtype and integer labels come as int64
tensors. A `TensorDataset` is gathered with one fancy index per tensor instead of example by
example (the same batch, faster).
"""

from __future__ import annotations

from typing import Any, Callable, List, Optional, Union

import numpy as np

from minitorch.core.random import default_generator
from minitorch.data.loader import ArrayDataset
from minitorch.data.loader import DataLoader as ArrayLoader
from minitorch.errors import DomainError

from .collate import as_tensor, default_collate

__all__ = ["DataLoader"]


class DataLoader(ArrayLoader):
    """Iterate over a map-style dataset in batches (as `torch.utils.data.DataLoader`).

    Args:
        dataset: a map-style dataset (`__len__` and `__getitem__(int)`), e.g. a `TensorDataset`
            or a `Dataset` subclass returning tuples of tensors, arrays and numbers.
        batch_size: examples per batch, default 1.
        shuffle: a new order every epoch, default False (None).
        sampler, batch_sampler: not supported (None only): use `Subset` or `shuffle`.
        num_workers: accepted; batches are always loaded in the main process.
        collate_fn: examples -> batch, default `default_collate`.
        pin_memory: accepted and ignored (batches are CPU tensors; move them with `.to(device)`).
        drop_last: drop the last, smaller batch, default False.
        timeout, worker_init_fn, multiprocessing_context: defaults only (there are no workers).
        generator: a numpy Generator, or an int seed, for the shuffling; default minitorch's
            generator (seeded by `minitorch.manual_seed`). The epoch e order depends only on the
            seed drawn from it and e, so it is reproducible, but not torch's order.

    Yields:
        `collate_fn` of each batch's examples: for tuple examples, a list with one batched tensor
        per field.

    Example:
        >>> from minitorch.utils.data import TensorDataset
        >>> ds = TensorDataset(minitorch.rand((10, 3)), minitorch.tensor(list(range(10)), dtype="int64"))
        >>> loader = DataLoader(ds, batch_size=4, shuffle=True, drop_last=True, generator=0)
        >>> [(x.shape, str(y.dtype)) for x, y in loader]
        [((4, 3), 'int64'), ((4, 3), 'int64')]
    """

    def __init__(self, dataset: Any, batch_size: Optional[int] = 1, shuffle: Optional[bool] = None,
                 sampler: Any = None, batch_sampler: Any = None, num_workers: int = 0,
                 collate_fn: Optional[Callable[[List[Any]], Any]] = None, pin_memory: bool = False,
                 drop_last: bool = False, timeout: float = 0, worker_init_fn: Optional[Callable[[int], None]] = None,
                 multiprocessing_context: Any = None, generator: Union[np.random.Generator, int, None] = None):
        unsupported = {"sampler": sampler, "batch_sampler": batch_sampler, "worker_init_fn": worker_init_fn,
                       "multiprocessing_context": multiprocessing_context}
        for name, value in unsupported.items():
            if value is not None:
                raise DomainError(f"DataLoader: {name} is not supported; use batch_size/shuffle/drop_last "
                                  "(and Subset for a fixed selection)")
        if timeout != 0:
            raise DomainError(f"DataLoader: timeout={timeout} is not supported (batches load in the main process)")
        if batch_size is None:
            raise DomainError("DataLoader: batch_size=None (unbatched loading) is not supported; index the dataset")
        if isinstance(generator, np.random.Generator) or generator is None:
            seed = int((generator if generator is not None else default_generator()).integers(2**63))
        else:
            seed = int(generator)
        super().__init__(dataset, batch_size=batch_size, shuffle=bool(shuffle), drop_last=drop_last, seed=seed)
        self.collate_fn = collate_fn if collate_fn is not None else default_collate
        self.num_workers, self.pin_memory = num_workers, pin_memory

    def _batch(self, chosen: np.ndarray) -> Any:
        if self.collate_fn is default_collate and isinstance(self.dataset, ArrayDataset):
            return [as_tensor(column) for column in ArrayDataset.__getitem__(self.dataset, chosen)]
        return self.collate_fn([self.dataset[int(i)] for i in chosen])
