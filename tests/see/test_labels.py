"""A label that is not a str (``v.label = 5`` is a plain assignment) is refused at first
use, by a message naming the attribute and the node, in every drawing and listing."""

from __future__ import annotations

from typing import Any

import pytest

from tinygrad_scalar import Value
from tinygrad_scalar.adjoint import listing, node_names, trace_backward
from tinygrad_scalar.alphabeta import compare, explain
from tinygrad_scalar.viz import render, roles, to_dot

USES = {
    "to_dot": lambda out, x: to_dot(out),
    "to_dot collapse_sums": lambda out, x: to_dot(out, collapse_sums=True),
    "roles": lambda out, x: roles(out),
    "listing": lambda out, x: listing(out),
    "node_names": lambda out, x: node_names(out),
    "trace_backward": lambda out, x: trace_backward(out),
    "compare": lambda out, x: compare(out, x, repeats=1),
    "explain": lambda out, x: explain(out, x),
    "render": lambda out, x: render(out, "never_written.svg"),
}


@pytest.mark.parametrize("label", [5, None, b"w", ["w"]], ids=["int", "None", "bytes", "list"])
@pytest.mark.parametrize("use", sorted(USES))
@pytest.mark.silent  # once a wrong result without a word
def test_a_label_that_is_not_a_str_is_named_at_first_use(use: str, label: Any, tmp_path,
                                                         monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    out = x * w + x
    w.label = label
    with pytest.raises(TypeError) as e:
        USES[use](out, w)
    message = str(e.value)
    assert "label" in message and repr(label) in message and type(label).__name__ in message
    assert "Value(data=-3, grad=0)" in message  # the node, as its data and gradient show it
    assert [n.grad for n in out.topological_order()] == [0.0] * 4  # nothing was changed
    assert list(tmp_path.iterdir()) == []


def test_an_operation_with_a_bad_label_is_named_by_its_operation() -> None:
    x = Value(2.0, label="x")
    y = x * x
    y.label = 3.5
    with pytest.raises(TypeError, match=r"Value\(data=4, grad=0\), the result of '\*', "
                                        r"has label = 3\.5 \(float\)"):
        to_dot(y + 1)


def test_a_variable_outside_the_graph_is_checked_too() -> None:
    x, z = Value(2.0, label="x"), Value(1.0)
    z.label = 7
    for call in (lambda: explain(x * x, z), lambda: compare(x * x, [x, z], repeats=1)):
        with pytest.raises(TypeError, match=r"label must be a str.*label = 7 \(int\)"):
            call()


def test_str_subclasses_and_empty_labels_are_fine() -> None:
    class Name(str):
        pass

    x = Value(2.0)
    x.label = Name("x")
    y = Value(1.0)
    y.label = ""
    src = to_dot(x * y).source
    assert "{x | data 2" in src and "v1" in listing(x * y)
