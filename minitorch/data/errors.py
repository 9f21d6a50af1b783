"""The data package's error type."""

__all__ = ["DatasetError"]


class DatasetError(ValueError):
    """A data file is missing, truncated, malformed, or inconsistent with its partner file."""
