"""Big graphs never take the machine down, and every way out a refusal suggests works.

A drawing over its budget is refused before ``dot`` starts; each suggestion in the
message (``collapse_sums=True``, ``focus=..., radius=...``) is followed here and must give
a readable picture: made within seconds, within the budget, and drawn at full size (dot
shrinks a picture wider or taller than 32,767 pixels until its text cannot be read). A
loss over a batch collapses to a summary: one sum of its first terms.
"""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional

import pytest

from tinygrad_scalar import MLP, Value
from tinygrad_scalar.see import dot_program
from tinygrad_scalar.viz import DotError, render, to_dot

needs_dot = pytest.mark.skipif(shutil.which("dot") is None,
                               reason="the Graphviz program dot is not installed")
MAX_POINTS = 15_000  # 20,000 pixels at 96 dpi: far from the size where dot shrinks text


def mse_over_batch(n: int = 100, how: str = "sum") -> Value:
    """Mean squared error of MLP(2, [16, 16, 1]) over ``n`` samples (about 7,500 nodes)."""
    model = MLP(2, [16, 16, 1], rng=0)
    errors = [(model([Value(i / n), Value(1 - i / n)]) - 0.5) ** 2 for i in range(n)]
    if how == "sum":
        return Value.sum(errors) / n
    total = errors[0]
    for e in errors[1:]:
        total = total + e  # a chain of +
    return total * (1.0 / n)


def micrograd_style(n: int = 100) -> Value:
    """micrograd's own way: every neuron a chain of + over products (about 14,000 nodes)."""
    layers = [[[Value(0.1 * ((i + j) % 7 - 3), label=f"w{i}") for i in range(fan_in)]
               + [Value(0.0, label="b")] for j in range(width)]
              for fan_in, width in ((2, 8), (8, 8), (8, 1))]
    total: Value = Value(0.0)
    for k in range(n):
        x: List[Value] = [Value(k / n), Value(1 - k / n)]
        for depth, layer in enumerate(layers):
            acts = [sum((w * xi for w, xi in zip(ws[:-1], x)), ws[-1]) for ws in layer]
            x = [a.relu() for a in acts] if depth < 2 else acts
        total = total + (x[0] - 0.5) ** 2
    return total


def chain(n: int = 10_000) -> Value:
    y = Value(0.5, label="x")
    for _ in range(n):
        y = y * 1.0001
    return y


def wide_sum(n: int = 10_000) -> Value:
    return Value.sum([Value(float(i)) for i in range(n)])


def one_value_many_times(n: int = 50_000) -> Value:
    a = Value(1.0, label="a")
    return Value.sum([a] * n)  # 2 nodes, 50,000 edges


def wide_neuron(n: int = 5_000) -> Value:
    return Value.dot([Value(0.1, label=f"w{i}") for i in range(n)],
                     [Value(1.0) for _ in range(n)], bias=0.5).tanh()


GRAPHS: Dict[str, Callable[[], Value]] = {
    "mse (Value.sum)": mse_over_batch, "mse (chain of +)": lambda: mse_over_batch(how="chain"),
    "micrograd style": micrograd_style, "chain": chain, "wide sum": wide_sum,
    "one value many times": one_value_many_times, "wide neuron": wide_neuron,
}
BATCH_LOSSES = ("mse (Value.sum)", "mse (chain of +)", "micrograd style")


def svg_points(path: Path) -> tuple:
    head = path.read_text()[:2000]
    w, h = re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', head).groups()
    return float(w), float(h)


def readable(root: Value, path: Path, **options) -> str:
    """Render; check the picture is made in seconds and drawn at full size; its DOT."""
    start = time.perf_counter()
    render(root, path, timeout=20, **options)
    assert time.perf_counter() - start < 20
    w, h = svg_points(path)
    assert max(w, h) <= MAX_POINTS, f"{w:.0f} x {h:.0f} points"
    return to_dot(root, **options).source


def ways_out(message: str) -> List[dict]:
    """The options a refusal suggests, as keyword arguments (VALUE left to the caller)."""
    found = []
    if "collapse_sums=True" in message:
        found.append({"collapse_sums": True})
    m = re.search(r"focus=VALUE, radius=(\d+)", message)
    if m:
        found.append({"focus": "VALUE", "radius": int(m.group(1))})
    return found


def most_used(root: Value) -> Value:
    uses: Dict[Value, int] = {}
    for n in root.topological_order():
        for p in n.parents:
            uses[p] = uses.get(p, 0) + 1
    return max(uses, key=lambda n: (uses[n], not n.is_constant))


@needs_dot
@pytest.mark.parametrize("name", sorted(GRAPHS))
@pytest.mark.silent  # once a wrong result without a word
def test_every_way_out_of_a_refusal_gives_a_readable_picture(name: str, tmp_path: Path) -> None:
    root = GRAPHS[name]()
    root.backward()
    with pytest.raises(ValueError) as e:
        render(root, tmp_path / "refused.svg")
    message = str(e.value)
    assert re.match(r"to_dot: [\d,]+ (nodes|edges) to draw, more than", message)
    assert "raise max_nodes" not in message  # dot on 10,000 nodes took 22.5 GB
    assert not (tmp_path / "refused.svg").exists()
    options = ways_out(message)
    assert any("focus" in o for o in options)  # a way out is always offered
    if name in BATCH_LOSSES:
        assert {"collapse_sums": True} in options
    order = root.topological_order()
    for i, option in enumerate(options):
        if option.get("focus") != "VALUE":
            readable(root, tmp_path / f"{i}.svg", grad_flow=True, **option)
            continue
        for j, focus in enumerate({root, order[0], order[len(order) // 2], most_used(root)}):
            source = readable(root, tmp_path / f"{i}_{j}.svg", **{**option, "focus": focus})
            assert source.count("shape=record") + source.count("shape=box") <= 111


@needs_dot
@pytest.mark.parametrize("name", BATCH_LOSSES)
def test_a_loss_over_a_batch_collapses_to_a_summary(name: str, tmp_path: Path) -> None:
    root = GRAPHS[name]()
    root.backward()
    source = readable(root, tmp_path / "summary.svg", collapse_sums=True, grad_flow=True)
    values = source.count("shape=record") + source.count("shape=box")
    assert values <= 400  # of 7,500 to 14,000
    # the loss: 3 of its 100 terms (101 with micrograd's leading 0), the others counted
    assert re.search(r'label="9[78] more"', source)
    assert re.search(r'label="?(sum|sum of 100)[" ]', source)


@needs_dot
def test_focus_on_a_value_used_by_every_sample_is_small_and_fast(tmp_path: Path) -> None:
    root = mse_over_batch()
    weight = most_used(root)
    source = readable(root, tmp_path / "w.svg", focus=weight, radius=2, grad_flow=True)
    assert source.count("shape=record") <= 111 and "95 more" in source  # 5 of its 100 uses


def test_a_focus_with_too_big_a_radius_suggests_one_that_fits() -> None:
    root = chain(2_000)
    middle = root.topological_order()[2_000]
    with pytest.raises(ValueError, match=r"nodes to draw, more than max_nodes=500; use "
                                         r"radius=2 \(it draws \d+ nodes\)$"):
        to_dot(root, focus=middle, radius=400)
    to_dot(root, focus=middle, radius=2)
    with pytest.raises(ValueError, match=r"use radius=1 \(it draws 4 nodes\)$"):
        to_dot(root, focus=middle, radius=3, max_nodes=5)
    to_dot(root, focus=middle, radius=1, max_nodes=5)


@pytest.mark.silent  # once a wrong result without a word
def test_a_refusal_is_quick_even_for_a_huge_graph(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_dot(*args, **kwargs):
        raise AssertionError("dot must not start")

    monkeypatch.setattr(dot_program.subprocess, "Popen", no_dot)
    root = wide_sum(200_000)
    start = time.perf_counter()
    with pytest.raises(ValueError, match=r"200,001 nodes to draw"):
        render(root, "never.png")
    assert time.perf_counter() - start < 10


@needs_dot
@pytest.mark.silent  # once a wrong result without a word
def test_dot_runs_without_a_shell_and_is_stopped_after_its_timeout(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: List[tuple] = []
    real = dot_program.subprocess.Popen

    def spy(args, **kwargs):
        calls.append((args, kwargs))
        return real(args, **kwargs)

    monkeypatch.setattr(dot_program.subprocess, "Popen", spy)
    root = mse_over_batch(2)
    with pytest.raises(DotError, match=r"^render: dot did not finish within 0\.001 s and was "
                                       r"stopped; draw fewer nodes \(a smaller max_nodes\) or "
                                       r"allow more time with timeout=\.\.\.$"):
        render(root, tmp_path / "slow.png", timeout=0.001)
    assert list(tmp_path.iterdir()) == []
    args, kwargs = calls[0]
    assert isinstance(args, list) and args[1:] == ["-Tpng"] and not kwargs.get("shell")
    render(root, tmp_path / "slow.png")  # the way out: the default time is enough


@needs_dot
@pytest.mark.skipif(getattr(dot_program.resource, "prlimit", None) is None,
                    reason="the system cannot limit a process's memory")
def test_dot_is_stopped_at_its_memory_limit(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(dot_program, "DOT_MEMORY", 100 * 2 ** 20)
    with pytest.raises(DotError, match=r"render: dot ran out of memory \(it may use 100 MiB\)"):
        render(mse_over_batch(10), tmp_path / "g.png", max_nodes=5_000)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("timeout", [0, -1, float("nan"), float("inf"), "10", True, None])
def test_a_bad_timeout_is_refused(timeout: Optional[object], tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"render: timeout must be a positive number of "
                                         r"seconds"):
        render(Value(1.0) * 2, tmp_path / "g.png", timeout=timeout)


@needs_dot
def test_jupyter_shows_the_dot_text_when_dot_fails(monkeypatch) -> None:
    monkeypatch.setattr(dot_program, "DOT_TIMEOUT", 0.001)
    monkeypatch.setattr(dot_program.run_dot, "__defaults__", (0.001,))
    bundle = to_dot(mse_over_batch(2))._repr_mimebundle_()
    assert list(bundle) == ["text/plain"]
    assert bundle["text/plain"].startswith("(to_dot: dot did not finish within 0.001 s")
    assert "digraph tinygrad_scalar" in bundle["text/plain"]
