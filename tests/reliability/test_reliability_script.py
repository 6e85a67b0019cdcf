"""benchmarks/reliability.py reads the campaign's tallies from pytest's output."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import campaign

spec = importlib.util.spec_from_file_location(
    "reliability", Path(__file__).resolve().parents[2] / "benchmarks" / "reliability.py")
reliability = importlib.util.module_from_spec(spec)
spec.loader.exec_module(reliability)


def test_tallies_are_read_back_and_reported() -> None:
    saved = dict(campaign.COUNTS)
    try:
        campaign.COUNTS.clear()
        campaign.add("graphs", 2000)
        campaign.add("faults", 40)
        campaign.add("killed_mid_write", 3)
        campaign.add("lost", 0)
        campaign.add("silent_cases", 24)
        output = "....\n---- reliability campaign ----\n" + campaign.summary() + "\n==== 5 passed\n"
    finally:
        campaign.COUNTS.clear()
        campaign.COUNTS.update(saved)
    counts = reliability.parse(output)
    assert counts == {"graphs": 2000, "faults": 40, "killed_mid_write": 3, "lost": 0,
                      "silent_cases": 24}
    text = reliability.report(counts, "default", 61.0, 0)
    assert "2,000 (Alpha == Beta == central differences)" in text
    assert "40 (3 processes killed" in text and text.endswith("lost               0")
    assert "no silent answers  24 cases that once gave a wrong result" in text
    assert "every check held" in text
    assert "exit status 1" in reliability.report(counts, "long", 1.0, 1)
