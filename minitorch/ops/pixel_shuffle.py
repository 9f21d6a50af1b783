"""pixel_shuffle / pixel_unshuffle (as `torch.nn.functional`): channels to space and back, as
views and one copy (reshape, permute, reshape), so gradients are the reverse rearrangement.

Shape:
    pixel_shuffle: (*, C r^2, H, W) -> (*, C, H r, W r); pixel_unshuffle: the inverse.
"""

from __future__ import annotations

from ..core.tensor import Tensor
from ..errors import ShapeError
from .arrays import is_int

__all__ = ["pixel_shuffle", "pixel_unshuffle"]


def _check(op: str, input: Tensor, factor: int, name: str) -> None:
    if not is_int(factor) or factor < 1:
        raise ShapeError(f"{op}: {name} must be a positive int, got {factor!r}")
    if input.dims < 3:
        raise ShapeError(f"{op}: needs an input of at least 3 dims (*, C, H, W), got shape {input.shape}")


def _batch(lead: list) -> int:
    """The leading dims' product B (a -1 in reshape is ambiguous for 0 elements)."""
    size = 1
    for s in lead:
        size *= s
    return size


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    """Rearrange (*, C r^2, H, W) into (*, C, H r, W r) (as `torch.nn.functional.pixel_shuffle`):
    out[..., c, h r + i, w r + j] = input[..., c r^2 + i r + j, h, w].

    Raises:
        ShapeError: fewer than 3 dims, or channels not divisible by upscale_factor^2.

    Shape:
        (*, C r^2, H, W) -> (*, C, H r, W r).

    Example:
        >>> pixel_shuffle(minitorch.arange(4.0).view(1, 4, 1, 1), 2).view(4).tolist()
        [0.0, 1.0, 2.0, 3.0]
    """
    r = upscale_factor
    _check("pixel_shuffle", input, r, "upscale_factor")
    *lead, channels, h, w = input.shape
    if channels % (r * r):
        raise ShapeError(f"pixel_shuffle: {channels} channels (shape {input.shape}) are not divisible by "
                         f"upscale_factor^2 = {r * r}")
    c = channels // (r * r)
    x = input.reshape(_batch(lead), c, r, r, h, w)  # (B, C, r, r, H, W)
    x = x.permute(0, 1, 4, 2, 5, 3)  # (B, C, H, r, W, r)
    return x.reshape(*lead, c, h * r, w * r)


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    """Rearrange (*, C, H r, W r) into (*, C r^2, H, W), pixel_shuffle's inverse (as
    `torch.nn.functional.pixel_unshuffle`).

    Raises:
        ShapeError: fewer than 3 dims, or a height or width not divisible by downscale_factor.

    Shape:
        (*, C, H r, W r) -> (*, C r^2, H, W).

    Example:
        >>> pixel_unshuffle(minitorch.arange(4.0).view(1, 1, 2, 2), 2).shape
        (1, 4, 1, 1)
    """
    r = downscale_factor
    _check("pixel_unshuffle", input, r, "downscale_factor")
    *lead, c, height, width = input.shape
    if height % r or width % r:
        raise ShapeError(f"pixel_unshuffle: height {height} and width {width} (shape {input.shape}) must be "
                         f"divisible by downscale_factor {r}")
    h, w = height // r, width // r
    x = input.reshape(_batch(lead), c, h, r, w, r)  # (B, C, H, r, W, r)
    x = x.permute(0, 1, 3, 5, 2, 4)  # (B, C, r, r, H, W)
    return x.reshape(*lead, c * r * r, h, w)
