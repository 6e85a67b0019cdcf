"""Node names, the adjoint listing, the backward trace, compare and explain on known graphs."""

from __future__ import annotations

import io

import pytest

from tinygrad_scalar import MLP, Value, naive
from tinygrad_scalar.adjoint import format_steps, listing, node_names, trace_backward
from tinygrad_scalar.alphabeta import compare, explain


def test_names_use_labels_as_identifiers_and_avoid_clashes() -> None:
    a = Value(1.0, label="L0.N3.w1")
    b = Value(2.0, label="t1")        # a user label that looks like a temporary
    c = Value(3.0, label="L0.N3.w1")  # the same label twice
    d = Value(4.0, label="exp")       # a function name
    e = Value(5.0, label="g_x")       # would clash with gradient names
    f = Value(6.0)
    out = a * b + c * d + e * f
    names = node_names(out)
    assert [names[v] for v in (a, b, c, d, e, f)] == ["L0_N3_w1", "t1", "L0_N3_w1_2", "v_exp",
                                                      "v_g_x", "v1"]
    temps = sorted(n for v, n in names.items() if not v.is_leaf)
    assert temps == ["t2", "t3", "t4", "t5", "t6"]  # t1 is taken by a label


def test_listing_golden() -> None:
    x, w, b = Value(2.0, label="x"), Value(-3.0, label="w"), Value(6.88, label="b")
    out = (x * w + b).tanh() ** 2 / 2
    assert listing(out) == "\n".join([
        "# forward",
        "x = 2.0",
        "w = -3.0",
        "t1 = x * w                       # -6",
        "b = 6.88",
        "t2 = t1 + b                      # 0.88",
        "t3 = tanh(t2)                    # 0.7064",
        "t4 = t3 ** 2.0                   # 0.499",
        "t5 = 2.0 ** (-1.0)               # 0.5",
        "t6 = t4 * t5                     # 0.2495",
        "# backward (every g_ starts at 0)",
        "g_t6 = 1.0",
        "g_t4 += t5 * g_t6                # 0.5",
        "g_t5 += t4 * g_t6                # 0.499",
        "g_t3 += 2.0 * t3 * g_t4          # 0.7064",
        "g_t2 += (1.0 - t3 * t3) * g_t3   # 0.3539",
        "g_t1 += g_t2                     # 0.3539",
        "g_b += g_t2                      # 0.3539",
        "g_x += w * g_t1                  # -1.062",
        "g_w += x * g_t1                  # 0.7078",
    ])


def test_listing_of_relu_abs_and_a_fused_neuron() -> None:
    model = MLP(2, [1], activation="relu", rng=0)
    model.layers[0].neurons[0].w[0].data = 0.5
    model.layers[0].neurons[0].w[1].data = -0.25
    x = Value(3.0, label="x")
    y = abs(model([x, 2.0]).relu() - x)
    text = listing(y)
    assert "t1 = L0_N0_w0 * x + L0_N0_w1 * 2.0 + L0_N0_b" in text
    assert "g_L0_N0_w0 += x * g_t1" in text and "g_x += L0_N0_w0 * g_t1" in text
    assert "g_t1 += step(t1) * g_t2                        # -1" in text  # relu's rule
    assert "g_t4 += sign(t4) * g_t5                        # -1" in text  # abs's rule
    assert "g_2.0" not in text  # constants get no gradient line


def test_listing_checks_its_argument() -> None:
    with pytest.raises(TypeError, match="listing: root must be a Value, got int"):
        listing(3)  # type: ignore[arg-type]


def test_trace_prints_each_step_and_accumulates_like_backward() -> None:
    a, b = Value(3.0, label="a"), Value(4.0, label="b")
    out = a * b + a
    buf = io.StringIO()
    steps = trace_backward(out, file=buf)
    assert buf.getvalue() == format_steps(steps) + "\n"
    assert [(s.name, s.op, s.parents, s.before, s.after) for s in steps] == [
        ("t2", "+", ("t1", "a"), (0.0, 0.0), (1.0, 1.0)),
        ("t1", "*", ("a", "b"), (1.0, 0.0), (5.0, 3.0)),
    ]
    trace_backward(out)  # a second sweep adds once more into the leaves, as backward does
    assert (a.grad, b.grad) == (10.0, 6.0)


def test_trace_of_a_leaf_and_bad_input() -> None:
    x = Value(2.0)
    assert trace_backward(x) == [] and x.grad == 1.0
    with pytest.raises(TypeError, match="root must be a Value, got str"):
        trace_backward("x")  # type: ignore[arg-type]


# ------------------------------------------------------------------ compare and explain
def doubling(depth: int) -> tuple:
    x = Value(0.9, label="x")
    y = x
    for _ in range(depth):
        y = y * y  # paths to x double with each step
    return y, x


def test_compare_counts_work_exactly() -> None:
    y, x = doubling(10)
    c = compare(y, x, repeats=1)
    assert (c.nodes, c.edges, c.paths) == (11, 20, 1024)
    assert c.alpha_locals == 20
    assert c.beta_calls == naive.cost(y, x) == 2 ** 11 - 1
    assert c.max_difference == pytest.approx(0.0, abs=1e-12)
    assert c.rows[0].alpha == pytest.approx(1024 * 0.9 ** 1023)
    text = str(c)
    for piece in ("11 nodes, 20 edges, 1,024 paths to 1 variable", "20 local derivs",
                  "2,047 calls", "largest |Alpha - Beta|"):
        assert piece in text


def test_compare_skips_beta_beyond_its_budget() -> None:
    y, x = doubling(30)
    c = compare(y, x, repeats=1, max_calls=1000)
    assert c.beta_seconds is None and c.max_difference is None and c.rows[0].beta is None
    assert c.beta_calls == 2 ** 31 - 1 and c.paths == 2 ** 30
    assert "skipped" in str(c)


@pytest.mark.parametrize("args, error, message", [
    ((1.0, []), TypeError, r"compare: out must be a Value, got float"),
    ((Value(1.0), []), ValueError, r"compare: wrt must name at least one Value"),
    ((Value(1.0), [2.0]), TypeError, r"compare: wrt must hold Values, got float"),
])
def test_compare_checks_its_arguments(args: tuple, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        compare(*args)
    with pytest.raises(ValueError, match=r"repeats must be a positive int, got 0"):
        compare(Value(1.0), Value(1.0), repeats=0)


def test_explain_lists_paths_with_their_products() -> None:
    x, w = Value(2.0, label="x"), Value(3.0, label="w")
    out = x * w + x
    e = explain(out, x)
    assert [[n.label or "" for n in p.nodes] for p in e.paths] == [["", "", "x"], ["", "x"]]
    assert [p.local for p in e.paths] == [(1.0, 3.0), (1.0,)]
    assert e.listed_sum == e.gradient == 4.0
    assert str(e).splitlines() == [
        "d t2 / d x = sum over 2 paths of the product of local derivatives along each:",
        "  t2 <-+- t1 <-*- x   1 * 3 = 3",
        "  t2 <-+- x   1 = 1",
        "  sum = 4 (gradient 4)",
    ]


def test_explain_limits_the_listing_but_not_the_gradient() -> None:
    y, x = doubling(12)
    e = explain(y, x, limit=3)
    assert len(e.paths) == 3 and e.total_paths == 4096
    assert e.gradient == pytest.approx(4096 * 0.9 ** 4095)
    assert "... and 4,093 more paths" in str(e)
    assert explain(y, x, limit=0).paths == ()
    with pytest.raises(ValueError, match=r"limit must be an int >= 0 or None, got -1"):
        explain(y, x, limit=-1)
    with pytest.raises(TypeError, match=r"explain: out and x must be Values"):
        explain(y, 1.0)  # type: ignore[arg-type]
