"""HW2P1 resampling: `Upsample1d`, `Downsample1d`, `Upsample2d`, `Downsample2d`.

Upsampling by k inserts k - 1 zeros between neighbouring samples; downsampling by k keeps every
k-th sample and remembers the input width so its backward can scatter the gradient back. Both
run through minitorch's `upsample_zeros` / `downsample` functions (each other's adjoints).

Shape:
    Upsample1d:   (N, C, W) -> (N, C, k (W - 1) + 1);   Upsample2d likewise on H and W.
    Downsample1d: (N, C, W) -> (N, C, (W - 1) // k + 1); Downsample2d likewise on H and W.
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ...errors import ShapeError
from ...ops.resample import downsample, upsample_zeros
from ..engine import Step, check_input, need_forward, run

__all__ = ["Upsample1d", "Downsample1d", "Upsample2d", "Downsample2d"]

_LAYOUT = {1: "N, C, W", 2: "N, C, H, W"}


class _Resample:
    dims = 1
    up = True

    def __init__(self, factor: int):
        if int(factor) != factor or factor < 1:
            raise ShapeError(f"{type(self).__name__}: the factor must be a positive integer, got {factor}")
        self.factor = int(factor)
        self._step: Optional[Step] = None

    def forward(self, A: Any) -> np.ndarray:
        """Resample the last one (1d) or two (2d) dims of A."""
        A = check_input(type(self).__name__, A, _LAYOUT[self.dims])
        fn = upsample_zeros if self.up else downsample
        Z, self._step = run(type(self).__name__, lambda A: fn(A, self.factor, dims=self.dims), A=A)
        return Z

    def backward(self, dLdZ: Any) -> np.ndarray:
        """dLdA: the adjoint resampling of dLdZ (back to the input's size)."""
        return need_forward(type(self).__name__, self._step).backward(dLdZ)["A"]


class Upsample1d(_Resample):
    """Insert `upsampling_factor` - 1 zeros between samples along W."""

    def __init__(self, upsampling_factor: int):
        super().__init__(upsampling_factor)
        self.upsampling_factor = self.factor


class Downsample1d(_Resample):
    """Keep every `downsampling_factor`-th sample along W."""

    up = False

    def __init__(self, downsampling_factor: int):
        super().__init__(downsampling_factor)
        self.downsampling_factor = self.factor


class Upsample2d(_Resample):
    """Insert `upsampling_factor` - 1 zeros between samples along H and W."""

    dims = 2

    def __init__(self, upsampling_factor: int):
        super().__init__(upsampling_factor)
        self.upsampling_factor = self.factor


class Downsample2d(_Resample):
    """Keep every `downsampling_factor`-th sample along H and W."""

    dims, up = 2, False

    def __init__(self, downsampling_factor: int):
        super().__init__(downsampling_factor)
        self.downsampling_factor = self.factor
