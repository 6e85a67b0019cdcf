"""Handwritten digits: an MLP reads 8x8 images of the digits 0 to 9.

``MLP(64, [32, 10])`` on the 1,797 bundled images (``load_digits(scaled=True)``: pixels
in [0, 1]), three quarters for training and a quarter held out (stratified), softmax
cross-entropy and Adam in mini-batches of 32. Prints the test accuracy and writes

* ``digits_grid.png``: held-out images with the predicted digit, mistakes in red;
* ``digits_confusion.png``: the confusion matrix of the held-out images;
* ``digits_history.png``: loss (each mini-batch and each epoch) and accuracy.

Training runs in compiled mode on the fastest backend available (``--backend auto``: C
where a compiler works, else generated Python) and says which one ran.

    python demos/digits.py [--epochs 10] [--quick] [--seed 0] [--out out] [--backend auto]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any, Dict, Optional, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import demo_arguments  # noqa: E402
from _pictures import confusion_matrix, image_grid, plot_confusion  # noqa: E402

from tinygrad_scalar import MLP  # noqa: E402
from tinygrad_scalar.data import load_digits, train_test_split  # noqa: E402
from tinygrad_scalar.optim import Adam  # noqa: E402
from tinygrad_scalar.train import Learner  # noqa: E402


def main(argv: Optional[Sequence[str]] = None) -> Dict[str, Any]:
    """Train, report and draw; return the training and test accuracies and the seconds."""
    args, epochs = demo_arguments(argv, "An MLP on the 8x8 handwritten digits.", epochs=10,
                                  quick_epochs=2, backend=True)
    digits = load_digits(scaled=True)
    X_train, X_test, y_train, y_test = train_test_split(digits.X, digits.y, test_size=0.25,
                                                        rng=args.seed, stratify=True)
    if args.quick:  # a smoke test: a fraction of the images
        X_train, y_train, X_test, y_test = X_train[:300], y_train[:300], X_test[:100], y_test[:100]
    model = MLP(64, [32, 10], rng=args.seed)
    learner = Learner(model, "cross_entropy", Adam(model.parameters(), lr=0.01))
    t0 = time.perf_counter()
    compiled = args.backend != "interpreted"
    history = learner.fit(X_train, y_train, epochs=epochs, batch_size=32,
                          validation=(X_test, y_test), seed=args.seed, compiled=compiled,
                          backend=args.backend if compiled else "auto")
    seconds = time.perf_counter() - t0
    predicted = learner.predict(X_test, kind="labels")
    test_acc = sum(p == t for p, t in zip(predicted, y_test)) / len(y_test)
    print(f"digits: {len(history)} epochs in {seconds:.1f} s (backend: {history.backend}), "
          f"training accuracy "
          f"{history.last('accuracy'):.1%}, test accuracy {test_acc:.1%} on {len(y_test)} "
          f"held-out images ({sum(p != t for p, t in zip(predicted, y_test))} mistakes)")

    from tinygrad_scalar.plots import plot_history

    out = Path(args.out)
    wrong = [i for i, (p, t) in enumerate(zip(predicted, y_test)) if p != t][:16]
    right = [i for i in range(len(y_test)) if predicted[i] == y_test[i]]
    shown = sorted(wrong + right[:48 - len(wrong)])
    grid = image_grid([X_test[i] for i in shown], (8, 8),
                      [f"{predicted[i]}" + (f" (is {y_test[i]})" if i in wrong else "")
                       for i in shown],
                      [predicted[i] != y_test[i] for i in shown], out / "digits_grid.png",
                      f"held-out digits and what MLP(64, [32, 10]) reads; test accuracy "
                      f"{test_acc:.1%}, mistakes in red")
    matrix = confusion_matrix(y_test, predicted, 10)
    conf = plot_confusion(matrix, digits.target_names, out / "digits_confusion.png",
                          f"digits: confusion on {len(y_test)} held-out images")
    hist = out / "digits_history.png"
    plot_history(history, hist, "digits: MLP(64, [32, 10])", val_label="test (held out)",
                 per_batch=True)
    print(f"wrote {grid}, {conf}, {hist}")
    return {"train_accuracy": history.last("accuracy"), "test_accuracy": test_acc,
            "seconds": seconds, "backend": history.backend}


if __name__ == "__main__":
    main()
