"""Run the benchmark suite: ``python benchmarks/run.py [--quick] [--repeats N]``.

The suite lives in ``benchmarks/suite.py`` (the four versions of the demo step in
``benchmarks/engines.py``); ``tinygrad-scalar bench`` runs this script from a source
checkout.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional, Sequence

ROOT = str(Path(__file__).resolve().parent.parent)
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from benchmarks import suite  # noqa: E402


def main(argv: Optional[Sequence[str]] = None) -> dict:
    """Run every benchmark and print the tables (see ``--help``)."""
    return suite.main(argv)


if __name__ == "__main__":
    main()
