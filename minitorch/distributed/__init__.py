"""Data-parallel training over MPI: process groups, gradient all-reduce, the local launcher.

    minitorch train digits --workers 2                  # 2 local processes (runs mpiexec)
    mpiexec -n 8 -hosts a,b minitorch train mnist ...   # several machines

Needs the `distributed` extra (mpi4py and the mpich wheel): pip install "minitorch-cnn[distributed]".
See README "Data-parallel training" for how N workers take exactly one process's steps.
"""

from minitorch.distributed.data_parallel import DataParallel, Shard, shard
from minitorch.distributed.group import DistributedError, MPIGroup, ProcessGroup, in_mpi_job, world
from minitorch.distributed.launch import find_mpiexec, launch

__all__ = ["DataParallel", "Shard", "shard", "DistributedError", "MPIGroup", "ProcessGroup", "in_mpi_job", "world",
           "find_mpiexec", "launch"]
