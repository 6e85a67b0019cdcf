"""Drawing: DOT golden files, determinism across processes, options, rendering, errors.

The DOT tests need only the Python package ``graphviz``; the rendering tests need the
``dot`` program and are skipped where it is not installed. Regenerate the golden files
after an intended change with ``UPDATE_GOLDEN=1 python -m pytest tests/see/test_viz.py``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable, Dict, Tuple

import pytest

from tinygrad_scalar import MLP, Value
from tinygrad_scalar.viz import GraphvizNotFound, picture_format, render, render_steps, roles, to_dot

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
ROOT = Path(__file__).resolve().parents[2]
HAS_DOT = shutil.which("dot") is not None
needs_dot = pytest.mark.skipif(not HAS_DOT, reason="the Graphviz program dot is not installed")


def neuron() -> Value:
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    return (x1 * w1 + x2 * w2 + b).tanh()


def small_mlp() -> Tuple[Value, MLP]:
    """MLP(2, [2, 1]) with fixed weights (not its random init) and a squared-error loss."""
    model = MLP(2, [2, 1], activation="tanh", rng=0)
    for i, p in enumerate(model.parameters()):
        p.data = round(0.3 * (i + 1) * (-1) ** i, 2)
    y = model([Value(1.0, label="in0"), Value(-2.0, label="in1")])
    return (y - 0.5) ** 2, model


def sum_chain() -> Value:
    xs = [Value(float(i), label=f"x{i}") for i in range(5)]
    return sum((x * x for x in xs), Value(0.0, label="z"))


def with_backward(root: Value) -> Value:
    root.backward()
    return root


def a_plus_a() -> Value:
    a = Value(3.0, label="a")
    return a + a


CASES: Dict[str, Callable[[], str]] = {
    "neuron.dot": lambda: to_dot(neuron()).source,
    "neuron_grad_flow.dot": lambda: to_dot(with_backward(neuron()), grad_flow=True,
                                           legend=True).source,
    "a_plus_a.dot": lambda: to_dot(with_backward(a_plus_a()), grad_flow=True).source,
    "mlp_clusters.dot": lambda: to_dot(with_backward(small_mlp()[0]), rankdir="TB").source,
    "mlp_focus.dot": lambda: _mlp_focus(),
    "sum_collapsed.dot": lambda: to_dot(with_backward(sum_chain()), collapse_sums=True,
                                        grad_flow=True).source,
}


def _mlp_focus() -> str:
    loss, model = small_mlp()
    loss.backward()
    return to_dot(loss, grad_flow=True, focus=model.layers[1].neurons[0].w[1], radius=1).source


@pytest.mark.parametrize("name", sorted(CASES))
def test_dot_matches_golden_file(name: str) -> None:
    text = CASES[name]()
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}; run with UPDATE_GOLDEN=1 to create it"
    assert text == path.read_text(encoding="utf-8")


def test_dot_is_byte_identical_across_processes() -> None:
    script = ("import sys; sys.path.insert(0, sys.argv[1]); sys.path.insert(0, sys.argv[2]);"
              "import test_viz as t; sys.stdout.write(t.CASES['mlp_clusters.dot']()"
              " + t.CASES['neuron_grad_flow.dot']())")
    outs = []
    for seed in ("0", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", script, str(ROOT), str(Path(__file__).parent)],
                              capture_output=True, env=env, check=True)
        outs.append(done.stdout)
    here = (CASES["mlp_clusters.dot"]() + CASES["neuron_grad_flow.dot"]()).encode()
    assert outs[0] == outs[1] == here
    assert b" at 0x" not in here  # no id()-based names


def test_nodes_show_label_data_and_grad_and_each_operation_is_a_node() -> None:
    src = to_dot(with_backward(neuron())).source
    assert '"{x1 | data 2 | grad -1.5}"' in src
    assert '"{t5 | data 0.7071 | grad 1}"' in src
    ops = [line for line in src.splitlines() if "op [label=" in line]
    assert [line.split("label=")[1].split()[0] for line in ops] == ["\"*\"", "\"*\"", "\"+\"",
                                                                   "\"+\"", "tanh"]


def test_a_plus_a_draws_two_edges() -> None:
    src = to_dot(a_plus_a()).source
    assert src.count("\tn0 -> n1op") == 2


def test_grad_flow_labels_and_widths_follow_contributions() -> None:
    src = to_dot(with_backward(neuron()), grad_flow=True).source
    edge = next(line for line in src.splitlines() if line.startswith("\tn0 -> n2op"))
    assert 'label="local -3\\nadds -1.5"' in edge and 'color="#b2182b"' in edge
    assert "penwidth=5.00" in edge  # the largest |contribution| gets the widest pen
    zero = next(line for line in src.splitlines() if line.startswith("\tn4 -> n5op"))
    assert "penwidth=1.00" in zero and "adds 0" in zero
    assert 'fillcolor="#ffffff"' in next(line for line in src.splitlines()
                                         if line.startswith("\tn4 "))


def test_roles() -> None:
    x, w, b = Value(1.0, label="x"), Value(2.0, label="w"), Value(0.5, label="L0.N1.b")
    k = Value(3.0, label="k")
    y = (2 * x * w + b) * k
    guessed = roles(y)  # without params, a label like w, w1, b or L0.N1.b reads as one
    assert [guessed[v] for v in (x, w, b, k, y)] == ["input", "parameter", "parameter",
                                                     "input", "output"]
    r = roles(y, params=[k])  # given params are the parameters, whatever the names say
    assert [r[v] for v in (x, w, b, k, y)] == ["input", "input", "input", "parameter", "output"]
    assert sorted(set(r.values())) == ["constant", "input", "operation", "output", "parameter"]


def test_clusters_group_each_neuron_inside_its_layer() -> None:
    loss, _ = small_mlp()
    src = to_dot(loss).source
    for layer, n in (("L0", 2), ("L1", 1)):
        assert f"subgraph cluster_{layer} {{" in src
        for j in range(n):
            assert f"subgraph cluster_{layer}_N{j} {{" in src
    block = src.split("subgraph cluster_L0_N1 {")[1].split("\n\t\t}\n")[0]
    assert "L0.N1.w0" in block and "L0.N1.b" in block and "tanh" in block and "dot" in block
    assert "L0.N0" not in block and "in0" not in block
    assert "cluster" not in to_dot(loss, clusters=False).source
    assert "cluster" not in to_dot(neuron()).source  # no neuron-style labels: no boxes


def test_collapse_sums_draws_one_sum_node() -> None:
    s = with_backward(sum_chain())
    full, collapsed = to_dot(s).source, to_dot(s, collapse_sums=True).source
    assert full.count('[label="+"') == 5
    assert collapsed.count('[label="+"') == 0 and 'label="sum of 6"' in collapsed
    head = next(line for line in collapsed.splitlines() if "sum of 6" in line).split()[0]
    assert collapsed.count(f"-> {head}\n") == 6 and collapsed.count(head) == 8


def test_collapse_keeps_labelled_and_shared_partial_sums() -> None:
    a, b, c = Value(1.0, label="a"), Value(2.0, label="b"), Value(3.0, label="c")
    shared = a + b
    labelled = shared + c
    labelled.label = "s"
    out = labelled + shared
    src = to_dot(out, collapse_sums=True).source
    assert src.count('[label="+"') == 3  # shared has two uses, s has a label


def test_focus_draws_only_a_neighbourhood() -> None:
    loss, model = small_mlp()
    w = model.layers[1].neurons[0].w[1]
    src = to_dot(loss, focus=w, radius=1).source
    assert "L1.N0.w1" in src and "L1.N0.w0" not in src and "in0" not in src
    assert "more" in src  # stubs mark the edges leading out of the picture
    wider = to_dot(loss, focus=w, radius=3).source
    assert "L1.N0.w0" in wider
    assert to_dot(loss, focus=loss, radius=0).source.count("shape=record") == 1


def test_highlight_and_title() -> None:
    root = neuron()
    src = to_dot(root, highlight=root, title="hello").source
    assert 'label=hello' in src and 'color="#ff7f00"' in src


@pytest.mark.parametrize("options, message", [
    ({"rankdir": "XY"}, r"rankdir must be one of LR, RL, TB, BT; got 'XY'"),
    ({"clusters": "yes"}, r"clusters must be True, False or 'auto'; got 'yes'"),
    ({"radius": -1}, r"radius must be an int >= 0, got -1"),
    ({"max_nodes": 0}, r"max_nodes must be a positive int, got 0"),
    ({"max_nodes": 5}, r"to_dot: 10 nodes to draw, more than max_nodes=5"),
    ({"focus": Value(1.0)}, r"focus Value\(data=1, grad=0\) is not a node of this graph"),
])
def test_to_dot_refuses_bad_options(options: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        to_dot(neuron(), **options)


def test_to_dot_needs_a_value() -> None:
    with pytest.raises(TypeError, match="to_dot: root must be a Value, got float"):
        to_dot(1.0)  # type: ignore[arg-type]


def test_unknown_extension_lists_the_supported_ones(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"'.*graph\.gif'; use one of the extensions "
                                         r"\.png, \.svg, \.pdf"):
        render(neuron(), tmp_path / "graph.gif")
    assert picture_format("A.PDF") == "pdf"


def test_missing_dot_names_the_system_package(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no dot program here
    with pytest.raises(GraphvizNotFound, match=r"install the system package graphviz"):
        render(neuron(), tmp_path / "graph.png")
    assert not (tmp_path / "graph.png").exists()
    bundle = to_dot(neuron())._repr_mimebundle_()
    assert list(bundle) == ["text/plain"] and "digraph tinygrad_scalar" in bundle["text/plain"]


def test_missing_python_package_says_what_to_install(monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setitem(sys.modules, "graphviz", None)  # makes "import graphviz" fail
    with pytest.raises(ImportError, match=r"pip install graphviz"):
        to_dot(neuron())
    from tinygrad_scalar.cli import command as cli
    assert cli.main(["graph", "x*x", "x=1", "--dot"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pip install graphviz" in err


# ---------------------------------------------------------------- with the dot program
@needs_dot
@pytest.mark.parametrize("suffix, magic", [(".png", b"\x89PNG"), (".svg", b"<?xml"),
                                           (".pdf", b"%PDF")])
def test_render_writes_each_format(tmp_path: Path, suffix: str, magic: bytes) -> None:
    path = render(with_backward(neuron()), tmp_path / f"n{suffix}", grad_flow=True)
    assert path == tmp_path / f"n{suffix}"
    assert path.read_bytes().startswith(magic)


@needs_dot
def test_svg_shows_labels_data_and_grads(tmp_path: Path) -> None:
    svg = render(with_backward(neuron()), tmp_path / "n.svg").read_text().replace("&#45;", "-")
    for text in ("x1", "data 2", "grad -1.5", "tanh", "data 0.7071"):
        assert text in svg


@needs_dot
def test_jupyter_display_is_inline_svg() -> None:
    g = to_dot(neuron())
    bundle = g._repr_mimebundle_()
    assert list(bundle) == ["image/svg+xml"] and "<svg" in bundle["image/svg+xml"]
    assert "<svg" in g._repr_svg_()


@needs_dot
def test_render_steps_writes_a_film_strip(tmp_path: Path) -> None:
    root = neuron()
    paths = render_steps(root, tmp_path / "film", fmt="svg")
    assert [p.name for p in paths] == [f"step_{i:03d}.svg" for i in range(1, 6)]
    first, last = (p.read_text().replace("&#45;", "-") for p in (paths[0], paths[-1]))
    assert "step 1 of 5: t5 (tanh) passes grad 1 to t4" in first
    assert "grad -1.5" not in first and "grad -1.5" in last  # x1 is reached at the end
    ref = with_backward(neuron())
    assert root.grad == ref.grad
    assert [n.grad for n in root.topological_order()] == [n.grad for n in ref.topological_order()]


def test_render_steps_checks_its_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"fmt must be one of png, svg, pdf; got 'gif'"):
        render_steps(neuron(), tmp_path, fmt="gif")
    with pytest.raises(ValueError, match=r"5 steps, more than max_steps=3"):
        render_steps(neuron(), tmp_path, max_steps=3)


def test_every_one_input_operation_of_the_registry_is_an_activation_of_its_neuron() -> None:
    from tinygrad_scalar.core.primitive import REGISTRY

    ws = [Value(0.5, label="L0.N0.w0"), Value(-0.5, label="L0.N0.w1")]
    z = Value.dot(ws, [Value(1.0, label="in0"), Value(2.0, label="in1")],
                  bias=Value(0.1, label="L0.N0.b"))
    src = to_dot(REGISTRY["softplus"](z) ** 2).source
    block = src.split("subgraph cluster_L0_N0 {")[1].split("\n\t\t}\n")[0]
    assert "softplus" in block and "**" not in block  # x ** k is not an activation
