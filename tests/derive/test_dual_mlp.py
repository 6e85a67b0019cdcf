"""Forward mode through the library's MLP: Values are constants to a Dual."""

from __future__ import annotations

import pytest

from tinygrad_scalar import MLP, Dual, Value, jacobian, jvp


def test_forward_and_reverse_jacobians_of_an_mlp_agree():
    model = MLP(3, [5, 4, 2], activation="tanh", rng=4)

    def f(a, b, c):
        return model([a, b, c])

    point = (0.3, -1.2, 0.8)
    reverse = jacobian(f)(*point)
    forward = jacobian(f, mode="forward")(*point)
    assert len(forward) == 2 and len(forward[0]) == 3
    for r_row, f_row in zip(reverse, forward):
        assert f_row == pytest.approx(r_row, rel=1e-12, abs=1e-15)


def test_jvp_through_an_mlp_matches_central_differences():
    model = MLP(2, [6, 1], rng=2)
    value, tangent = jvp(lambda x, y: model([x, y]), (0.4, -0.7), (1.0, 2.0))
    h = 1e-6
    up = model([0.4 + h, -0.7 + 2 * h]).data
    down = model([0.4 - h, -0.7 - 2 * h]).data
    assert value == pytest.approx(model([0.4, -0.7]).data, rel=1e-12)
    assert tangent == pytest.approx((up - down) / (2 * h), rel=1e-6)


def test_a_value_is_a_constant_to_a_dual():
    w = Value(3.0)
    x = Dual(2.0, 1.0)
    for y in (x * w, w * x, Value.dot([w], [x]), Value.sum([x, w])):
        assert isinstance(y, Dual)
    assert (x * w).tangent == 3.0 and Value.sum([x, w]).primal == 5.0
    assert w.grad == 0.0
    with pytest.raises(TypeError, match="Value.dot"):
        Value.dot([w], ["2"])
