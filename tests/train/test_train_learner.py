"""Learner: the same training as fit, kept with its model, loss and optimizer."""

from __future__ import annotations

import pytest

from tinygrad_scalar import MLP, fit
from tinygrad_scalar.data import make_moons
from tinygrad_scalar.optim import SGD
from tinygrad_scalar.train import History, Learner


def test_learner_fit_is_fit():
    X, y = make_moons(n=40, noise=0.1, rng=0)
    a, b = MLP(2, [8, 1], rng=0), MLP(2, [8, 1], rng=0)
    learner = Learner(a, "binary_cross_entropy", SGD(a.parameters(), lr=0.1))
    h = learner.fit(X, y, epochs=3, batch_size=8, progress=False)
    h2 = fit(b, "binary_cross_entropy", SGD(b.parameters(), lr=0.1), X, y, 3, 8, progress=False)
    assert isinstance(h, History) and learner.history is h
    assert h["loss"] == h2["loss"] and a.state_dict() == b.state_dict()
    assert learner.predict(X[:3], kind="labels") == [int(v > 0) for v in learner.predict(X[:3])]
    assert learner.evaluate(X, y)["accuracy"] == pytest.approx(h2.last("accuracy"), abs=0.2)


def test_learner_refuses_what_it_cannot_train():
    m = MLP(2, [1], rng=0)
    with pytest.raises(TypeError, match="Learner: model must be a Module"):
        Learner(len, "mse", SGD(m.parameters(), lr=0.1))
    with pytest.raises(TypeError, match="Learner: optimizer must be an Optimizer"):
        Learner(m, "mse", "adam")
    with pytest.raises(ValueError, match="loss must be a callable or one of"):
        Learner(m, "bogus", SGD(m.parameters(), lr=0.1))
