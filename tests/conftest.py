"""Hypothesis profiles: the default runs in CI time; HYPOTHESIS_PROFILE=long runs 100,000 graphs."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile("default", deadline=None)
settings.register_profile("long", deadline=None, max_examples=100_000,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

#: random graphs per property in the chosen profile
GRAPHS = 100_000 if os.environ.get("HYPOTHESIS_PROFILE") == "long" else 2_000


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Print the reliability campaign's tallies (see tests/campaign.py) when there are any."""
    import campaign

    if campaign.COUNTS:
        terminalreporter.write_sep("-", "reliability campaign")
        terminalreporter.write_line(campaign.summary())
