"""Data sets and mini-batches, numpy-level (tensors are made by the DataLoader)."""

from minitorch.data.digits import load_digits, stratified_split
from minitorch.data.errors import DatasetError
from minitorch.data.idx import download_mnist, find_mnist_files, load_mnist, read_idx
from minitorch.data.loader import ArrayDataset, DataLoader
from minitorch.data.mnist1d import MNIST1D_DEFAULTS, load_mnist1d, make_mnist1d, mnist1d_templates
from minitorch.data.text import Tokenizer, Vocabulary, load_glove, read_sst2

__all__ = [
    "DatasetError",
    "read_idx",
    "find_mnist_files",
    "load_mnist",
    "download_mnist",
    "load_digits",
    "stratified_split",
    "MNIST1D_DEFAULTS",
    "mnist1d_templates",
    "make_mnist1d",
    "load_mnist1d",
    "read_sst2",
    "Tokenizer",
    "Vocabulary",
    "load_glove",
    "ArrayDataset",
    "DataLoader",
]
