"""Training helpers: progress bar and metrics."""

from minitorch.train.metrics import MetricsLog, accuracy, confusion_matrix
from minitorch.train.progress import ProgressBar, format_duration

__all__ = ["ProgressBar", "format_duration", "accuracy", "confusion_matrix", "MetricsLog"]
