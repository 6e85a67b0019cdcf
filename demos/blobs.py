"""Four Gaussian blobs, four classes: softmax cross-entropy on an MLP's four logits.

``MLP(2, [16, 4])`` (ReLU hidden layer, one logit per class), softmax cross-entropy,
Adam; 400 points split 75/25. Prints the test accuracy and writes
``out/blobs_boundary.png`` and ``out/blobs_history.png``.

    python demos/blobs.py [--epochs 40] [--quick] [--out out] [--seed 0]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Dict, Optional, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import demo_arguments  # noqa: E402

from tinygrad_scalar import MLP  # noqa: E402
from tinygrad_scalar.data import make_blobs, standardize, train_test_split  # noqa: E402
from tinygrad_scalar.losses import softmax_cross_entropy  # noqa: E402
from tinygrad_scalar.optim import Adam  # noqa: E402
from tinygrad_scalar.train import evaluate, fit  # noqa: E402

CENTERS = [[-4.0, -4.0], [4.0, -4.0], [-4.0, 4.0], [4.0, 4.0]]


def main(argv: Optional[Sequence[str]] = None) -> Dict[str, float]:
    """Run the demo; return the final training and test accuracy."""
    args, epochs = demo_arguments(argv, "Classify four Gaussian blobs with softmax.", epochs=40,
                                  quick_epochs=3)

    X, y = make_blobs(n=400, centers=CENTERS, noise=2.0, rng=args.seed)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, rng=args.seed,
                                                        stratify=True)
    X_train, X_test = standardize(X_train, X_test)
    model = MLP(2, [16, 4], rng=args.seed)
    history = fit(model, softmax_cross_entropy, Adam(model.parameters(), lr=0.01),
                  X_train, y_train, epochs=epochs, batch_size=16,
                  validation=(X_test, y_test), seed=args.seed)
    test = evaluate(model, softmax_cross_entropy, X_test, y_test)
    print(f"blobs: {len(history)} epochs, training accuracy {history.last('accuracy'):.1%}, "
          f"test accuracy {test['accuracy']:.1%} ({len(y_test)} points)")

    from tinygrad_scalar.plots import plot_decision_boundary, plot_history

    out = Path(args.out)
    a, b = out / "blobs_boundary.png", out / "blobs_history.png"
    plot_decision_boundary(model, X_train, y_train, a,
                           f"4 blobs (standardised): test accuracy {test['accuracy']:.0%}",
                           resolution=30 if args.quick else 100, X_test=X_test, y_test=y_test)
    plot_history(history, b, "blobs: softmax cross-entropy", val_label="test (held out)")
    print(f"wrote {a} and {b}")
    return {"train_accuracy": history.last("accuracy"), "test_accuracy": test["accuracy"]}


if __name__ == "__main__":
    main()
