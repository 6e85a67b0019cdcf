"""evaluate and predict: forward passes in evaluation mode."""

from __future__ import annotations

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
