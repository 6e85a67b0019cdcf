"""The explorer page in a real browser (headless Chromium through Selenium): it runs
without a console error, draws every node, plays the sweep exactly as ``trace_backward``
runs it, explains a node on a click, and paints a picture that is not blank.

Skipped, with the reason, where no Chromium and chromedriver can be found.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Dict, List

import browser
import pytest

from tinygrad_scalar import MLP, Value, explain, to_html
from tinygrad_scalar.see.adjoint import sweep_steps

pytestmark = pytest.mark.skipif(shutil.which("dot") is None,
                                reason="the Graphviz program dot is not installed")


def neuron() -> Value:
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    out = (x1 * w1 + x2 * w2 + b).tanh()
    out.label = "o"
    return out


def grads_after_each_step(out: Value) -> List[Dict[str, float]]:
    """Every node's gradient (by its drawing id ``n<i>``) before the sweep and after
    each of its steps, from a sweep that starts with every gradient at zero."""
    order = out.topological_order()
    for n in order:
        n.grad = 0.0
    before = {f"n{i}": 0.0 for i in range(len(order))}
    before[f"n{len(order) - 1}"] = 1.0  # before the first step: the output's gradient only
    states = [before]
    for _ in sweep_steps(out):
        states.append({f"n{i}": n.grad for i, n in enumerate(order)})
    return states


def shown_grads(d: Any) -> Dict[str, float]:
    """The gradient each drawn node shows (its exact value, kept in ``data-grad``)."""
    pairs = d.execute_script(  # one call: a round trip per node would be slow
        "return Array.from(document.querySelectorAll('g[data-node]')).map(function (g) {"
        " return [g.getAttribute('data-node'), g.getAttribute('data-grad')]; });")
    return {node: float(grad) for node, grad in pairs}


def test_the_neuron_page_plays_the_sweep_exactly(driver: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.keys import Keys

    out = neuron()
    page = to_html(out, tmp_path / "neuron.html")
    browser.open_page(driver, page)
    assert browser.errors(driver) == []
    order = out.topological_order()
    nodes = driver.find_elements("css selector", "#graph svg g[data-node]")
    assert len(nodes) == len(order)  # one SVG element per node
    states = grads_after_each_step(out)
    assert shown_grads(driver) == states[0]
    body = driver.find_element("tag name", "body")
    for k in range(1, len(states)):
        body.send_keys(Keys.ARROW_RIGHT)  # the arrow key takes one step
        assert body.get_attribute("data-step") == str(k)
        assert shown_grads(driver) == states[k], f"after step {k}"
    for k in (2, 0, len(states) - 1):  # the slider jumps to any step
        driver.execute_script("var s = document.getElementById('slider'); s.value = arguments[0];"
                              "s.dispatchEvent(new Event('input'));", k)
        assert shown_grads(driver) == states[k], f"slider at step {k}"
    status = driver.find_element("id", "status").text
    assert f"step {len(states) - 1} of {len(states) - 1}" in status
    assert browser.errors(driver) == []


def test_clicking_a_node_shows_its_paths(driver: Any, tmp_path: Path) -> None:
    out = neuron()
    order = out.topological_order()
    x1 = next(n for n in order if n.label == "x1")
    browser.open_page(driver, to_html(out, tmp_path / "neuron.html"))
    driver.find_element("css selector", f'g[data-node="n{order.index(x1)}"]').click()
    info = driver.find_element("id", "node-info").text
    assert "x1" in info and "paths from the output" in info
    for line in str(explain(out, x1, limit=12)).splitlines():
        assert " ".join(line.split()) in " ".join(info.split())
    assert browser.errors(driver) == []


def test_a_screenshot_is_not_blank(driver: Any, tmp_path: Path) -> None:
    browser.open_page(driver, to_html(neuron(), tmp_path / "neuron.html"))
    colours, ink = browser.not_blank(driver.get_screenshot_as_png())
    assert colours > 30 and ink > 0.05


def test_a_focused_big_graph_runs_without_errors(driver: Any, tmp_path: Path) -> None:
    model = MLP(2, [8, 8, 1], rng=0)
    loss = sum((model([Value(i / 4), Value(1 - i / 4)]) - 1) ** 2 for i in range(4))
    w = model.parameters()[0]
    browser.open_page(driver, to_html(loss, tmp_path / "big.html", focus=w, radius=2))
    assert browser.errors(driver) == []
    drawn = driver.find_elements("css selector", "g[data-node]")
    assert 0 < len(drawn) < len(loss.topological_order())
    driver.find_element("id", "last").click()
    assert driver.find_element("tag name", "body").get_attribute("data-step") != "0"


def test_a_hostile_label_stays_text(driver: Any, tmp_path: Path) -> None:
    evil = "</script><script>document.title='pwned'</script><b>bold</b>"
    x = Value(2.0, label=evil)
    browser.open_page(driver, to_html(x * x + 1, tmp_path / "evil.html", title=evil))
    assert driver.title == evil  # the page's own title, shown as text
    assert browser.errors(driver) == []
    labels = driver.execute_script("return Array.from(document.querySelectorAll("
                                   "'g[data-node] text')).map(function (t) { return t.textContent; });")
    assert evil in labels
