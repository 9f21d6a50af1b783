"""Atomic file writes: write into a temporary folder next to the target, fsync, then rename.

A reader never sees a half-written file: either the old content or the complete new one.
If anything raises before the rename (a full disk, Ctrl-C, a bug in the writer), the
temporary folder is removed and the previous file at `path` is left untouched. The writer gets
a private folder rather than a file so that whatever it creates there (the `safetensors`
package, for one, writes through its own temporary file) goes away with it.

Orphans. A writer killed outright (kill -9, an out-of-memory kill, power loss) cannot clean up;
the target is still intact. Temporary folders are named after their writer,
`.NAME.<pid>-<host>.<random>.tmp` (host: a short hash of the host name), and every atomic write
into a folder first removes the temporary folders of that pattern there whose writer is gone:
made on this host by a process that no longer runs, or by an earlier process whose id the
current holder reused (the folder is older than the process now holding the id). Those of
running writers, of other hosts (a folder shared over the network) and anything of another name
are never touched; on systems without POSIX process ids (Windows) nothing is removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import socket
import tempfile
from pathlib import Path
from typing import IO, Iterator, List, Optional

__all__ = ["atomic_write", "atomic_path", "remove_orphans"]

# mkstemp creates files readable by the owner only; give the final file the usual mode.
_UMASK = os.umask(0o022)
os.umask(_UMASK)

_HOST = hashlib.blake2s(socket.gethostname().encode(), digest_size=4).hexdigest()
_TEMP_NAME = re.compile(r"^\..+\.(?P<pid>\d+)-(?P<host>[0-9a-f]{8})\.[A-Za-z0-9_]+\.tmp$")


def _folder_of(target: Path) -> Path:
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise FileNotFoundError(f"atomic_write: folder {str(folder)!r} for {str(target)!r} does not exist")
    return folder


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """A temporary file name (in a private folder next to `path`) for a writer that needs a
    name, not a file object; when the block ends without an exception the file is fsynced and
    renamed over `path`.

    Example:
        >>> with atomic_path("model.safetensors") as tmp:  # doctest: +SKIP
        ...     safetensors.numpy.save_file(arrays, tmp)
    """
    target = Path(path)
    folder = _folder_of(target)
    remove_orphans(folder)
    workdir = Path(tempfile.mkdtemp(prefix=f".{target.name}.{os.getpid()}-{_HOST}.", suffix=".tmp", dir=folder))
    try:
        tmp = workdir / target.name
        yield tmp
        os.chmod(tmp, 0o666 & ~_UMASK)  # the writer's file may carry a private temporary mode
        _fsync_file(tmp)
        os.replace(tmp, target)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    _fsync_folder(folder)


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "wb", encoding: str | None = None) -> Iterator[IO]:
    """Open a temporary file in `path`'s folder; on success move it over `path` atomically.

    Args:
        path: the final file name. Its folder must exist.
        mode: "wb" (bytes, default) or "w" (text).
        encoding: text encoding for mode "w" (default "utf-8").

    Example:
        >>> with atomic_write("out.json", "w") as f:  # doctest: +SKIP
        ...     f.write("{}")
    """
    if mode not in ("wb", "w"):
        raise ValueError(f"atomic_write: mode must be 'wb' or 'w', got {mode!r}")
    text_encoding = (encoding or "utf-8") if mode == "w" else None
    with atomic_path(path) as tmp:
        with open(tmp, mode, encoding=text_encoding, newline="" if mode == "w" else None) as f:
            yield f


def remove_orphans(folder: str | os.PathLike) -> List[Path]:
    """Remove the temporary folders of dead writers in `folder` (see the module docstring).

    Returns:
        The paths removed.
    """
    removed: List[Path] = []
    if os.name != "posix":
        return removed
    try:
        entries = list(os.scandir(os.fspath(folder)))
    except OSError:
        return removed
    for entry in entries:
        match = _TEMP_NAME.match(entry.name)
        if match is None or match["host"] != _HOST:
            continue
        try:
            if not entry.is_dir(follow_symlinks=False):
                continue
            modified = entry.stat(follow_symlinks=False).st_mtime
        except OSError:
            continue
        if _writer_alive(int(match["pid"]), modified):
            continue
        shutil.rmtree(entry.path, ignore_errors=True)
        removed.append(Path(entry.path))
    return removed


def _writer_alive(pid: int, modified: float) -> bool:
    """Whether process `pid` may still be writing into a folder last modified at `modified`."""
    if pid != os.getpid():
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except OSError:  # PermissionError: it runs, under another user
            pass
    started = _process_start(pid)
    return started is None or modified >= started - 1.0  # btime has whole-second resolution


def _process_start(pid: int) -> Optional[float]:
    """When `pid` started (seconds since the epoch), from /proc; None where /proc is missing."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()  # the name in (...) may hold spaces
        with open("/proc/stat", "rb") as f:
            boot = next(int(line.split()[1]) for line in f if line.startswith(b"btime"))
        return boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")  # field 22 of stat: starttime
    except (OSError, ValueError, IndexError, StopIteration):
        return None


def _fsync_file(name: Path) -> None:
    fd = os.open(name, os.O_RDWR)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    """Persist the rename itself (POSIX); a no-op where folders cannot be opened (Windows)."""
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)
