"""The course's raw convolution kernels: `tensor_conv1d` / `tensor_conv2d` on storage tuples.

The MiniTorch course (2021 edition, `minitorch.fast_conv`) exposes its numba kernels with the
low-level signature `kernel(*out.tuple(), out.size, *input.tuple(), *weight.tuple(), reverse)`,
and its tests call them directly. Here they are thin adapters over the course convolution
(`conv_course.conv1d` / `conv2d`): the storages are wrapped without copying, the result is
written into `out`'s storage.

`reverse=False` anchors the kernel at the left (top-left) of each window, as `conv1d`;
`reverse=True` anchors it at the right (bottom-right), reading zeros before the start:

    out[b, o, i] = sum_{c, k} weight[o, c, k] * input[b, c, i - k]        (reverse)

which is the forward convolution of the spatially flipped input, flipped back.

Shape:
    out (B, C_out, W) / (B, C_out, H, W); input (B, C_in, W) / (B, C_in, H, W);
    weight (C_out, C_in, K) / (C_out, C_in, KH, KW).
"""

from __future__ import annotations

from typing import Any, Sequence

from ..core.tensor import Tensor
from ..core.tensor_data import TensorData
from ..errors import ShapeError
from .arrays import array, from_array, namespace
from .conv_course import conv1d, conv2d

__all__ = ["tensor_conv1d", "tensor_conv2d"]


def _tensor(storage: Any, shape: Sequence[int], strides: Sequence[int]) -> Tensor:
    """A tensor over the course's (storage, shape, strides) triple, without copying."""
    return Tensor(TensorData(storage, tuple(int(s) for s in shape), tuple(int(s) for s in strides)))


def _run(n: int, out: Any, out_shape: Any, out_strides: Any, input: Any, input_shape: Any, input_strides: Any,
         weight: Any, weight_shape: Any, weight_strides: Any, reverse: bool) -> None:
    op = f"tensor_conv{n}d"
    x, w, target = _tensor(input, input_shape, input_strides), _tensor(weight, weight_shape, weight_strides), \
        _tensor(out, out_shape, out_strides)
    expected = (x.shape[0], w.shape[0]) + x.shape[2:]
    if target.shape != expected:
        raise ShapeError(f"{op}: out has shape {target.shape}, input {x.shape} and weight {w.shape} give {expected}")
    xp, spatial = namespace(x), tuple(range(2, 2 + n))
    if reverse:
        x = from_array(x, xp.flip(array(x), axis=spatial))
    result = array((conv1d if n == 1 else conv2d)(x, w))
    array(target)[...] = xp.flip(result, axis=spatial) if reverse else result


def tensor_conv1d(out: Any, out_shape: Any, out_strides: Any, out_size: int, input: Any, input_shape: Any,
                  input_strides: Any, weight: Any, weight_shape: Any, weight_strides: Any, reverse: bool) -> None:
    """The course's 1-D kernel: write conv1d(input, weight) (anchored right if `reverse`) into `out`."""
    _run(1, out, out_shape, out_strides, input, input_shape, input_strides, weight, weight_shape, weight_strides,
         reverse)


def tensor_conv2d(out: Any, out_shape: Any, out_strides: Any, out_size: int, input: Any, input_shape: Any,
                  input_strides: Any, weight: Any, weight_shape: Any, weight_strides: Any, reverse: bool) -> None:
    """The course's 2-D kernel: write conv2d(input, weight) (anchored bottom-right if `reverse`) into `out`."""
    _run(2, out, out_shape, out_strides, input, input_shape, input_strides, weight, weight_shape, weight_strides,
         reverse)
