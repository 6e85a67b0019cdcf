"""One training epoch of iris: ``MLP(4, [16, 3])``, softmax cross-entropy and Adam.

All 150 flowers (standardised) go through ``fit`` for one epoch per measurement, in
mini-batches (16 by default; the whole set as one batch is timed too). Prints the median
seconds per epoch over repeated epochs, and the time per sample.

Run:  python benchmarks/iris_epoch.py [--repeats N] [--batch-size B]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tinygrad_scalar import MLP  # noqa: E402
from tinygrad_scalar.data import load_iris, standardize  # noqa: E402
from tinygrad_scalar.losses import softmax_cross_entropy  # noqa: E402
from tinygrad_scalar.optim import Adam  # noqa: E402
from tinygrad_scalar.train import fit  # noqa: E402


def epoch_times(batch_size: int, repeats: int) -> List[float]:
    """Seconds for each of ``repeats`` one-epoch ``fit`` calls (after one warm-up epoch)."""
    iris = load_iris()
    X = standardize(iris.X)
    model = MLP(4, [16, 3], rng=0)
    opt = Adam(model.parameters(), lr=0.01)
    times = []
    for k in range(repeats + 1):
        t0 = time.perf_counter()
        fit(model, softmax_cross_entropy, opt, X, iris.y, epochs=1, batch_size=batch_size,
            progress=False, seed=k)
        times.append(time.perf_counter() - t0)
    return times[1:]


def main(argv: Optional[List[str]] = None) -> Dict[int, float]:
    """Time the epochs; return the median seconds per epoch for each batch size."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=11, help="epochs timed per setting (median)")
    ap.add_argument("--batch-size", type=int, default=16, help="mini-batch size (default 16)")
    args = ap.parse_args(argv)
    if args.repeats < 1 or args.batch_size < 1:
        ap.error("--repeats and --batch-size must be at least 1")
    n = len(load_iris().X)
    print(f"iris epoch ({n} samples), MLP(4, [16, 3]), softmax cross-entropy, Adam; "
          f"median of {args.repeats} epochs")
    print(f"{'batch size':>10} {'steps':>6} {'ms/epoch':>9} {'us/sample':>10} {'min..max ms':>14}")
    result = {}
    for bs in dict.fromkeys([args.batch_size, n]):
        ts = epoch_times(bs, args.repeats)
        med = statistics.median(ts)
        result[bs] = med
        steps = -(-n // bs)
        print(f"{bs:>10} {steps:>6} {med * 1e3:9.1f} {med / n * 1e6:10.0f} "
              f"{min(ts) * 1e3:6.1f}..{max(ts) * 1e3:.1f}")
    return result


if __name__ == "__main__":
    main()
