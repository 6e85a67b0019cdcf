"""Regularisation compared: nothing, L2, and dropout, on a small noisy set.

A network much larger than the data needs, ``MLP(2, [32, 32, 1])``, learns 80 noisy
two-moons points (and is tested on 200 others) three times: as it is, with an L2 penalty
(``fit(..., l2=1e-3)``), and with dropout after each hidden layer (``dropout=0.2``).
Prints the training and test accuracy of each and writes ``regularization.png``: the
three decision boundaries side by side (the unregularised one bends round single noisy
points).

    python demos/regularization.py [--epochs 400] [--quick] [--seed 0] [--out out]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Dict, Optional, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import demo_arguments  # noqa: E402
from _pictures import boundaries  # noqa: E402

from tinygrad_scalar import MLP, evaluate, fit  # noqa: E402
from tinygrad_scalar.data import make_moons  # noqa: E402
from tinygrad_scalar.optim import Adam  # noqa: E402

#: name -> (dropout, l2)
SETTINGS = {"no regularisation": (0.0, 0.0), "L2 (1e-3)": (0.0, 1e-3),
            "dropout (0.2)": (0.2, 0.0)}


def main(argv: Optional[Sequence[str]] = None) -> Dict[str, Dict[str, float]]:
    """Train the three networks; return each one's training and test accuracy."""
    args, epochs = demo_arguments(argv, "No regularisation, L2 and dropout compared.",
                                  epochs=400, quick_epochs=10)
    X, y = make_moons(n=80, noise=0.3, rng=args.seed)
    X_test, y_test = make_moons(n=60 if args.quick else 200, noise=0.3, rng=args.seed + 1)
    models, result = {}, {}
    for name, (dropout, l2) in SETTINGS.items():
        model = MLP(2, [32, 32, 1], dropout=dropout, rng=args.seed)
        history = fit(model, "binary_cross_entropy", Adam(model.parameters(), lr=0.01), X, y,
                      epochs=epochs, l2=l2, progress=False, compiled=False)
        train = evaluate(model, "binary_cross_entropy", X, y)["accuracy"]
        test = evaluate(model, "binary_cross_entropy", X_test, y_test)["accuracy"]
        result[name] = {"train_accuracy": train, "test_accuracy": test}
        models[f"{name}: train {train:.0%}, test {test:.0%}"] = model
        print(f"regularization: {name:18s} loss {history.last('loss'):.4f}, training accuracy "
              f"{train:6.1%}, test accuracy {test:6.1%}")
    path = boundaries(models, X, y, Path(args.out) / "regularization.png",
                      f"MLP(2, [32, 32, 1]) on 80 noisy points, {epochs} epochs",
                      steps=25 if args.quick else 60)
    print(f"wrote {path}")
    return result


if __name__ == "__main__":
    main()
