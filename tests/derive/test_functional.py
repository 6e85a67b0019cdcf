"""grad, value_and_grad, jacobian (both modes), jvp and Dual; forward == reverse == Beta."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tinygrad_scalar import MLP, Dual, Value, grad, hessian, jacobian, jvp, naive, value_and_grad
from tinygrad_scalar.ops import sin, softplus


# ------------------------------------------------------------------ functional API
def test_grad_shapes_and_argnums():
    f = lambda x, ys, z: x * Value.sum(ys) + z * z  # noqa: E731
    assert grad(f)(2.0, [1.0, 3.0], 0.5) == 4.0
    assert grad(f, 1)(2.0, [1.0, 3.0], 0.5) == [2.0, 2.0]
    assert grad(f, (0, 2))(2.0, (1.0, 3.0), 0.5) == (4.0, 1.0)
    assert grad(f, (2, 1))(2.0, (1.0, 3.0), 0.5) == (1.0, [2.0, 2.0])


def test_value_and_grad_matches_backward_and_touches_no_grad():
    model = MLP(3, [4, 1], rng=0)
    x = [0.5, -1.0, 2.0]
    loss = lambda xs: (model(xs) - 1.0) ** 2  # noqa: E731
    value, g = value_and_grad(loss)(x)
    assert all(p.grad == 0.0 for p in model.parameters())
    leaves = [Value(v) for v in x]
    out = loss(leaves)
    out.backward()
    assert value == out.data
    assert g == [v.grad for v in leaves]


def test_same_value_in_two_arguments_keeps_separate_partials():
    x = Value(3.0)
    gx, gy = grad(lambda a, b: a * a * b, (0, 1))(x, x)
    assert (gx.data, gy.data) == (18.0, 9.0)


def test_constant_function_has_zero_gradient():
    assert grad(lambda x: 5.0)(1.0) == 0.0
    assert grad(lambda x, y: y * 2, 0)(1.0, Value(3.0)) == 0.0


@pytest.mark.parametrize("call,err,match", [
    (lambda: grad(3), TypeError, "grad: f must be callable"),
    (lambda: grad(lambda x: x, argnums=1.5), TypeError, "argnums must be an int"),
    (lambda: grad(lambda x: x, argnums=(0, 0)), ValueError, "repeated"),
    (lambda: grad(lambda x: x, argnums=2)(1.0), ValueError, "argnums 2 is out of range"),
    (lambda: grad(lambda x: [x, x])(1.0), TypeError, "use jacobian"),
    (lambda: grad(lambda x: x)("a"), TypeError, "argument 0 must be a number"),
    (lambda: grad(lambda x: x)(True), TypeError, "argument 0 must be a number"),
    (lambda: jacobian(lambda x: x, mode="sideways"), ValueError, "mode must be"),
    (lambda: jacobian(lambda x: x, mode="forward")(Value(1.0)), TypeError, "forward mode runs on numbers"),
    (lambda: jvp(lambda x: x, (1.0,), (1.0, 2.0)), ValueError, "same shape"),
    (lambda: jvp(lambda x: x, 1.0, 1.0), TypeError, "must be tuples"),
])
def test_errors(call, err, match):
    with pytest.raises(err, match=match):
        call()


def test_jacobian_modes_agree_and_shapes():
    f = lambda x, y, zs: [x * y, (x + zs[0]).tanh(), zs[1] ** 2 * y]  # noqa: E731
    args = (0.3, -1.2, [0.5, 2.0])
    rev = jacobian(f)(*args)
    fwd = jacobian(f, mode="forward")(*args)
    assert len(rev) == 3 and all(len(r) == 4 for r in rev)
    for r, w in zip(rev, fwd):
        assert r == pytest.approx(w, rel=1e-12)
    assert rev[0] == [-1.2, 0.3, 0.0, 0.0]
    assert jacobian(f, argnums=2)(*args)[2] == [0.0, 4.0 * -1.2]
    assert jacobian(lambda x: x * x)(3.0) == [[6.0]]


def test_jvp_is_directional_derivative():
    f = lambda x, y: [x * y.exp(), (x - y).sigmoid()]  # noqa: E731
    value, tangent = jvp(f, (0.4, 0.1), (1.0, -2.0))
    J = jacobian(f)(0.4, 0.1)
    assert value == pytest.approx([0.4 * math.exp(0.1), 1 / (1 + math.exp(-0.3))])
    assert tangent == pytest.approx([J[0][0] - 2 * J[0][1], J[1][0] - 2 * J[1][1]])
    v, t = jvp(lambda xs: Dual.dot(xs, xs), ([1.0, 2.0],), ([0.5, 0.5],))
    assert (v, t) == (5.0, 3.0)


def test_hessian_of_mlp_input_is_symmetric():
    model = MLP(2, [3, 1], activation="tanh", rng=1)
    h = hessian(lambda x, y: model([x, y]))(0.2, -0.4)
    assert h[0][1] == pytest.approx(h[1][0], rel=1e-12)
    eps = 1e-5
    gx = lambda x, y: grad(lambda a: model([a, y]))(x)  # noqa: E731
    assert h[0][1] == pytest.approx((gx(0.2, -0.4 + eps) - gx(0.2, -0.4 - eps)) / (2 * eps), rel=1e-5)


# ------------------------------------------------------------------ Dual numbers
DUAL_CASES = [
    (lambda x: x * x + 3 * x - 1, lambda x: 2 * x + 3),
    (lambda x: x / (1 + x * x), lambda x: (1 - x * x) / (1 + x * x) ** 2),
    (lambda x: 2 / x - x / 4, lambda x: -2 / x ** 2 - 0.25),
    (lambda x: x ** 2.5, lambda x: 2.5 * x ** 1.5),
    (lambda x: 3 ** x, lambda x: 3 ** x * math.log(3)),
    (lambda x: x ** x, lambda x: x ** x * (math.log(x) + 1)),
    (lambda x: x.exp().log(), lambda x: 1.0),
    (lambda x: x.tanh(), lambda x: 1 - math.tanh(x) ** 2),
    (lambda x: x.sigmoid(), lambda x: math.exp(-x) / (1 + math.exp(-x)) ** 2),
    (lambda x: (x - 1).relu() + abs(x - 2), lambda x: (x > 1) - (x < 2) + (x > 2)),
    (lambda x: sin(x) * softplus(x), lambda x: math.cos(x) * math.log1p(math.exp(x))
     + math.sin(x) / (1 + math.exp(-x))),
    (lambda x: 5 - x, lambda x: -1.0),
]


@pytest.mark.parametrize("k", range(len(DUAL_CASES)))
@pytest.mark.parametrize("x", [0.7, 1.5, 2.6])
def test_dual_matches_closed_form_and_reverse(k, x):
    f, df = DUAL_CASES[k]
    d = f(Dual(x, 1.0))
    assert d.tangent == pytest.approx(df(x), rel=1e-12, abs=1e-15)
    assert d.tangent == pytest.approx(grad(f)(x), rel=1e-12, abs=1e-15)


def test_dual_errors_and_mixing():
    with pytest.raises(ValueError, match="log: undefined for x = -1.0"):
        Dual(-1.0, 1.0).log()
    with pytest.raises(ZeroDivisionError, match="division by zero"):
        Dual(1.0) / Dual(0.0)
    with pytest.raises(OverflowError, match="exp: overflow"):
        Dual(1000.0).exp()
    mixed = Dual(1.0, 2.0) + Value(1.0)  # a Value is a constant to forward mode
    assert (mixed.primal, mixed.tangent) == (2.0, 2.0)
    with pytest.raises(TypeError, match=r"Dual: primal must be a number, got .x. \(str\)"):
        Dual("x")
    assert Dual(2.0) < 3 and Dual(2.0) >= Dual(2.0, 5.0)


# ------------------------------------------------------------------ random graphs
OPS = ["add", "mul", "sub", "div", "tanh", "sigmoid", "exp", "log", "relu", "abs", "pow",
       "vpow", "sum", "dot", "sin", "softplus"]


def run(program, xs, Sum, Dot):
    """Evaluate a random program on Values or Duals (Sum/Dot: Value.sum or Dual.sum, ...)."""
    pool = list(xs)
    for op, i, j in program:
        a, b = pool[i % len(pool)], pool[j % len(pool)]
        if op == "add":
            v = a + b
        elif op == "mul":
            v = a * b
        elif op == "sub":
            v = a - b
        elif op == "div":
            v = a / (b * b + 1)
        elif op == "tanh":
            v = a.tanh()
        elif op == "sigmoid":
            v = a.sigmoid()
        elif op == "exp":
            v = a.tanh().exp()
        elif op == "log":
            v = (a * a + 0.5).log()
        elif op == "relu":
            v = a.relu()
        elif op == "abs":
            v = abs(a)
        elif op == "pow":
            v = a ** 3
        elif op == "vpow":
            v = (a * a + 1) ** b.tanh()
        elif op == "sum":
            v = Sum([a, b, 1.5])
        elif op == "dot":
            v = Dot([a, b], [b, 0.5], bias=a)
        elif op == "sin":
            v = sin(a)
        else:
            v = softplus(a)
        pool.append(v)
    return pool[len(xs):][-2:] if len(pool) > len(xs) + 1 else [pool[-1]]


programs = st.lists(st.tuples(st.sampled_from(OPS), st.integers(0, 50), st.integers(0, 50)),
                    min_size=1, max_size=9)
points = st.lists(st.floats(-2.0, 2.0).filter(lambda v: abs(v) > 1e-3), min_size=3, max_size=3)


@settings(max_examples=120, deadline=None)
@given(programs, points)
def test_forward_equals_reverse_equals_beta(program, xs):
    leaves = [Value(x) for x in xs]
    outs = run(program, leaves, Value.sum, Value.dot)
    assume(all(math.isfinite(o.data) and abs(o.data) < 1e8 for o in outs))
    # the kinks of relu/abs at exactly 0 are conventions; keep away from them
    for o in outs:
        for n in o.topological_order():
            if n.op in ("relu", "abs"):
                assume(abs(n.parents[0].data) > 1e-9)
    f = lambda *vs: run(program, list(vs), Value.sum, Value.dot)  # noqa: E731
    fd = lambda *vs: run(program, list(vs), Dual.sum, Dual.dot)  # noqa: E731
    reverse = jacobian(f)(*xs)
    forward = jacobian(fd, mode="forward")(*xs)
    for j, o in enumerate(outs):
        for x in leaves:
            x.grad = 0.0
        o.backward()
        alpha = [x.grad for x in leaves]
        beta = [naive.grad(o, x) for x in leaves]
        assert reverse[j] == pytest.approx(alpha, rel=1e-9, abs=1e-12)
        assert beta == pytest.approx(alpha, rel=1e-9, abs=1e-12)
        assert forward[j] == pytest.approx(alpha, rel=1e-9, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(programs, points, st.integers(0, 2))
def test_hessian_rows_are_jacobians_of_gradients(program, xs, i):
    f = lambda *vs: run(program, list(vs), Value.sum, Value.dot)[-1]  # noqa: E731
    try:
        with_values = f(*[Value(x) for x in xs])
    except (ValueError, ArithmeticError):
        assume(False)
    assume(abs(with_values.data) < 1e6)
    for n in with_values.topological_order():
        if n.op in ("relu", "abs"):
            assume(abs(n.parents[0].data) > 1e-3)
    h = hessian(f)(*xs)
    eps = 1e-6
    up, down = list(xs), list(xs)
    up[i] += eps
    down[i] -= eps
    g_up = grad(f, (0, 1, 2))(*up)
    g_down = grad(f, (0, 1, 2))(*down)
    numeric = [(a - b) / (2 * eps) for a, b in zip(g_up, g_down)]
    scale = max(1.0, max(abs(v) for v in numeric))
    assert [h[k][i] for k in range(3)] == pytest.approx(numeric, rel=1e-4, abs=1e-4 * scale)


def test_random_direction_jvp_equals_reverse_dot():
    rng = random.Random(3)
    f = lambda xs: [Value.dot(xs, xs).tanh(), (xs[0] * xs[1]).exp()]  # noqa: E731
    fd = lambda xs: [Dual.dot(xs, xs).tanh(), (xs[0] * xs[1]).exp()]  # noqa: E731
    x = [rng.uniform(-1, 1) for _ in range(2)]
    t = [rng.uniform(-1, 1) for _ in range(2)]
    J = jacobian(f)(x)
    _, jt = jvp(fd, (x,), (t,))
    assert jt == pytest.approx([sum(a * b for a, b in zip(row, t)) for row in J], rel=1e-12)
