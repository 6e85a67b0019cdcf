"""A headless Chromium driven through Selenium, for the tests of the HTML pages.

``start()`` returns a driver, or raises ``Unavailable`` saying what is missing (Selenium,
a Chromium browser, its chromedriver, or a browser that does not start), so that the
tests skip with that reason (the session fixture ``driver`` in tests/conftest.py starts
one browser for all of them). The flags keep the browser off the network: it opens only
the ``file://`` pages under test.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from typing import Any

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1280,800", "--hide-scrollbars")
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "chrome")


class Unavailable(RuntimeError):
    """No browser can be driven here; the message says why."""


def start() -> Any:
    """A headless Chromium driver at 1280x800, or ``Unavailable`` naming what is missing."""
    try:
        from selenium import webdriver
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        raise Unavailable("the browser tests need selenium (pip install selenium)") from None
    browser = next((shutil.which(b) for b in BROWSERS if shutil.which(b)), None)
    driver = shutil.which("chromedriver")
    if browser is None or driver is None:
        raise Unavailable("no Chromium browser with chromedriver was found (install them: "
                          "apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    for flag in FLAGS:
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="tinygrad-scalar-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    options.binary_location = browser
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        d = webdriver.Chrome(options=options, service=Service(driver))
    except WebDriverException as e:
        shutil.rmtree(profile, ignore_errors=True)
        raise Unavailable(f"Chromium did not start: {' '.join(str(e).split())[:200]}") from None
    d.set_window_size(1280, 800)
    inner = d.execute_script("return [window.innerWidth, window.innerHeight];")
    d.set_window_size(1280 + 1280 - inner[0], 800 + 800 - inner[1])  # the page gets 1280x800
    d._tinygrad_profile = profile  # removed by stop()
    return d


def stop(driver: Any) -> None:
    """Close the browser and remove its profile folder."""
    profile = getattr(driver, "_tinygrad_profile", None)
    try:
        driver.quit()
    finally:
        if profile and os.path.isdir(profile):
            shutil.rmtree(profile, ignore_errors=True)


def errors(driver: Any) -> list:
    """The browser console's errors since the last call."""
    return [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]


def open_page(driver: Any, path: Any) -> None:
    """Open the page at ``path`` (a file) and wait until its script has run."""
    from pathlib import Path

    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(Path(path).resolve().as_uri())
    WebDriverWait(driver, 10).until(
        lambda d: d.find_element("tag name", "body").get_attribute("data-ready") == "yes")


def not_blank(png: bytes) -> tuple:
    """(distinct colours, share of pixels that are not the background) of a screenshot."""
    import io

    import pytest

    Image = pytest.importorskip("PIL.Image", reason="checking a screenshot needs Pillow")

    image = Image.open(io.BytesIO(png)).convert("RGB").resize((320, 200))
    counts = image.getcolors(maxcolors=320 * 200) or []
    background = max(count for count, _ in counts)
    return len(counts), 1.0 - background / (320 * 200)
