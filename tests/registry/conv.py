"""Registry entries for convolution: conv1d/2d/3d, conv_transpose1d/2d, the course's conv and unroll."""

from __future__ import annotations

import numpy as np
import torch.nn.functional as F

import minitorch
from minitorch.errors import ShapeError
from minitorch.ops.conv import conv1d, conv2d, conv3d
from minitorch.ops.conv_transpose import conv_transpose1d, conv_transpose2d

from .spec import ErrorCase, OpCase, OpSpec


def _ints(rng, low, high, n):
    return tuple(int(v) for v in rng.integers(low, high + 1, n))


def _conv_sample(n):
    """Random shapes, strides, paddings (int, tuple, 'same', 'valid'), dilations, groups, bias."""

    def sample(rng, small):
        groups = int(rng.integers(1, 3))
        per_group_in, per_group_out = int(rng.integers(1, 3)), int(rng.integers(1, 3))
        batch = int(rng.integers(1, 3))
        kernel = _ints(rng, 1, 3, n)
        dilation = _ints(rng, 1, 2, n)
        stride = _ints(rng, 1, 2, n)
        style = int(rng.integers(0, 4))
        if style == 0:
            padding, stride = "same", (1,) * n
        elif style == 1:
            padding = "valid"
        else:
            padding = _ints(rng, 0, 2, n)
        pads = (0,) * n if isinstance(padding, str) else padding
        high = (6, 5, 4)[n - 1] if small else (12, 8, 5)[n - 1]
        size = tuple(
            max(int(rng.integers(1, high + 1)), d * (k - 1) + 1 - 2 * p) for k, d, p in zip(kernel, dilation, pads)
        )
        x = rng.standard_normal((batch, groups * per_group_in, *size))
        w = rng.standard_normal((groups * per_group_out, per_group_in, *kernel))
        inputs = [x, w] + ([rng.standard_normal(groups * per_group_out)] if rng.random() < 0.7 else [])
        return OpCase(inputs, {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups})

    return sample


def _transpose_sample(n):
    def sample(rng, small):
        groups = int(rng.integers(1, 3))
        per_group_in, per_group_out = int(rng.integers(1, 3)), int(rng.integers(1, 3))
        kernel = _ints(rng, 1, 3, n)
        stride = _ints(rng, 1, 3, n)
        dilation = _ints(rng, 1, 2, n)
        output_padding = tuple(int(rng.integers(0, max(s, d))) for s, d in zip(stride, dilation))
        high = (5, 4)[n - 1] if small else (8, 6)[n - 1]
        size = _ints(rng, 1, high, n)
        # padding small enough that every output size stays >= 1
        padding = tuple(
            int(rng.integers(0, max(0, ((i - 1) * s + d * (k - 1) + a) // 2) + 1))
            for i, s, d, k, a in zip(size, stride, dilation, kernel, output_padding)
        )
        x = rng.standard_normal((int(rng.integers(1, 3)), groups * per_group_in, *size))
        w = rng.standard_normal((groups * per_group_in, per_group_out, *kernel))
        inputs = [x, w] + ([rng.standard_normal(groups * per_group_out)] if rng.random() < 0.7 else [])
        kwargs = {
            "stride": stride,
            "padding": padding,
            "output_padding": output_padding,
            "groups": groups,
            "dilation": dilation,
        }
        return OpCase(inputs, kwargs)

    return sample


def _course_sample(n):
    def sample(rng, small):
        high = (7, 5)[n - 1] if small else (12, 8)[n - 1]
        size = _ints(rng, 1, high, n)
        channels, out_channels = int(rng.integers(1, 4)), int(rng.integers(1, 4))
        x = rng.standard_normal((int(rng.integers(1, 3)), channels, *size))
        w = rng.standard_normal((out_channels, channels, *_ints(rng, 1, 4, n)))
        return OpCase([x, w])

    return sample


def _course_reference(x, w):
    """The course's conv: zero-pad the high end by K - 1, then a valid cross-correlation."""
    kernel = w.shape[2:]
    pads = []
    for k in reversed(kernel):
        pads += [0, k - 1]
    return (F.conv1d if w.dim() == 3 else F.conv2d)(F.pad(x, pads), w)


def _unroll_sample(rng, small):
    width = int(rng.integers(1, 8 if small else 12))
    x = rng.standard_normal((int(rng.integers(1, 3)), int(rng.integers(1, 3)), width))
    return OpCase([x], {"K": int(rng.integers(1, 5))})


def _unroll_reference(x, K):
    """(B, C, W) -> (B, W, C * K) windows via torch's unfold on the right-padded signal."""
    padded = F.pad(x, (0, K - 1))
    windows = padded.unfold(2, K, 1)  # (B, C, W, K)
    return windows.permute(0, 2, 1, 3).reshape(x.shape[0], x.shape[2], x.shape[1] * K)


def _errors(op, n, transpose=False):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 4) + (5,) * n)
    kernel = (3,) * n
    good_w = rng.standard_normal(((4, 2) if transpose else (6, 4)) + kernel)
    cases = [
        # channel mismatch
        ErrorCase([x, rng.standard_normal(((3, 2) if transpose else (6, 3)) + kernel)], {}, ShapeError, [op, "C_in=4"]),
        # groups that do not divide the channels
        ErrorCase([x, good_w], {"groups": 3}, ShapeError, [op, "groups=3"]),
        # wrong ranks
        ErrorCase([x[0, 0], good_w], {}, ShapeError, [op, "dims"]),
        ErrorCase([x, good_w[0]], {}, ShapeError, [op, "weight"]),
    ]
    if not transpose:
        cases += [
            # kernel larger than the padded input
            ErrorCase(
                [x, rng.standard_normal((6, 4) + (7,) * n)], {}, ShapeError, [op, "larger than the padded input"]
            ),
            # 'same' with stride > 1
            ErrorCase([x, good_w], {"padding": "same", "stride": 2}, ShapeError, [op, "'same'", "stride"]),
        ]
    else:
        cases.append(ErrorCase([x, good_w], {"output_padding": 1}, ShapeError, [op, "output_padding"]))
    return cases


def _spec(name, ours, reference, sample, **extra):
    return OpSpec(name=name, ours=ours, reference=reference, sample=sample, **extra)


OPS = [
    _spec("conv1d", conv1d, F.conv1d, _conv_sample(1), errors=_errors("conv1d", 1)),
    _spec("conv2d", conv2d, F.conv2d, _conv_sample(2), errors=_errors("conv2d", 2)),
    _spec("conv3d", conv3d, F.conv3d, _conv_sample(3), errors=_errors("conv3d", 3)),
    _spec(
        "conv_transpose1d",
        conv_transpose1d,
        F.conv_transpose1d,
        _transpose_sample(1),
        errors=_errors("conv_transpose1d", 1, True),
    ),
    _spec(
        "conv_transpose2d",
        conv_transpose2d,
        F.conv_transpose2d,
        _transpose_sample(2),
        errors=_errors("conv_transpose2d", 2, True),
    ),
    _spec(
        "course_conv1d",
        minitorch.conv1d,
        _course_reference,
        _course_sample(1),
        errors=[ErrorCase([np.ones((1, 2, 5)), np.ones((1, 3, 2))], {}, ShapeError, ["conv1d", "C_in=2"])],
    ),
    _spec(
        "course_conv2d",
        minitorch.conv2d,
        _course_reference,
        _course_sample(2),
        errors=[ErrorCase([np.ones((1, 2, 5)), np.ones((1, 2, 2, 2))], {}, ShapeError, ["conv2d", "4 dims"])],
    ),
    _spec(
        "unroll",
        minitorch.unroll,
        _unroll_reference,
        _unroll_sample,
        errors=[ErrorCase([np.ones((2, 5))], {"K": 2}, ShapeError, ["unroll", "(2, 5)"])],
    ),
]
