"""Value: every operation against central differences, golden values, errors and backward."""

from __future__ import annotations

import math
import sys

import pytest
from checks import alpha_grads, assert_grads_match, central_differences

from tinygrad_scalar import Value
from tinygrad_scalar.core.calculus import TANH
from tinygrad_scalar.naive import grad as beta_grad

# ---------------------------------------------------------------- every op, numerically
UNARY = {
    "exp": (lambda x: x.exp(), [-2.0, 0.3, 1.7]),
    "log": (lambda x: x.log(), [0.2, 1.0, 3.5]),
    "tanh": (lambda x: x.tanh(), [-1.3, 0.0, 0.8]),
    "sigmoid": (lambda x: x.sigmoid(), [-3.0, 0.0, 2.5]),
    "relu": (lambda x: x.relu(), [-1.5, 0.7]),
    "abs": (lambda x: abs(x), [-2.5, 1.25]),
    "neg": (lambda x: -x, [-1.0, 2.0]),
    "square": (lambda x: x ** 2, [-1.5, 3.0]),
    "cube": (lambda x: x ** 3, [-1.5, 0.5]),
    "sqrt": (lambda x: x ** 0.5, [0.3, 4.0]),
    "reciprocal": (lambda x: x ** -1, [-2.0, 0.5]),
    "number ** x": (lambda x: 2 ** x, [-1.0, 0.0, 2.5]),
    "number / x": (lambda x: 3 / x, [-2.0, 0.7]),
    "number - x": (lambda x: 3 - x, [1.0]),
    "x - number": (lambda x: x - 3, [1.0]),
    "number + x": (lambda x: 3 + x, [1.0]),
    "x / number": (lambda x: x / 4, [1.0]),
    "number * x": (lambda x: 3 * x, [1.0]),
}

BINARY = {
    "add": (lambda a, b: a + b, [(1.0, 2.0), (-3.0, 0.5)]),
    "sub": (lambda a, b: a - b, [(1.0, 2.0)]),
    "mul": (lambda a, b: a * b, [(1.5, -2.0), (0.0, 3.0)]),
    "div": (lambda a, b: a / b, [(1.5, -2.0), (-3.0, 0.25)]),
    "pow": (lambda a, b: a ** b, [(1.5, 2.5), (3.0, -0.5), (0.7, 1.3)]),
    "sum": (lambda a, b: Value.sum([a, b, a]), [(1.0, 2.0)]),
    "dot": (lambda a, b: Value.dot([a, b], [b, 3.0], bias=a), [(1.5, -0.5)]),
}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_ops_match_central_differences(name):
    f, points = UNARY[name]
    for x in points:
        assert_grads_match(f, [x])


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_ops_match_central_differences(name):
    f, points = BINARY[name]
    for xs in points:
        assert_grads_match(f, list(xs))


def test_checker_fails_on_a_wrong_derivative(monkeypatch):
    """The numeric checker is not vacuous: plant a wrong tanh rule and it must complain."""
    assert_grads_match(lambda x: x.tanh(), [0.5])

    def wrong(out, a):  # the derivative of tanh is 1 - tanh**2, not 1 + tanh**2
        return (1.0 + out * out,)

    monkeypatch.setattr(TANH, "rule", wrong)
    with pytest.raises(AssertionError, match="backward"):
        assert_grads_match(lambda x: x.tanh(), [0.5])


# ---------------------------------------------------------------- golden values
def test_micrograd_readme_golden_values():
    a, b = Value(-4.0), Value(2.0)
    c = a + b
    d = a * b + b ** 3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e ** 2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    assert g.data == pytest.approx(24.7041, abs=1e-4)
    assert a.grad == pytest.approx(138.8338, abs=1e-4)
    assert b.grad == pytest.approx(645.5773, abs=1e-4)
    assert beta_grad(g, a) == pytest.approx(a.grad, rel=1e-9)
    assert beta_grad(g, b) == pytest.approx(b.grad, rel=1e-9)


def test_quick_start_example_agrees_with_differences_and_beta():
    def f(a, b):
        return a * b + b ** 3 - (a / b).tanh() + 2 ** a

    a, b = Value(-4.0, label="a"), Value(2.0, label="b")
    c = f(a, b)
    c.backward()
    want = central_differences(f, [-4.0, 2.0])
    assert a.grad == pytest.approx(want[0], rel=1e-6)
    assert b.grad == pytest.approx(want[1], rel=1e-6)
    # hand-derived: dc/da = b - (1 - tanh(a/b)^2)/b + 2^a ln 2
    t = math.tanh(-2.0)
    assert a.grad == pytest.approx(2.0 - (1 - t * t) / 2.0 + 2 ** -4 * math.log(2), rel=1e-12)
    assert beta_grad(c, a) == pytest.approx(a.grad, rel=1e-12)


def test_fan_out_accumulates():
    x = Value(3.0)
    y = (x + x) * x  # 2x^2, derivative 4x
    y.backward()
    assert y.data == 18.0
    assert x.grad == 12.0


def test_operand_used_twice_is_two_edges_in_order():
    a, b = Value(1.0), Value(2.0)
    s = a + a
    assert s.parents == (a, a)
    d = b - a
    assert d.parents[0] is b
    assert (a * b).parents == (a, b)
    assert (b * a).parents == (b, a)


# ---------------------------------------------------------------- backward semantics
def test_backward_twice_doubles_leaves_only():
    x, w = Value(2.0), Value(-3.0)
    h = x * w
    y = h.tanh()
    y.backward()
    gx, gw, gh = x.grad, w.grad, h.grad
    y.backward()
    assert x.grad == pytest.approx(2 * gx)
    assert w.grad == pytest.approx(2 * gw)
    assert h.grad == pytest.approx(gh)  # intermediates restart from zero
    assert y.grad == 1.0


def test_zero_grad_zeroes_the_whole_graph():
    x, w = Value(2.0), Value(-3.0)
    h = x * w + 1
    y = h.relu() + h
    y.backward()
    assert x.grad != 0 and h.grad != 0
    h.zero_grad()  # from any node: its whole sub-graph
    assert x.grad == 0.0 and w.grad == 0.0 and h.grad == 0.0
    y.zero_grad()
    assert y.grad == 0.0


def test_backward_on_a_leaf_seeds_one():
    x = Value(5.0)
    x.backward()
    assert x.grad == 1.0


def test_million_op_chain_at_default_recursion_limit():
    assert sys.getrecursionlimit() <= 10_000
    x, c = Value(0.5), Value(1.0000001)
    y = x
    for _ in range(1_000_000):
        y = y * c
    y.backward()
    assert x.grad == pytest.approx(1.0000001 ** 1_000_000, rel=1e-9)
    assert y.data == pytest.approx(0.5 * 1.0000001 ** 1_000_000, rel=1e-9)


def test_backward_restores_garbage_collector_state():
    import gc

    x = Value(1.0)
    y = x * 2
    assert gc.isenabled()
    y.backward()
    assert gc.isenabled()
    gc.disable()
    try:
        y.backward()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_graph_has_no_reference_cycles():
    import gc
    import weakref

    x = Value(1.0)
    y = (x * 2 + 1).tanh()
    y.backward()
    ref = weakref.ref(y.parents[0])
    gc.disable()
    try:
        del y
        assert ref() is None  # freed by reference counting alone
    finally:
        gc.enable()


# ---------------------------------------------------------------- construction and views
@pytest.mark.parametrize("bad", ["1.0", None, True, 1 + 2j, [1.0], (1.0,)])
def test_constructor_rejects_non_numbers(bad):
    with pytest.raises(TypeError, match=type(bad).__name__):
        Value(bad)


def test_constructor_rejects_value_and_non_finite():
    with pytest.raises(TypeError, match="Value"):
        Value(Value(1.0))
    with pytest.raises(ValueError, match="nan"):
        Value(float("nan"))
    with pytest.raises(ValueError, match="inf"):
        Value(float("inf"))
    with pytest.raises(TypeError, match="label"):
        Value(1.0, label=3)


def test_int_stored_as_float():
    v = Value(3)
    assert type(v.data) is float and v.data == 3.0


def test_repr_float_and_comparisons():
    a = Value(2.0, label="a")
    a.grad = 0.5
    assert repr(a) == "Value(label='a', data=2, grad=0.5)"
    assert repr(Value(1.5)) == "Value(data=1.5, grad=0)"
    assert a.item() == 2.0 and f"{a:.3f}" == "2.000" and f"{a}" == repr(a)
    with pytest.raises(TypeError, match=r"float\(\) of a Value would leave the graph.*item\(\)"):
        float(a)
    with pytest.raises(TypeError, match=r"tinygrad_scalar.math"):
        math.sin(a)
    b = Value(3.0)
    assert (a < b) is True and (a <= 2) is True and (a > 1.0) is True and (b >= a) is True
    assert (a > b) is False
    assert (1 < a) is True  # reflected comparison
    assert a == a and a != Value(2.0)  # identity, not arithmetic
    assert len({a, Value(2.0)}) == 2


def test_unsupported_operands_raise_type_error():
    x = Value(1.0)
    for bad in ["a", None, [1.0], 1j, True]:
        with pytest.raises(TypeError):
            x + bad
        with pytest.raises(TypeError):
            bad * x
    with pytest.raises(TypeError, match="compare"):
        _ = x < "a"


# ---------------------------------------------------------------- domains
def test_domain_errors_name_operation_and_value():
    with pytest.raises(ValueError, match=r"log.*-1\.0"):
        Value(-1.0).log()
    with pytest.raises(ValueError, match=r"log.*0\.0"):
        Value(0.0).log()
    with pytest.raises(ZeroDivisionError, match=r"division by zero.*3\.0"):
        Value(3.0) / 0
    with pytest.raises(ZeroDivisionError, match="division by zero"):
        1 / Value(0.0)
    with pytest.raises(ZeroDivisionError, match=r"0\.0 \*\* -2"):
        Value(0.0) ** -2
    with pytest.raises(ZeroDivisionError, match=r"0\.0 \*\* -1"):
        Value(0.0) ** Value(-1.0)
    with pytest.raises(ValueError, match=r"negative base.*-2\.0 \*\* 0\.5"):
        Value(-2.0) ** 0.5
    with pytest.raises(ValueError, match="negative base"):
        (-8) ** Value(1 / 3)
    with pytest.raises(OverflowError, match=r"exp.*1000"):
        Value(1000.0).exp()
    with pytest.raises(OverflowError, match=r"\*\*"):
        Value(10.0) ** 400


def test_negative_base_with_integer_exponent_works():
    x = Value(-2.0)
    y = x ** 3
    y.backward()
    assert y.data == -8.0 and x.grad == 12.0
    w = (-3) ** Value(2.0)  # forward is fine; d/d(exponent) of a negative base is not
    assert w.data == 9.0
    with pytest.raises(ValueError, match="negative base"):
        w.backward()


def test_derivative_undefined_at_zero_is_an_error_not_nan():
    x = Value(0.0)
    y = x ** 0.5
    assert y.data == 0.0
    with pytest.raises(ZeroDivisionError, match="infinite"):
        y.backward()


@pytest.mark.parametrize("x", [-1e308, -745.0, -50.0, 0.0, 50.0, 800.0, 1e308])
def test_tanh_and_sigmoid_never_overflow(x):
    s = Value(x).sigmoid()
    t = Value(x).tanh()
    assert 0.0 <= s.data <= 1.0 and -1.0 <= t.data <= 1.0
    s.backward()
    t.backward()


def test_relu_derivative_is_zero_at_zero():
    assert alpha_grads(lambda x: x.relu(), [0.0]) == [0.0]
    assert alpha_grads(lambda x: abs(x), [0.0]) == [0.0]


def test_local_grads_and_op_names():
    a, b = Value(2.0), Value(5.0)
    assert (a * b).op == "*" and (a + b).op == "+" and a.op == ""
    assert (a * b).local_grads() == (5.0, 2.0)
    assert (a ** 3).local_grads() == (12.0,)
    assert a.local_grads() == ()
    c = 2 * a
    assert c.parents[0].is_constant and not a.is_constant and a.is_leaf
