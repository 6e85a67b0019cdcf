"""Properties on random graphs: listing, trace, explain, compare and DOT agree with backward."""

from __future__ import annotations

import math
from typing import Dict, List, Tuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tinygrad_scalar import Value, graph
from tinygrad_scalar.adjoint import listing, trace_backward
from tinygrad_scalar.alphabeta import adjoints, compare, explain
from tinygrad_scalar.expr import build as build_expr
from tinygrad_scalar.expr import variables
from tinygrad_scalar.viz import to_dot

OPS = ["+", "*", "tanh", "sigmoid", "square", "cube", "sum", "dot", "scale", "relu", "exp",
       "div", "pow"]
Spec = Tuple[List[float], List[Tuple[str, int, int, int]]]


@st.composite
def specs(draw: st.DrawFn) -> Spec:
    """Leaf values and a list of operations, each reading earlier nodes (often the same)."""
    leaves = draw(st.lists(st.floats(-2.0, 2.0), min_size=1, max_size=3))
    ops = []
    for k in range(draw(st.integers(1, 9))):
        size = len(leaves) + k
        pick = st.integers(0, size - 1)
        ops.append((draw(st.sampled_from(OPS)), draw(pick), draw(pick), draw(pick)))
    return leaves, ops


def build(spec: Spec) -> Tuple[Value, List[Value]]:
    """Build the graph of ``spec``; values stay moderate so nothing overflows."""
    values, ops = spec
    leaves = [Value(v, label=f"x{i}") for i, v in enumerate(values)]
    pool = list(leaves)
    for op, i, j, k in ops:
        a, b, c = pool[i], pool[j], pool[k]
        if op == "+":
            n = a + b
        elif op == "*":
            n = a * b
        elif op == "tanh":
            n = a.tanh()
        elif op == "sigmoid":
            n = a.sigmoid()
        elif op == "square":
            n = a ** 2
        elif op == "cube":
            n = a ** 3
        elif op == "sum":
            n = Value.sum([a, b, c, a])
        elif op == "dot":
            n = Value.dot([a, b], [c, a], bias=b)
        elif op == "scale":
            n = 0.5 * a - 1.0
        elif op == "relu":
            n = a.relu()
        elif op == "exp":
            n = a.tanh().exp()
        elif op == "div":
            n = a / (b * b + 1.0)
        else:
            n = (b * b + 0.5) ** a.tanh()
        if abs(n.data) > 10.0:
            n = n.tanh()
        pool.append(n)
    return pool[-1], leaves


def backward_grads(spec: Spec) -> Tuple[Value, List[Value], List[float]]:
    out, leaves = build(spec)
    out.backward()
    return out, leaves, [x.grad for x in leaves]


def _run_listing(text: str) -> Tuple[Dict[str, float], Dict[str, float]]:
    """Run a listing line by line with the package's own safe expression reader."""
    env: Dict[str, float] = {}
    grads: Dict[str, float] = {}
    section = None
    for line in text.splitlines():
        if line.startswith("# "):
            section = line.split()[1]
            continue
        code = line.split("#")[0].strip()
        if section == "forward":
            name, rhs = (s.strip() for s in code.split("=", 1))
            env[name] = _evaluate(rhs, env)
        else:
            if "+=" in code:
                name, rhs = (s.strip() for s in code.split("+=", 1))
                grads[name] = grads.get(name, 0.0) + _evaluate(rhs, {**env, **grads})
            else:
                name, rhs = (s.strip() for s in code.split("=", 1))
                grads[name] = float(rhs)
    return env, grads


def _evaluate(rhs: str, env: Dict[str, float]) -> float:
    names = variables(rhs)
    if not names:  # an operation on constants only, such as 1.0 * (-1.0)
        return build_expr(f"zero + {rhs}", {"zero": 0.0})[0].data
    return build_expr(rhs, {n: env.get(n, 0.0) for n in names})[0].data


@settings(max_examples=80, deadline=None)
@given(specs())
def test_listing_runs_to_the_values_and_gradients_of_backward(spec: Spec) -> None:
    out, leaves, grads = backward_grads(spec)
    before = [n.grad for n in out.topological_order()]
    text = listing(out)
    assert [n.grad for n in out.topological_order()] == before  # listing touches nothing
    env, g = _run_listing(text)
    last = [line for line in text.splitlines() if line.startswith("# backward")]
    assert len(last) == 1
    root_name = text.splitlines()[text.splitlines().index(last[0]) + 1].split()[0][2:]
    assert env[root_name] == pytest.approx(out.data, rel=1e-9, abs=1e-12)
    for x, expected in zip(leaves, grads):
        assert g.get(f"g_{x.label}", 0.0) == pytest.approx(expected, rel=1e-9, abs=1e-9)


@settings(max_examples=80, deadline=None)
@given(specs())
def test_trace_backward_does_what_backward_does(spec: Spec) -> None:
    _, _, expected = backward_grads(spec)
    out, leaves = build(spec)
    steps = trace_backward(out)
    assert [x.grad for x in leaves] == expected
    ops = [n for n in out.topological_order() if not n.is_leaf]
    assert len(steps) == len(ops)
    assert {id(s.node) for s in steps} == {id(n) for n in ops}
    for s in steps:
        ps = s.node.parents
        for p, b, a in zip(ps, s.before, s.after):
            local = sum(d for q, d in zip(ps, s.local) if q is p)  # a parent may appear twice
            assert a - b == pytest.approx(local * s.grad, rel=1e-9, abs=1e-12)


@settings(max_examples=80, deadline=None)
@given(specs())
def test_explain_paths_sum_to_the_gradient(spec: Spec) -> None:
    out, leaves, grads = backward_grads(spec)
    for x, expected in zip(leaves, grads):
        e = explain(out, x, limit=None)
        assert e.total_paths == len(e.paths) == graph.count_paths(out, x, lambda n: n.parents)
        assert e.listed_sum == pytest.approx(expected, rel=1e-9, abs=1e-9)
        assert e.gradient == pytest.approx(expected, rel=1e-12, abs=1e-12)
        for p in e.paths:
            assert p.nodes[0] is out and p.nodes[-1] is x
            assert p.product == pytest.approx(math.prod(p.local), rel=1e-12, abs=1e-300)


@settings(max_examples=50, deadline=None)
@given(specs())
def test_compare_agrees_and_restores_gradients(spec: Spec) -> None:
    out, leaves, grads = backward_grads(spec)
    order = out.topological_order()
    before = [n.grad for n in order]
    c = compare(out, leaves, repeats=1)
    assert [n.grad for n in order] == before
    assert [r.alpha for r in c.rows] == pytest.approx(grads, rel=1e-12, abs=1e-12)
    assert c.max_difference is not None and c.max_difference <= 1e-9 * (1 + max(map(abs, grads)))
    assert c.nodes == len(order) and c.edges == sum(len(n.parents) for n in order)
    assert c.paths == sum(graph.count_paths(out, x, lambda n: n.parents) for x in leaves)


@settings(max_examples=50, deadline=None)
@given(specs(), st.booleans(), st.booleans())
def test_dot_is_the_same_for_the_same_graph_built_twice(spec: Spec, flow: bool,
                                                         collapse: bool) -> None:
    a, _ = backward_grads(spec)[:2]
    b, _ = backward_grads(spec)[:2]
    assert (to_dot(a, grad_flow=flow, collapse_sums=collapse).source
            == to_dot(b, grad_flow=flow, collapse_sums=collapse).source)


@settings(max_examples=50, deadline=None)
@given(specs())
def test_adjoints_match_backward_without_touching_grad(spec: Spec) -> None:
    out, _ = build(spec)
    adj = adjoints(out)
    assert all(n.grad == 0.0 for n in out.topological_order())
    out.backward()
    for n in out.topological_order():
        assert adj[n] == pytest.approx(n.grad, rel=1e-12, abs=1e-12)
