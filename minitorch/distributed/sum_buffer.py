"""Reused buffers summed over the ranks step after step: the transport of data-parallel gradients.

`SumBuffer` sums with the group's all-reduce (in place: every rank writes its numbers into
`local`, and the sums land there). `SharedSumBuffer` serves ranks that all run on one machine
(MPI-3 shared-memory windows): every rank writes its numbers into its own slot of one window
the ranks share, meets the others at a barrier, and adds up every slot, in rank order, into
its own result, so each rank gets the same bits without any message being copied. Two sets
of slots alternate from one sum to the next, so a rank that is one step ahead never writes
into slots another rank is still reading (it cannot get two steps ahead: each sum waits for
everyone at the barrier).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from minitorch.distributed.group import MPIGroup, ProcessGroup

__all__ = ["SumBuffer", "SharedSumBuffer"]


class SumBuffer:
    """A buffer of `capacity` numbers whose first n are summed over the ranks by `sum_(n)`.

    Write this rank's numbers into `local` before each `sum_` (read the attribute again every
    time: a subclass may hand out a different array each step). `sum_` returns the array
    holding the sums, the same array at every call (views of it stay valid until the next sum).

    Args:
        group: the ranks (`ProcessGroup`): this class sums with `group.all_reduce_`.
        capacity: the most numbers one sum carries.
        dtype: their dtype.
    """

    def __init__(self, group: "ProcessGroup", capacity: int, dtype: Any):
        self.group = group
        self.capacity = int(capacity)
        self.local = np.empty(self.capacity, dtype=dtype)

    def sum_(self, n: int) -> np.ndarray:
        """Sum the first `n` entries of every rank's `local`; returns the array holding them."""
        self.group.all_reduce_(self.local[:n])
        return self.local

    def close(self) -> None:
        """Release what the buffer holds (collective for a shared one: every rank calls it)."""


class SharedSumBuffer(SumBuffer):
    """A `SumBuffer` over a shared-memory window: for ranks that all run on one machine.

    Collective: every rank of `group` makes it at the same point (and `close`s it so).
    """

    def __init__(self, group: "MPIGroup", capacity: int, dtype: Any):
        from mpi4py import MPI

        dtype = np.dtype(dtype)
        self.group = group
        self.capacity = int(capacity)
        size = group.size
        nbytes = 2 * size * self.capacity * dtype.itemsize if group.rank == 0 else 0  # rank 0 holds every slot
        self._window = MPI.Win.Allocate_shared(nbytes, dtype.itemsize, comm=group.comm)
        memory, _ = self._window.Shared_query(0)
        self._slots = np.frombuffer(memory, dtype=dtype).reshape(2, size, self.capacity)  # type: ignore[call-overload]
        self._window.Lock_all()  # one passive epoch; Sync + barrier + Sync order the writes before the reads
        self._result = np.empty(self.capacity, dtype=dtype)
        self._set = 0
        self.local = self._slots[0, group.rank]

    def sum_(self, n: int) -> np.ndarray:
        slots = self._slots[self._set]
        self._window.Sync()
        self.group.barrier("all-reduce")  # (the sum's name in the watchdog's message)
        self._window.Sync()
        result = self._result[:n]
        np.add(slots[0, :n], slots[1, :n], out=result)
        for rank in range(2, self.group.size):
            result += slots[rank, :n]
        self._set = 1 - self._set
        self.local = self._slots[self._set, self.group.rank]
        return self._result

    def close(self) -> None:
        self._window.Unlock_all()
        self._window.Free()
