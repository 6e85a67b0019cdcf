"""Data preparation takes NumPy arrays; the generators and splits take scikit-learn's names."""

from __future__ import annotations

import pytest

from tinygrad_scalar.data import (
    batches,
    make_blobs,
    make_circles,
    make_moons,
    make_spiral,
    make_xor,
    one_hot,
    standardize,
    train_test_split,
)


@pytest.mark.parametrize("make", [make_moons, make_circles, make_spiral, make_xor, make_blobs])
def test_generators_take_n_samples_and_random_state(make):
    assert make(n_samples=12, random_state=3) == make(12, rng=3)
    with pytest.raises(TypeError, match=f"{make.__name__}: give n or its alias n_samples"):
        make(12, n_samples=12)
    with pytest.raises(TypeError, match="give rng or its alias random_state, not both"):
        make(n_samples=12, rng=1, random_state=1)


def test_make_circles_keeps_factor_and_noise():
    assert make_circles(n_samples=10, noise=0.0, factor=0.3, random_state=0) == make_circles(
        10, 0.0, 0.3, rng=0)


def test_make_blobs_takes_centers_as_a_count_and_cluster_std():
    X, y = make_blobs(n_samples=20, centers=4, cluster_std=0.5, random_state=1)
    assert (X, y) == make_blobs(20, k=4, noise=0.5, rng=1)
    with pytest.raises(TypeError, match="k or centers"):
        make_blobs(20, k=3, centers=3)
    with pytest.raises(TypeError, match="give noise or its alias cluster_std"):
        make_blobs(20, noise=1.0, cluster_std=1.0)


def test_train_test_split_takes_random_state_and_stratify_labels():
    X = [[float(i)] for i in range(12)]
    y = [0] * 6 + [1] * 6
    assert train_test_split(X, y, test_size=0.5, random_state=2, stratify=True) == \
        train_test_split(X, y, test_size=0.5, rng=2, stratify=True)
    assert train_test_split(X, y, test_size=0.5, rng=2, stratify=y) == \
        train_test_split(X, y, test_size=0.5, rng=2, stratify=True)
    groups = [0, 1] * 6
    _, X_te, _, _ = train_test_split(X, y, test_size=0.5, rng=0, stratify=groups)
    assert sorted(int(r[0]) % 2 for r in X_te) == [0, 0, 0, 1, 1, 1]
    assert train_test_split(X, y, rng=0, stratify=None) == train_test_split(X, y, rng=0)
    with pytest.raises(ValueError, match="stratify has 3 labels for 12 rows"):
        train_test_split(X, y, stratify=[0, 1, 0])
    with pytest.raises(TypeError, match="stratify must be a bool or a sequence of labels"):
        train_test_split(X, y, stratify=1.5)
    with pytest.raises(TypeError, match="give rng or its alias random_state"):
        train_test_split(X, y, 0.5, 0, random_state=0)


def test_splits_and_batches_take_tuples_and_ranges():
    X, y = tuple((float(i),) for i in range(6)), range(6)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=2, rng=0)
    assert sorted(y_tr + y_te) == list(range(6)) and all(type(r) is list for r in X_tr)
    assert [yb for _, yb in batches(X, y, 4, shuffle=False)] == [[0, 1, 2, 3], [4, 5]]


class TestWithNumPy:
    np = None

    @pytest.fixture(autouse=True)
    def numpy(self):
        TestWithNumPy.np = pytest.importorskip("numpy", reason="NumPy is optional; these "
                                                             "tests check its types")

    def test_split_batches_standardize_one_hot_take_arrays_and_give_lists(self):
        np = self.np
        X, y = make_moons(n_samples=20, random_state=0)
        Xa, ya = np.asarray(X), np.asarray(y)
        parts = train_test_split(Xa, ya, test_size=0.25, random_state=0, stratify=ya)
        assert parts == train_test_split(X, y, test_size=0.25, rng=0, stratify=True)
        assert all(type(p) is list for p in parts)
        assert type(parts[0][0][0]) is float and type(parts[2][0]) is int
        got = list(batches(Xa, ya, 8, rng=1))
        assert got == list(batches(X, y, 8, rng=1))
        assert standardize(Xa) == standardize(X)
        assert type(standardize(Xa)[0][0]) is float
        assert one_hot(np.array([0, 2, 1])) == one_hot([0, 2, 1])
        Xb, yb = make_blobs(n_samples=9, centers=np.array([[0.0, 0.0], [5.0, 5.0]]),
                            random_state=0)
        assert (Xb, yb) == make_blobs(9, centers=[[0.0, 0.0], [5.0, 5.0]], rng=0)

    def test_numpy_integers_as_sizes_and_seeds(self):
        np = self.np
        assert make_moons(n_samples=np.int64(10), random_state=np.int64(0)) == make_moons(10,
                                                                                           rng=0)
