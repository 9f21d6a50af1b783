"""The functional API under PyTorch's names (`minitorch.nn.functional as F`).

Re-exports; each op's docstring (math, arguments, Shape, example) lives where it is defined
in `minitorch.ops`.

Example:
    >>> import minitorch.nn.functional as F
    >>> x = minitorch.rand((2, 1, 8, 8))
    >>> F.max_pool2d(F.relu(F.conv2d(x, minitorch.rand((4, 1, 3, 3)))), 2).shape
    (2, 4, 3, 3)
"""

from __future__ import annotations

from ..core.tensor import Tensor
from ..ops.activation import (
    celu,
    elu,
    gelu,
    hardsigmoid,
    hardswish,
    hardtanh,
    leaky_relu,
    logsigmoid,
    mish,
    relu6,
    selu,
    silu,
    softplus,
    softsign,
    tanh,
    tanhshrink,
)
from ..ops.activation_channel import glu, prelu, softmin
from ..ops.adaptive_pool import adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_max_pool1d, adaptive_max_pool2d
from ..ops.conv import conv1d, conv2d, conv3d
from ..ops.conv_transpose import conv_transpose1d, conv_transpose2d, conv_transpose3d
from ..ops.distance import cosine_similarity, normalize, pairwise_distance
from ..ops.dropout import dropout, dropout1d, dropout2d, dropout3d
from ..ops.embedding import embedding
from ..ops.flatten import flatten, unflatten
from ..ops.interpolate import interpolate, upsample, upsample_bilinear, upsample_nearest
from ..ops.linear import linear
from ..ops.loss import cross_entropy, nll_loss
from ..ops.loss_elementwise import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    huber_loss,
    kl_div,
    l1_loss,
    mse_loss,
    smooth_l1_loss,
)
from ..ops.normalization import batch_norm, group_norm, instance_norm, layer_norm
from ..ops.one_hot import one_hot
from ..ops.pad import pad
from ..ops.pixel_shuffle import pixel_shuffle, pixel_unshuffle
from ..ops.pool import avg_pool1d, avg_pool2d, max_pool1d, max_pool2d
from ..ops.resample import downsample, upsample_zeros
from ..ops.softmax import log_softmax, logsumexp, softmax

__all__ = [
    "adaptive_avg_pool1d",
    "adaptive_avg_pool2d",
    "adaptive_max_pool1d",
    "adaptive_max_pool2d",
    "avg_pool1d",
    "avg_pool2d",
    "batch_norm",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "celu",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "cosine_similarity",
    "cross_entropy",
    "downsample",
    "dropout",
    "dropout1d",
    "dropout2d",
    "dropout3d",
    "elu",
    "embedding",
    "flatten",
    "gelu",
    "glu",
    "group_norm",
    "hardsigmoid",
    "hardswish",
    "hardtanh",
    "huber_loss",
    "instance_norm",
    "interpolate",
    "kl_div",
    "l1_loss",
    "layer_norm",
    "leaky_relu",
    "linear",
    "log_softmax",
    "logsigmoid",
    "logsumexp",
    "max_pool1d",
    "max_pool2d",
    "mish",
    "mse_loss",
    "nll_loss",
    "normalize",
    "one_hot",
    "pad",
    "pairwise_distance",
    "pixel_shuffle",
    "pixel_unshuffle",
    "prelu",
    "relu",
    "relu6",
    "selu",
    "sigmoid",
    "silu",
    "smooth_l1_loss",
    "softmax",
    "softmin",
    "softplus",
    "softsign",
    "tanh",
    "tanhshrink",
    "unflatten",
    "upsample",
    "upsample_bilinear",
    "upsample_nearest",
    "upsample_zeros",
]


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """max(x, 0) elementwise (as `torch.nn.functional.relu`); gradient 0 at 0. `inplace` is
    accepted; the result is always a new tensor.

    Shape:
        (*) -> (*).

    Example:
        >>> relu(minitorch.tensor([-1.0, 2.0])).to_numpy().tolist() == [0.0, 2.0]
        True
    """
    return input.relu()


def sigmoid(input: Tensor) -> Tensor:
    """1 / (1 + e^-x) elementwise (as `torch.sigmoid`), stable in both tails.

    Shape:
        (*) -> (*).

    Example:
        >>> sigmoid(minitorch.tensor([0.0])).item()
        0.5
    """
    return input.sigmoid()
