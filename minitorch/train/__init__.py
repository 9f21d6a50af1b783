"""Training: settings (one default each), tasks, the trainer, inference and metrics."""

from minitorch.train.config import TASK_DEFAULTS, TrainConfig, config_for
from minitorch.train.metrics import MetricsLog, accuracy, confusion_matrix
from minitorch.train.tasks import TASKS, Task, TaskData, get_task
from minitorch.train.inference import evaluate
from minitorch.train.trainer import Trainer, load_trained, train

__all__ = [
    "accuracy",
    "confusion_matrix",
    "MetricsLog",
    "TASKS",
    "TASK_DEFAULTS",
    "Task",
    "TaskData",
    "get_task",
    "TrainConfig",
    "config_for",
    "Trainer",
    "train",
    "evaluate",
    "load_trained",
]
