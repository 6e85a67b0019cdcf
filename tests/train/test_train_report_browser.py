"""The page of a training run in a real browser (headless Chromium through Selenium): no
console error, one curve point per epoch, a slider that plays the decision boundary,
and a picture that is not blank. Skipped, with the reason, where no browser is found."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import browser

from tinygrad_scalar import MLP
from tinygrad_scalar.data import make_moons
from tinygrad_scalar.optim import Adam
from tinygrad_scalar.train import fit


def test_the_report_shows_curves_and_plays_the_boundary(driver: Any, tmp_path: Path) -> None:
    X, y = make_moons(n=40, noise=0.1, rng=0)
    model = MLP(2, [8, 2], rng=0)
    page = tmp_path / "run.html"
    fit(model, "softmax_cross_entropy", Adam(model.parameters(), lr=0.05), X, y, epochs=5,
        batch_size=20, progress=False, report=page)
    browser.open_page(driver, page)
    assert browser.errors(driver) == []
    for series in ("loss", "accuracy", "lr"):
        line = driver.find_element("css selector", f'polyline[data-series="{series}"]')
        assert len(line.get_attribute("points").split()) == 5
    fills = ("return Array.from(document.querySelectorAll('#boundary rect'))"
             ".map(function (r) { return r.getAttribute('fill'); });")
    last = driver.execute_script(fills)  # one call: a round trip per cell would be slow
    assert len(last) == 30 * 30
    body = driver.find_element("tag name", "body")
    assert body.get_attribute("data-frame") == "4"  # the latest epoch is shown first
    driver.execute_script("var s = document.getElementById('frame'); s.value = 0;"
                          "s.dispatchEvent(new Event('input'));")
    assert body.get_attribute("data-frame") == "0"
    assert driver.find_element("id", "frame-label").text == "epoch 1"
    assert driver.execute_script(fills) != last
    assert len(driver.find_elements("css selector", "#confusion td")) == 4
    colours, ink = browser.not_blank(driver.get_screenshot_as_png())
    assert colours > 30 and ink > 0.05
    assert browser.errors(driver) == []
