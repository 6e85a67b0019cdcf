"""no_grad, enable_grad, detach and detect_anomaly."""

from __future__ import annotations

import math

import pytest

from tinygrad_scalar import (
    MLP,
    AnomalyError,
    Value,
    detect_anomaly,
    enable_grad,
    grad,
    is_grad_enabled,
    no_grad,
)
from tinygrad_scalar.core import modes
from tinygrad_scalar.ops import custom_op, sin


def test_no_grad_builds_no_graph_but_same_values():
    model = MLP(2, [4, 1], rng=0)
    x = [0.3, -0.7]
    with_graph = model(x)
    with no_grad():
        without = model(x)
        assert not is_grad_enabled()
    assert is_grad_enabled()
    assert without.data == with_graph.data
    assert without.is_leaf and without.parents == () and without.op == ""
    assert not with_graph.is_leaf


def test_no_grad_keeps_constants_constant_and_custom_ops_work():
    x = Value(2.0)
    with no_grad():
        y = x * 3
        s = sin(x)
    assert y.data == 6.0 and y.is_leaf and not y.is_constant
    assert s.data == math.sin(2.0) and s.is_leaf


def test_modes_nest_and_restore_even_on_error():
    x = Value(1.0)
    with no_grad():
        with enable_grad():
            assert (x + x).op == "+"
            with no_grad():
                assert (x + x).op == ""
            assert (x + x).op == "+"
        assert (x + x).op == ""
    with pytest.raises(ZeroDivisionError):
        with no_grad():
            with detect_anomaly():
                x / 0
    assert modes.state() == modes.State() and modes.ACTIVE == 0
    assert (x + x).op == "+"


def test_no_grad_as_decorator():
    @no_grad()
    def infer(v: Value) -> Value:
        return v * v

    assert infer(Value(3.0)).is_leaf
    assert not (Value(3.0) * 2).is_leaf


def test_grad_still_works_inside_no_grad():
    with no_grad():
        assert grad(lambda x: x ** 3)(2.0) == 12.0
        assert grad(grad(lambda x: x ** 3))(2.0) == 12.0


def test_backward_of_a_no_grad_result_reaches_nothing():
    x = Value(2.0)
    with no_grad():
        y = x * x
    y.backward()
    assert x.grad == 0.0 and y.grad == 1.0


def test_detach_is_a_new_leaf_with_the_same_data():
    x = Value(3.0, label="x")
    d = x.detach()
    assert d is not x and d.data == 3.0 and d.is_leaf and not d.is_constant
    y = x * x.detach() + x
    y.backward()
    assert x.grad == 4.0 and d.grad == 0.0


def test_anomaly_names_operation_inputs_and_labels():
    a, b = Value(1e200, label="a"), Value(1e200, label="b")
    with detect_anomaly():
        with pytest.raises(AnomalyError, match=r"operation '\*' gave inf from inputs "
                                               r"\(a = 1e\+200, b = 1e\+200\)"):
            a * b
        big = a * 1e108
        big.label = "big"
        with pytest.raises(AnomalyError, match=r"operation 'sum' gave inf .*big = 1e\+308, big"):
            Value.sum([big, big])
        with pytest.raises(AnomalyError, match=r"operation 'dot' gave inf .*a = 1e\+200"):
            Value.dot([a, a], [a, 1.0])
        with pytest.raises(AnomalyError, match=r"gave inf from inputs \(x = 1e\+200, 1e\+200 "
                                               r"\(constant\)\)"):
            Value(1e200, label="x") * 1e200
    # a NaN or infinite constant is refused in any mode: it is a mistake, not an overflow
    with pytest.raises(ValueError, match=r"^\*: operand must be finite, got inf$"):
        Value(1.0, label="x") * float("inf")
    with pytest.raises(ValueError, match=r"^\+: operand must be finite, got nan$"):
        Value(1.0, label="x") + float("nan")
    # outside the block the same overflow raises too: finite operands, infinite result
    with pytest.raises(OverflowError, match=r"\*: overflow, the result of finite operands "
                                            r"\(1e\+200, 1e\+200\) is inf"):
        a * b


def test_anomaly_inside_no_grad_still_checks():
    a = Value(1e300, label="big")
    with no_grad(), detect_anomaly():
        with pytest.raises(AnomalyError, match="'\\*' gave inf .*big = 1e\\+300, big"):
            a * a


def test_anomaly_checks_gradients_in_backward():
    x, w = Value(1e-200, label="x"), Value(1e200, label="w")
    y = x * w              # 1, finite
    y.label = "y"
    z = y * 1e200          # 1e200, finite
    with detect_anomaly():
        with pytest.raises(AnomalyError, match=r"backward through operation '\*' 'y' gave "
                                               r"gradient inf for its input x = 1e-200"):
            z.backward()   # d z / d x = 1e200 * 1e200 overflows


def test_anomaly_catches_nan_from_a_custom_op_derivative_path():
    big = custom_op("big", lambda v: 1e308, derivative=lambda v: 1e308)
    x = Value(1.0, label="x")
    with pytest.raises(OverflowError, match="overflow"):
        big(x) * 10.0
    with detect_anomaly(), pytest.raises(AnomalyError, match="'\\*' gave inf"):
        big(x) * 10.0
