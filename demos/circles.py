"""Two concentric circles: no straight line separates them, a small MLP draws a round one.

``MLP(2, [16, 16, 1])`` with tanh hidden layers, binary cross-entropy from the logit,
Adam; 300 noisy points split 75/25 into training and test. Prints the test accuracy and
writes ``out/circles_boundary.png`` and ``out/circles_history.png``.

    python demos/circles.py [--epochs 60] [--quick] [--out out] [--seed 0]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Dict, Optional, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import demo_arguments  # noqa: E402

from tinygrad_scalar import MLP  # noqa: E402
from tinygrad_scalar.data import make_circles, train_test_split  # noqa: E402
from tinygrad_scalar.losses import binary_cross_entropy  # noqa: E402
from tinygrad_scalar.optim import Adam  # noqa: E402
from tinygrad_scalar.train import evaluate, fit  # noqa: E402


def main(argv: Optional[Sequence[str]] = None) -> Dict[str, float]:
    """Run the demo; return the final training and test accuracy."""
    args, epochs = demo_arguments(argv, "Separate two concentric circles with an MLP.", epochs=60,
                                  quick_epochs=3)

    X, y = make_circles(n=300, noise=0.08, factor=0.5, rng=args.seed)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, rng=args.seed,
                                                        stratify=True)
    model = MLP(2, [16, 16, 1], activation="tanh", rng=args.seed)
    history = fit(model, binary_cross_entropy, Adam(model.parameters(), lr=0.02),
                  X_train, y_train, epochs=epochs, batch_size=16,
                  validation=(X_test, y_test), seed=args.seed)
    test = evaluate(model, binary_cross_entropy, X_test, y_test)
    print(f"circles: {len(history)} epochs, training accuracy {history.last('accuracy'):.1%}, "
          f"test accuracy {test['accuracy']:.1%} ({len(y_test)} points)")

    from tinygrad_scalar.plots import plot_decision_boundary, plot_history

    out = Path(args.out)
    a, b = out / "circles_boundary.png", out / "circles_history.png"
    plot_decision_boundary(model, X_train, y_train, a,
                           f"circles: test accuracy {test['accuracy']:.0%}",
                           resolution=30 if args.quick else 100, X_test=X_test, y_test=y_test,
                           class_names=["outer ring", "inner ring"])
    plot_history(history, b, "circles: binary cross-entropy", val_label="test (held out)")
    print(f"wrote {a} and {b}")
    return {"train_accuracy": history.last("accuracy"), "test_accuracy": test["accuracy"]}


if __name__ == "__main__":
    main()
