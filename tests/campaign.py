"""Tallies of the reliability campaign, printed at the end of a test run.

Tests add to ``COUNTS`` what they tried (random graphs, bad inputs, injected faults) and
what was lost; ``conftest.py`` prints the tallies after the run, and
``benchmarks/reliability.py`` reads them back for the README's figures.
"""

from __future__ import annotations

from typing import Dict

#: key -> count, in the order first added
COUNTS: Dict[str, int] = {}

#: the keys, with what each counts (in the order they are printed)
KEYS = {
    "graphs": "random graphs checked (Alpha == Beta == central differences)",
    "graphs_modes": "random graphs checked in forward mode and with create_graph",
    "graphs_second_order": "random graphs checked to second order",
    "bad_inputs": "bad inputs fed to public functions and methods",
    "cli_bad_inputs": "bad command lines",
    "fuzz_expressions": "fuzzed expressions",
    "fuzz_checkpoints": "fuzzed or mutated checkpoint files",
    "faults": "faults injected (failed writes, killed processes, NaN, Ctrl-C)",
    "killed_mid_write": "processes killed while a checkpoint was being written",
    "lost": "faults after which a file or the weights were lost",
    "silent_cases": "cases that once gave a wrong number silently, now right or an error",
}


def add(key: str, n: int = 1) -> None:
    """Count ``n`` more of ``key``."""
    COUNTS[key] = COUNTS.get(key, 0) + n


def summary() -> str:
    """One line per tally that was counted in this run."""
    return "\n".join(f"{key}={COUNTS[key]}  ({KEYS.get(key, key)})"
                     for key in list(KEYS) + [k for k in COUNTS if k not in KEYS]
                     if key in COUNTS)
