"""one_hot: class indices to int64 one-hot rows (as `torch.nn.functional.one_hot`).

Shape:
    (*) int64 -> (*, num_classes) int64.
"""

from __future__ import annotations

from ..core.tensor import Tensor
from ..errors import DTypeError, IndexingError
from .arrays import array, from_array, is_int, namespace

__all__ = ["one_hot"]


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """out[..., c] = 1 where tensor[...] == c, else 0 (as `torch.nn.functional.one_hot`).

    Args:
        tensor: int64 class indices, any shape.
        num_classes: the number of classes; -1 (default) takes max(tensor) + 1.

    Raises:
        DTypeError: a tensor that is not int64. IndexingError: a negative index, one >=
            num_classes, or num_classes=-1 for an empty tensor.

    Shape:
        (*) -> (*, num_classes).

    Example:
        >>> one_hot(minitorch.tensor([0, 2], dtype="int64")).tolist()
        [[1, 0, 0], [0, 0, 1]]
    """
    if not isinstance(tensor, Tensor) or tensor.dtype.kind != "i":
        kind = tensor.dtype if isinstance(tensor, Tensor) else type(tensor).__name__
        raise DTypeError(f"one_hot: needs an int64 tensor of class indices, got {kind}; convert with .long()")
    if not is_int(num_classes) or num_classes < -1:
        raise IndexingError(f"one_hot: num_classes must be -1 or a count >= 0, got {num_classes!r}")
    xp = namespace(tensor)
    x = array(tensor)
    if x.size:
        low, high = int(x.min()), int(x.max())  # one read of both
        if low < 0:
            raise IndexingError(f"one_hot: class values must be non-negative, got {low} in a tensor of shape {tensor.shape}")
        if num_classes == -1:
            num_classes = high + 1
        elif high >= num_classes:
            raise IndexingError(f"one_hot: class value {high} is out of range for num_classes={num_classes}; "
                                f"values must lie in [0, {num_classes})")
    elif num_classes == -1:
        raise IndexingError(f"one_hot: cannot infer the number of classes from an empty tensor (shape "
                            f"{tensor.shape}); pass num_classes")
    out = (x[..., None] == xp.arange(num_classes)).astype(x.dtype)  # (*, 1) == (num_classes,) -> (*, num_classes)
    return from_array(tensor, out)
