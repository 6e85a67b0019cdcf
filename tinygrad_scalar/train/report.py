"""A page about a training run: ``fit(..., report="run.html")``, or ``TrainingReport``.

The page is one self-contained HTML file that opens offline (its script, style sheet and
data are inside it): the loss and accuracy curves, the learning rate, for inputs of two
features the decision boundary after each recorded epoch played by a slider, and for
classification the confusion matrix of the latest epoch. It is rewritten atomically after
every epoch, so opening (or reloading) it during training shows the progress so far.

>>> import tempfile, pathlib
>>> from tinygrad_scalar import MLP
>>> from tinygrad_scalar.optim import Adam
>>> from tinygrad_scalar.train import fit
>>> X, y = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0, 1, 1, 0]
>>> model = MLP(2, [8, 2], rng=1)
>>> page = pathlib.Path(tempfile.mkdtemp()) / "run.html"
>>> history = fit(model, "softmax_cross_entropy", Adam(model.parameters(), lr=0.05), X, y,
...               epochs=20, progress=False, report=page)
>>> text = page.read_text()
>>> text.startswith("<!DOCTYPE html>"), '"frames":[{"epoch":1' in text
(True, True)
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..core.checks import finite, integer, positive_int
from ..core.files import script_json, write_atomic
from ..nn.modules import Module
from .batch import _check_xy
from .checkpoint import _path
from .history import History
from .inference import predict

__all__ = ["TrainingReport"]

#: at most this many rows are drawn as points and counted in the confusion matrix
MAX_POINTS, MAX_CONFUSION_ROWS = 400, 2000
#: at most this many distinct targets make a classification (more: a regression)
MAX_CLASSES = 20


class TrainingReport:
    """Writes the page of a training run to ``path`` each time ``update`` is called.

    ``X, y`` are the training data (lists of rows and targets, or arrays); with two
    features per row, the page shows the model's decision boundary over them, computed
    on a ``grid`` x ``grid`` mesh after every ``every``-th epoch (and the first, and the
    last when ``epochs`` says which it is). Targets that are whole numbers (at most 20
    distinct ones) make a classification: the page then shows the confusion matrix,
    computed at the same epochs. The curves are rewritten after every epoch.

    >>> import tempfile, pathlib
    >>> from tinygrad_scalar import MLP
    >>> from tinygrad_scalar.train import History
    >>> report = TrainingReport(pathlib.Path(tempfile.mkdtemp()) / "run.html",
    ...                         [[0.0, 1.0], [1.0, 0.0]], [0, 1], grid=5)
    >>> h = History()
    >>> h.append(epoch=1, loss=0.7, lr=0.1)
    >>> report.update(h, MLP(2, [2], rng=0)).name
    'run.html'
    >>> len(report.frames), report.classes
    (1, [0, 1])
    """

    def __init__(self, path: str | os.PathLike[str], X: Sequence[Sequence[Any]], y: Sequence[Any],
                 *, title: str = "training run", every: int = 1, grid: int = 30,
                 epochs: int | None = None) -> None:
        where = "TrainingReport"
        self.path = Path(_path(path, where, "path"))
        folder = self.path.resolve().parent
        if not folder.is_dir():
            raise FileNotFoundError(f"{where}: path {str(path)!r}: folder {folder} does not exist")
        if not isinstance(title, str):
            raise TypeError(f"{where}: title must be a str, got {type(title).__name__}")
        X, y = _check_xy(X, y, where)
        if not X:
            raise ValueError(f"{where}: X has no rows")
        self.rows = [[finite(v, where, f"X[{i}]") for v in _row(r, where, i)]
                     for i, r in enumerate(X)]
        self.targets = list(y)
        self.title, self.every = title, positive_int(every, where, "every")
        self.grid = integer(grid, where, "grid", minimum=2)
        if self.grid > 200:
            raise ValueError(f"{where}: grid must be an int from 2 to 200, got {grid!r}")
        self.epochs = None if epochs is None else integer(epochs, where, "epochs", minimum=0)
        self.classes = _classes(self.targets)
        self.frames: list[dict[str, Any]] = []
        self.confusion: dict[str, Any] | None = None
        self.bounds = _bounds(self.rows) if len(self.rows[0]) == 2 else None

    def update(self, history: History, model: Module) -> Path:
        """Record the latest epoch of ``history`` (a boundary frame when one is due, the
        confusion matrix) and rewrite the page, whole or not at all. Returns its path."""
        if not isinstance(history, History):
            raise TypeError(f"TrainingReport.update: history must be a History, "
                            f"got {type(history).__name__}")
        if not isinstance(model, Module):
            raise TypeError(f"TrainingReport.update: model must be a Module, "
                            f"got {type(model).__name__}")
        epoch = int(history["epoch"][-1]) if len(history) else 0
        due = self._due(epoch)
        if self.bounds is not None and self.classes is not None and due:
            self.frames.append({"epoch": epoch, "p": self._boundary(model)})
        if self.classes is not None and due:
            self.confusion = self._confusion(model, epoch)
        write_atomic(self.path, self.page(history).encode("utf-8"))
        return self.path

    def _due(self, epoch: int) -> bool:
        """Whether the boundary and the confusion matrix are computed after ``epoch``."""
        if self.confusion is not None and self.confusion["epoch"] == epoch:
            return False
        return epoch <= 1 or epoch % self.every == 0 or epoch == self.epochs

    def _boundary(self, model: Module) -> list[Any]:
        """The model's probability of the second class (or its class and probability for
        more classes) at each point of the mesh, row by row from the top left."""
        x0, x1, y0, y1 = self.bounds  # type: ignore[misc]
        n = self.grid
        mesh = [[x0 + (x1 - x0) * (i + 0.5) / n, y1 - (y1 - y0) * (j + 0.5) / n]
                for j in range(n) for i in range(n)]
        out = []
        for p in predict(model, mesh, kind="proba"):
            if isinstance(p, list):
                if len(p) == 2:
                    out.append(round(p[1], 3))
                else:
                    k = max(range(len(p)), key=p.__getitem__)
                    out.append([k, round(p[k], 3)])
            else:
                out.append(round(p, 3))
        return out

    def _confusion(self, model: Module, epoch: int) -> dict[str, Any]:
        rows, targets = self.rows[:MAX_CONFUSION_ROWS], self.targets[:MAX_CONFUSION_ROWS]
        negative = -1 if min(self.classes or [0]) == -1 else 0
        predicted = predict(model, rows, kind="labels", negative=negative)
        labels = sorted({int(t) for t in targets} | set(predicted))
        at = {c: i for i, c in enumerate(labels)}
        matrix = [[0] * len(labels) for _ in labels]
        for t, p in zip(targets, predicted):
            matrix[at[int(t)]][at[p]] += 1
        return {"epoch": epoch, "labels": labels, "matrix": matrix, "rows": len(rows),
                "of": len(self.rows)}

    def data(self, history: History) -> dict[str, Any]:
        """What the page's script draws: curves, frames, points and the confusion matrix."""
        points = None
        if self.bounds is not None:
            step = max(1, len(self.rows) // MAX_POINTS)
            points = [[r[0], r[1], _target(t)] for r, t in
                      zip(self.rows[::step], self.targets[::step])]
        return {"title": self.title, "stopped": history.stopped,
                "history": {k: [_number(v) for v in vs] for k, vs in history.records.items()},
                "epochs": self.epochs, "grid": self.grid, "bounds": self.bounds,
                "points": points, "classes": self.classes, "frames": self.frames,
                "confusion": self.confusion}

    def page(self, history: History) -> str:
        """The whole page for ``history``, as text."""
        import html

        return _asset("report.html").format(
            title=html.escape(self.title), css=_asset("report.css"), js=_asset("report.js"),
            data=script_json(self.data(history)))


def report_for(report: Any, rows: list[list[Any]], targets: list[Any],
               epochs: int) -> TrainingReport | None:
    """``fit``'s ``report`` argument as a ``TrainingReport`` (None for None): a path gets a
    report on ``fit``'s data, with a boundary frame every ``epochs // 40`` epochs."""
    if report is None or isinstance(report, TrainingReport):
        return report
    if not isinstance(report, (str, os.PathLike)):
        raise TypeError(f"fit: report must be a path (such as 'run.html'), a TrainingReport "
                        f"or None, got {type(report).__name__}")
    X = [[v.data if hasattr(v, "data") else v for v in r] for r in rows]
    return TrainingReport(report, X, targets, every=max(1, epochs // 40), epochs=epochs)


def _row(r: Any, where: str, i: int) -> list[Any]:
    if isinstance(r, (str, bytes)) or not hasattr(r, "__len__"):
        raise TypeError(f"{where}: row {i} of X must be a list of numbers, got {type(r).__name__}")
    return list(r)


def _classes(targets: list[Any]) -> list[int] | None:
    """The sorted classes when every target is a whole number (at most ``MAX_CLASSES``)."""
    found = set()
    for t in targets:
        k = _target(t)
        if k is None:
            return None
        found.add(k)
        if len(found) > MAX_CLASSES:
            return None
    return sorted(found)


def _target(t: Any) -> int | None:
    """``t`` as a class number, or None when it is not a whole number."""
    if isinstance(t, bool) or not isinstance(t, numbers.Real):
        return None
    f = float(t)
    return int(f) if math.isfinite(f) and f.is_integer() else None


def _bounds(rows: list[list[float]]) -> list[float]:
    """The box around the points, 10% wider on each side (never of zero size)."""
    out = []
    for k in (0, 1):
        lo, hi = min(r[k] for r in rows), max(r[k] for r in rows)
        pad = 0.1 * (hi - lo) or 1.0
        out += [lo - pad, hi + pad]
    return out


def _number(v: Any) -> Any:
    return v if isinstance(v, (int, float)) and math.isfinite(v) else None


def _asset(name: str) -> str:
    from importlib import resources

    return resources.files("tinygrad_scalar.train").joinpath("assets").joinpath(
        name).read_text("utf-8")
