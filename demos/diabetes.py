"""Diabetes progression: regression with an MLP beside a linear model, same engine.

442 patients, 10 baseline measurements, a number for disease progression one year later.
The rows are split 80/20; features and target are standardised with the training part's
statistics. ``MLP(10, [16, 1])`` (ReLU hidden layer) and a linear model ``MLP(10, [1])``
are trained the same way (mean squared error, Adam, mini-batches of 32). Prints the test
MSE (in the target's own units) and R^2 of both, and writes ``out/diabetes_history.png``
and ``out/diabetes_predictions.png``. Then the regression pictures: ``MLP(1, [8, 1])`` on
body mass index alone, drawn with the data (``out/diabetes_fit_bmi.png``), and
``MLP(2, [8, 1])`` on body mass index and ``s5`` (log of serum triglycerides, the two
features most correlated with the target), drawn as a fitted surface in 3-D
(``out/diabetes_fit_surface.png``).

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
from tinygrad_scalar.data import Standardizer, load_diabetes, standardize, train_test_split  # noqa: E402
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
    a = plot_history(histories["MLP(10, [16, 1])"], out / "diabetes_history.png",
                     "diabetes, MLP(10, [16, 1]): MSE of the standardised target",
                     val_label="test (held out)")
    b = plot_regression(y_test, predictions, out / "diabetes_predictions.png",
                        "diabetes: test predictions")
    print(f"wrote {a} and {b}")
    results.update(fitted_pictures(data.X, data.y, data.feature_names, epochs, args.seed, out))
    return results


def fitted_pictures(X: List[List[float]], y: List[float], names: Sequence[str], epochs: int,
                    seed: int, out: Path) -> Dict[str, Dict[str, float]]:
    """Fit one feature (bmi) and two (bmi, s5) with small MLPs; draw curve and surface."""
    from tinygrad_scalar.train import plot_fit_curve, plot_fit_surface

    mu, sd = statistics.fmean(y), statistics.pstdev(y)
    scores_by_model: Dict[str, Dict[str, float]] = {}
    pictures = []
    for chosen in (["bmi"], ["bmi", "s5"]):
        cols = [list(names).index(c) for c in chosen]
        rows = [[r[j] for j in cols] for r in X]
        scaler = Standardizer().fit(rows)
        model = MLP(len(cols), [8, 1], rng=seed)
        fit(model, mse, Adam(model.parameters(), lr=0.01), scaler.transform(rows),
            [(t - mu) / sd for t in y], epochs=epochs, batch_size=32, seed=seed, progress=False)

        def fitted(row: List[float], model: MLP = model, scaler: Standardizer = scaler) -> float:
            return mu + sd * model(scaler.transform([row])[0]).data  # in the data's units

        name = f"MLP({len(cols)}, [8, 1]) on {', '.join(chosen)}"
        scores_by_model[name] = scores(y, [fitted(r) for r in rows])
        title = f"diabetes: {name}, R^2 {scores_by_model[name]['r2']:.2f} (all 442 patients)"
        if len(cols) == 1:
            pictures.append(out / "diabetes_fit_bmi.png")
            plot_fit_curve(fitted, rows, y, pictures[-1], title=title, xlabel="body mass index",
                           ylabel="progression after one year")
        else:
            pictures.append(out / "diabetes_fit_surface.png")
            plot_fit_surface(fitted, rows, y, pictures[-1], title=title,
                             xlabel="body mass index", ylabel="s5 (log triglycerides)",
                             zlabel="progression")
        print(f"  {name:<30} R^2 {scores_by_model[name]['r2']:.3f} (on the data it was fitted to)")
    print(f"wrote {pictures[0]} and {pictures[1]}")
    return scores_by_model


if __name__ == "__main__":
    main()
