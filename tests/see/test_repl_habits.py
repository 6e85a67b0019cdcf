"""Habits from PyTorch and the REPL: torchviz's params=dict(model.named_parameters()), and
results that show themselves at a prompt without print."""

from __future__ import annotations

import pytest

from tinygrad_scalar import MLP, Value, compare, explain
from tinygrad_scalar.data import load_diabetes, load_iris
from tinygrad_scalar.viz import to_dot


def test_to_dot_takes_a_dict_of_named_parameters() -> None:
    pytest.importorskip("graphviz", reason="drawing needs the graphviz Python package")
    m = MLP(2, [1], rng=0)
    out = m([1.0, 2.0])
    by_dict = to_dot(out, params=dict(m.named_parameters())).source
    assert by_dict == to_dot(out, params=m.parameters()).source
    with pytest.raises(TypeError, match="to_dot: params must hold Values, got str"):
        to_dot(out, params={"w": "not a Value"})


def test_compare_and_explain_show_their_tables_at_a_prompt() -> None:
    a = Value(2.0, label="a")
    c = a * a + a
    comparison, explanation = compare(c, a, repeats=1), explain(c, a)
    assert repr(comparison) == str(comparison) and "Alpha (backward)" in repr(comparison)
    assert repr(explanation) == str(explanation)
    assert repr(explanation).startswith("d ") and "sum over 3 paths" in repr(explanation)


def test_a_data_set_shows_a_one_line_summary() -> None:
    text = repr(load_diabetes())
    assert "\n" not in text and len(text) < 300
    assert text.startswith("Dataset(442 samples x 10 features (age, sex, bmi, bp, s1, ...")
    assert "3 classes (setosa, versicolor, virginica)" in repr(load_iris())


def test_render_draws_the_legend_as_the_command_does(tmp_path) -> None:
    import shutil

    pytest.importorskip("graphviz", reason="drawing needs the graphviz Python package")
    if shutil.which("dot") is None:
        pytest.skip("the dot program (system package graphviz) is not installed")
    from tinygrad_scalar.viz import render

    x = Value(2.0, label="x")
    with_legend = render(x * x, tmp_path / "a.svg").read_text()
    without = render(x * x, tmp_path / "b.svg", legend=False).read_text()
    assert "<title>legend</title>" in with_legend and "<title>legend</title>" not in without
