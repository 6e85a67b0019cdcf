"""nn.losses: known values, central differences, stability, and the errors they promise."""

from __future__ import annotations

import math
import random

import pytest
from checks import differences
from hypothesis import given, settings
from hypothesis import strategies as st

from tinygrad_scalar import Value
from tinygrad_scalar.losses import binary_cross_entropy, hinge, l2, mse, softmax_cross_entropy

H = 1e-6


def central_grad(f, xs):
    """d f / d xs by central differences, f taking a list of floats."""
    return differences(f, xs, H)


def engine_grad(build, xs):
    vs = [Value(x) for x in xs]
    loss = build(vs)
    loss.backward()
    return loss.data, [v.grad for v in vs]


def assert_close(a, b, tol=1e-5):
    assert len(a) == len(b)
    for x, y in zip(a, b):
        assert abs(x - y) <= tol * max(1.0, abs(y)), (a, b)


# ---------------------------------------------------------------- known values
def test_mse_known_value_and_gradient():
    data, grads = engine_grad(lambda v: mse(v, [1.0, -1.0, 0.5]), [2.0, 1.0, 0.5])
    assert data == pytest.approx((1 + 4 + 0) / 3)
    assert grads == pytest.approx([2 * 1 / 3, 2 * 2 / 3, 0.0])


def test_mse_several_outputs_per_sample_and_value_targets():
    t = Value(3.0)
    p = [[Value(1.0), Value(2.0)], [Value(0.0), Value(0.0)]]
    loss = mse(p, [[0.0, t], [1.0, 1.0]])
    loss.backward()
    assert loss.data == pytest.approx((1 + 1 + 1 + 1) / 4)
    assert t.grad == pytest.approx(-2 * (2 - 3) / 4)


def test_bce_matches_the_textbook_formula():
    rng = random.Random(3)
    for _ in range(20):
        z, y = rng.uniform(-6, 6), rng.choice([0, 1])
        s = 1 / (1 + math.exp(-z))
        want = -(y * math.log(s) + (1 - y) * math.log(1 - s))
        zv = Value(z)
        loss = binary_cross_entropy(zv, y)
        loss.backward()
        assert loss.data == pytest.approx(want, rel=1e-12)
        assert zv.grad == pytest.approx(s - y, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("y", [0, 1])
def test_bce_gradient_at_zero_is_sigmoid_minus_label(y):
    z = Value(0.0)
    binary_cross_entropy(z, y).backward()
    assert z.grad == 0.5 - y


@pytest.mark.parametrize("z", [40.0, 800.0, 1e6, -40.0, -800.0, -1e6])
def test_bce_is_stable_for_huge_logits(z):
    for y in (0, 1):
        zv = Value(z)
        loss = binary_cross_entropy(zv, y)
        loss.backward()
        wrong = (z > 0) != (y == 1)
        assert loss.data == pytest.approx(abs(z) if wrong else 0.0, abs=1e-15)
        assert zv.grad == pytest.approx((1.0 if z > 0 else 0.0) - y, abs=1e-15)


def test_softmax_cross_entropy_known_value():
    z = [1.0, 2.0, 3.0]
    e = [math.exp(v) for v in z]
    want = -math.log(e[1] / sum(e))
    data, grads = engine_grad(lambda v: softmax_cross_entropy(v, 1), z)
    assert data == pytest.approx(want, rel=1e-12)
    assert grads == pytest.approx([e[0] / sum(e), e[1] / sum(e) - 1, e[2] / sum(e)])


def test_softmax_cross_entropy_is_stable_and_shift_invariant():
    base = [0.3, -1.2, 2.0]
    ref = softmax_cross_entropy(base, 2).data
    for shift in (1000.0, -1000.0, 1e6):
        assert softmax_cross_entropy([b + shift for b in base], 2).data == pytest.approx(ref)
    assert softmax_cross_entropy([0.0, 1e4], 0).data == pytest.approx(1e4)


def test_batch_loss_is_the_mean_of_sample_losses():
    rows = [[0.1, 0.9, -0.4], [2.0, -1.0, 0.0], [0.0, 0.0, 0.0]]
    labels = [2, 0, 1]
    one_by_one = [softmax_cross_entropy(r, y).data for r, y in zip(rows, labels)]
    assert softmax_cross_entropy(rows, labels).data == pytest.approx(sum(one_by_one) / 3)
    zs, ys = [0.5, -2.0, 3.0], [1, 0, 0]
    each = [binary_cross_entropy(z, y).data for z, y in zip(zs, ys)]
    assert binary_cross_entropy(zs, ys).data == pytest.approx(sum(each) / 3)


def test_hinge_known_values():
    data, grads = engine_grad(lambda v: hinge(v, [1, -1, 1]), [0.5, 0.2, 3.0])
    assert data == pytest.approx((0.5 + 1.2 + 0.0) / 3)
    assert grads == pytest.approx([-1 / 3, 1 / 3, 0.0])


def test_l2_is_alpha_times_sum_of_squares():
    data, grads = engine_grad(lambda v: l2(v, alpha=1e-2), [1.0, -3.0, 0.5])
    assert data == pytest.approx(1e-2 * (1 + 9 + 0.25))
    assert grads == pytest.approx([2e-2, -6e-2, 1e-2])


# ---------------------------------------------------------------- central differences
floats = st.floats(-5, 5, allow_nan=False)


@settings(max_examples=40, deadline=None)
@given(st.lists(floats, min_size=3, max_size=3), st.integers(0, 2))
def test_softmax_cross_entropy_matches_central_differences(z, y):
    f = lambda xs: softmax_cross_entropy(xs, y).data
    _, grads = engine_grad(lambda v: softmax_cross_entropy(v, y), z)
    assert_close(grads, central_grad(f, z))


@settings(max_examples=40, deadline=None)
@given(st.lists(floats, min_size=4, max_size=4), st.lists(st.sampled_from([0, 1]), min_size=4,
                                                          max_size=4))
def test_bce_matches_central_differences(z, y):
    f = lambda xs: binary_cross_entropy(xs, y).data
    _, grads = engine_grad(lambda v: binary_cross_entropy(v, y), z)
    assert_close(grads, central_grad(f, z))


@settings(max_examples=30, deadline=None)
@given(st.lists(floats, min_size=3, max_size=3), st.lists(floats, min_size=3, max_size=3))
def test_mse_matches_central_differences(p, t):
    _, grads = engine_grad(lambda v: mse(v, t), p)
    assert_close(grads, central_grad(lambda xs: mse(xs, t).data, p))


@settings(max_examples=30, deadline=None)
@given(st.lists(floats, min_size=3, max_size=3))
def test_l2_matches_central_differences(p):
    _, grads = engine_grad(lambda v: l2(v, 0.3), p)
    assert_close(grads, central_grad(lambda xs: l2([Value(x) for x in xs], 0.3).data, p))


def test_hinge_matches_central_differences_away_from_the_kink():
    s = [0.3, -0.7, 2.5, -1.9]
    y = [1, 1, -1, -1]
    _, grads = engine_grad(lambda v: hinge(v, y), s)
    assert_close(grads, central_grad(lambda xs: hinge(xs, y).data, s))


# ---------------------------------------------------------------- errors
@pytest.mark.parametrize("fn, bad, shown", [
    (binary_cross_entropy, 2, r"\{0, 1\}"),
    (binary_cross_entropy, -1, r"\{0, 1\}"),
    (binary_cross_entropy, 0.5, r"\{0, 1\}"),
    (hinge, 0, r"\{-1, 1\}"),
])
def test_label_outside_the_set_names_label_and_set(fn, bad, shown):
    with pytest.raises(ValueError, match=rf"label {bad!r} of sample 1 is not in the expected set {shown}"):
        fn([0.1, 0.2], [1, bad])


def test_softmax_label_out_of_range():
    with pytest.raises(ValueError, match=r"label 3 of sample 0 is not in the expected set \{0, 1, 2\}"):
        softmax_cross_entropy([1.0, 2.0, 3.0], 3)
    with pytest.raises(ValueError, match=r"label True"):
        softmax_cross_entropy([1.0, 2.0], True)


@pytest.mark.parametrize("fn", [mse, binary_cross_entropy, hinge])
def test_lengths_that_differ_name_both(fn):
    with pytest.raises(ValueError, match=r"lengths differ \(3 outputs, 2 targets\)"):
        fn([0.1, 0.2, 0.3], [1, 1])


def test_softmax_lengths_differ_and_bad_shapes():
    with pytest.raises(ValueError, match=r"lengths differ \(2 outputs, 1 targets\)"):
        softmax_cross_entropy([[1.0, 2.0], [0.0, 1.0]], [0])
    with pytest.raises(ValueError, match="at least 2 logits"):
        softmax_cross_entropy([[1.0]], [0])
    with pytest.raises(ValueError, match="empty batch"):
        mse([], [])


def test_non_numbers_are_type_errors():
    with pytest.raises(TypeError, match="must be a Value, a number or a list of them, got str"):
        mse(["a"], [1.0])
    with pytest.raises(ValueError, match="must be finite"):
        mse([float("nan")], [1.0])
    with pytest.raises(ValueError, match="alpha must be a finite number >= 0"):
        l2([Value(1.0)], alpha=-1)
