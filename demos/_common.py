"""What the training demos share: their command line, and the body of the tabular
classification demos (iris, wine).

In ``run_classifier`` the rows are split 70/30 (stratified by class), standardised with the training part's
means and scales, and ``MLP(nin, [16, 3])`` is trained with softmax cross-entropy and
Adam. The held-out part is drawn as the validation curve but never used to choose
anything.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable, Dict, Optional, Sequence, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tinygrad_scalar import MLP  # noqa: E402
from tinygrad_scalar.cli import ScriptParser  # noqa: E402
from tinygrad_scalar.data import Dataset, standardize, train_test_split  # noqa: E402
from tinygrad_scalar.losses import softmax_cross_entropy  # noqa: E402
from tinygrad_scalar.optim import Adam  # noqa: E402
from tinygrad_scalar.train import evaluate, fit  # noqa: E402


def demo_arguments(argv: Optional[Sequence[str]], description: str, epochs: int = 60,
                   quick_epochs: int = 3, backend: bool = False
                   ) -> Tuple[argparse.Namespace, int]:
    """Parse a training demo's options (--epochs, --quick, --seed, --out, and with
    ``backend`` --backend); return the options and the number of epochs to run."""
    ap = ScriptParser(description=description)
    if backend:
        ap.add_argument("--backend", choices=("auto", "c", "python", "interpreted"),
                        default="auto", help="what runs the training steps: compiled to C "
                        "(c), to Python (python), either (auto, the default), or the graph "
                        "built every step (interpreted)")
    ap.add_argument("--epochs", type=int, default=epochs, help=f"training epochs (default {epochs})")
    ap.add_argument("--quick", action="store_true", help=f"{quick_epochs} epochs, for a smoke test")
    ap.add_argument("--seed", type=int, default=0, help="seed for data, split and weights")
    ap.add_argument("--out", default="out", help="folder for pictures (default out/)")
    args = ap.parse_args(argv)
    n = quick_epochs if args.quick else args.epochs
    if n < 1:
        ap.error(f"--epochs must be at least 1, got {n}")
    return args, n


def run_classifier(name: str, load: Callable[[], Dataset], noun: str, description: str,
                   argv: Optional[Sequence[str]] = None) -> Dict[str, float]:
    """Parse ``argv``, train on the data set ``load()`` gives, print and draw the result."""
    args, epochs = demo_arguments(argv, description)

    data = load()
    X_train, X_test, y_train, y_test = train_test_split(data.X, data.y, test_size=0.3,
                                                        rng=args.seed, stratify=True)
    X_train, X_test = standardize(X_train, X_test)
    nin = len(X_train[0])
    model = MLP(nin, [16, 3], rng=args.seed)
    history = fit(model, softmax_cross_entropy, Adam(model.parameters(), lr=0.01),
                  X_train, y_train, epochs=epochs, batch_size=16,
                  validation=(X_test, y_test), seed=args.seed)
    test = evaluate(model, softmax_cross_entropy, X_test, y_test)
    print(f"{name}: {len(history)} epochs, training accuracy {history.last('accuracy'):.1%}, "
          f"test accuracy {test['accuracy']:.1%} on {len(y_test)} held-out {noun}")

    from tinygrad_scalar.plots import plot_history

    path = Path(args.out) / f"{name}_history.png"
    plot_history(history, path, f"{name}, MLP({nin}, [16, 3]): test accuracy {test['accuracy']:.1%}",
                 val_label="test (held out)")
    print(f"wrote {path}")
    return {"train_accuracy": history.last("accuracy"), "test_accuracy": test["accuracy"]}
