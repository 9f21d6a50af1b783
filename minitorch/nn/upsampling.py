"""PyTorch's resizing layers: `Upsample` (every mode of `F.interpolate`), and its fixed-mode
subclasses `UpsamplingNearest2d` and `UpsamplingBilinear2d` (align_corners=True). The course's
zero-insertion layers are `nn/resample.py` (`Upsample1d`, `Upsample2d`)."""

from __future__ import annotations

from typing import Optional, Sequence, Union, cast

from ..core.tensor import Tensor
from ..ops.interpolate import interpolate
from .module import Module

__all__ = ["Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d"]

Size = Union[int, Sequence[int], None]
Scale = Union[float, Sequence[float], None]


class Upsample(Module):
    """Resize the spatial dims by interpolation (as `torch.nn.Upsample`): `F.interpolate` with
    this layer's arguments. No parameters or buffers.

    Args:
        size: the output's spatial size (an int, or one per spatial dim). Default None.
        scale_factor: multiplier of the spatial size (a number, or one per dim), stored as
            float(s). Give exactly one of size and scale_factor. Default None.
        mode: 'nearest' (default), 'nearest-exact', 'linear', 'bilinear', 'bicubic',
            'trilinear' or 'area'.
        align_corners: interpolating modes only (see `F.interpolate`). Default None.
        recompute_scale_factor: place samples by the output size alone. Default None.

    Shape:
        (N, C, *in) -> (N, C, *out), out[d] = size[d] or floor(in[d] * scale_factor[d]), for 1,
        2 or 3 spatial dims.

    Example:
        >>> Upsample(scale_factor=2)(minitorch.tensor([[[1.0, 2.0]]])).tolist()
        [[[1.0, 1.0, 2.0, 2.0]]]
    """

    def __init__(self, size: Size = None, scale_factor: Scale = None, mode: str = "nearest",
                 align_corners: Optional[bool] = None, recompute_scale_factor: Optional[bool] = None):
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        if isinstance(scale_factor, tuple):
            self.scale_factor: Scale = tuple(float(factor) for factor in scale_factor)
        else:
            self.scale_factor = float(cast(float, scale_factor)) if scale_factor else None  # a list: TypeError, as torch
        self.mode = mode
        self.align_corners = align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input: Tensor) -> Tensor:
        return interpolate(input, self.size, self.scale_factor, self.mode, self.align_corners,
                           recompute_scale_factor=self.recompute_scale_factor)

    def extra_repr(self) -> str:
        info = f"scale_factor={self.scale_factor!r}" if self.scale_factor is not None else f"size={self.size!r}"
        return f"{info}, mode={self.mode!r}"


class UpsamplingNearest2d(Upsample):
    """`Upsample(size, scale_factor, mode='nearest')` (as `torch.nn.UpsamplingNearest2d`).

    Shape:
        (N, C, H_in, W_in) -> (N, C, H_out, W_out).
    """

    def __init__(self, size: Size = None, scale_factor: Scale = None):
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """`Upsample(size, scale_factor, mode='bilinear', align_corners=True)` (as
    `torch.nn.UpsamplingBilinear2d`): the corner samples of input and output coincide.

    Shape:
        (N, C, H_in, W_in) -> (N, C, H_out, W_out).
    """

    def __init__(self, size: Size = None, scale_factor: Scale = None):
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)
