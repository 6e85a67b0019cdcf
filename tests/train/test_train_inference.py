"""evaluate and predict: forward passes in evaluation mode."""

from __future__ import annotations

import pytest

from tinygrad_scalar import MLP
from tinygrad_scalar.losses import mse
from tinygrad_scalar.train import evaluate, predict


def test_predict_and_evaluate_use_eval_mode_and_restore_it():
    model = MLP(2, [32, 1], rng=0, dropout=0.5)
    X = [[0.3, -0.2], [1.0, 2.0]]
    assert predict(model, X) == predict(model, X)
    assert model.training
    model.eval()
    evaluate(model, mse, X, [0.0, 1.0])
    assert not model.training


def test_rows_refuse_ints_too_large_for_a_float():
    model = MLP(2, [1], rng=0)
    with pytest.raises(ValueError, match=r"predict: X\[0\]\[1\] must be a finite number"):
        predict(model, [[1.0, 10 ** 400]])
    with pytest.raises(ValueError, match=r"evaluate: X\[0\]\[0\] must be a finite number"):
        evaluate(model, mse, [[10 ** 400, 1.0]], [0.0])
    assert predict(model, [[1, 2]]) == predict(model, [[1.0, 2.0]])  # ints are numbers
