"""F.interpolate beyond the registry (tests/registry/interpolate.py): the nearest modes' samples
chosen exactly as PyTorch chooses them in float32 and float64, float32 results, the geometries
where PyTorch's backward is not its forward's adjoint (ours is, by central differences), the
deprecated faces, and the `nn.Upsample` layers."""

from __future__ import annotations

import inspect
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import minitorch
import minitorch.nn.functional as F
from minitorch import nn
from minitorch.autodiff.grad_check import tensor_central_difference
from minitorch.errors import DTypeError

from .helpers import to_numpy

FACTORS = [0.3, 0.5, 0.7, 1.0, 1.1, 1.2, 1.5, 2.0, 2.01, 2.1, 2.3, 2.5, 3.0, 3.3, 1 / 3, 2 / 3]


def _arange(shape, dtype):
    """Each sample's value is its index along the last dim: the output shows which were read."""
    return np.broadcast_to(np.arange(shape[-1], dtype=dtype), shape).copy()


@pytest.mark.parametrize("mode", ["nearest", "nearest-exact"])
@pytest.mark.parametrize("dims", [1, 2, 3])
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
def test_nearest_reads_the_samples_torch_reads(mode, dims, dtype):
    checked = 0
    for in_size in [*range(1, 12), 37, 62, 65, 100, 513]:  # 2-D: H_out + W_out <= 128 or not; rounding
        calls = [{"scale_factor": (1.0,) * (dims - 1) + (f,)} for f in FACTORS]
        calls += [{"scale_factor": f, "recompute_scale_factor": True} for f in (0.7, 1.3, 2.3)]
        calls += [{"size": (1,) * (dims - 1) + (o,)} for o in [*range(1, 25), 3 * in_size - 1, 3 * in_size + 1]]
        for kwargs in calls:
            shape = (1, 1) + (1,) * (dims - 1) + (in_size,)
            x = _arange(shape, dtype)
            try:
                expected = TF.interpolate(torch.from_numpy(x), mode=mode, **kwargs).numpy()
            except RuntimeError:  # an empty output
                continue
            got = to_numpy(F.interpolate(minitorch.from_numpy(x), mode=mode, **kwargs))
            assert got.dtype == dtype
            np.testing.assert_array_equal(got, expected, err_msg=f"{mode} {shape} {kwargs}")
            checked += 1
    assert checked > 450


@pytest.mark.parametrize(
    "shape,kwargs",
    [
        ((2, 3, 9), {"size": 4, "mode": "linear"}),
        ((2, 3, 5, 7), {"scale_factor": 1.7, "mode": "bilinear", "align_corners": True}),
        ((2, 3, 5, 7), {"scale_factor": (0.6, 2.2), "mode": "bicubic"}),
        ((2, 3, 11, 13), {"size": (4, 5), "mode": "bicubic", "antialias": True}),
        ((2, 3, 3, 4, 5), {"scale_factor": 1.5, "mode": "trilinear"}),
        ((2, 3, 7, 9), {"size": (3, 4), "mode": "area"}),
    ],
)
def test_float32_matches_torch_float32(shape, kwargs):
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    got = F.interpolate(minitorch.from_numpy(x), **kwargs)
    assert got.dtype == np.float32
    np.testing.assert_allclose(to_numpy(got), TF.interpolate(torch.from_numpy(x), **kwargs).numpy(), rtol=1e-5, atol=1e-5)


def _central_difference_check(shape, kwargs):
    rng = np.random.default_rng(7)
    x = minitorch.from_numpy(rng.standard_normal(shape))
    x.requires_grad_(True)
    out = F.interpolate(x, **kwargs)
    weights = minitorch.from_numpy(rng.standard_normal(out.shape))
    (out * weights).sum().backward()
    for flat in range(int(np.prod(shape))):
        ind = tuple(int(i) for i in np.unravel_index(flat, shape))
        expected = tensor_central_difference(lambda t: F.interpolate(t, **kwargs) * weights, x, arg=0, ind=ind)
        assert float(to_numpy(x.grad)[ind]) == pytest.approx(expected, rel=1e-5, abs=1e-7), ind
    return x.grad


@pytest.mark.parametrize(
    "shape,kwargs",
    [
        ((1, 2, 3), {"scale_factor": 2.3, "mode": "nearest"}),  # O = 2 I: torch's backward reads o // 2
        ((1, 1, 2, 2, 3), {"scale_factor": 1.2, "mode": "nearest"}),  # O = I: torch's backward copies
        ((1, 2, 3, 3), {"scale_factor": 1.2, "mode": "bicubic"}),
        ((1, 2, 3, 4), {"scale_factor": (1.2, 0.5), "mode": "bilinear", "antialias": True}),
    ],
)
def test_where_torch_backward_is_not_its_forward_adjoint_ours_is(shape, kwargs):
    x = np.random.default_rng(3).standard_normal(shape)
    expected = TF.interpolate(torch.from_numpy(x), **kwargs).numpy()
    np.testing.assert_allclose(to_numpy(F.interpolate(minitorch.from_numpy(x), **kwargs)), expected, atol=1e-12)
    torch_x = torch.from_numpy(x).requires_grad_()
    TF.interpolate(torch_x, **kwargs).sum().backward()
    ours = _central_difference_check(shape, kwargs)
    ones = minitorch.from_numpy(x)
    ones.requires_grad_(True)
    F.interpolate(ones, **kwargs).sum().backward()
    assert not np.allclose(to_numpy(ones.grad), torch_x.grad.numpy()), "torch agrees now: move the case to the registry"
    assert ours.shape == shape


def test_antialias_to_width_one_is_torch_on_the_transposed_input():
    # torch's anti-aliased kernel returns zeros for an output width of 1 under a changed height
    # (torch 2.x CPU); the transposed resize, which torch computes right, is the oracle
    x = np.random.default_rng(1).standard_normal((2, 3, 4, 6))
    for mode in ("bilinear", "bicubic", "lanczos"):
        ours = F.interpolate(minitorch.from_numpy(x), size=(7, 1), mode=mode, antialias=True)
        expected = TF.interpolate(torch.from_numpy(x).transpose(2, 3), size=(1, 7), mode=mode, antialias=True)
        np.testing.assert_allclose(to_numpy(ours), expected.transpose(2, 3).numpy(), atol=1e-12)


def test_area_to_an_empty_size_is_empty_as_in_torch():
    x = minitorch.from_numpy(np.ones((2, 3, 4)))
    assert F.interpolate(x, size=0, mode="area").shape == (2, 3, 0)
    assert F.interpolate(x, scale_factor=0.2, mode="area").shape == tuple(
        TF.interpolate(torch.ones(2, 3, 4), scale_factor=0.2, mode="area").shape
    )


def test_an_unchanged_size_is_a_copy_with_a_gradient():
    x = minitorch.from_numpy(np.arange(6.0).reshape(1, 2, 3))
    x.requires_grad_(True)
    out = F.interpolate(x, size=3, mode="linear")
    assert out is not x and to_numpy(out).tolist() == to_numpy(x).tolist()
    out.sum().backward()
    assert to_numpy(x.grad).tolist() == [[[1.0] * 3] * 2]


def test_integer_and_non_tensor_inputs_are_refused():
    with pytest.raises(DTypeError, match="interpolate.*int64.*float"):
        F.interpolate(minitorch.tensor([[[1, 2]]], dtype="int64"), size=4)
    with pytest.raises(DTypeError, match="interpolate.*Tensor"):
        F.interpolate(np.zeros((1, 1, 2)), size=4)


@pytest.mark.parametrize(
    "face,kwargs,equivalent",
    [
        (F.upsample, {"scale_factor": 2, "mode": "bilinear"}, {"scale_factor": 2, "mode": "bilinear"}),
        (F.upsample_nearest, {"size": (5, 3)}, {"size": (5, 3), "mode": "nearest"}),
        (F.upsample_bilinear, {"scale_factor": 1.5}, {"scale_factor": 1.5, "mode": "bilinear", "align_corners": True}),
    ],
)
def test_deprecated_faces_warn_and_are_interpolate(face, kwargs, equivalent):
    x = minitorch.from_numpy(np.random.default_rng(0).standard_normal((1, 2, 3, 4)))
    with pytest.warns(UserWarning, match="deprecated.*interpolate"):
        out = face(x, **kwargs)
    np.testing.assert_array_equal(to_numpy(out), to_numpy(F.interpolate(x, **equivalent)))


def test_zero_insertion_keeps_its_own_name():
    x = minitorch.tensor([[[1.0, 2.0]]])
    assert to_numpy(F.upsample_zeros(x, 2)).tolist() == [[[1.0, 0.0, 2.0]]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert to_numpy(F.upsample(x, scale_factor=2)).tolist() == [[[1.0, 1.0, 2.0, 2.0]]]


LAYERS = [
    ("Upsample", {"scale_factor": 2}),
    ("Upsample", {"scale_factor": (2, 1.5), "mode": "bilinear", "align_corners": True}),
    ("Upsample", {"size": (3, 5), "mode": "bicubic"}),
    ("Upsample", {"size": 4, "mode": "nearest-exact"}),
    ("Upsample", {"scale_factor": 0.5, "mode": "area", "recompute_scale_factor": True}),
    ("UpsamplingNearest2d", {"scale_factor": 2}),
    ("UpsamplingNearest2d", {"size": (5, 3)}),
    ("UpsamplingBilinear2d", {"size": 3}),
    ("UpsamplingBilinear2d", {"scale_factor": 1.5}),
]


@pytest.mark.parametrize("name,kwargs", LAYERS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(LAYERS)])
def test_upsample_layers_are_torch_layers(name, kwargs):
    ours, theirs = getattr(nn, name)(**kwargs), getattr(torch.nn, name)(**kwargs)
    assert repr(ours) == repr(theirs)
    assert (ours.size, ours.scale_factor, ours.mode, ours.align_corners) == (
        theirs.size, theirs.scale_factor, theirs.mode, theirs.align_corners,
    )
    assert ours.state_dict() == {} and list(ours.parameters()) == []
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 6))
    t = minitorch.from_numpy(x)
    t.requires_grad_(True)
    out = ours(t)
    np.testing.assert_allclose(to_numpy(out), theirs(torch.from_numpy(x)).numpy(), atol=1e-12)
    out.sum().backward()
    assert t.grad.shape == t.shape


@pytest.mark.parametrize("name", ["Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d"])
def test_upsample_layer_arguments_are_torch_arguments(name):
    ours = inspect.signature(getattr(nn, name).__init__).parameters
    theirs = inspect.signature(getattr(torch.nn, name).__init__).parameters
    assert list(ours) == list(theirs)
    assert [p.default for p in ours.values()] == [p.default for p in theirs.values()]
