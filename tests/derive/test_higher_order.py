"""Second and third derivatives of every operation against closed forms."""

from __future__ import annotations

import math

import pytest

from tinygrad_scalar import Value, grad, hessian
from tinygrad_scalar.ops import custom_op


def sig(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def tanh_d(x: float) -> tuple:
    t = math.tanh(x)
    return t, 1 - t * t, -2 * t * (1 - t * t), (1 - t * t) * (6 * t * t - 2)


def sig_d(x: float) -> tuple:
    s = sig(x)
    return s, s * (1 - s), s * (1 - s) * (1 - 2 * s), s * (1 - s) * (1 - 6 * s + 6 * s * s)


def pow_d(k: float, x: float) -> tuple:
    return x ** k, k * x ** (k - 1), k * (k - 1) * x ** (k - 2), k * (k - 1) * (k - 2) * x ** (k - 3)


# (name, f built from one op of x, x, (f, f', f'', f'''))
UNARY = [
    ("exp", lambda x: x.exp(), 0.7, (math.exp(0.7),) * 4),
    ("log", lambda x: x.log(), 1.3, (math.log(1.3), 1 / 1.3, -1 / 1.3 ** 2, 2 / 1.3 ** 3)),
    ("tanh", lambda x: x.tanh(), 0.4, tanh_d(0.4)),
    ("sigmoid", lambda x: x.sigmoid(), -0.8, sig_d(-0.8)),
    ("relu+", lambda x: x.relu(), 1.5, (1.5, 1.0, 0.0, 0.0)),
    ("relu-", lambda x: x.relu(), -1.5, (0.0, 0.0, 0.0, 0.0)),
    ("abs-", lambda x: abs(x), -2.5, (2.5, -1.0, 0.0, 0.0)),
    ("abs+", lambda x: abs(x), 2.5, (2.5, 1.0, 0.0, 0.0)),
    ("pow3", lambda x: x ** 3, 1.7, pow_d(3, 1.7)),
    ("pow2.5", lambda x: x ** 2.5, 1.7, pow_d(2.5, 1.7)),
    ("pow-1.5", lambda x: x ** -1.5, 0.9, pow_d(-1.5, 0.9)),
    ("pow1", lambda x: x ** 1, 0.9, (0.9, 1.0, 0.0, 0.0)),
    ("div", lambda x: 1 / x, 0.6, (1 / 0.6, -1 / 0.36, 2 / 0.6 ** 3, -6 / 0.6 ** 4)),
    ("mul", lambda x: x * x * x, -1.2, pow_d(3, -1.2)),
    ("add", lambda x: (x + x) * x, 0.8, (1.28, 3.2, 4.0, 0.0)),
    ("sum", lambda x: Value.sum([x, x * x, 2.0]) * x, 0.5, (1.5, 2 * 0.5 + 3 * 0.25 + 2, 2 + 6 * 0.5, 6.0)),
    ("dot", lambda x: Value.dot([x, x], [x * x, 3.0], bias=x), 0.5,
     (0.125 + 1.5 + 0.5, 3 * 0.25 + 3 + 1, 6 * 0.5, 6.0)),
    ("rpow", lambda x: 2.0 ** x, 0.3, tuple(2 ** 0.3 * math.log(2) ** k for k in range(4))),
]


@pytest.mark.parametrize("name,f,x,want", UNARY, ids=[u[0] for u in UNARY])
def test_derivatives_to_third_order(name, f, x, want):
    d1 = grad(f)
    d2 = grad(d1)
    d3 = grad(d2)
    for k, g in enumerate([d1, d2, d3], start=1):
        assert g(x) == pytest.approx(want[k], rel=1e-9, abs=1e-12), (name, k)


@pytest.mark.parametrize("name,f,x,want", UNARY, ids=[u[0] for u in UNARY])
def test_backward_create_graph_matches(name, f, x, want):
    v = Value(x, label="x")
    g1 = f(v).backward(create_graph=True)[v]
    g2 = g1.backward(create_graph=True)[v] if v in g1.topological_order() else Value(0.0)
    assert (g1.data, g2.data) == pytest.approx(want[1:3], rel=1e-9, abs=1e-12)
    assert v.grad == pytest.approx(want[1] + (want[2] if v in g1.topological_order() else 0.0))


def test_pow_with_value_exponent_mixed_partials():
    a, b = 1.6, 0.7
    f = lambda x, y: x ** y  # noqa: E731
    h = hessian(f)(a, b)
    la = math.log(a)
    want = [[b * (b - 1) * a ** (b - 2), a ** (b - 1) * (1 + b * la)],
            [a ** (b - 1) * (1 + b * la), a ** b * la * la]]
    for row, wrow in zip(h, want):
        assert row == pytest.approx(wrow, rel=1e-9)
    # third derivatives: d3/dy3 = a**b log(a)**3, d3/dx3 = b(b-1)(b-2) a**(b-3)
    d3y = grad(grad(grad(f, 1), 1), 1)(a, b)
    d3x = grad(grad(grad(f, 0), 0), 0)(a, b)
    assert d3y == pytest.approx(a ** b * la ** 3, rel=1e-9)
    assert d3x == pytest.approx(b * (b - 1) * (b - 2) * a ** (b - 3), rel=1e-9)
    # mixed d3 / dx dy dy = a**(b-1) log(a) (2 + b log(a))
    d3xyy = grad(grad(grad(f, 0), 1), 1)(a, b)
    assert d3xyy == pytest.approx(a ** (b - 1) * la * (2 + b * la), rel=1e-9)


def test_binary_hessians_of_add_mul_sum_dot():
    assert hessian(lambda x, y: x * y)(2.0, 3.0) == [[0.0, 1.0], [1.0, 0.0]]
    e = math.exp(0.3)
    assert [pytest.approx([e, e])] * 2 == hessian(lambda x, y: (x + y).exp())(0.1, 0.2)
    assert hessian(lambda x, y: Value.sum([x, x * y, y]))(1.0, 2.0) == [[0.0, 1.0], [1.0, 0.0]]
    assert hessian(lambda x, y: Value.dot([x, y], [y, x], bias=x))(1.0, 2.0) == \
        [[0.0, 2.0], [2.0, 0.0]]


def test_hessian_of_list_argument_and_symmetry():
    f = lambda xs: xs[0] * xs[1].tanh() + xs[2] ** 2 * xs[0]  # noqa: E731
    h = hessian(f)([0.3, -0.4, 1.1])
    assert len(h) == 3 and all(len(r) == 3 for r in h)
    for i in range(3):
        for j in range(3):
            assert h[i][j] == pytest.approx(h[j][i], rel=1e-12)
    t = math.tanh(-0.4)
    assert h[0][1] == pytest.approx(1 - t * t)
    assert h[2][2] == pytest.approx(2 * 0.3)
    assert h[0][2] == pytest.approx(2 * 1.1)


def test_fourth_order_through_sigmoid():
    d4 = grad(grad(grad(grad(lambda x: x.sigmoid()))))
    x, h = 0.37, 1e-3
    d3 = grad(grad(grad(lambda x: x.sigmoid())))
    assert d4(x) == pytest.approx((d3(x + h) - d3(x - h)) / (2 * h), rel=1e-5)


def test_values_in_values_out_and_grads_untouched():
    x = Value(0.5, label="x")
    w = Value(2.0, label="w")
    g = grad(lambda v: (w * v).tanh())(x)
    assert isinstance(g, Value)
    assert x.grad == 0.0 and w.grad == 0.0
    gg = grad(lambda v: grad(lambda u: (w * u).tanh())(v))(0.5)
    t = math.tanh(1.0)
    assert gg == pytest.approx(-2 * t * (1 - t * t) * 4)
    assert w.grad == 0.0


def test_create_graph_returns_leaves_and_fills_float_grads():
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    y = a * b + a ** 2
    grads = y.backward(create_graph=True)
    assert set(grads) == {a, b}
    assert (grads[a].data, grads[b].data) == (7.0, 2.0)
    assert (a.grad, b.grad) == (7.0, 2.0)
    assert all(isinstance(g, Value) for g in grads.values())
    # d/db of dy/da = 1
    assert grads[a].backward(create_graph=True)[b].data == 1.0


def test_custom_op_without_symbolic_differentiates_once_only():
    sq = custom_op("sq", lambda x: x * x, derivative=lambda x: 2.0 * math.fabs(x))
    assert grad(lambda x: sq(x))(3.0) == 6.0
    with pytest.raises(TypeError, match="operation 'sq' has no symbolic derivative"):
        grad(grad(lambda x: sq(x)))(3.0)
    x = Value(3.0)
    with pytest.raises(TypeError, match="operation 'sq' has no symbolic derivative"):
        sq(x).backward(create_graph=True)
    assert x.grad == 0.0  # refused before touching anything


def test_custom_op_whose_derivative_is_arithmetic_differentiates_to_any_order():
    cube = custom_op("cube", lambda x: x * x * x, derivative=lambda x: 3.0 * x * x)
    assert grad(grad(lambda x: cube(x)))(2.0) == 12.0
    assert hessian(lambda x: cube(x))(2.0) == [[12.0]]


def test_symbolic_pow_errors_match_float_rule():
    with pytest.raises(ZeroDivisionError, match="infinite at x = 0.0"):
        grad(grad(lambda x: x ** 0.5))(Value(0.0))
    with pytest.raises(ValueError, match="negative base"):
        grad(lambda b: Value(-2.0) ** b)(Value(2.0))


def test_nested_grad_through_a_closure_over_the_outer_variable():
    # inner: d/du tanh(v u) at u = 1 is v (1 - tanh(v)**2); outer differentiates that in v
    outer = grad(lambda v: grad(lambda u: (v * u).tanh())(1.0))
    t = math.tanh(0.5)
    assert outer(0.5) == pytest.approx((1 - t * t) - 0.5 * 2 * t * (1 - t * t), rel=1e-12)
