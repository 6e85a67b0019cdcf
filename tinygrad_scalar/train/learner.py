"""``Learner``: a model, its loss and its optimizer kept together, trained with ``fit``.

>>> from tinygrad_scalar.nn import Linear, ReLU, Sequential
>>> from tinygrad_scalar.optim import Adam
>>> model = Sequential(Linear(2, 8, rng=0), ReLU(), Linear(8, 2, rng=1))
>>> learn = Learner(model, "cross_entropy", Adam(model.parameters(), lr=0.05))
>>> X, y = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0, 1, 1, 0]
>>> history = learn.fit(X, y, epochs=150, progress=False)
>>> history["accuracy"][-1], learn.predict(X, kind="labels")
(1.0, [0, 1, 1, 0])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..nn.modules import Module
from ..nn.optimizer import Optimizer
from .batch import LossFn, _resolve_loss
from .history import History
from .inference import evaluate, predict
from .loop import fit

__all__ = ["Learner"]


class Learner:
    """``Learner(model, loss, optimizer)``: ``fit(X, y, epochs, batch_size, ...)`` trains
    the model with ``tinygrad_scalar.fit`` (every other keyword of ``fit`` is accepted)
    and returns its ``History``, also kept as ``learner.history`` (the latest run);
    ``predict`` and ``evaluate`` run the model in evaluation mode.
    """

    def __init__(self, model: Module, loss: str | LossFn, optimizer: Optimizer) -> None:
        if not isinstance(model, Module):
            raise TypeError(f"Learner: model must be a Module, got {type(model).__name__}")
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"Learner: optimizer must be an Optimizer, "
                            f"got {type(optimizer).__name__}")
        self.model = model
        self.loss = _resolve_loss(loss)
        self.optimizer = optimizer
        self.history: History | None = None

    def fit(self, X: Sequence[Sequence[Any]], y: Sequence[Any], epochs: int,
            batch_size: int | None = None, **kwargs: Any) -> History:
        """Train for ``epochs`` epochs of mini-batches of ``batch_size`` rows (see ``fit``)."""
        self.history = fit(self.model, self.loss, self.optimizer, X, y, epochs, batch_size,
                           **kwargs)
        return self.history

    def predict(self, X: Sequence[Sequence[Any]], kind: str = "logits") -> list[Any]:
        """The model's outputs for ``X`` (``kind``: ``logits``, ``labels`` or ``proba``)."""
        return predict(self.model, X, kind=kind)

    def evaluate(self, X: Sequence[Sequence[Any]], y: Sequence[Any]) -> dict[str, float]:
        """Mean loss (and accuracy for classification) on ``X, y``."""
        return evaluate(self.model, self.loss, X, y)

    def __repr__(self) -> str:
        return f"Learner({self.model!r}, {getattr(self.loss, '__name__', 'loss')}, {self.optimizer!r})"
