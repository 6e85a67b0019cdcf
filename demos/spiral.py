"""Three interleaved spiral arms: the classic test that needs a real network and Adam.

``MLP(2, [24, 24, 3])`` with ReLU, softmax cross-entropy, Adam with a cosine learning-rate
decay, 300 points in mini-batches of 32. Prints the training accuracy (as the cs231n
exercise does) and writes ``out/spiral_boundary.png`` and ``out/spiral_history.png``.

    python demos/spiral.py [--epochs 60] [--quick] [--out out] [--seed 0]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Dict, Optional, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import demo_arguments  # noqa: E402

from tinygrad_scalar import MLP  # noqa: E402
from tinygrad_scalar.data import make_spiral  # noqa: E402
from tinygrad_scalar.losses import softmax_cross_entropy  # noqa: E402
from tinygrad_scalar.optim import Adam, CosineLR  # noqa: E402
from tinygrad_scalar.train import fit  # noqa: E402


def main(argv: Optional[Sequence[str]] = None) -> Dict[str, float]:
    """Run the demo; return the final training accuracy."""
    args, epochs = demo_arguments(argv, "Classify three spiral arms with an MLP and Adam.", epochs=60,
                                  quick_epochs=2)

    X, y = make_spiral(n=300, k=3, noise=0.2, rng=args.seed)
    model = MLP(2, [24, 24, 3], rng=args.seed)
    opt = Adam(model.parameters(), lr=0.03)
    history = fit(model, softmax_cross_entropy, opt, X, y, epochs=epochs, batch_size=32,
                  schedule=CosineLR(opt, total_epochs=epochs, min_lr=0.001), seed=args.seed)
    acc = history.last("accuracy")
    print(f"spiral: {len(history)} epochs, final loss {history.last('loss'):.4f}, "
          f"training accuracy {acc:.1%} ({len(y)} points, 3 arms)")

    from tinygrad_scalar.plots import plot_decision_boundary, plot_history

    out = Path(args.out)
    a, b = out / "spiral_boundary.png", out / "spiral_history.png"
    plot_decision_boundary(model, X, y, a, f"3-arm spiral: training accuracy {acc:.0%}",
                           resolution=30 if args.quick else 100,
                           class_names=["arm 0", "arm 1", "arm 2"])
    plot_history(history, b, "spiral: softmax cross-entropy")
    print(f"wrote {a} and {b}")
    return {"train_accuracy": acc}


if __name__ == "__main__":
    main()
