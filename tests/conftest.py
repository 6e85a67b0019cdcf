"""Hypothesis profiles: the default runs in CI time; HYPOTHESIS_PROFILE=long runs 100,000 graphs.

Locally every run draws new examples; under CI (the ``CI`` environment variable set) the
``ci`` profile draws the same ones every time, so a run's verdict does not depend on luck.
"""

from __future__ import annotations

import os
from typing import Any, Iterator

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("default", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True)
settings.register_profile("long", deadline=None, max_examples=100_000,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "default"))

#: random graphs per property in the chosen profile
GRAPHS = 100_000 if os.environ.get("HYPOTHESIS_PROFILE") == "long" else 2_000


def pytest_runtest_logreport(report):
    """A passed test marked ``silent`` counts as one case in the campaign's figures."""
    if report.when == "call" and report.passed and "silent" in report.keywords:
        import campaign

        campaign.add("silent_cases")


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Print the reliability campaign's tallies (see tests/campaign.py) when there are any."""
    import campaign

    if campaign.COUNTS:
        terminalreporter.write_sep("-", "reliability campaign")
        terminalreporter.write_line(campaign.summary())


@pytest.fixture(scope="session")
def driver() -> Iterator[Any]:
    """One headless Chromium for all the tests of the HTML pages (``tests/browser.py``),
    or a skip saying why there is none."""
    import browser

    try:
        d = browser.start()
    except browser.Unavailable as e:
        pytest.skip(f"no browser for the page tests: {e}")
    try:
        yield d
    finally:
        browser.stop(d)
