"""Pictures of training: decision boundaries of 2-D classifiers, loss and accuracy curves.

matplotlib is needed here only, and imported when a picture is drawn (install it with
``pip install matplotlib`` or the ``demos`` extra). Figures are drawn off-screen through
matplotlib's object interface (``Figure`` and the Agg canvas): no window opens and the
global ``pyplot`` state is left alone. Every function writes a PNG and returns its path.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Union

from ..core.checks import finite, integer
from ..nn.modules import Module
from .history import History
from .inference import predict

__all__ = ["plot_decision_boundary", "plot_history", "plot_regression", "classes_of"]

PathLike = Union[str, "os.PathLike[str]"]

_COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f"]


def _figure(width: float, height: float) -> Any:
    """A new off-screen ``Figure`` (Agg canvas), or an ImportError saying what to install."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError("plots need matplotlib: pip install matplotlib "
                          "(or pip install 'tinygrad-scalar[demos]')") from None
    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    return fig


def _check(where: str, path: Any, dpi: Any, title: Any) -> None:
    """The arguments every picture takes: a path, a dpi and a title."""
    if not isinstance(path, (str, os.PathLike)) or isinstance(os.fspath(path), bytes):
        raise TypeError(f"{where}: path must be a str or a path, got {type(path).__name__}")
    if integer(dpi, where, "dpi", minimum=1) > 2400:
        raise ValueError(f"{where}: dpi must be an int from 1 to 2400, got {dpi!r:.60}")
    if not isinstance(title, str):
        raise TypeError(f"{where}: title must be a str, got {type(title).__name__}")


def _numbers(where: str, name: str, xs: Any) -> list:
    """``xs`` as a list of finite floats; ``TypeError``/``ValueError`` naming it otherwise."""
    if isinstance(xs, (str, bytes)) or not isinstance(xs, Sequence):
        raise TypeError(f"{where}: {name} must be a list of numbers, got {type(xs).__name__}")
    out = []
    for i, x in enumerate(xs):
        f = finite(x, where, f"{name}[{i}]")
        if not -1e300 < f < 1e300:
            raise ValueError(f"{where}: {name}[{i}] must be a number between -1e300 and 1e300, "
                             f"got {f!r:.60}")
        out.append(f)
    return out


def _save(fig: Any, path: PathLike, dpi: int) -> Path:
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(out, dpi=dpi)
    return out


def classes_of(outputs: Sequence[Any], labels: Sequence[Any]) -> list:
    """Turn model outputs into class labels: the argmax of a list of scores, or for one
    score the larger of the two labels when it is positive (0/1 and -1/+1 alike).

    >>> classes_of([[0.1, 2.0], [3.0, -1.0], 0.7, -0.2], [0, 1])
    [1, 0, 1, 0]
    >>> classes_of([0.5, -0.5], [-1, 1])
    [1, -1]
    """
    where = "classes_of"
    if isinstance(labels, (str, bytes)) or not isinstance(labels, Sequence):
        raise TypeError(f"{where}: labels must be a list, got {type(labels).__name__}")
    if isinstance(outputs, (str, bytes)) or not isinstance(outputs, Sequence):
        raise TypeError(f"{where}: outputs must be a list, got {type(outputs).__name__}")
    try:
        lo, hi = (min(labels), max(labels)) if labels else (0, 1)
    except TypeError:
        raise TypeError(f"{where}: labels must be comparable (numbers), got {labels!r:.60}") from None
    out = []
    for i, o in enumerate(outputs):
        if isinstance(o, list):
            scores = _numbers(where, f"outputs[{i}]", o)
            if not scores:
                raise ValueError(f"{where}: outputs[{i}] is an empty list of scores")
            out.append(max(range(len(scores)), key=scores.__getitem__))
        else:
            out.append(hi if _numbers(where, "outputs", [o])[0] > 0.0 else lo)
    return out


def plot_decision_boundary(model: Module, X: Sequence[Sequence[float]], y: Sequence[Any],
                           path: PathLike, title: str = "", resolution: int = 100,
                           margin: float = 0.25, dpi: int = 80) -> Path:
    """Colour the plane by the class ``model`` predicts and draw the points ``X`` on top.

    ``X`` must have two columns. The grid is ``resolution x resolution`` points over the
    data's range widened by ``margin`` of its size on each side.
    """
    where = "plot_decision_boundary"
    if not isinstance(model, Module):
        raise TypeError(f"{where}: model must be a Module, got {type(model).__name__}")
    if isinstance(X, (str, bytes)) or not isinstance(X, Sequence) or not X:
        raise ValueError(f"{where}: X must be a non-empty list of 2-D points")
    X = [_numbers(where, f"X[{i}]", row) for i, row in enumerate(X)]
    if any(len(row) != 2 for row in X):
        raise ValueError(f"{where}: X must be a non-empty list of 2-D points")
    if isinstance(y, (str, bytes)) or not isinstance(y, Sequence):
        raise TypeError(f"{where}: y must be a list of labels, got {type(y).__name__}")
    _check(where, path, dpi, title)
    if not 0.0 <= finite(margin, where, "margin") <= 100.0:
        raise ValueError(f"{where}: margin must be a number from 0 to 100, got {margin!r:.60}")
    if len(X) != len(y):
        raise ValueError(f"plot_decision_boundary: lengths differ ({len(X)} points, "
                         f"{len(y)} labels)")
    resolution = integer(resolution, where, "resolution", minimum=2)
    labels = sorted(set(y))
    xs, ys = [r[0] for r in X], [r[1] for r in X]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    dx, dy = (x1 - x0) * margin or 1.0, (y1 - y0) * margin or 1.0
    gx = [x0 - dx + (x1 - x0 + 2 * dx) * i / (resolution - 1) for i in range(resolution)]
    gy = [y0 - dy + (y1 - y0 + 2 * dy) * j / (resolution - 1) for j in range(resolution)]
    grid = [[a, b] for b in gy for a in gx]
    pred = classes_of(predict(model, grid), labels)
    index = {c: i for i, c in enumerate(labels)}
    zz = [[index.get(pred[j * resolution + i], 0) for i in range(resolution)]
          for j in range(resolution)]

    from matplotlib.colors import ListedColormap

    colors = [_COLORS[i % len(_COLORS)] for i in range(len(labels))]
    fig = _figure(4.6, 4.0)
    ax = fig.add_subplot(1, 1, 1)
    ax.contourf(gx, gy, zz, levels=[i - 0.5 for i in range(len(labels) + 1)],
                cmap=ListedColormap(colors), alpha=0.3)
    for i, c in enumerate(labels):
        pts = [r for r, t in zip(X, y) if t == c]
        ax.scatter([p[0] for p in pts], [p[1] for p in pts], s=12, c=colors[i],
                   edgecolors="k", linewidths=0.3, label=str(c))
    ax.set_xlim(gx[0], gx[-1])
    ax.set_ylim(gy[0], gy[-1])
    ax.legend(loc="best", fontsize=7, title="class", title_fontsize=7)
    if title:
        ax.set_title(title, fontsize=9)
    return _save(fig, path, dpi)


def plot_history(history: History, path: PathLike, title: str = "", dpi: int = 80,
                 val_label: str = "validation", per_batch: bool = False) -> Path:
    """Loss (log scale when positive) and, if recorded, accuracy per epoch, train and validation.

    ``val_label`` names the validation curve (say ``"test"`` when it is the held-out part);
    ``per_batch=True`` also draws every mini-batch's loss (``history.batches``).
    """
    if not isinstance(history, History) or len(history) == 0:
        raise ValueError("plot_history: needs a History with at least one epoch")
    _check("plot_history", path, dpi, title)
    if not isinstance(val_label, str):
        raise TypeError(f"plot_history: val_label must be a str, got {type(val_label).__name__}")
    if not isinstance(per_batch, bool):
        raise TypeError(f"plot_history: per_batch must be True or False, got {per_batch!r:.40}")
    epochs = history["epoch"]
    panels = [("loss", "val_loss")] + (
        [("accuracy", "val_accuracy")] if "accuracy" in history else [])
    fig = _figure(4.0 * len(panels), 3.2)
    for k, (train_key, val_key) in enumerate(panels):
        ax = fig.add_subplot(1, len(panels), k + 1)
        if per_batch and train_key == "loss" and history.batches["loss"]:
            ax.plot(history.batches["epoch"], history.batches["loss"], lw=0.6, alpha=0.5,
                    label="train (each batch)", color=_COLORS[2])
        ax.plot(epochs, history[train_key], label="train", color=_COLORS[0])
        if val_key in history:
            ax.plot(epochs, history[val_key], label=val_label, color=_COLORS[1])
        values = history[train_key] + (history[val_key] if val_key in history else [])
        if per_batch and train_key == "loss":
            values = values + history.batches["loss"]
        if train_key == "loss" and min(values) > 0:
            ax.set_yscale("log")
        ax.set_xlabel("epoch")
        ax.set_ylabel(train_key)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    if title:
        fig.suptitle(title, fontsize=9)
    return _save(fig, path, dpi)


def plot_regression(y_true: Sequence[float], predictions: dict, path: PathLike,
                    title: str = "", dpi: int = 80) -> Path:
    """Predicted against true targets, one colour per model (``{name: predictions}``)."""
    y_true = _numbers("plot_regression", "y_true", y_true)
    if not isinstance(predictions, dict) or not predictions:
        raise ValueError("plot_regression: predictions must be a non-empty dict "
                         "{name: predictions}")
    predictions = {name: _numbers("plot_regression", f"predictions[{name!r}]", p)
                   for name, p in predictions.items()}
    _check("plot_regression", path, dpi, title)
    if not y_true:
        raise ValueError("plot_regression: y_true is empty")
    for name, p in predictions.items():
        if len(p) != len(y_true):
            raise ValueError(f"plot_regression: {name!r} has {len(p)} predictions for "
                             f"{len(y_true)} targets")
    fig = _figure(4.4, 4.0)
    ax = fig.add_subplot(1, 1, 1)
    lo, hi = min(y_true), max(y_true)
    ax.plot([lo, hi], [lo, hi], color="k", lw=0.8, ls="--", label="perfect")
    for i, (name, p) in enumerate(predictions.items()):
        ax.scatter(y_true, p, s=10, alpha=0.6, color=_COLORS[i % len(_COLORS)], label=name)
    ax.set_xlabel("true")
    ax.set_ylabel("predicted")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    if title:
        ax.set_title(title, fontsize=9)
    return _save(fig, path, dpi)
