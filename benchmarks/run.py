"""Run the benchmark suite: ``python benchmarks/run.py [--quick] [--repeats N]``.

The suite itself lives in ``tinygrad_scalar.bench`` (so ``tinygrad-scalar bench`` can run
it too); this script runs it from a checkout.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tinygrad_scalar import bench  # noqa: E402


def main(argv: Optional[Sequence[str]] = None) -> dict:
    """Run every benchmark and print the tables (see ``--help``)."""
    return bench.main(argv)


if __name__ == "__main__":
    main()
