"""Registry entries for pooling: max/avg 1-D and 2-D, adaptive pooling, the course tile pooling."""

from __future__ import annotations

import numpy as np
import torch.nn.functional as F

from minitorch.errors import ShapeError
from minitorch.ops.adaptive_pool import (
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    adaptive_max_pool1d,
    adaptive_max_pool2d,
)
from minitorch.ops.pool import avg_pool1d, avg_pool2d, max_pool1d, max_pool2d
from minitorch.ops.tile import avgpool2d, maxpool2d, tile

from .spec import ErrorCase, OpCase, OpSpec


def _window(rng: np.random.Generator, small: bool, dilate: bool):
    """Random kernel, stride (or None), padding <= kernel // 2, dilation, ceil mode, and a size
    large enough for every window to hold an input element."""
    k = int(rng.integers(1, 4))
    stride = None if rng.random() < 0.3 else int(rng.integers(1, 4))
    padding = int(rng.integers(0, k // 2 + 1))
    dilation = int(rng.integers(1, 3)) if dilate else 1
    span = dilation * (k - 1) + 1
    size = int(rng.integers(span, span + (3 if small else 7)))
    return k, stride, padding, dilation, bool(rng.random() < 0.5), size


def _batch(rng, small):
    """(N, C) or just (C,) (unbatched input)."""
    c = int(rng.integers(1, 3 if small else 4))
    return (c,) if rng.random() < 0.2 else (int(rng.integers(1, 3)), c)


def _values(rng, shape):
    x = rng.standard_normal(shape)
    if rng.random() < 0.3:
        x = np.round(x * 2.0)  # ties: PyTorch's first-maximum rule decides the gradient
    return x


def _max_pool2d(rng, small):
    kh, stride_h, pad_h, dil_h, ceil_mode, h = _window(rng, small, True)
    kw, stride_w, pad_w, dil_w, _, w = _window(rng, small, True)
    stride = None if stride_h is None or stride_w is None else (stride_h, stride_w)
    kwargs = dict(kernel_size=(kh, kw), stride=stride, padding=(pad_h, pad_w), dilation=(dil_h, dil_w), ceil_mode=ceil_mode)
    return OpCase([_values(rng, _batch(rng, small) + (h, w))], kwargs)


def _max_pool1d(rng, small):
    k, stride, padding, dilation, ceil_mode, length = _window(rng, small, True)
    kwargs = dict(kernel_size=k, stride=stride, padding=padding, dilation=dilation, ceil_mode=ceil_mode)
    return OpCase([_values(rng, _batch(rng, small) + (length,))], kwargs)


def _avg_pool2d(rng, small):
    kh, stride_h, pad_h, _, ceil_mode, h = _window(rng, small, False)
    kw, stride_w, pad_w, _, _, w = _window(rng, small, False)
    stride = None if stride_h is None or stride_w is None else (stride_h, stride_w)
    kwargs = dict(kernel_size=(kh, kw), stride=stride, padding=(pad_h, pad_w), ceil_mode=ceil_mode,
                  count_include_pad=bool(rng.random() < 0.5))
    if rng.random() < 0.2:
        kwargs["divisor_override"] = int(rng.integers(1, 5))
    return OpCase([rng.standard_normal(_batch(rng, small) + (h, w))], kwargs)


def _avg_pool1d(rng, small):
    k, stride, padding, _, ceil_mode, length = _window(rng, small, False)
    kwargs = dict(kernel_size=k, stride=stride, padding=padding, ceil_mode=ceil_mode,
                  count_include_pad=bool(rng.random() < 0.5))
    return OpCase([rng.standard_normal(_batch(rng, small) + (length,))], kwargs)


def _adaptive(n):
    def sample(rng, small):
        high = 6 if small else 10
        size = tuple(int(s) for s in rng.integers(1, high, size=n))
        out = tuple(int(s) for s in rng.integers(1, high + 2, size=n))  # larger than the input too
        return OpCase([_values(rng, _batch(rng, small) + size)], {"output_size": out[0] if n == 1 else out})

    return sample


def _course(rng, small):
    kh, kw = (int(k) for k in rng.integers(1, 4, size=2))
    h, w = kh * int(rng.integers(1, 3 if small else 4)), kw * int(rng.integers(1, 3 if small else 4))
    return OpCase([rng.standard_normal((int(rng.integers(1, 3)), int(rng.integers(1, 3)), h, w))], {"kernel": (kh, kw)})


def _torch_tile(x, kernel):
    b, c, h, w = x.shape
    kh, kw = kernel
    blocks = x.reshape(b, c, h // kh, kh, w // kw, kw).permute(0, 1, 2, 4, 3, 5)  # (B, C, H', W', kh, kw)
    return blocks.reshape(b, c, h // kh, w // kw, kh * kw)


def _pool_edges(n, kind):
    """Explicit windows: ceil mode whose last window would start in the padding (dropped, as in
    PyTorch), a kernel as large as the input, stride > kernel, dilation with padding, all-equal
    values (ties), padding excluded from averages."""
    rng = np.random.default_rng(300 + n)

    def case(size, shape=(2, 3), values=None, **kwargs):
        x = rng.standard_normal(shape + size[:n]) if values is None else np.full(shape + size[:n], values)
        return OpCase([x], kwargs)

    def geometry(**kwargs):
        return {key: (value[0] if n == 1 else value) if isinstance(value, tuple) else value
                for key, value in kwargs.items()}

    cases = [
        case((5, 6), **geometry(kernel_size=(2, 3), stride=(2, 2), padding=(1, 1), ceil_mode=True)),
        case((4, 3), **geometry(kernel_size=(4, 3))),  # kernel = input
        case((7, 8), **geometry(kernel_size=(2, 2), stride=(3, 4))),  # stride > kernel
        case((3, 5), shape=(1,), **geometry(kernel_size=(3, 2), stride=(1, 2), padding=(1, 1), ceil_mode=True)),
    ]
    if kind == "max":
        cases += [
            case((6, 7), **geometry(kernel_size=(2, 3), dilation=(2, 3), padding=(1, 1), stride=(1, 2))),
            case((4, 4), values=0.0, **geometry(kernel_size=(2, 3), stride=(1, 1))),  # ties everywhere
        ]
    else:
        cases += [
            case((5, 6), **geometry(kernel_size=(3, 3), padding=(1, 1), ceil_mode=True, count_include_pad=False)),
        ]
        if n == 2:  # torch's avg_pool1d has no divisor_override
            cases.append(case((5, 5), kernel_size=(2, 2), divisor_override=3))
    return cases


def _adaptive_edges(n):
    """Output larger than the input, equal to it, of size 1, and windows that overlap (7 -> 3)."""
    rng = np.random.default_rng(400 + n)
    sizes = [((3, 2), (5, 4)), ((4, 5), (4, 5)), ((6, 3), (1, 1)), ((7, 9), (3, 4)), ((1, 1), (3, 2))]
    return [OpCase([rng.standard_normal((2, 2) + size[:n])], {"output_size": out[0] if n == 1 else out[:n]})
            for size, out in sizes]


_X4 = np.zeros((1, 1, 4, 4))
_POOL2D_ERRORS = (
    ErrorCase([_X4], {"kernel_size": 5}, ShapeError, ("kernel", "larger than the padded input", "(4, 4)")),
    ErrorCase([_X4], {"kernel_size": 3, "padding": 2}, ShapeError, ("padding", "half the kernel")),
    ErrorCase([_X4], {"kernel_size": 2, "stride": 0}, ShapeError, ("stride",)),
    ErrorCase([np.zeros((4, 4))], {"kernel_size": 2}, ShapeError, ("(N, C, H, W)", "(4, 4)")),
)
_POOL1D_ERRORS = (
    ErrorCase([np.zeros((1, 1, 3))], {"kernel_size": 4}, ShapeError, ("larger than the padded input",)),
    ErrorCase([np.zeros((1, 1, 5))], {"kernel_size": 2, "padding": 2}, ShapeError, ("half the kernel",)),
)

OPS = [
    OpSpec("max_pool2d", max_pool2d, F.max_pool2d, _max_pool2d, errors=_POOL2D_ERRORS, edges=_pool_edges(2, "max")),
    OpSpec("max_pool1d", max_pool1d, F.max_pool1d, _max_pool1d, errors=_POOL1D_ERRORS, edges=_pool_edges(1, "max")),
    OpSpec("avg_pool2d", avg_pool2d, F.avg_pool2d, _avg_pool2d, errors=_POOL2D_ERRORS, edges=_pool_edges(2, "avg")),
    OpSpec("avg_pool1d", avg_pool1d, F.avg_pool1d, _avg_pool1d, errors=_POOL1D_ERRORS, edges=_pool_edges(1, "avg")),
    OpSpec(
        "adaptive_avg_pool2d",
        adaptive_avg_pool2d,
        F.adaptive_avg_pool2d,
        _adaptive(2),
        errors=(ErrorCase([_X4], {"output_size": (0, 2)}, ShapeError, ("output_size",)),),
        edges=_adaptive_edges(2),
    ),
    OpSpec("adaptive_avg_pool1d", adaptive_avg_pool1d, F.adaptive_avg_pool1d, _adaptive(1), edges=_adaptive_edges(1)),
    OpSpec("adaptive_max_pool2d", adaptive_max_pool2d, F.adaptive_max_pool2d, _adaptive(2), edges=_adaptive_edges(2)),
    OpSpec("adaptive_max_pool1d", adaptive_max_pool1d, F.adaptive_max_pool1d, _adaptive(1), edges=_adaptive_edges(1)),
    OpSpec(
        "tile",
        lambda x, kernel: tile(x, kernel)[0],
        _torch_tile,
        _course,
        errors=(ErrorCase([np.zeros((1, 1, 4, 5))], {"kernel": (2, 2)}, ShapeError, ("tile", "divide", "(4, 5)")),),
    ),
    OpSpec("course_avgpool2d", avgpool2d, lambda x, kernel: F.avg_pool2d(x, kernel), _course),
    OpSpec("course_maxpool2d", maxpool2d, lambda x, kernel: F.max_pool2d(x, kernel), _course),
]
