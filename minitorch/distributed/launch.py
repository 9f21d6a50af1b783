"""Starting N local worker processes with the MPI launcher (`minitorch train --workers N`).

`launch(config, workers)` writes the run's settings to a temporary file and runs

    mpiexec -n N python -m minitorch.distributed.worker SETTINGS.json [--resume] [...]

on this machine, with the MPI library's network traffic kept on the loopback interface (the
workers talk through shared memory; nothing listens for other machines' connections except
the launcher's own control port). Several machines are started with the MPI launcher
directly (`mpiexec -hosts a,b -n 8 minitorch train ...`; see README), not through here.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Dict, List, Optional

from minitorch.distributed.group import INSTALL_HINT, DistributedError

__all__ = ["find_mpiexec", "launch", "worker_command", "LOOPBACK_ENVIRONMENT", "MPIEXEC_VARIABLE", "describe_status"]

MPIEXEC_VARIABLE = "MINITORCH_MPIEXEC"
# Keep MPI's own sockets on the loopback interface when every worker is on this machine (set only
# where the user has not): MPICH's UCX and libfabric network layers, its launcher, Open MPI.
LOOPBACK_ENVIRONMENT: Dict[str, str] = {
    "UCX_NET_DEVICES": "lo",
    "FI_TCP_IFACE": "lo",
    "FI_SOCKETS_IFACE": "lo",
    "HYDRA_IFACE": "lo",
    "OMPI_MCA_btl_tcp_if_include": "lo",
    "OMPI_MCA_oob_tcp_if_include": "lo",
}


def find_mpiexec() -> str:
    """The MPI launcher: $MINITORCH_MPIEXEC, else `mpiexec` beside this Python (the mpich wheel
    puts it there), else `mpiexec` or `mpirun` on PATH."""
    explicit = os.environ.get(MPIEXEC_VARIABLE)
    if explicit:
        return explicit
    beside = Path(sys.executable).parent / "mpiexec"
    if beside.exists():
        return str(beside)
    for name in ("mpiexec", "mpirun"):
        found = shutil.which(name)
        if found:
            return found
    raise DistributedError(f"--workers needs an MPI launcher (mpiexec) and none was found: {INSTALL_HINT}, "
                           f"or name yours in ${MPIEXEC_VARIABLE}")


def worker_command(workers: int, settings: Path, flags: List[str]) -> List[str]:
    """The command line that starts `workers` local ranks training the run in `settings`."""
    return [find_mpiexec(), "-n", str(workers), sys.executable, "-m", "minitorch.distributed.worker",
            str(settings), *flags]


def describe_status(status: int) -> str:
    """A launcher's exit status in words (128 + n and -n: signal n; 70: a watchdog abort)."""
    from minitorch.distributed.group import EXIT_TIMEOUT

    number = -status if status < 0 else status - 128 if status > 128 else status if status in (9, 15) else None
    if number is not None:
        try:
            return f"exit status {status}: a worker was killed by signal {number} ({signal.Signals(number).name})"
        except ValueError:
            pass
    if status == EXIT_TIMEOUT:
        return f"exit status {status}: a worker stopped answering and the job was aborted"
    return f"exit status {status}"


def launch(config: Any, workers: int, resume: bool = False, overwrite: bool = False,
           stop_after: Optional[int] = None, quiet: bool = False) -> int:
    """Train `config` (a TrainConfig) with `workers` local processes; returns the launcher's exit status.

    Rank 0 prints and writes the run folder `config.out`, exactly as a single process does
    (`resume`, `overwrite`, `stop_after` and `quiet` as for `Trainer` and `Trainer.fit`).
    """
    if workers < 2:
        raise ValueError(f"launch: workers must be at least 2, got {workers}")
    flags = [flag for flag, on in (("--resume", resume), ("--overwrite", overwrite), ("--quiet", quiet)) if on]
    if stop_after is not None:
        flags += ["--stop-after", str(stop_after)]
    environment = {**LOOPBACK_ENVIRONMENT, **os.environ}
    with tempfile.TemporaryDirectory(prefix="minitorch-workers-") as folder:
        settings = Path(folder) / "config.json"
        settings.write_text(json.dumps(config.to_dict()))
        command = worker_command(workers, settings, flags)
        try:
            process = subprocess.Popen(command, env=environment)
        except OSError as error:
            raise DistributedError(f"could not start {command[0]}: {error}; {INSTALL_HINT}") from None
        try:
            return process.wait()
        except KeyboardInterrupt:  # Ctrl-C reached the workers too: let them stop and report
            try:
                return process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                return process.wait()
