"""tinygrad_scalar.data.split: train_test_split and batches."""

from __future__ import annotations

import collections
import random

import pytest
from data_helpers import rows

from tinygrad_scalar.data import batches, load_iris, train_test_split


def test_split_sizes_partition_and_alignment():
    X = rows(20)
    y = list(range(20))
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, rng=1)
    assert (len(X_tr), len(X_te)) == (15, 5)
    assert sorted(y_tr + y_te) == y
    assert all(row[0] == label for row, label in zip(X_tr + X_te, y_tr + y_te))
    assert len(train_test_split(X, y, test_size=0.33)[1]) == 7  # ceil(6.6)
    assert len(train_test_split(X, y, test_size=3)[1]) == 3


def test_split_is_seeded_and_copiesrows():
    X, y = rows(30), [i % 2 for i in range(30)]
    assert train_test_split(X, y, rng=5) == train_test_split(X, y, rng=5)
    assert train_test_split(X, y, rng=5) != train_test_split(X, y, rng=6)
    X_tr = train_test_split(X, y, rng=5)[0]
    X_tr[0][0] = 1e9
    assert all(row[0] != 1e9 for row in X)


def test_split_stratified_keeps_proportions():
    y = [0] * 60 + [1] * 30 + [2] * 10
    X = [[float(i)] for i in range(100)]
    for seed in range(5):
        _, _, y_tr, y_te = train_test_split(
            X, y, test_size=0.2, rng=seed, stratify=True
        )
        assert collections.Counter(y_te) == {0: 12, 1: 6, 2: 2}
        assert collections.Counter(y_tr) == {0: 48, 1: 24, 2: 8}


def test_split_stratified_rounding_sums_to_test_size():
    iris = load_iris()
    _, X_te, _, y_te = train_test_split(iris.X, iris.y, test_size=0.3, stratify=True)
    assert len(X_te) == 45
    assert collections.Counter(y_te) == {0: 15, 1: 15, 2: 15}
    y = [0] * 7 + [1] * 5 + [2] * 3
    _, _, _, y_te = train_test_split(rows(15), y, test_size=4, stratify=True)
    counts = collections.Counter(y_te)
    assert sum(counts.values()) == 4
    for label, total in ((0, 7), (1, 5), (2, 3)):
        assert abs(counts[label] - 4 * total / 15) < 1


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"X": rows(3), "y": [0, 1]}, ValueError, r"len\(X\)=3 and len\(y\)=2"),
        ({"X": [], "y": []}, ValueError, r"X and y are empty"),
        ({"X": rows(1), "y": [0]}, ValueError, r"at least 2 rows.*got 1"),
        (
            {"X": rows(4), "y": [0] * 4, "test_size": 0.0},
            ValueError,
            r"test_size=0\.0",
        ),
        (
            {"X": rows(4), "y": [0] * 4, "test_size": 1.0},
            ValueError,
            r"test_size=1\.0",
        ),
        ({"X": rows(4), "y": [0] * 4, "test_size": 4}, ValueError, r"between 1 and 3"),
        ({"X": rows(4), "y": [0] * 4, "test_size": 0}, ValueError, r"between 1 and 3"),
        ({"X": rows(4), "y": [0] * 4, "test_size": 0.9}, ValueError, r"empty part"),
        ({"X": rows(4), "y": [0] * 4, "test_size": "1"}, TypeError, r"test_size must"),
        (
            {"X": rows(4), "y": [0, 0, 0, 1], "stratify": True},
            ValueError,
            r"class 1 has only 1 row",
        ),
    ],
)
def test_split_errors(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        train_test_split(**kwargs)


def test_batches_cover_every_row_once_with_partial_last_batch():
    X, y = rows(23), list(range(23))
    got = list(batches(X, y, 5, rng=3))
    assert [len(yb) for _, yb in got] == [5, 5, 5, 5, 3]
    seen = [label for _, yb in got for label in yb]
    assert sorted(seen) == y and seen != y
    assert all(row[0] == label for xb, yb in got for row, label in zip(xb, yb))


def test_batches_seeding_and_shuffle_false():
    X, y = rows(10), list(range(10))

    def order(**kw):
        return [label for _, yb in batches(X, y, 4, **kw) for label in yb]

    assert order(rng=1) == order(rng=1)
    assert order(rng=1) != order(rng=2)
    shared = random.Random(1)
    assert order(rng=shared) != order(rng=shared)  # new order each epoch
    assert order(shuffle=False) == y
    assert len(list(batches(X, y, 100))) == 1


def test_batches_errors_raise_at_call():
    with pytest.raises(ValueError, match=r"batches: .*len\(X\)=3 and len\(y\)=4"):
        batches(rows(3), [0] * 4, 2)
    with pytest.raises(ValueError, match=r"batches: batch_size must be an int >= 1, got 0"):
        batches(rows(3), [0] * 3, 0)
    with pytest.raises(TypeError, match=r"batch_size must be an int, got 2\.0"):
        batches(rows(3), [0] * 3, 2.0)
    with pytest.raises(TypeError, match=r"batches: rng must be"):
        batches(rows(3), [0] * 3, 2, rng="x", shuffle=False)
