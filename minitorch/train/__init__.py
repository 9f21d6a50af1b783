"""Training: the trainer and its tasks, progress bar and metrics."""

from minitorch.train.metrics import MetricsLog, accuracy, confusion_matrix
from minitorch.train.progress import ProgressBar, format_duration
from minitorch.train.tasks import TASKS, Task, TaskData, get_task
from minitorch.train.inference import evaluate
from minitorch.train.trainer import TrainConfig, Trainer, load_trained, train

__all__ = [
    "ProgressBar",
    "format_duration",
    "accuracy",
    "confusion_matrix",
    "MetricsLog",
    "TASKS",
    "Task",
    "TaskData",
    "get_task",
    "TrainConfig",
    "Trainer",
    "train",
    "evaluate",
    "load_trained",
]
