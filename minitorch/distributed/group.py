"""Process groups: the communication layer under data-parallel training.

`ProcessGroup` is one process alone (every collective returns its input). `MPIGroup` is the
processes of an MPI job (mpi4py over whatever MPI it loads, e.g. the `mpich` wheel that the
`distributed` extra installs), started by an MPI launcher: `mpiexec -n 4 ...`, `srun`, or
`minitorch train --workers 4`, which runs `mpiexec` itself. `world()` returns the group this
process belongs to.

No collective waits forever. A worker that dies ends the job through the MPI launcher (it
kills the other ranks and reports the dead one); a worker that stops answering (stuck,
suspended, a deadlock) is caught by a watchdog thread in every other rank: a collective that
has waited `timeout` seconds prints which one and aborts the whole job.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Optional

import numpy as np

from minitorch.distributed.sum_buffer import SharedSumBuffer, SumBuffer

__all__ = ["ProcessGroup", "MPIGroup", "DistributedError", "world", "in_mpi_job", "root_file", "DEFAULT_TIMEOUT",
           "TIMEOUT_VARIABLE", "EXIT_TIMEOUT"]

DEFAULT_TIMEOUT = 300.0  # seconds one collective may wait for the other ranks
TIMEOUT_VARIABLE = "MINITORCH_DISTRIBUTED_TIMEOUT"
EXIT_TIMEOUT = 70  # the status an aborted job ends with
# Variables an MPI launcher sets in the processes it starts: MPICH / Intel MPI / Slurm PMI (PMI_SIZE),
# Open MPI (OMPI_COMM_WORLD_SIZE), PMIx launchers (PMIX_RANK).
_LAUNCHER_VARIABLES = ("PMI_SIZE", "OMPI_COMM_WORLD_SIZE", "PMIX_RANK")
INSTALL_HINT = 'pip install "minitorch-cnn[distributed]" (mpi4py and the mpich wheel)'


class DistributedError(RuntimeError):
    """A data-parallel job cannot start or cannot go on (no MPI, a lost worker, a mismatch)."""


class ProcessGroup:
    """A group of one process: rank 0 of size 1; collectives return their input unchanged.

    The interface every group offers: `rank`, `size`, `all_reduce_(array)` (sum over ranks,
    in place), `broadcast_(array, root)` (in place), `broadcast_object(obj, root)`, `barrier()`,
    `sum_buffer(capacity, dtype)` (a reused buffer summed over the ranks step after step).
    """

    rank = 0
    size = 1

    @property
    def is_root(self) -> bool:
        """Rank 0: the process that prints, writes the run folder and reads checkpoints."""
        return self.rank == 0

    def all_reduce_(self, array: np.ndarray) -> np.ndarray:
        """Replace `array` (contiguous) by its sum over all ranks; returns it."""
        return array

    def broadcast_(self, array: np.ndarray, root: int = 0) -> np.ndarray:
        """Replace `array` (contiguous) by rank `root`'s; returns it."""
        return array

    def broadcast_object(self, obj: Any, root: int = 0) -> Any:
        """Rank `root`'s `obj` (any picklable value) on every rank."""
        return obj

    def barrier(self, what: str = "barrier") -> None:
        """Wait until every rank has arrived (`what`: the wait's name in a timeout's message)."""

    def sum_buffer(self, capacity: int, dtype: Any) -> SumBuffer:
        """A reused buffer of `capacity` numbers summed over the ranks step after step (`SumBuffer`).
        Collective: every rank asks for it at the same point."""
        return SumBuffer(self, capacity, dtype)

    def abort(self, message: str, status: int = EXIT_TIMEOUT) -> None:
        """Print `message` and end every rank of the job now, with exit status `status`."""
        print(message, file=sys.stderr, flush=True)
        os._exit(status)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(rank={self.rank}, size={self.size})"


class MPIGroup(ProcessGroup):
    """The processes of an MPI job (mpi4py's COMM_WORLD, or `comm`), with a watchdog.

    Args:
        comm: an mpi4py communicator. Default COMM_WORLD.
        timeout: seconds a collective may wait before the job is aborted (exit status 70).
            Default $MINITORCH_DISTRIBUTED_TIMEOUT, else 300.
    """

    def __init__(self, comm: Any = None, timeout: Optional[float] = None):
        try:
            from mpi4py import MPI
        except ImportError as error:
            raise DistributedError(f"data-parallel training needs MPI for Python: {INSTALL_HINT} ({error})") from None
        self._mpi = MPI
        self.comm = MPI.COMM_WORLD if comm is None else comm
        self.rank = self.comm.Get_rank()
        self.size = self.comm.Get_size()
        self.timeout = float(os.environ.get(TIMEOUT_VARIABLE, DEFAULT_TIMEOUT)) if timeout is None else float(timeout)
        self._waiting: Optional[tuple] = None  # (what, started) while inside a collective
        self._one_machine: Optional[bool] = None  # every rank on this machine (known at the first sum_buffer)
        self._watchdog = threading.Thread(target=self._watch, name="minitorch-watchdog", daemon=True)
        self._watchdog.start()

    # -------------------------------------------------------------- watchdog
    def _watch(self) -> None:
        poll = min(1.0, self.timeout / 10)
        while True:
            time.sleep(poll)
            waiting = self._waiting
            if waiting is not None and time.monotonic() - waiting[1] > self.timeout:
                self.abort(f"minitorch distributed: error: rank {self.rank} waited {self.timeout:g} s in {waiting[0]} "
                           f"for the other ranks: a worker is stuck or gone (raise ${TIMEOUT_VARIABLE} if a step "
                           f"is that slow)")

    def abort(self, message: str, status: int = EXIT_TIMEOUT) -> None:
        """Print `message` and end every rank of the job now (MPI_Abort)."""
        print(message, file=sys.stderr, flush=True)
        try:
            self.comm.Abort(status)
        finally:
            os._exit(status)

    def _run(self, what: str, call: Any, *args: Any) -> Any:
        self._waiting = (what, time.monotonic())
        try:
            return call(*args)
        finally:
            self._waiting = None

    # -------------------------------------------------------------- collectives
    def all_reduce_(self, array: np.ndarray) -> np.ndarray:
        self._run("all-reduce", self.comm.Allreduce, self._mpi.IN_PLACE, _contiguous(array), self._mpi.SUM)
        return array

    def broadcast_(self, array: np.ndarray, root: int = 0) -> np.ndarray:
        self._run("broadcast", self.comm.Bcast, _contiguous(array), root)
        return array

    def broadcast_object(self, obj: Any, root: int = 0) -> Any:
        return self._run("broadcast", self.comm.bcast, obj, root)

    def barrier(self, what: str = "barrier") -> None:
        self._run(what, self.comm.Barrier)

    def sum_buffer(self, capacity: int, dtype: Any) -> SumBuffer:
        """Through a shared-memory window when every rank runs on this machine (no message copies:
        `SharedSumBuffer`), else over the all-reduce."""
        if self._one_machine is None:  # (collective, once)
            node = self.comm.Split_type(self._mpi.COMM_TYPE_SHARED)
            self._one_machine = node.Get_size() == self.size
            node.Free()
        if self.size > 1 and self._one_machine:
            return SharedSumBuffer(self, capacity, dtype)
        return SumBuffer(self, capacity, dtype)


def _contiguous(array: np.ndarray) -> np.ndarray:
    if not array.flags.c_contiguous:
        raise ValueError(f"collectives work in place on C-contiguous arrays, got strides {array.strides}")
    return array


@contextmanager
def root_file(group: ProcessGroup, path: Path) -> Iterator[Path]:
    """A local copy of rank 0's file `path` on every rank (rank 0 reads it; the others get its bytes).

    So only rank 0 needs the run folder: the ranks on other machines never read it.
    """
    if group.size == 1:
        yield path
        return
    data = path.read_bytes() if group.is_root else None
    data = group.broadcast_object(data)
    if group.is_root:
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="minitorch-rank-") as folder:
        copy = Path(folder) / path.name
        copy.write_bytes(data)
        yield copy


def in_mpi_job() -> bool:
    """Whether an MPI launcher started this process (its variables are set)."""
    return any(name in os.environ for name in _LAUNCHER_VARIABLES)


_world: Optional[ProcessGroup] = None


def world(timeout: Optional[float] = None) -> ProcessGroup:
    """The group of this process: an `MPIGroup` under an MPI launcher, else a `ProcessGroup` of one.

    Args:
        timeout: seconds a collective may wait (see `MPIGroup`); used when the group is made.
    """
    global _world
    if _world is None:
        _world = MPIGroup(timeout=timeout) if in_mpi_job() else ProcessGroup()
    return _world
