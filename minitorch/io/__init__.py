"""Files: safetensors (numpy-only), nested checkpoints, atomic writes."""

from minitorch.io.atomic import atomic_write
from minitorch.io.checkpoint import load, load_metadata, save
from minitorch.io.safetensors import CheckpointError, load_file, read_header, save_file

__all__ = [
    "atomic_write",
    "CheckpointError",
    "save_file",
    "load_file",
    "read_header",
    "save",
    "load",
    "load_metadata",
]
