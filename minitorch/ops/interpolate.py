"""Resizing by interpolation (as `torch.nn.functional.interpolate`): nearest, nearest-exact,
(bi/tri)linear, bicubic and area, for 1-, 2- and 3-D spatial inputs, differentiable; and
PyTorch's deprecated spellings of it, `upsample`, `upsample_nearest`, `upsample_bilinear`.

Every mode is separable: output sample o of a resized dim reads a few input samples
`index[k, o]` with weights `weight[k, o]` (`ops/interpolate_taps.py`: PyTorch's rules), and a
2-D or 3-D resize is those 1-D resizes one dim after the other. So one `Interpolate` Function
does all modes: forward gathers along each dim in turn (`take`), backward applies the adjoints
in reverse order -- the same gather with the transposed taps (each input sample's readers), so
no scatter is needed. (The course's zero-insertion upsampling is `ops/resample.py`.)

Shape:
    (N, C, W_in) -> (N, C, W_out); (N, C, H_in, W_in) -> (N, C, H_out, W_out);
    (N, C, D_in, H_in, W_in) -> (N, C, D_out, H_out, W_out), where each out size is `size` or
    floor(in * scale_factor).
"""

from __future__ import annotations

import math
import numbers
import warnings
from typing import Any, Optional, Sequence, Tuple, Union

from ..autodiff.function import Context, Function
from ..core.tensor import Tensor
from ..errors import DomainError, DTypeError, ShapeError
from .arrays import array, from_array, is_int, namespace
from .interpolate_taps import dim_taps

__all__ = ["Interpolate", "interpolate", "upsample", "upsample_nearest", "upsample_bilinear"]

# mode -> the number of spatial dims it needs (None: any of 1, 2, 3)
MODES = {"nearest": None, "nearest-exact": None, "area": None, "linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3,
         "lanczos": 2}
_LAYOUTS = {1: "(N, C, W)", 2: "(N, C, H, W)", 3: "(N, C, D, H, W)"}

Taps = Tuple[int, Any, Optional[Any]]  # (axis, index (k, O) int64, weight (k, O) or None)
SizeArg = Union[int, Sequence[int], None]
ScaleArg = Union[float, Sequence[float], None]


class Interpolate(Function):
    """A separable resize: along each (axis, index, weight) in turn, out[o] = sum_k weight[k, o]
    x[index[k, o]]. The backward is the same gather with the transposed taps: input sample i
    sums weight g[o] over the outputs o that read it."""

    @staticmethod
    def forward(ctx: Context, input: Tensor, taps: Tuple[Taps, ...]) -> Tensor:
        xp = namespace(input)
        x = array(input)
        sizes = []
        for axis, index, weight in taps:
            sizes.append(x.shape[axis])
            x = _gather(xp, x, axis, index, weight)
        ctx.taps, ctx.sizes = taps, sizes
        return from_array(input, x)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        xp = namespace(grad_output)
        g = array(grad_output)
        for (axis, index, weight), size in zip(reversed(ctx.taps), reversed(ctx.sizes)):
            index, weight = _transposed(xp, index, weight, size, g.dtype)
            if index.shape[0] == 0:  # no output read this dim (an empty output)
                g = xp.zeros(g.shape[:axis] + (size,) + g.shape[axis + 1 :], dtype=g.dtype)
            else:
                g = _gather(xp, g, axis, index, weight)
        return from_array(grad_output, g)


def _along(weight_row: Any, axis: int, ndim: int) -> Any:
    """A (O,) weight row shaped to broadcast along `axis` of an ndim-array."""
    return weight_row.reshape(weight_row.shape + (1,) * (ndim - axis - 1))


def _gather(xp: Any, x: Any, axis: int, index: Any, weight: Optional[Any]) -> Any:
    """out[..., o, ...] = sum_k weight[k, o] x[..., index[k, o], ...] along `axis`."""
    out = xp.take(x, index[0], axis=axis)
    if weight is None:  # nearest: one tap of weight 1
        return out
    out *= _along(weight[0], axis, x.ndim)
    for k in range(1, index.shape[0]):
        term = xp.take(x, index[k], axis=axis)
        term *= _along(weight[k], axis, x.ndim)
        out += term
    return out


def _transposed(xp: Any, index: Any, weight: Optional[Any], size: int, dtype: Any) -> Tuple[Any, Any]:
    """The taps of the adjoint: (index, weight) of shape (k', size) such that input sample i
    receives sum_j weight[j, i] g[index[j, i]] -- every (output o, weight) that read i, padded
    with weight-0 taps to the largest count k'."""
    k, out = index.shape
    read = index.reshape(-1)  # (k O,): the input sample of each tap
    reader = xp.broadcast_to(xp.arange(out, dtype=xp.int64), (k, out)).reshape(-1)  # its output sample
    values = xp.ones(k * out, dtype=dtype) if weight is None else weight.reshape(-1)
    order = xp.argsort(read)
    read = read[order]
    counts = xp.bincount(read, minlength=size)
    rank = xp.arange(read.size, dtype=xp.int64) - (xp.cumsum(counts) - counts)[read]  # place among i's readers
    width = int(counts.max()) if read.size else 0
    t_index = xp.zeros((width, size), dtype=xp.int64)
    t_weight = xp.zeros((width, size), dtype=dtype)
    t_index[rank, read] = reader[order]
    t_weight[rank, read] = values[order]
    return t_index, t_weight


# ## Arguments


def _per_dim(op: str, name: str, value: Any, n: int, input: Tensor) -> Tuple[Any, ...]:
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise ShapeError(
                f"{op}: {name} {tuple(value)} has {len(value)} entries but the input {input.shape} has {n} spatial "
                f"dims; give one per dim of {_LAYOUTS[n]} after N and C"
            )
        return tuple(value)
    return (value,) * n


def _output_sizes(op: str, input: Tensor, mode: str, size: SizeArg, scale_factor: ScaleArg,
                  recompute_scale_factor: Optional[bool]) -> Tuple[Tuple[int, ...], Tuple[Optional[float], ...]]:
    """(output sizes, the scale factors PyTorch's kernels use: None where the sizes decide)."""
    n = input.dims - 2
    if size is not None and scale_factor is not None:
        raise ShapeError(f"{op}: give size or scale_factor, not both")
    if size is None and scale_factor is None:
        raise ShapeError(f"{op}: give size (the output's spatial size) or scale_factor")
    if size is not None:
        if recompute_scale_factor:
            raise DomainError(f"{op}: recompute_scale_factor is not meaningful with an explicit size; leave it None")
        sizes = _per_dim(op, "size", size, n, input)
        if not all(is_int(s) and not isinstance(s, bool) for s in sizes):
            raise DTypeError(f"{op}: size must be an int or a tuple of {n} ints, got {size!r}")
        out = tuple(int(s) for s in sizes)
        scales: Tuple[Optional[float], ...] = (None,) * n
    else:
        factors = _per_dim(op, "scale_factor", scale_factor, n, input)
        if not all(isinstance(f, numbers.Real) and not isinstance(f, bool) for f in factors):
            raise DTypeError(f"{op}: scale_factor must be a number or a tuple of {n} numbers, got {scale_factor!r}")
        if not all(math.isfinite(f) for f in factors):
            raise DomainError(f"{op}: scale_factor must be finite, got {scale_factor!r}")
        out = tuple(int(s * float(f)) for s, f in zip(input.shape[2:], factors))  # truncated, as PyTorch
        scales = (None,) * n if recompute_scale_factor or mode == "area" else tuple(float(f) for f in factors)
    spatial = input.shape[2:]
    if min(spatial) < 1 or min(out) < (0 if mode == "area" else 1):
        raise ShapeError(
            f"{op}: input and output spatial sizes must be positive, got input {spatial} -> output {out}; "
            f"pass a larger size or scale_factor"
        )
    return out, scales


def _check(op: str, input: Tensor, mode: str, align_corners: Optional[bool], antialias: bool) -> None:
    if not isinstance(input, Tensor):
        raise DTypeError(f"{op}: input must be a minitorch Tensor, got {type(input).__name__}")
    if mode not in MODES:
        raise DomainError(f"{op}: unknown mode {mode!r}; choose one of {', '.join(MODES)}")
    if input.dims not in (3, 4, 5):
        raise ShapeError(
            f"{op}: input of shape {input.shape} has {input.dims} dims; give (N, C, W), (N, C, H, W) or "
            f"(N, C, D, H, W) (unsqueeze(0) adds a batch dim)"
        )
    n, needed = input.dims - 2, MODES[mode]
    if needed is not None and needed != n:
        raise ShapeError(
            f"{op}: mode {mode!r} needs a {needed + 2}-D input {_LAYOUTS[needed]}, got shape {input.shape} "
            f"({n} spatial dims: use mode {['linear', 'bilinear', 'trilinear'][n - 1]!r})"
        )
    if input.dtype.kind != "f":
        raise DTypeError(f"{op}: input must be floating point, got {input.dtype}; convert it with .float()")
    if mode in ("nearest", "nearest-exact", "area") and align_corners is not None:
        raise DomainError(f"{op}: align_corners applies to the modes linear, bilinear, bicubic and trilinear only, "
                          f"not {mode!r}; leave it None")
    if antialias and mode not in ("bilinear", "bicubic", "lanczos"):
        raise DomainError(f"{op}: antialias applies to the modes bilinear, bicubic and lanczos (4-D input) only, "
                          f"not {mode!r}")
    if mode == "lanczos" and (align_corners or not antialias):
        raise DomainError(f"{op}: mode 'lanczos' is Pillow's anti-aliased filter: pass antialias=True and leave "
                          f"align_corners False, got antialias={antialias!r}, align_corners={align_corners!r}")


def interpolate(
    input: Tensor,
    size: SizeArg = None,
    scale_factor: ScaleArg = None,
    mode: str = "nearest",
    align_corners: Optional[bool] = None,
    recompute_scale_factor: Optional[bool] = None,
    antialias: bool = False,
) -> Tensor:
    """Resize the spatial dims by interpolation (as `torch.nn.functional.interpolate`).

    Along each spatial dim of input size I and output size O, output sample o reads the source
    position x = o s ('nearest': sample floor(x)), (o + 1/2) s ('nearest-exact': sample
    floor(x)) or (o + 1/2) s - 1/2 (clamped at 0 but for bicubic), or o (I - 1) / (O - 1) with
    align_corners=True; the linear modes weigh samples floor(x) and floor(x) + 1 by 1 - t and
    t, t = x - floor(x); 'bicubic' weighs the four samples around x with Keys' cubic
    (a = -0.75), edges replicated; 'area' averages the adaptive window
    [floor(o I / O), ceil((o + 1) I / O)). s = 1 / scale_factor when a scale_factor is given and
    recompute_scale_factor is not True, else I / O. With antialias=True, shrinking by s > 1
    stretches the linear (cubic with a = -0.5, Lanczos-3 for 'lanczos') filter s times
    (Pillow's resize). Where PyTorch picks nearest samples in float32 arithmetic, so does this.

    Args:
        input: (N, C, W), (N, C, H, W) or (N, C, D, H, W), floating point.
        size: the output's spatial size: an int or one int per spatial dim. Default None.
        scale_factor: multiplier of the spatial size (out = floor(in * scale_factor)): a number
            or one per spatial dim. Give exactly one of size and scale_factor. Default None.
        mode: 'nearest' (default), 'nearest-exact', 'linear' (3-D input), 'bilinear' (4-D),
            'bicubic' (4-D), 'trilinear' (5-D), 'lanczos' (4-D, antialias=True only) or 'area'.
        align_corners: interpolating modes only: align the centres of the corner samples of
            input and output instead of their outer edges. Default None (False).
        recompute_scale_factor: True: place samples by the output size alone (as if `size`
            had been given) instead of by scale_factor. Default None (False).
        antialias: bilinear, bicubic and lanczos only: PyTorch's (and Pillow's) anti-aliased
            filter when shrinking. Default False.

    Shape:
        (N, C, *in) -> (N, C, *out), out[d] = size[d] or floor(in[d] * scale_factor[d]).

    Raises:
        ShapeError: size and scale_factor both or neither given, an entry per spatial dim
            missing, a mode that needs another input rank, empty input or output sizes.
        DTypeError: a non-float input, or a size / scale_factor that is not a number.
        DomainError: an unknown mode, align_corners with a nearest mode or 'area', antialias
            with a mode other than bilinear / bicubic / lanczos, 'lanczos' without antialias or
            with align_corners=True, recompute_scale_factor with a size.

    Example:
        >>> x = minitorch.tensor([[[1.0, 2.0]]])
        >>> interpolate(x, scale_factor=2).tolist()
        [[[1.0, 1.0, 2.0, 2.0]]]
        >>> interpolate(x, size=4, mode="linear").tolist()
        [[[1.0, 1.25, 1.75, 2.0]]]
    """
    op = "interpolate"
    _check(op, input, mode, align_corners, antialias)
    out, scales = _output_sizes(op, input, mode, size, scale_factor, recompute_scale_factor)
    xp = namespace(input)
    real = xp.float64 if input.dtype == xp.float64 else xp.float32
    small_2d = len(out) == 2 and sum(out) <= 128
    taps = []
    for axis, (in_size, out_size, scale) in enumerate(zip(input.shape[2:], out, scales), start=2):
        dim = dim_taps(xp, in_size, out_size, scale, mode, bool(align_corners), antialias, small_2d, real)
        if dim is not None:
            index, weight = dim
            taps.append((axis, index, None if weight is None else weight.astype(input.dtype)))
    if taps and taps[-1][0] == input.dims - 1 and math.prod(out[:-1]) > math.prod(input.shape[2:-1]):
        taps.insert(0, taps.pop())  # gather along W (the slow axis to gather) while the other dims are small
    return Interpolate.apply(input, tuple(taps)) if taps else input.clone()


def _deprecated(name: str) -> None:
    warnings.warn(f"`nn.functional.{name}` is deprecated. Use `nn.functional.interpolate` instead.", stacklevel=3)


def upsample(input: Tensor, size: SizeArg = None, scale_factor: ScaleArg = None, mode: str = "nearest",
             align_corners: Optional[bool] = None) -> Tensor:
    """PyTorch's deprecated alias of `interpolate` (it warns, as PyTorch does). The course's
    zero-insertion upsampling is `upsample_zeros`.

    Shape:
        as `interpolate`.

    Example:
        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     upsample(minitorch.tensor([[[1.0, 2.0]]]), scale_factor=2).tolist()
        [[[1.0, 1.0, 2.0, 2.0]]]
    """
    _deprecated("upsample")
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input: Tensor, size: SizeArg = None, scale_factor: ScaleArg = None) -> Tensor:
    """PyTorch's deprecated `interpolate(input, size, scale_factor, mode='nearest')` (it warns).

    Shape:
        as `interpolate`.
    """
    _deprecated("upsample_nearest")
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input: Tensor, size: SizeArg = None, scale_factor: ScaleArg = None) -> Tensor:
    """PyTorch's deprecated `interpolate(input, size, scale_factor, mode='bilinear',
    align_corners=True)` (it warns): the corner samples of input and output coincide.

    Shape:
        (N, C, H_in, W_in) -> (N, C, H_out, W_out).
    """
    _deprecated("upsample_bilinear")
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)
