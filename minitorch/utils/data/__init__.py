"""`minitorch.utils.data` (as `torch.utils.data`): datasets, `DataLoader`, `random_split`,
`default_collate`; a thin face over `minitorch.data`'s loader (README, "Differences from PyTorch")."""

from .collate import default_collate
from .dataloader import DataLoader
from .dataset import ConcatDataset, Dataset, Subset, TensorDataset, random_split

__all__ = ["ConcatDataset", "DataLoader", "Dataset", "Subset", "TensorDataset", "default_collate", "random_split"]
