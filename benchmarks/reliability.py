"""The reliability campaign: run its tests and print the figures for the README.

    python benchmarks/reliability.py            # 2,000 random graphs per property (~1 min)
    python benchmarks/reliability.py --long     # 100,000 (HYPOTHESIS_PROFILE=long; ~1 hour)

It runs the property, bad-input, fuzzing, fault and scale tests (marked ``slow``) and
every case that once gave a wrong result silently (marked ``silent``) with pytest, reads the
tallies they print (see ``tests/campaign.py``) and prints what was tried and what was
lost. The exit status is pytest's: 0 when every check held.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence

ROOT = Path(__file__).resolve().parent.parent
TESTS = ["tests"]
SELECT = "slow or silent"  # the campaign, and every case that once went wrong silently


def parse(output: str) -> Dict[str, int]:
    """The tallies ``key=count`` printed after the ``reliability campaign`` line."""
    counts: Dict[str, int] = {}
    lines = output.splitlines()
    for i, line in enumerate(lines):
        if "reliability campaign" in line:
            for tally in lines[i + 1:]:
                m = re.match(r"^(\w+)=(\d+)\b", tally)
                if not m:
                    break
                counts[m.group(1)] = int(m.group(2))
    return counts


def report(counts: Dict[str, int], profile: str, seconds: float, status: int) -> str:
    """The figures as text: what was tried, and what was lost."""
    c = lambda key: f"{counts.get(key, 0):,}"  # noqa: E731
    verdict = "every check held" if status == 0 else f"pytest exit status {status}: see above"
    return "\n".join([
        f"reliability campaign, {profile} profile: {seconds:.0f} s, {verdict}",
        f"  random graphs      {c('graphs')} (Alpha == Beta == central differences); "
        f"{c('graphs_modes')} (forward mode, create_graph, functional.grad, compiled == Alpha); "
        f"{c('graphs_second_order')} (second derivatives)",
        f"  bad inputs         {c('bad_inputs')} calls of public functions; "
        f"{c('cli_bad_inputs')} command lines",
        f"  fuzzing            {c('fuzz_expressions')} expressions; "
        f"{c('fuzz_checkpoints')} damaged checkpoints and states",
        f"  faults injected    {c('faults')} ({c('killed_mid_write')} processes killed "
        f"in the middle of writing a checkpoint)",
        f"  no silent answers  {c('silent_cases')} cases that once gave a wrong result "
        f"without a word (math on Values, modes across threads, NaN through relu, overflow, "
        f"masked errors, labels, big drawings, the command line), each right now or an error",
        f"  lost               {c('lost')}",
    ])


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--long", action="store_true",
                    help="100,000 random graphs per property (HYPOTHESIS_PROFILE=long)")
    ap.add_argument("--quiet", action="store_true", help="print only the figures")
    args = ap.parse_args(argv)
    profile = "long" if args.long else "default"
    env = {**os.environ, "HYPOTHESIS_PROFILE": profile}
    cmd: List[str] = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                      "-m", SELECT, *TESTS]
    t0 = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - t0
    if not args.quiet or done.returncode:
        print(done.stdout[-4000:], end="")
        print(done.stderr[-2000:], end="", file=sys.stderr)
    print(report(parse(done.stdout), profile, seconds, done.returncode))
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
