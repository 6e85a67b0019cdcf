"""Beta (recursive chain rule) against Alpha (backward), its cost model and its refusals."""

from __future__ import annotations

import math
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tinygrad_scalar import Value, naive
from tinygrad_scalar.naive import cost, grad


def random_graph(data: st.DataObject, n_inputs: int = 3, n_ops: int = 12):
    """A random expression DAG over every operation, with shared sub-expressions.

    Each new node draws its operands from all earlier nodes (so nodes are reused) or from
    plain-number constants; operations are only applied inside their domains.
    """
    xs = [Value(data.draw(st.floats(-2.0, 2.0), label=f"x{i}"), label=f"x{i}")
          for i in range(n_inputs)]
    nodes = list(xs)
    pick = st.integers(0, 10**9)
    for _ in range(n_ops):
        a = nodes[data.draw(pick) % len(nodes)]
        b = nodes[data.draw(pick) % len(nodes)]
        c = data.draw(st.sampled_from([-1.5, 0.5, 2.0, 3.0]))
        op = data.draw(st.sampled_from([
            "add", "mul", "sub", "div", "rsub", "rdiv", "pow_n", "pow_v", "rpow", "exp",
            "log", "tanh", "sigmoid", "relu", "abs", "neg", "sum", "dot", "const_mul"]))
        out = None
        if op == "add":
            out = a + b
        elif op == "mul":
            out = a * b
        elif op == "sub":
            out = a - b
        elif op == "div" and abs(b.data) > 0.1:
            out = a / b
        elif op == "rsub":
            out = c - a
        elif op == "rdiv" and abs(a.data) > 0.1:
            out = c / a
        elif op == "pow_n" and abs(a.data) > 0.1:
            out = a ** (2 if c < 0 else c) if a.data > 0 else a ** 3
        elif op == "pow_v" and a.data > 0.1 and abs(b.data) < 3:
            out = a ** b
        elif op == "rpow" and abs(a.data) < 5:
            out = abs(c) ** a
        elif op == "exp" and a.data < 5:
            out = a.exp()
        elif op == "log" and a.data > 0.1:
            out = a.log()
        elif op == "tanh":
            out = a.tanh()
        elif op == "sigmoid":
            out = a.sigmoid()
        elif op == "relu" and abs(a.data) > 1e-3:
            out = a.relu()
        elif op == "abs" and abs(a.data) > 1e-3:
            out = abs(a)
        elif op == "neg":
            out = -a
        elif op == "sum":
            out = Value.sum([a, b, a, c])
        elif op == "dot":
            out = Value.dot([a, b], [b, c], bias=a)
        elif op == "const_mul":
            out = c * a
        if out is not None and abs(out.data) < 1e4:
            nodes.append(out)
    return xs, nodes[-1]


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_alpha_equals_beta_on_random_graphs(data):
    xs, out = random_graph(data)
    out.backward()
    alpha = [x.grad for x in xs]
    for x in xs:
        x.grad = 0.0
    for x, ga in zip(xs, alpha):
        gb = grad(out, x)
        assert abs(ga - gb) <= 1e-9 * max(1.0, abs(ga), abs(gb))
        assert x.grad == 0.0  # Beta is pure


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_cost_predicts_the_calls_beta_makes(data):
    xs, out = random_graph(data, n_ops=8)
    counted = [0]
    real = naive._grad

    def counting(node, x):
        counted[0] += 1
        return real(node, x)

    naive._grad = counting
    try:
        for x in xs:
            counted[0] = 0
            grad(out, x)
            assert counted[0] == cost(out, x)
    finally:
        naive._grad = real


def test_beta_is_exponential_where_alpha_is_linear():
    x = Value(1.01, label="x")
    y = x
    for _ in range(20):
        y = y * y  # each level doubles the number of paths
    assert len(y.topological_order()) == 21
    assert cost(y, x) == 2 ** 21 - 1
    with pytest.raises(ValueError, match=r"2,097,151 calls.*max_calls=1,000"):
        grad(y, x, max_calls=1000)


def test_grad_refuses_deep_graphs_with_a_clear_error():
    x = Value(0.5)
    y = x
    for _ in range(sys.getrecursionlimit() + 100):
        y = y.tanh()
    with pytest.raises(ValueError, match="deep"):
        grad(y, x)


def test_grad_of_unrelated_variable_is_zero_and_of_itself_one():
    x, z = Value(2.0), Value(3.0)
    y = x * x
    assert grad(y, z) == 0.0
    assert grad(x, x) == 1.0


def test_grad_checks_its_arguments():
    x = Value(1.0)
    with pytest.raises(TypeError, match="out must be a Value"):
        grad(1.0, x)
    with pytest.raises(TypeError, match="x must be a Value"):
        grad(x * 2, 2.0)
    with pytest.raises(ValueError, match="max_calls"):
        grad(x * 2, x, max_calls=0)


def test_beta_reads_the_same_rules_as_alpha(monkeypatch):
    """A wrong rule changes both designs the same way: they share one rule per operation."""

    def wrong(n):
        return (2.0 * math.exp(n._a.data),)

    wrong.op = "exp"
    monkeypatch.setattr(Value, "_d_exp", staticmethod(wrong))
    x = Value(0.5)
    y = x.exp()
    y.backward()
    assert x.grad == pytest.approx(2 * math.exp(0.5))
    assert grad(y, x) == x.grad
