"""Shipped and generated data sets: 8x8 digits (equal to scikit-learn's copy) and MNIST-1D."""

import numpy as np
import pytest
import sklearn.datasets
from scipy import ndimage

from minitorch.data import DatasetError, load_digits, load_mnist1d, make_mnist1d, mnist1d_templates
from minitorch.data.digits import DIGITS_FILE
from minitorch.data.mnist1d import _gaussian_kernel, _smooth


def test_shipped_digits_equal_scikit_learns_copy():
    theirs = sklearn.datasets.load_digits()
    x, y = load_digits("all")
    np.testing.assert_array_equal(x * 16.0, theirs.images)
    np.testing.assert_array_equal(y, theirs.target)
    assert x.dtype == np.float64 and y.dtype == np.int64
    licence = (DIGITS_FILE.parent / "DIGITS-LICENSE.txt").read_text()
    assert "CC BY 4.0" in licence and "Alpaydin" in licence and "10.24432/C50P49" in licence


def test_digits_split_is_stratified_deterministic_and_scaled():
    x_train, y_train = load_digits("train", seed=3)
    x_test, y_test = load_digits("test", seed=3)
    assert x_train.shape == (1438, 8, 8) and x_test.shape == (359, 8, 8)
    assert y_train.dtype == np.int64 and 0.0 <= x_train.min() and x_train.max() == 1.0
    counts_all = np.bincount(np.concatenate([y_train, y_test]))
    np.testing.assert_allclose(np.bincount(y_test) / counts_all, 0.2, atol=0.01)
    again, _ = load_digits("test", seed=3)
    np.testing.assert_array_equal(again, x_test)
    other, _ = load_digits("test", seed=4)
    assert not np.array_equal(other, x_test)
    assert load_digits("all", flatten=True)[0].shape == (1797, 64)
    with pytest.raises(DatasetError, match="split"):
        load_digits("dev")


def test_mnist1d_shapes_labels_and_determinism():
    data = make_mnist1d(num_samples=500)
    assert data["x"].shape == (400, 40) and data["x_test"].shape == (100, 40)
    assert data["y"].dtype == np.int64 and set(np.unique(data["y"])) == set(range(10))
    x, y = load_mnist1d("test", num_samples=500)
    np.testing.assert_array_equal(x, data["x_test"])
    x[0, 0] = 123.0  # callers get copies, not the cache
    assert make_mnist1d(num_samples=500)["x_test"][0, 0] != 123.0
    all_x = np.concatenate([data["x"], data["x_test"]])
    assert abs(all_x.mean()) < 1e-9 and abs(all_x.std() - 1.0) < 1e-9
    assert not np.array_equal(make_mnist1d(num_samples=500, seed=1)["x"], data["x"])


def test_mnist1d_default_size_and_known_values():
    x, y = load_mnist1d("train")
    assert x.shape == (4000, 40) and y.shape == (4000,)
    # Regression values of the reference procedure (seed 42), checked against it with scipy.
    np.testing.assert_array_equal(y[:10], [2, 6, 4, 5, 6, 6, 6, 0, 3, 1])
    np.testing.assert_allclose(x[0, :3], [-0.33200567, -0.47191037, -0.77869708], atol=1e-7)


def test_mnist1d_templates_start_at_zero():
    templates = mnist1d_templates()
    assert templates.shape == (10, 12)
    np.testing.assert_array_equal(templates[:, 0], 0.0)


def test_smoothing_matches_scipy_gaussian_filter():
    noise = np.random.default_rng(0).standard_normal(72)
    np.testing.assert_allclose(_smooth(noise, _gaussian_kernel(2.0)), ndimage.gaussian_filter(noise, 2), atol=1e-12)


def test_mnist1d_refuses_unknown_arguments():
    with pytest.raises(DatasetError, match="unknown arguments"):
        make_mnist1d(num_sample=10)
    with pytest.raises(DatasetError, match="split"):
        load_mnist1d("valid")
