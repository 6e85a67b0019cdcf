"""Diabetes progression: regression with an MLP beside a linear model, same engine.

442 patients, 10 baseline measurements, a number for disease progression one year later.
The rows are split 80/20; features and target are standardised with the training part's
statistics. ``MLP(10, [16, 1])`` (ReLU hidden layer) and a linear model ``MLP(10, [1])``
are trained the same way (mean squared error, Adam, mini-batches of 32). Prints the test
MSE (in the target's own units) and R^2 of both, and writes ``out/diabetes_history.png``
and ``out/diabetes_predictions.png``.

    python demos/diabetes.py [--epochs 60] [--quick] [--out out] [--seed 0]
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path
from typing import Dict, List, Optional, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import demo_arguments  # noqa: E402

from tinygrad_scalar import MLP  # noqa: E402
from tinygrad_scalar.data import load_diabetes, standardize, train_test_split  # noqa: E402
from tinygrad_scalar.losses import mse  # noqa: E402
from tinygrad_scalar.optim import Adam  # noqa: E402
from tinygrad_scalar.train import History, fit, predict  # noqa: E402


def scores(y_true: Sequence[float], y_pred: Sequence[float]) -> Dict[str, float]:
    """Mean squared error and the coefficient of determination R^2."""
    mean = statistics.fmean(y_true)
    ss_res = sum((t - p) ** 2 for t, p in zip(y_true, y_pred))
    ss_tot = sum((t - mean) ** 2 for t in y_true)
    return {"mse": ss_res / len(y_true), "r2": 1.0 - ss_res / ss_tot}


def main(argv: Optional[Sequence[str]] = None) -> Dict[str, Dict[str, float]]:
    """Run the demo; return test MSE and R^2 for the MLP and the linear model."""
    args, epochs = demo_arguments(argv, "Regress diabetes progression: MLP vs linear.", epochs=60,
                                  quick_epochs=2)

    data = load_diabetes()
    X_train, X_test, y_train, y_test = train_test_split(data.X, data.y, test_size=0.2,
                                                        rng=args.seed)
    X_train, X_test = standardize(X_train, X_test)
    mu, sd = statistics.fmean(y_train), statistics.pstdev(y_train)
    t_train = [(t - mu) / sd for t in y_train]
    t_test = [(t - mu) / sd for t in y_test]

    models = {"MLP(10, [16, 1])": MLP(10, [16, 1], rng=args.seed),
              "linear": MLP(10, [1], rng=args.seed)}
    results: Dict[str, Dict[str, float]] = {}
    predictions: Dict[str, List[float]] = {}
    histories: Dict[str, History] = {}
    for name, model in models.items():
        histories[name] = fit(model, mse, Adam(model.parameters(), lr=0.005), X_train, t_train,
                              epochs=epochs, batch_size=32, validation=(X_test, t_test),
                              seed=args.seed)
        predictions[name] = [mu + sd * p for p in predict(model, X_test)]
        results[name] = scores(y_test, predictions[name])
    print(f"diabetes: {len(y_train)} training and {len(y_test)} test patients, "
          f"{epochs} epochs; test scores in the target's units:")
    print(f"  {'model':<18} {'test MSE':>10} {'R^2':>7}")
    for name, r in results.items():
        print(f"  {name:<18} {r['mse']:>10.1f} {r['r2']:>7.3f}")
    print(f"  {'predict the mean':<18} {scores(y_test, [mu] * len(y_test))['mse']:>10.1f} "
          f"{scores(y_test, [mu] * len(y_test))['r2']:>7.3f}")

    from tinygrad_scalar.plots import plot_history, plot_regression

    out = Path(args.out)
    a, b = out / "diabetes_history.png", out / "diabetes_predictions.png"
    plot_history(histories["MLP(10, [16, 1])"], a,
                 "diabetes, MLP(10, [16, 1]): MSE of the standardised target",
                 val_label="test (held out)")
    plot_regression(y_test, predictions, b, "diabetes: test predictions")
    print(f"wrote {a} and {b}")
    return results


if __name__ == "__main__":
    main()
