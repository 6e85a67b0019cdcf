"""The rule registry: one entry per primitive, read by every mode.

A primitive registered here, in the test, works in Alpha, Beta, create_graph, Dual, jvp,
compiled mode, listing, trace_backward, check_graph, drawings and pickling, exactly like
a built-in; the hand-inlined float paths of ``Value`` agree with their entries.
"""

from __future__ import annotations

import math
import pickle
import random

import pytest
from checks import central_differences

from tinygrad_scalar import (
    Dual,
    Value,
    check_graph,
    compile,
    custom_op,
    grad,
    jvp,
    listing,
    naive,
    to_dot,
    trace_backward,
)
from tinygrad_scalar.core import calculus
from tinygrad_scalar.core.calculus import ABS, ADD, DOT, MUL, RELU, SIGMOID, SIGN, STEP, SUM
from tinygrad_scalar.core.primitive import REGISTRY, Primitive


def _silu(a: float) -> float:
    return a * calculus._sigmoid(a)


def _silu_rule(out, a):  # d(a s(a))/da = s + a s (1 - s), with s = sigmoid(a)
    s = SIGMOID(a)
    return (s + a * s * (1.0 - s),)


SILU = Primitive("test_silu", _silu, _silu_rule)  # one entry, as in core/calculus.py

BY_CUSTOM_OP = custom_op("test_swish", _silu, derivative=lambda a: _silu_rule(0.0, a)[0],
                         symbolic=lambda a: _silu_rule(None, a)[0])

OPERATIONS = {"entry": SILU, "custom_op": BY_CUSTOM_OP}


def f_of(op):
    return lambda x, w: op(x * w + 0.3).tanh() * w


@pytest.mark.parametrize("kind", sorted(OPERATIONS))
def test_a_new_primitive_works_in_every_mode(kind):
    op = OPERATIONS[kind]
    f = f_of(op)
    x, w = Value(0.7, label="x"), Value(-1.3, label="w")
    y = f(x, w)
    y.backward()
    want = central_differences(f, [0.7, -1.3])
    assert [x.grad, w.grad] == pytest.approx(want, rel=1e-6)  # Alpha
    assert naive.grad(y, x) == pytest.approx(x.grad, rel=1e-12)  # Beta
    second = grad(grad(lambda a: f(a, Value(-1.3))))(0.7)  # create_graph
    first = grad(lambda a: f(a, Value(-1.3)))
    h = 1e-5
    assert second == pytest.approx((first(0.7 + h) - first(0.7 - h)) / (2 * h), rel=1e-5)
    d = f(Dual(0.7, 1.0), Dual(-1.3, 0.0))  # forward mode
    assert d.tangent == pytest.approx(x.grad, rel=1e-12)
    assert jvp(lambda a, b: f(a, b), (0.7, -1.3), (0.0, 1.0))[1] == pytest.approx(w.grad)
    weight = Value(-1.3, label="w")
    compiled = compile(lambda a: f(a, weight))  # compiled mode
    assert compiled(0.7) == pytest.approx(y.data, rel=1e-15)
    assert weight.grad == pytest.approx(w.grad, rel=1e-12) and compiled.fallbacks == 0
    assert op.name in listing(y)  # listing
    assert any(s.op == op.name for s in trace_backward(f(Value(0.7), Value(-1.3))))
    report = check_graph(y)  # gradient check of every local rule
    assert report.ok and report.checked >= 5
    assert op.name in to_dot(y).source  # drawings
    again = pickle.loads(pickle.dumps(y))
    assert again.data == y.data and again.parents[0].op == "tanh"


def test_a_registered_entry_is_known_by_name_and_compiles_inline():
    assert REGISTRY["test_silu"] is SILU and REGISTRY["tanh"] is calculus.TANH
    w = Value(0.5)
    f = compile(lambda a: calculus.TANH(a * w))
    assert f(0.5) == math.tanh(0.25)
    assert "tanh(v0)" in f.source  # the entry's code template, not a call by name


def test_a_rule_that_looks_at_numbers_is_called_by_name_in_compiled_code():
    w = Value(2.0)
    f = compile(lambda a: (a * w) ** 0.5)  # the rule of ** checks for a zero base
    assert f(2.0) == 2.0 and w.grad == pytest.approx(0.5)
    assert f.fallbacks == 0


# ---------------------------------------------------------------- fast paths vs entries
def _numbers(rng, n=300):
    return [rng.choice([0.0, -0.0, 1.0, -1.0]) if rng.random() < 0.1 else rng.uniform(-50, 50)
            for _ in range(n)]


def test_values_inlined_forwards_equal_their_entries_forwards():
    rng = random.Random(3)
    xs = _numbers(rng)
    for a, b in zip(xs, reversed(xs)):
        va, vb = Value(a), Value(b)
        assert (va + vb).data == ADD.forward(a, b) and (va * vb).data == MUL.forward(a, b)
        assert (a + vb).data == ADD.forward(a, b) and (a * vb).data == MUL.forward(a, b)
        assert va.relu().data == RELU.forward(a) and abs(va).data == ABS.forward(a)
        assert Value.sum([va, vb, b]).data == SUM.forward([a, b, b])
        assert Value.dot([va, vb], [vb, va], bias=a).data == DOT.forward([a, b, b, a, a])
        assert Value.dot([va, b], [vb, 2.0]).data == DOT.forward([a, b, b, 2.0])
        assert calculus.step(a) == STEP.forward(a) and calculus.sign(a) == SIGN.forward(a)


def test_every_code_template_computes_its_forward():
    rng = random.Random(4)
    for p in list(REGISTRY.values()):
        if not isinstance(p.code, str) or p.kind == "nary":
            continue
        arity = 2 if p.kind == "binary" else 1
        program = eval("lambda *v: " + p.code.format(*[f"v[{i}]" for i in range(arity)]),
                       {**p.names, "abs": abs})  # our own templates, never user text
        for _ in range(50):
            args = [rng.uniform(0.01, 3.0) if p.name in ("log", "sqrt", "pow", "log1p") else
                    rng.uniform(-3.0, 3.0) for _ in range(arity)]
            assert program(*args) == p.forward(*args), p.name


def test_every_gate_template_multiplies_like_its_forward():
    rng = random.Random(6)
    for p in list(REGISTRY.values()):
        if p.times is None:
            continue
        program = eval("lambda x, g: " + p.times.format("x", "g"))  # our own templates
        for _ in range(200):
            x = rng.choice([0.0, -0.0, rng.uniform(-3, 3)])
            g = rng.uniform(-5, 5)
            assert program(x, g) == p.forward(x) * g, p.name
        assert math.isnan(p.forward(math.nan))  # a NaN input is NaN in the forward already


def test_every_rule_runs_on_floats_and_on_nodes_with_the_same_numbers():
    rng = random.Random(5)
    for p in list(REGISTRY.values()):
        if p.piecewise or p.name.startswith("test_") or isinstance(p, type(BY_CUSTOM_OP)):
            continue
        for _ in range(20):
            args = [rng.uniform(0.2, 2.0) for _ in range({"binary": 2}.get(p.kind, 1))]
            if p.kind == "nary":
                args = [[rng.uniform(0.2, 2.0) for _ in range(4)]]
            if p.kind == "scaled":
                args.append(rng.choice([2.0, 3.0, 0.5, -1.0]))
            node = p(*[[Value(v) for v in a] if isinstance(a, list) else
                       (Value(a) if i < (p.arity or 1) else a) for i, a in enumerate(args)])
            floats = node.local_grads()
            from tinygrad_scalar.core.sweep import local_nodes
            nodes = [d.data if isinstance(d, Value) else float(d) for d in local_nodes(node)]
            assert nodes == pytest.approx(list(floats), rel=1e-12), p.name


def test_math_functions_on_values_refuse_and_the_registry_offers_the_replacement():
    from tinygrad_scalar import math as tmath
    assert grad(lambda x: tmath.sin(x) * x)(1.0) == pytest.approx(math.cos(1) + math.sin(1))
    assert grad(lambda x: tmath.exp(x))(1.0) == pytest.approx(math.e)
    for name in ("sin", "cos", "tan", "atan", "sqrt", "exp", "log", "log1p", "tanh"):
        fn = getattr(tmath, name)
        assert isinstance(fn(0.5), float) and isinstance(fn(Value(0.5)), Value)
        assert isinstance(fn(Dual(0.5, 1.0)), Dual)
        assert fn(0.5) == pytest.approx(getattr(math, name)(0.5), rel=1e-15)
