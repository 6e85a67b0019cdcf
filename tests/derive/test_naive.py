"""Beta (recursive chain rule) against Alpha (backward), its cost model and its refusals."""

from __future__ import annotations

import math
import sys

import pytest
from hypothesis import given, settings
from strategies import programs

from tinygrad_scalar import Value, naive
from tinygrad_scalar.core.calculus import EXP
from tinygrad_scalar.naive import cost, grad


@settings(max_examples=100)
@given(programs())
def test_cost_predicts_the_calls_beta_makes(program):
    xs = program.leaves()
    out = program.run(xs)
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
    x = Value(1.0, label="x")
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

    def wrong(out, a):
        return (2.0 * out,)

    monkeypatch.setattr(EXP, "rule", wrong)
    x = Value(0.5)
    y = x.exp()
    y.backward()
    assert x.grad == pytest.approx(2 * math.exp(0.5))
    assert grad(y, x) == x.grad
