"""One rank of a data-parallel run: `python -m minitorch.distributed.worker SETTINGS.json [flags]`.

`minitorch train --workers N` (through `launch`) starts N of these under `mpiexec`; each reads
the run's settings (a TrainConfig as JSON), joins the MPI job and trains its replica. Rank 0
prints and writes the run folder. `on_every_rank` turns an error on any rank into the end of the
whole job, so that no rank waits for a partner that has given up.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from pathlib import Path
from typing import Callable, List, Optional

from minitorch.distributed.group import ProcessGroup, world

__all__ = ["main", "on_every_rank"]


def on_every_rank(group: ProcessGroup, body: Callable[[], int], command: str = "train") -> int:
    """Run `body()` on this rank; if it raises, print the error and abort every rank of the job.

    In a group of one the error propagates unchanged (the caller reports it as usual).
    Set MINITORCH_DEBUG=1 for the traceback.
    """
    if group.size == 1:
        return body()
    try:
        return body()
    except KeyboardInterrupt:
        group.abort(f"minitorch {command}: rank {group.rank} of {group.size} interrupted", status=130)
    except BaseException as error:  # SystemExit too: a rank that leaves alone would hang the others
        if os.environ.get("MINITORCH_DEBUG"):
            traceback.print_exc()
        group.abort(f"minitorch {command}: error (rank {group.rank} of {group.size}): {error}", status=1)
    return 1  # not reached: abort ends the process


def main(argv: Optional[List[str]] = None) -> int:
    """Entry point of one worker process (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m minitorch.distributed.worker",
                                     description="one rank of `minitorch train --workers N`")
    parser.add_argument("settings", help="the run's TrainConfig as JSON")
    parser.add_argument("--resume", action="store_true", help="continue the run in the config's out folder")
    parser.add_argument("--overwrite", action="store_true", help="replace the run in the config's out folder")
    parser.add_argument("--quiet", action="store_true", help="no progress bar or status lines")
    parser.add_argument("--stop-after", type=int, help="end after this many epochs")
    args = parser.parse_args(argv)

    from minitorch.train.trainer import TrainConfig, Trainer

    group = world()
    config = TrainConfig.from_dict(json.loads(Path(args.settings).read_text()))

    def train() -> int:
        trainer = Trainer(config, resume=args.resume, progress=not args.quiet, overwrite=args.overwrite, group=group)
        trainer.fit(stop_after=args.stop_after)
        return 0

    return on_every_rank(group, train)


if __name__ == "__main__":
    sys.exit(main())
