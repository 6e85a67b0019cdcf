"""gradcheck, gradgradcheck and check_graph: they pass on correct code and can fail."""

from __future__ import annotations

import math

import pytest

from tinygrad_scalar import MLP, GradcheckError, Value, check_graph, custom_op, gradcheck, gradgradcheck
from tinygrad_scalar.ops import sin, softplus


def good(x, ys, z):
    return (x * Value.dot(ys, ys)).tanh() + softplus(z) * sin(x) + (z * z + 1) ** ys[0]


def test_gradcheck_passes_on_every_op():
    report = gradcheck(good, [0.3, [0.5, -1.2], 0.8])
    assert report.ok and bool(report)
    assert [e.input for e in report.entries] == ["inputs[0]", "inputs[1][0]", "inputs[1][1]",
                                                 "inputs[2]"]
    assert all(e.error <= e.tolerance for e in report.entries)
    assert "reverse mode" in str(report)


def test_gradcheck_vector_output_and_labels():
    x = Value(0.4, label="x")
    report = gradcheck(lambda a, b: [a * b, (a - b).exp()], [x, 2.0])
    assert [(e.output, e.input) for e in report.entries] == [
        ("f[0]", "x (inputs[0])"), ("f[1]", "x (inputs[0])"),
        ("f[0]", "inputs[1]"), ("f[1]", "inputs[1]")]
    assert x.grad == 0.0


def test_gradcheck_names_the_worst_input():
    half_wrong = custom_op("cube", lambda v: v ** 3, derivative=lambda v: 3 * v * v * 1.001)
    f = lambda a, b, c: a * b + half_wrong(c) + half_wrong(b) * 0.01  # noqa: E731
    with pytest.raises(GradcheckError, match=r"d f / d inputs\[2\] is 12\.012 by reverse mode "
                                             r"but 12 by central differences") as info:
        gradcheck(f, [1.0, 1.5, 2.0])
    report = info.value.report
    assert not report.ok and report.worst.input == "inputs[2]"
    assert [e.ok for e in report.entries] == [True, True, False]  # b's error is 6e-5 < 1e-4
    quiet = gradcheck(f, [1.0, 1.5, 2.0], raise_exception=False)
    assert not quiet and quiet.worst.input == "inputs[2]"
    # a looser tolerance accepts the 0.1 % error
    assert gradcheck(f, [1.0, 1.5, 2.0], rtol=2e-3)


def test_gradgradcheck_passes_and_catches_a_wrong_symbolic_rule():
    assert gradgradcheck(good, [0.3, [0.5, -1.2], 0.8])
    assert gradgradcheck(lambda a, b: [a * b.sigmoid(), (a / b).log()], [0.7, 1.3])
    # first derivative right, its symbolic twin wrong: only the second order check sees it
    bad = custom_op("sq", lambda v: v * v, derivative=lambda v: 2 * v,
                    symbolic=lambda v: 2 * v + v * v)
    assert gradcheck(lambda a: bad(a), [1.5])
    with pytest.raises(GradcheckError, match=r"gradgradcheck: d \(d f / d inputs\[0\]\) / d "
                                             r"inputs\[0\] is 5 by reverse mode but 2 by central"):
        gradgradcheck(lambda a: bad(a), [1.5])


def test_check_graph_passes_on_a_network():
    model = MLP(3, [5, 5, 1], activation="tanh", rng=2)
    loss = (model([0.2, -0.5, 0.9]) - 1.0) ** 2 + softplus(sin(model.layers[0].neurons[0].w[0]))
    report = check_graph(loss)
    assert report.ok and report.checked > 50


def test_check_graph_names_the_first_wrong_rule_in_topological_order():
    wrong_sin = custom_op("wrong_sin", math.sin, derivative=lambda v: -math.cos(v))  # planted error
    x = Value(0.5, label="x")
    h = (x * 2.0).exp()
    h.label = "h"
    s = wrong_sin(h.tanh())
    s.label = "s"
    later = wrong_sin(s * x)          # a second wrong node, later in the order
    root = (later + s).log()
    with pytest.raises(GradcheckError, match=r"check_graph: node #\d+ \(operation 'wrong_sin', "
                                             r"label 's'\): its rule gives d/d\(input 0\) = "
                                             r"-0\.5\d+ .* central differences give 0\.5\d+"):
        check_graph(root)
    report = check_graph(root, raise_exception=False)
    order = root.topological_order()
    assert order[report.first.index] is s
    assert report.first.op == "wrong_sin" and report.first.slot == 0
    assert not report.ok and report.checked >= 4


def test_check_graph_finds_a_wrong_rule_on_the_second_input():
    bad_mul = custom_op("bad_mul", lambda a, b: a * b, arity=2, derivative=lambda a, b: (b, b))
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    report = check_graph(bad_mul(a, b).tanh(), raise_exception=False)
    assert report.first.slot == 1 and report.first.input_label == "b"
    assert report.first.analytic == 3.0 and report.first.numeric == pytest.approx(2.0)


def test_check_graph_skips_kinks_and_domain_edges():
    x = Value(0.0, label="x")
    y = x.relu() + abs(x)
    report = check_graph(y)
    assert report.ok and len(report.skipped) == 2 and "not smooth at 0" in report.skipped[0]
    tiny = Value(1e-9)
    report = check_graph(tiny.log(), eps=1e-3)
    assert report.ok and "log: undefined" in report.skipped[0]


def test_checks_reject_bad_arguments():
    with pytest.raises(ValueError, match="eps must be > 0"):
        gradcheck(lambda a: a, [1.0], eps=0.0)
    with pytest.raises(ValueError, match="atol must be a number >= 0"):
        gradcheck(lambda a: a, [1.0], atol=-1)
    with pytest.raises(TypeError, match="inputs must be a list or tuple"):
        gradcheck(lambda a: a, 1.0)
    with pytest.raises(TypeError, match="check_graph: root must be a Value"):
        check_graph(1.0)
