"""Registry entries for convolution: conv1d/2d/3d, conv_transpose1d/2d/3d, the course's conv and unroll."""

from __future__ import annotations

import numpy as np
import torch.nn.functional as F

import minitorch
from minitorch.errors import ShapeError
from minitorch.ops.conv import conv1d, conv2d, conv3d
from minitorch.ops.conv_transpose import conv_transpose1d, conv_transpose2d, conv_transpose3d

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
        high = (5, 4, 3)[n - 1] if small else (8, 6, 4)[n - 1]
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


def _edge_builder(n, seed, transposed):
    """case(batch, c_in, size, c_out, kernel, bias, groups, **kwargs) -> OpCase, with sizes,
    kernels and tuple arguments written for 3 dims and cut to the first n."""
    rng = np.random.default_rng(seed)

    def case(batch, c_in, size, c_out, kernel, bias=True, groups=1, **kwargs):
        x = rng.standard_normal((batch, c_in) + size[:n])
        w_channels = (c_in, c_out // groups) if transposed else (c_out, c_in // groups)
        w = rng.standard_normal(w_channels + kernel[:n])
        inputs = [x, w] + ([rng.standard_normal(c_out)] if bias else [])
        cut = {key: value[:n] if isinstance(value, tuple) else value for key, value in kwargs.items()}
        return OpCase(inputs, {"groups": groups, **cut})

    return case


def _conv_edges(n):
    """Explicit geometries the random draws reach rarely: 'same' padding with even and dilated
    kernels (PyTorch pads the extra element on the high side), a kernel as large as the input, a
    dilated kernel spanning the input exactly, strides larger than the kernel, padding beyond
    half the kernel, depthwise groups, 1x1 kernels."""
    case = _edge_builder(n, 100 + n, transposed=False)
    return [
        case(1, 2, (5, 6, 4), 3, (2, 4, 2), padding="same"),
        case(2, 2, (7, 5, 4), 2, (2, 2, 3), padding="same", dilation=(3, 2, 1)),
        case(1, 1, (4, 5, 3), 2, (4, 2, 2), bias=False, padding="same", dilation=1),
        case(2, 3, (5, 4, 3), 4, (5, 4, 3)),  # kernel = input: one output position
        case(1, 1, (5, 5, 5), 1, (3, 3, 3), dilation=2),  # dilated kernel spans the input exactly
        case(2, 2, (7, 7, 5), 2, (2, 2, 2), stride=(3, 4, 2), padding=(1, 0, 1)),  # stride > kernel
        case(1, 2, (3, 4, 3), 2, (3, 3, 3), padding=(2, 1, 2)),  # padding > kernel // 2
        case(1, 4, (6, 5, 3), 8, (3, 3, 2), groups=4, padding=1),  # depthwise
        case(2, 3, (5, 5, 4), 4, (1, 1, 1), stride=2),  # 1x1 kernel, stride 2
    ]


def _transpose_edges(n):
    """Explicit transposed geometries: output_padding = stride - 1, stride > kernel, padding that
    leaves one output position, a single input position, groups with dilation."""
    case = _edge_builder(n, 200 + n, transposed=True)
    return [
        case(1, 2, (3, 2, 2), 3, (2, 2, 2), stride=(3, 3, 2), output_padding=(2, 1, 1)),
        case(2, 1, (2, 3, 2), 2, (3, 2, 3), stride=(2, 1, 2), padding=(2, 0, 1)),
        case(1, 2, (1, 1, 1), 2, (3, 3, 2), bias=False),  # one input position
        case(1, 4, (3, 3, 2), 4, (2, 3, 2), groups=2, dilation=(2, 2, 3), output_padding=(1, 0, 2), stride=(2, 1, 3)),
        case(2, 2, (4, 3, 3), 2, (1, 1, 1), stride=2),  # 1x1 kernel leaves gaps
    ]


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
    *(
        _spec(f"conv{n}d", op, ref, _conv_sample(n), errors=_errors(f"conv{n}d", n), edges=_conv_edges(n))
        for n, op, ref in ((1, conv1d, F.conv1d), (2, conv2d, F.conv2d), (3, conv3d, F.conv3d))
    ),
    *(
        _spec(f"conv_transpose{n}d", op, ref, _transpose_sample(n), errors=_errors(f"conv_transpose{n}d", n, True),
              edges=_transpose_edges(n))
        for n, op, ref in ((1, conv_transpose1d, F.conv_transpose1d), (2, conv_transpose2d, F.conv_transpose2d),
                           (3, conv_transpose3d, F.conv_transpose3d))
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
