"""tinygrad_scalar.data.toy: moons, circles, blobs, spirals and XOR."""

from __future__ import annotations

import collections
import math
import random

import pytest
from data_helpers import column_stats, mean

from tinygrad_scalar.data import make_blobs, make_circles, make_moons, make_spiral, make_xor

TWO_CLASS = [make_moons, make_circles, make_xor]
ALL_GENERATORS = [make_moons, make_circles, make_blobs, make_spiral, make_xor]


@pytest.mark.parametrize("gen", ALL_GENERATORS)
def test_generators_shapes_and_types(gen):
    X, y = gen(n=37)
    assert len(X) == len(y) == 37
    assert all(len(row) == 2 for row in X)
    assert all(type(v) is float for row in X for v in row)
    assert all(type(label) is int for label in y)


@pytest.mark.parametrize("gen", TWO_CLASS)
def test_two_class_generators_balanced_labels(gen):
    _, y = gen(n=101)
    counts = collections.Counter(y)
    assert set(counts) == {0, 1}
    assert abs(counts[0] - counts[1]) <= 1


@pytest.mark.parametrize("gen", [make_blobs, make_spiral])
def test_k_class_generators_split_n_evenly(gen):
    _, y = gen(n=14, k=4)
    assert collections.Counter(y) == {0: 4, 1: 4, 2: 3, 3: 3}


@pytest.mark.parametrize("gen", ALL_GENERATORS)
def test_generators_deterministic_and_seed_sensitive(gen):
    assert gen(n=50, rng=7) == gen(n=50, rng=7)
    assert gen(n=50, rng=7) == gen(n=50, rng=random.Random(7))
    assert gen(n=50, rng=7)[0] != gen(n=50, rng=8)[0]


@pytest.mark.parametrize("gen", ALL_GENERATORS)
def test_generators_advance_a_shared_random_and_leave_global_state(gen):
    state = random.getstate()
    shared = random.Random(3)
    first = gen(n=20, rng=shared)
    second = gen(n=20, rng=shared)
    assert first != second
    assert random.getstate() == state


@pytest.mark.parametrize("gen", ALL_GENERATORS)
def test_generators_shufflerows(gen):
    _, y = gen(n=60, noise=0.0, rng=0)
    # Not grouped by class: some label change happens before the last class block.
    changes = sum(1 for i in range(1, len(y)) if y[i] != y[i - 1])
    assert changes > len(set(y))


def test_moons_geometry_without_noise():
    X, y = make_moons(n=41, noise=0.0, rng=5)
    assert y.count(0) == 20 and y.count(1) == 21
    for (a, b), label in zip(X, y):
        if label == 0:  # upper half of the unit circle
            assert math.isclose(a * a + b * b, 1.0)
            assert b >= -1e-12
        else:  # lower half circle centred at (1, 0.5)
            assert math.isclose((a - 1.0) ** 2 + (b - 0.5) ** 2, 1.0)
            assert b <= 0.5 + 1e-12
    ends = {(round(a, 9) + 0.0, round(b, 9) + 0.0) for a, b in X}
    assert {(1.0, 0.0), (-1.0, 0.0), (0.0, 0.5), (2.0, 0.5)} <= ends


def test_moons_noise_changes_spread_and_class_means_differ():
    X, y = make_moons(n=400, noise=0.1, rng=1)
    mean0 = [mean(r[i] for r, c in zip(X, y) if c == 0) for i in range(2)]
    mean1 = [mean(r[i] for r, c in zip(X, y) if c == 1) for i in range(2)]
    # Noise-free class means: (0, 2/pi) and (1, 0.5 - 2/pi).
    assert mean0[0] == pytest.approx(0.0, abs=0.05)
    assert mean1[0] == pytest.approx(1.0, abs=0.05)
    assert mean0[1] == pytest.approx(2 / math.pi, abs=0.05)
    assert mean1[1] == pytest.approx(0.5 - 2 / math.pi, abs=0.05)
    radial = [abs(math.hypot(a, b) - 1.0) for (a, b), c in zip(X, y) if c == 0]
    assert 0.03 < mean(radial) < 0.15


def test_circles_radii():
    X, y = make_circles(n=50, noise=0.0, factor=0.3, rng=2)
    for row, label in zip(X, y):
        assert math.isclose(math.hypot(*row), 1.0 if label == 0 else 0.3)


def test_circles_factor_zero_collapses_inner_circle():
    X, y = make_circles(n=10, noise=0.0, factor=0.0)
    assert all(row == [0.0, 0.0] for row, label in zip(X, y) if label == 1)


def test_blobs_random_centers_and_spread():
    X, y = make_blobs(n=600, k=3, noise=0.5, rng=4)
    for label in range(3):
        rows = [r for r, c in zip(X, y) if c == label]
        means, stds = column_stats(rows)
        assert all(-11.5 < m < 11.5 for m in means)
        assert all(s == pytest.approx(0.5, rel=0.2) for s in stds)


def test_blobs_given_centers():
    centers = [[0.0, 0.0, 0.0], [10.0, -10.0, 5.0]]
    X, y = make_blobs(n=400, noise=0.2, rng=1, centers=centers)
    assert all(len(r) == 3 for r in X)
    for label, center in enumerate(centers):
        means, _ = column_stats([r for r, c in zip(X, y) if c == label])
        assert means == pytest.approx(center, abs=0.1)
    assert make_blobs(n=4, k=2, noise=0.0, centers=centers)[1].count(1) == 2


def test_spiral_geometry_without_noise():
    X, y = make_spiral(n=60, k=3, noise=0.0, rng=3)
    for (a, b), label in zip(X, y):
        r = math.hypot(a, b)
        assert r <= 1.0 + 1e-12
        if r > 1e-9:  # angle t = 4 * label + 4 * r, measured as atan2(x, y)
            diff = math.atan2(a, b) - (4.0 * label + 4.0 * r)
            assert math.isclose(math.cos(diff), 1.0, abs_tol=1e-9)


def test_xor_labels_follow_quadrants():
    X, y = make_xor(n=200, noise=0.0, rng=9)
    assert all(0 < abs(v) <= 1.0 for row in X for v in row)
    for (a, b), label in zip(X, y):
        assert label == int((a > 0) != (b > 0))
    quadrants = collections.Counter((a > 0, b > 0) for a, b in X)
    assert sorted(quadrants.values()) == [50, 50, 50, 50]


@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda: make_moons(n=0), ValueError, r"make_moons: n must be an int >= 2, got 0"),
        (lambda: make_moons(n=2.5), TypeError, r"make_moons: n must be an int.*2\.5"),
        (lambda: make_moons(n=True), TypeError, r"n must be an int, got True"),
        (lambda: make_moons(noise=-0.1), ValueError, r"noise must be >= 0.*-0\.1"),
        (lambda: make_xor(noise=math.nan), ValueError, r"make_xor: noise.*nan"),
        (lambda: make_xor(noise="0.1"), TypeError, r"make_xor: noise must be a number, got '0\.1' \(str\)"),
        (lambda: make_moons(rng="seed"), TypeError, r"rng must be.*'seed'"),
        (lambda: make_moons(rng=1.5), TypeError, r"rng must be.*1\.5"),
        (lambda: make_circles(factor=1.0), ValueError, r"factor must be in.*1\.0"),
        (lambda: make_spiral(k=1), ValueError, r"make_spiral: k must be an int >= 2, got 1"),
        (lambda: make_spiral(n=2, k=3), ValueError, r"make_spiral: n must be an int >= 3, got 2"),
        (lambda: make_blobs(k=1), ValueError, r"make_blobs: k must be an int >= 2, got 1"),
        (
            lambda: make_blobs(k=3, centers=[[0, 0], [1, 1]]),
            ValueError,
            r"k=3 does not match the 2 centers",
        ),
        (
            lambda: make_blobs(centers=[[0, 0], [1]]),
            ValueError,
            r"centers\[1\] has length 1, expected 2",
        ),
        (
            lambda: make_blobs(centers=[[0, 0], [1, math.inf]]),
            ValueError,
            r"centers\[1\]\[1\] must be finite",
        ),
        (lambda: make_blobs(centers=[[0, 0]]), ValueError, r"at least 2 points"),
    ],
)
def test_generator_argument_errors(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
