"""Wines from three cultivars: 13 chemical measurements, a held-out test accuracy.

The 178 wines are split 70/30 (stratified by cultivar) and ``MLP(13, [16, 3])`` learns
them as ``demos/_common.py`` describes. Prints the test accuracy and writes
``out/wine_history.png``.

With 54 test wines one mistake costs 1.9 points: over split seeds 0 to 7 this set-up
scores 92.6% to 98.1% (median 98.1%); the default seed 0 gives 98.1%.

    python demos/wine.py [--epochs 60] [--quick] [--out out] [--seed 0]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Dict, Optional, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import run_classifier  # noqa: E402

from tinygrad_scalar.data import load_wine  # noqa: E402


def main(argv: Optional[Sequence[str]] = None) -> Dict[str, float]:
    """Run the demo; return the final training and test accuracy."""
    return run_classifier("wine", load_wine, "wines", "Classify wines by cultivar with an MLP.", argv)


if __name__ == "__main__":
    main()
