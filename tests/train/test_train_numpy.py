"""fit, predict and evaluate on NumPy arrays; a scikit-learn-style script runs unchanged."""

from __future__ import annotations

import pytest

from tinygrad_scalar import MLP, evaluate, fit, predict
from tinygrad_scalar.data import make_moons
from tinygrad_scalar.nn import Adam

np = pytest.importorskip("numpy", reason="NumPy is optional; these tests check its types")


def test_a_scikit_learn_style_script_runs_unchanged():
    X, y = make_moons(n_samples=200, noise=0.1, random_state=0)
    X, y = np.asarray(X), np.asarray(y)
    model = MLP(2, [16, 16, 1], rng=0)
    fit(model, "binary_cross_entropy", Adam(model.parameters(), lr=0.05), X, y,
        epochs=30, batch_size=50, progress=False)
    y_pred = np.asarray(predict(model, X, kind="labels"))
    accuracy = (y_pred == y).mean()
    assert accuracy > 0.9


def test_results_are_plain_python_numbers():
    X, y = make_moons(n_samples=20, random_state=1)
    Xa, ya = np.asarray(X, dtype=np.float32), np.asarray(y)
    model = MLP(2, [4, 2], rng=0)
    history = fit(model, "softmax_cross_entropy", Adam(model.parameters(), lr=0.01), Xa, ya,
                  epochs=2, progress=False, validation=(Xa, ya))
    assert all(type(v) is float for v in history["loss"])
    for kind, inner in (("logits", float), ("proba", float)):
        out = predict(model, Xa, kind=kind)
        assert type(out) is list and all(type(v) is inner for row in out for v in row)
    assert all(type(v) is int for v in predict(model, Xa, kind="labels"))
    scores = evaluate(model, "softmax_cross_entropy", Xa, ya)
    assert all(type(v) is float for v in scores.values())


def test_arrays_give_the_same_numbers_as_lists():
    X, y = make_moons(n_samples=24, random_state=2)
    runs = []
    for data in ((X, y), (np.asarray(X), np.asarray(y)), (tuple(map(tuple, X)), tuple(y))):
        model = MLP(2, [4, 1], rng=0)
        h = fit(model, "binary_cross_entropy", Adam(model.parameters(), lr=0.02), *data,
                epochs=3, batch_size=8, progress=False)
        runs.append((h["loss"], predict(model, data[0]),
                     evaluate(model, "binary_cross_entropy", *data)))
    assert runs[0] == runs[1] == runs[2]


def test_a_non_empty_array_is_not_called_empty_and_bad_shapes_are_named():
    model = MLP(2, [1], rng=0)
    assert len(predict(model, np.zeros((3, 2)))) == 3
    with pytest.raises(ValueError, match="predict: X has no rows"):
        predict(model, np.zeros((0, 2)))
    with pytest.raises(TypeError, match="predict: row 0 of X must be a list of numbers"):
        predict(model, np.zeros(3))
    with pytest.raises(ValueError, match="fit: X and y have different lengths"):
        fit(model, "mse", Adam(model.parameters()), np.zeros((3, 2)), np.zeros(2), epochs=1,
            progress=False)
