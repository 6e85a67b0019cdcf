"""micrograd's demo training step alone, in every mode, beside micrograd and plain floats.

Run:  python benchmarks/train_step.py [--repeats N] [--no-micrograd]
(The whole suite: ``python benchmarks/run.py``.)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Optional, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import suite  # noqa: E402


def main(argv: Optional[Sequence[str]] = None) -> dict:
    """Time the demo step and print its table and the memory per node."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=11, help="steps timed per engine (median)")
    ap.add_argument("--no-micrograd", action="store_true", help="skip micrograd")
    args = ap.parse_args(argv)
    mg = None if args.no_micrograd else suite._micrograd()
    rows = suite.bench_demo_step(args.repeats, mg)
    memory = suite.bench_memory(mg)
    print("\n".join(suite._timing_table("micrograd's demo step", rows, "micrograd",
                                        "plain floats")))
    print("\n".join(suite._memory_table(memory)))
    print("last loss per engine:", ", ".join(f"{r['engine']}: {r['loss']:.6f}" for r in rows))
    return {"demo step": rows, "memory": memory}


if __name__ == "__main__":
    main()
