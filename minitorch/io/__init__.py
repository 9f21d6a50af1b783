"""Files: safetensors checkpoints (nested state dicts) and atomic writes; numpy/DLPack interop."""

from minitorch.io.atomic import atomic_path, atomic_write, remove_orphans
from minitorch.io.checkpoint import load, load_metadata, save
from minitorch.io.safetensors_file import CheckpointError, load_file, read_metadata, save_file

__all__ = [
    "atomic_path",
    "atomic_write",
    "remove_orphans",
    "CheckpointError",
    "save_file",
    "load_file",
    "read_metadata",
    "save",
    "load",
    "load_metadata",
]
