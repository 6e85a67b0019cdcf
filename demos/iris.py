"""Fisher's iris flowers: 4 measurements, 3 species, a held-out test accuracy.

The 150 flowers are split 70/30 (stratified by species) and ``MLP(4, [16, 3])`` learns
them as ``demos/_common.py`` describes. Prints the test accuracy and writes
``out/iris_history.png``.

With 45 test flowers one mistake costs 2.2 points: over split seeds 0 to 7 this set-up
scores 91.1% to 100% (median 95.6%); the default seed 0 gives 97.8%.

    python demos/iris.py [--epochs 60] [--quick] [--out out] [--seed 0]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Dict, Optional, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import run_classifier  # noqa: E402

from tinygrad_scalar.data import load_iris  # noqa: E402


def main(argv: Optional[Sequence[str]] = None) -> Dict[str, float]:
    """Run the demo; return the final training and test accuracy."""
    return run_classifier("iris", load_iris, "flowers", "Classify iris species with an MLP.", argv)


if __name__ == "__main__":
    main()
