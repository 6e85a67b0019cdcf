"""tinygrad_scalar.data.prep: Standardizer, standardize and one_hot."""

from __future__ import annotations

import math

import pytest
from data_helpers import column_stats

from tinygrad_scalar.data import Standardizer, make_blobs, one_hot, standardize, train_test_split


def test_standardizer_train_mean_zero_std_one_and_test_uses_train_stats():
    X, y = make_blobs(n=90, noise=2.0, rng=1)
    X_tr, X_te, _, _ = train_test_split(X, y, rng=2)
    scaler = Standardizer().fit(X_tr)
    means, stds = column_stats(scaler.transform(X_tr))
    assert means == pytest.approx([0.0, 0.0], abs=1e-12)
    assert stds == pytest.approx([1.0, 1.0])
    raw_means, raw_stds = column_stats(X_tr)
    assert scaler.mean == pytest.approx(raw_means)
    expected = [[(v - m) / s for v, m, s in zip(r, raw_means, raw_stds)] for r in X_te]
    got = scaler.transform(X_te)
    assert len(got) == len(expected)
    assert all(a == pytest.approx(b) for a, b in zip(got, expected))
    back = scaler.inverse_transform(scaler.transform(X_te))
    assert all(a == pytest.approx(b) for a, b in zip(back, X_te))


def test_standardizer_constant_column_is_centred_not_divided_by_zero():
    X = [[1.0, 0.1], [2.0, 0.1], [3.0, 0.1]]
    out = Standardizer().fit_transform(X)
    assert [r[1] for r in out] == [0.0, 0.0, 0.0]
    assert all(math.isfinite(v) for r in out for v in r)


def test_standardize_function():
    X_tr, X_te = standardize([[0.0, 10.0], [2.0, 30.0]], [[1.0, 50.0]])
    assert X_tr == [[-1.0, -1.0], [1.0, 1.0]] and X_te == [[0.0, 3.0]]
    assert standardize([[0.0], [2.0]]) == [[-1.0], [1.0]]


def test_standardizer_errors():
    with pytest.raises(ValueError, match=r"call fit\(\) before transform"):
        Standardizer().transform([[1.0]])
    scaler = Standardizer().fit([[1.0, 2.0]])
    with pytest.raises(ValueError, match=r"X\[0\] has 3 columns, expected 2"):
        scaler.transform([[1.0, 2.0, 3.0]])
    with pytest.raises(ValueError, match=r"Standardizer.fit: X is empty"):
        Standardizer().fit([])
    with pytest.raises(ValueError, match=r"X\[1\] has 1 columns, expected 2"):
        Standardizer().fit([[1.0, 2.0], [3.0]])
    with pytest.raises(TypeError, match=r"X\[0\]\[1\] must be a number, got 'a'"):
        Standardizer().fit([[1.0, "a"]])


def test_one_hot():
    assert one_hot([1, 0], k=3) == [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]
    assert one_hot([2, 0]) == [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    with pytest.raises(ValueError, match=r"y\[1\]=3 is out of range for k=3"):
        one_hot([0, 3], k=3)
    with pytest.raises(ValueError, match=r"one_hot: y\[0\] must be an int >= 0, got -1"):
        one_hot([-1])
    with pytest.raises(TypeError, match=r"y\[0\] must be an int, got 1\.0"):
        one_hot([1.0])
    with pytest.raises(ValueError, match=r"y is empty and k is not given"):
        one_hot([])
