"""The explorer page without a browser: what it holds, how it escapes user text, how it
refuses big graphs, and that it leaves the graph's gradients alone."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path
from typing import Any, Dict, Tuple

import pytest

from tinygrad_scalar import MLP, Value, explain, to_html, trace_backward
from tinygrad_scalar.cli.command import main
from tinygrad_scalar.viz import GraphvizNotFound

needs_dot = pytest.mark.skipif(shutil.which("dot") is None,
                               reason="the Graphviz program dot is not installed")


def neuron() -> Tuple[Value, Dict[str, Value]]:
    """micrograd's neuron: tanh(x1*w1 + x2*w2 + b) with its five leaves."""
    leaves = {k: Value(v, label=k) for k, v in
              dict(x1=2.0, x2=0.0, w1=-3.0, w2=1.0, b=6.8813735870195432).items()}
    n = leaves["x1"] * leaves["w1"] + leaves["x2"] * leaves["w2"] + leaves["b"]
    return n.tanh(), leaves


def page_data(path: Path) -> Dict[str, Any]:
    text = path.read_text("utf-8")
    m = re.search(r'<script type="application/json" id="page-data">(.*?)</script>', text, re.S)
    assert m is not None
    return json.loads(m.group(1))


@needs_dot
def test_the_page_holds_the_sweep_as_trace_backward_runs_it(tmp_path: Path) -> None:
    out, leaves = neuron()
    page = to_html(out, tmp_path / "neuron.html")
    data = page_data(page)
    for v in leaves.values():
        v.grad = 0.0
    steps = trace_backward(out)
    assert [s["k"] for s in data["steps"]] == [s.index for s in steps]
    for mine, theirs in zip(data["steps"], steps):
        assert mine["name"] == theirs.name and mine["op"] == theirs.op
        assert [float(u[5]) for u in mine["updates"]] == list(theirs.after)
    order = out.topological_order()
    assert data["total"] == data["drawn"] == len(order) == len(data["nodes"])
    x1 = data["nodes"][f"n{order.index(leaves['x1'])}"]
    assert x1["paths"] == str(explain(out, leaves["x1"], limit=12))
    assert float(x1["grad"]) == leaves["x1"].grad == pytest.approx(-1.5)
    assert data["compare"]["betaCalls"] > 0 and data["compare"]["maxDifference"] == "0"
    text = page.read_text("utf-8")
    assert "http://" not in text.replace("http://www.w3.org/", "")  # nothing from the network
    assert "https://" not in text


@needs_dot
def test_gradients_are_left_as_they_were(tmp_path: Path) -> None:
    out, leaves = neuron()
    for i, v in enumerate(leaves.values()):
        v.grad = 10.0 + i
    to_html(out, tmp_path / "p.html")
    assert [v.grad for v in leaves.values()] == [10.0, 11.0, 12.0, 13.0, 14.0]


@needs_dot
def test_user_text_cannot_break_out_of_the_page(tmp_path: Path) -> None:
    evil = '</script><script>alert(1)</script><!--&amp;"'
    x = Value(2.0, label=evil)
    page = to_html(x * x + 1, tmp_path / "evil.html", title=evil)
    text = page.read_text("utf-8")
    assert "<script>alert(1)" not in text
    assert text.count("</script>") == 2  # the data's and the script's
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in text  # the label, drawn as text
    assert f"<title>{html.escape(evil)}</title>" in text
    page_data(page)  # the data still reads back as JSON


@needs_dot
def test_big_graphs_are_refused_with_the_way_out(tmp_path: Path) -> None:
    model = MLP(2, [16, 16, 1], rng=0)
    loss = sum((model([Value(i / 10), Value(1 - i / 10)]) - 1) ** 2 for i in range(10))
    with pytest.raises(ValueError, match=r"collapse_sums=True|focus="):
        to_html(loss, tmp_path / "big.html", max_nodes=100)
    assert not (tmp_path / "big.html").exists()
    w = model.parameters()[0]
    page = to_html(loss, tmp_path / "focus.html", focus=w, radius=2)
    data = page_data(page)
    assert data["drawn"] < data["total"]
    assert all(s["node"] is None or s["node"] in data["nodes"] for s in data["steps"])


def test_a_missing_dot_program_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(GraphvizNotFound, match=r"to_html: .*install the system package graphviz"):
        to_html(Value(1.0) * 2, tmp_path / "p.html")
    assert not (tmp_path / "p.html").exists()


@pytest.mark.parametrize("bad, error", [
    (dict(root=1.0), TypeError), (dict(path=3), TypeError), (dict(title=5), TypeError),
    (dict(max_nodes=0), ValueError), (dict(timeout=-1), ValueError)])
def test_bad_arguments_are_named(tmp_path: Path, bad: Dict[str, Any], error: type) -> None:
    args: Dict[str, Any] = dict(root=Value(1.0) * 2, path=tmp_path / "p.html")
    args.update(bad)
    with pytest.raises(error, match=r"to_html"):
        to_html(**args)


@needs_dot
def test_the_command_writes_the_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "neuron.html"
    assert main(["graph", "tanh(x1*w1 + x2*w2 + b)", "x1=2", "x2=0", "w1=-3", "w2=1",
                 "b=6.8813735870195432", "--html", str(page)]) == 0
    assert f"wrote {page}" in capsys.readouterr().out
    assert len(page_data(page)["steps"]) == 5
    assert main(["graph", "x*x", "x=1", "--html", str(tmp_path / "no" / "p.html")]) == 2
    assert "--html" in capsys.readouterr().err
