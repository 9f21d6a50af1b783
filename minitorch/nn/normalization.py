"""Normalization layers (PyTorch's `torch.nn` names): `BatchNorm1d/2d/3d`, `InstanceNorm1d/2d/3d`,
`GroupNorm`, `LayerNorm`, over the functions of `ops/normalization.py`.

Batch and instance norm keep `running_mean`, `running_var` and `num_batches_tracked` as buffers
(saved in `state_dict` under PyTorch's names, converted by `Module.to`); in training they update
them (the variance unbiased), after `eval()` batch norm normalises with them. `momentum=None`
makes the running statistics a cumulative average over the batches seen.
"""

from __future__ import annotations

import warnings
from typing import Any, Optional, Sequence, Tuple, Union

from ..core.creation import ones, zeros
from ..core.tensor import Tensor
from ..errors import ShapeError
from ..ops.arrays import array
from ..ops.normalization import batch_norm, group_norm, instance_norm, layer_norm
from .module import Module
from .parameter import Parameter

__all__ = [
    "BatchNorm1d",
    "BatchNorm2d",
    "BatchNorm3d",
    "GroupNorm",
    "InstanceNorm1d",
    "InstanceNorm2d",
    "InstanceNorm3d",
    "LayerNorm",
]


def _place(value: Tensor, device: Any) -> Tensor:
    return value if device is None else value.to(device)


def _affine(module: Module, shape: Tuple[int, ...], affine: bool, bias: bool, device: Any, dtype: Any,
            backend: Any) -> None:
    """weight = 1 and bias = 0 of `shape` as parameters (or None), on `device` / `backend`."""
    weight = Parameter(_place(ones(shape, backend=backend, dtype=dtype), device)) if affine else None
    module.register_parameter("weight", weight)
    module.register_parameter("bias", Parameter(_place(zeros(shape, backend=backend, dtype=dtype), device))
                              if affine and bias else None)


def _fill(t: Optional[Any], value: float) -> None:
    """Write `value` into every entry of a tensor or parameter, in place (on its device; no graph)."""
    if t is not None:
        array(getattr(t, "value", t))[...] = value


def _value(parameter: Optional[Parameter]) -> Optional[Tensor]:
    return None if parameter is None else parameter.value


class _NormBase(Module):
    """The common body of batch and instance norm: parameters, buffers, repr."""

    _dims: Tuple[int, ...] = ()  # the input dims accepted
    _shapes = ""  # how they read, for errors

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: Optional[float] = 0.1, affine: bool = True,
                 track_running_stats: bool = True, device: Any = None, dtype: Any = None, *, bias: bool = True,
                 backend: Any = None):
        super().__init__()
        self.num_features, self.eps, self.momentum = int(num_features), eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        _affine(self, (self.num_features,), affine, bias, device, dtype, backend)
        if track_running_stats:
            c = (self.num_features,)
            self.register_buffer("running_mean", _place(zeros(c, backend=backend, dtype=dtype), device))
            self.register_buffer("running_var", _place(ones(c, backend=backend, dtype=dtype), device))
            self.register_buffer("num_batches_tracked", _place(zeros((), backend=backend, dtype="int64"), device))
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)

    def reset_running_stats(self) -> None:
        """running_mean = 0, running_var = 1, num_batches_tracked = 0."""
        for name, value in (("running_mean", 0.0), ("running_var", 1.0), ("num_batches_tracked", 0)):
            _fill(self._buffers[name], value)

    def reset_parameters(self) -> None:
        """The running statistics reset; weight = 1, bias = 0."""
        self.reset_running_stats()
        _fill(self.weight, 1.0)
        _fill(self.bias, 0.0)

    def _check_input_dim(self, input: Tensor) -> None:
        if input.dims not in self._dims:
            expected = " or ".join(f"{d}D" for d in self._dims)
            raise ShapeError(f"{type(self).__name__}: expected {expected} input {self._shapes}, got {input.dims}D "
                             f"input of shape {input.shape}")

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}")


class _BatchNorm(_NormBase):
    def forward(self, input: Tensor) -> Tensor:
        self._check_input_dim(input)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            count = array(self.num_batches_tracked)  # a 0-d view: counted in place, no device read
            count += 1
            if self.momentum is None:  # the cumulative average of every batch so far
                factor = 1.0 / float(self.num_batches_tracked.item())
        use_batch = self.training or (self.running_mean is None and self.running_var is None)
        tracked = not self.training or self.track_running_stats  # buffers updated only when tracked
        return batch_norm(input, self.running_mean if tracked else None, self.running_var if tracked else None,
                          _value(self.weight), _value(self.bias), use_batch, factor, self.eps)


class BatchNorm1d(_BatchNorm):
    """Batch normalization over (N, C) or (N, C, L) (as `torch.nn.BatchNorm1d`).

    y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias per channel. In training E and Var
    (biased) are the batch's, over N (and L), and the running statistics are updated:
    r = (1 - momentum) r + momentum * batch statistic, the variance unbiased; after `eval()`
    the running statistics normalise (or the batch's, with track_running_stats=False).

    Args:
        num_features: C.
        eps: added to the variance. Default 1e-5.
        momentum: weight of each batch in the running statistics; None for their cumulative
            average. Default 0.1.
        affine: learn weight (init 1) and bias (init 0). Default True.
        track_running_stats: keep running statistics (buffers). Default True.
        device: "cpu" or "cuda" for the parameters and buffers. Default: the backend's.
        dtype: "float64" (default, MiniTorch's) or "float32".
        bias: (keyword) learn the bias when affine. Default True.
        backend: (keyword) the TensorBackend of the parameters (default: the fast CPU backend).

    Attributes:
        weight, bias: (C,) or None. running_mean, running_var: (C,) buffers;
        num_batches_tracked: int64 buffer of shape () (None without tracking).

    Shape:
        (N, C) -> (N, C), or (N, C, L) -> (N, C, L).

    Example:
        >>> layer = BatchNorm1d(3)
        >>> layer(minitorch.rand((8, 3))).shape
        (8, 3)
    """

    _dims, _shapes = (2, 3), "(N, C) or (N, C, L)"


class BatchNorm2d(_BatchNorm):
    """Batch normalization over (N, C, H, W) (as `torch.nn.BatchNorm2d`); see `BatchNorm1d`.

    Shape:
        (N, C, H, W) -> (N, C, H, W).

    Example:
        >>> BatchNorm2d(4)(minitorch.rand((2, 4, 5, 5))).shape
        (2, 4, 5, 5)
    """

    _dims, _shapes = (4,), "(N, C, H, W)"


class BatchNorm3d(_BatchNorm):
    """Batch normalization over (N, C, D, H, W) (as `torch.nn.BatchNorm3d`); see `BatchNorm1d`.

    Shape:
        (N, C, D, H, W) -> (N, C, D, H, W).
    """

    _dims, _shapes = (5,), "(N, C, D, H, W)"


class _InstanceNorm(_NormBase):
    def __init__(self, num_features: int, eps: float = 1e-5, momentum: Optional[float] = 0.1, affine: bool = False,
                 track_running_stats: bool = False, device: Any = None, dtype: Any = None, *, bias: bool = True,
                 backend: Any = None):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype, bias=bias,
                         backend=backend)

    def forward(self, input: Tensor) -> Tensor:
        self._check_input_dim(input)
        unbatched = input.dims == self._dims[0]
        feature_dim = 0 if unbatched else 1
        if input.shape[feature_dim] != self.num_features:
            if self.affine:
                raise ShapeError(f"{type(self).__name__}: expected input's size at dim={feature_dim} to match "
                                 f"num_features ({self.num_features}), but got: {input.shape[feature_dim]} "
                                 f"(input of shape {input.shape})")
            warnings.warn(f"input's size at dim={feature_dim} does not match num_features. You can silence this "
                          "warning by not passing in num_features, which is not used because affine=False",
                          stacklevel=2)
        x = input.unsqueeze(0) if unbatched else input
        out = instance_norm(x, self.running_mean, self.running_var, _value(self.weight), _value(self.bias),
                            self.training or not self.track_running_stats,
                            0.0 if self.momentum is None else self.momentum, self.eps)
        return out.squeeze(0) if unbatched else out


class InstanceNorm1d(_InstanceNorm):
    """Instance normalization over (N, C, L) or unbatched (C, L) (as `torch.nn.InstanceNorm1d`).

    y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias, E and Var (biased) over L for each
    sample and channel. With track_running_stats the batch's mean of those statistics updates
    running ones (as batch norm's), which normalise after `eval()`.

    Args:
        num_features: C.
        eps: added to the variance. Default 1e-5.
        momentum: weight of each batch in the running statistics. Default 0.1.
        affine: learn weight (init 1) and bias (init 0). Default False.
        track_running_stats: keep running statistics. Default False.
        device, dtype, bias, backend: as `BatchNorm1d`.

    Shape:
        (N, C, L) -> (N, C, L), or (C, L) -> (C, L).

    Example:
        >>> InstanceNorm1d(3)(minitorch.rand((2, 3, 5))).shape
        (2, 3, 5)
    """

    _dims, _shapes = (2, 3), "(C, L) or (N, C, L)"


class InstanceNorm2d(_InstanceNorm):
    """Instance normalization over (N, C, H, W) or (C, H, W) (as `torch.nn.InstanceNorm2d`); see
    `InstanceNorm1d`.

    Shape:
        (N, C, H, W) -> (N, C, H, W), or (C, H, W) -> (C, H, W).
    """

    _dims, _shapes = (3, 4), "(C, H, W) or (N, C, H, W)"


class InstanceNorm3d(_InstanceNorm):
    """Instance normalization over (N, C, D, H, W) or (C, D, H, W) (as `torch.nn.InstanceNorm3d`);
    see `InstanceNorm1d`.

    Shape:
        (N, C, D, H, W) -> (N, C, D, H, W), or (C, D, H, W) -> (C, D, H, W).
    """

    _dims, _shapes = (4, 5), "(C, D, H, W) or (N, C, D, H, W)"


class GroupNorm(Module):
    """Group normalization (as `torch.nn.GroupNorm`).

    The C channels form `num_groups` groups of C / G; y = (x - E[x]) / sqrt(Var[x] + eps) *
    weight + bias with E and Var (biased) over each sample's group and spatial dims. The same
    in training and evaluation.

    Args:
        num_groups: G, a divisor of num_channels.
        num_channels: C.
        eps: added to the variance. Default 1e-5.
        affine: learn per-channel weight (init 1) and bias (init 0). Default True.
        device, dtype, bias, backend: as `BatchNorm1d`.

    Shape:
        (N, C, *) -> (N, C, *).

    Example:
        >>> GroupNorm(2, 4)(minitorch.rand((3, 4, 5))).shape
        (3, 4, 5)
    """

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5, affine: bool = True, device: Any = None,
                 dtype: Any = None, *, bias: bool = True, backend: Any = None):
        super().__init__()
        if num_groups <= 0 or num_channels % num_groups != 0:
            raise ShapeError(f"GroupNorm: num_channels ({num_channels}) must be divisible by num_groups ({num_groups})")
        self.num_groups, self.num_channels, self.eps, self.affine = int(num_groups), int(num_channels), eps, affine
        _affine(self, (self.num_channels,), affine, bias, device, dtype, backend)

    def reset_parameters(self) -> None:
        """weight = 1, bias = 0."""
        _fill(self.weight, 1.0)
        _fill(self.bias, 0.0)

    def forward(self, input: Tensor) -> Tensor:
        return group_norm(input, self.num_groups, _value(self.weight), _value(self.bias), self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
                f"bias={self.bias is not None}")


class LayerNorm(Module):
    """Layer normalization over the trailing `normalized_shape` dims (as `torch.nn.LayerNorm`).

    y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias, E and Var (biased) over the last
    len(normalized_shape) dims of each sample; weight and bias have normalized_shape (one entry
    per normalised entry). The same in training and evaluation.

    Args:
        normalized_shape: an int (one trailing dim) or a sequence of ints.
        eps: added to the variance. Default 1e-5.
        elementwise_affine: learn weight (init 1) and bias (init 0). Default True.
        bias: learn the bias when elementwise_affine. Default True.
        device, dtype, backend: as `BatchNorm1d`.

    Shape:
        (*, *normalized_shape) -> the same shape.

    Example:
        >>> LayerNorm(8)(minitorch.rand((2, 5, 8))).shape
        (2, 5, 8)
    """

    def __init__(self, normalized_shape: Union[int, Sequence[int]], eps: float = 1e-5, elementwise_affine: bool = True,
                 bias: bool = True, device: Any = None, dtype: Any = None, *, backend: Any = None):
        super().__init__()
        shape = (normalized_shape,) if isinstance(normalized_shape, int) else normalized_shape
        self.normalized_shape = tuple(int(d) for d in shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        _affine(self, self.normalized_shape, elementwise_affine, bias, device, dtype, backend)

    def reset_parameters(self) -> None:
        """weight = 1, bias = 0."""
        _fill(self.weight, 1.0)
        _fill(self.bias, 0.0)

    def forward(self, input: Tensor) -> Tensor:
        return layer_norm(input, self.normalized_shape, _value(self.weight), _value(self.bias), self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
                f"bias={self.bias is not None}")
