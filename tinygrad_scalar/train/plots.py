"""Pictures of training: decision boundaries of 2-D classifiers, loss and accuracy curves.

matplotlib is needed here only, and imported when a picture is drawn (install it with
``pip install matplotlib`` or the ``demos`` extra). Every function draws into the
``ax=`` you give it (a matplotlib ``Axes``, so it fits in your own figure or notebook) or
into a new off-screen ``Figure`` (Agg canvas: no window opens and the global ``pyplot``
state is left alone), writes a PNG when given a ``path``, and returns the ``Figure``:
the last line of a Jupyter cell shows it inline.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional, Union, cast

from ..core.checks import as_list, finite, integer
from ..nn.modules import Module
from .history import History
from .inference import predict

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["plot_decision_boundary", "plot_history", "plot_regression", "classes_of"]

PathLike = Union[str, "os.PathLike[str]"]

_COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f"]


def _figure(width: float, height: float) -> Figure:
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


def _axes(where: str, ax: Any, width: float, height: float) -> Axes:
    """The ``Axes`` to draw in: the caller's, or the only one of a new figure."""
    if ax is None:
        return _figure(width, height).add_subplot(1, 1, 1)
    from matplotlib.axes import Axes

    if not isinstance(ax, Axes):
        raise TypeError(f"{where}: ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    return ax


def _root(ax: Axes) -> Figure:
    """The figure an ``Axes`` belongs to (the top one, where a sub-figure holds it)."""
    fig: Any = ax.figure
    while getattr(fig, "figure", fig) is not fig:  # a SubFigure's .figure is its parent
        fig = fig.figure
    return cast("Figure", fig)


def _check(where: str, path: Any, dpi: Any, title: Any) -> None:
    """The arguments every picture takes: a path (or None), a dpi and a title."""
    if path is not None and (not isinstance(path, (str, os.PathLike))
                             or isinstance(os.fspath(path), bytes)):
        raise TypeError(f"{where}: path must be a str, a path or None, got {type(path).__name__}")
    if integer(dpi, where, "dpi", minimum=1) > 2400:
        raise ValueError(f"{where}: dpi must be an int from 1 to 2400, got {dpi!r:.60}")
    if not isinstance(title, str):
        raise TypeError(f"{where}: title must be a str, got {type(title).__name__}")


def _numbers(where: str, name: str, xs: Any) -> list[float]:
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


def _finish(fig: Figure, path: Optional[PathLike], dpi: int, own: bool) -> Figure:
    """Lay out a figure this module made, write it to ``path`` if given, and return it."""
    if own:
        fig.tight_layout()
    if path is not None:
        out = Path(path)
        out.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(out, dpi=dpi)
    return fig


def classes_of(outputs: Sequence[Any], labels: Sequence[Any]) -> list[Any]:
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
    out: list[Any] = []
    for i, o in enumerate(outputs):
        if isinstance(o, list):
            scores = _numbers(where, f"outputs[{i}]", o)
            if not scores:
                raise ValueError(f"{where}: outputs[{i}] is an empty list of scores")
            out.append(max(range(len(scores)), key=scores.__getitem__))
        else:
            out.append(hi if _numbers(where, "outputs", [o])[0] > 0.0 else lo)
    return out


def _points(where: str, name: str, X: Any) -> list[list[float]]:
    """``X`` (rows or an array) as a non-empty list of 2-D points of finite floats."""
    rows = as_list(X, where, name) if X is not None else None
    if not rows:
        raise ValueError(f"{where}: {name} must be a non-empty list of 2-D points")
    pts = [_numbers(where, f"{name}[{i}]", as_list(r, where, f"{name}[{i}]"))
           for i, r in enumerate(rows)]
    if any(len(p) != 2 for p in pts):
        raise ValueError(f"{where}: {name} must be a non-empty list of 2-D points")
    return pts


def _labels(where: str, name: str, y: Any, n: int) -> list[Any]:
    ys = list(as_list(y, where, name))
    if len(ys) != n:
        raise ValueError(f"{where}: lengths differ ({n} points, {len(ys)} labels) in {name}")
    return [int(v) if isinstance(v, float) and v.is_integer() else v for v in ys]


def _names(where: str, labels: list[Any], class_names: Any) -> list[str]:
    """A display name per label: ``class_names`` (a list in label order or a dict), or the
    label itself (``1`` rather than ``1.0``)."""
    if class_names is None:
        return [f"class {c}" for c in labels]
    if isinstance(class_names, Mapping):
        missing = [c for c in labels if c not in class_names]
        if missing:
            raise ValueError(f"{where}: class_names has no name for label {missing[0]!r:.60}")
        names = [class_names[c] for c in labels]
    elif isinstance(class_names, Sequence) and not isinstance(class_names, (str, bytes)):
        if len(class_names) != len(labels):
            raise ValueError(f"{where}: class_names has {len(class_names)} names for "
                             f"{len(labels)} classes")
        names = list(class_names)
    else:
        raise TypeError(f"{where}: class_names must be a list or a dict, "
                        f"got {type(class_names).__name__}")
    if not all(isinstance(s, str) for s in names):
        raise TypeError(f"{where}: class_names must be strings")
    return names


def _shade(ax: Axes, gx: list[float], gy: list[float], proba: list[Any], names: list[str],
           colors: list[str]) -> None:
    """Probability shading and its colour bar: P(second class) for two classes, else the
    predicted class with its probability as the strength of its colour."""
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import BoundaryNorm, LinearSegmentedColormap, ListedColormap, to_rgb

    n, k = len(gx), len(names)
    if k <= 2 and not isinstance(proba[0], list):
        zz = [[proba[j * n + i] for i in range(n)] for j in range(len(gy))]
        cmap = LinearSegmentedColormap.from_list("p", [colors[0], "#ffffff", colors[-1]])
        cs = ax.contourf(gx, gy, zz, levels=[i / 20 for i in range(21)], cmap=cmap, alpha=0.75)
        ax.contour(gx, gy, zz, levels=[0.5], colors="k", linewidths=0.8)
        ax.figure.colorbar(cs, ax=ax, label=f"P({names[-1]})", ticks=[0, 0.25, 0.5, 0.75, 1])
        return
    nan = float("nan")
    levels = [1.0 / k + (1.0 - 1.0 / k) * i / 5 for i in range(6)]
    levels[-1] += 1e-9  # a probability of exactly 1 is shaded too
    best = [max(range(k), key=p.__getitem__) for p in proba]
    for c in range(k):  # each class's region, paler where the model is less sure
        zz = [[proba[j * n + i][c] if best[j * n + i] == c else nan for i in range(n)]
              for j in range(len(gy))]
        if any(z == z for row in zz for z in row):
            shades = LinearSegmentedColormap.from_list("c", [(*to_rgb(colors[c]), 0.15),
                                                             (*to_rgb(colors[c]), 0.8)])
            ax.contourf(gx, gy, zz, levels=levels, cmap=shades)
    bar = ax.figure.colorbar(
        ScalarMappable(norm=BoundaryNorm([i - 0.5 for i in range(k + 1)], k),
                       cmap=ListedColormap(colors[:k])),
        ax=ax, ticks=list(range(k)), label="predicted class (paler: less sure)")
    bar.ax.set_yticklabels(names)


def plot_decision_boundary(model: Module, X: Any, y: Any, path: Optional[PathLike] = None,
                           title: str = "", resolution: int = 100, margin: float = 0.25,
                           dpi: int = 150, *, ax: Optional[Axes] = None, X_test: Any = None,
                           y_test: Any = None, class_names: Any = None,
                           feature_names: Sequence[str] = ("$x_1$", "$x_2$")) -> Figure:
    """Shade the plane by the probabilities ``model`` predicts, with a colour bar, and
    draw the training points ``X, y`` (circles) and test points ``X_test, y_test``
    (crosses) on top; return the figure (and write it to ``path`` if given).

    ``X`` has two columns. Probabilities are ``predict(kind="proba")``: the sigmoid of
    one score, or the softmax of several. ``class_names`` names the classes (a list in
    sorted label order, or ``{label: name}``). The grid is ``resolution x resolution``
    points over the data's range widened by ``margin`` of its size on each side.
    """
    where = "plot_decision_boundary"
    if not isinstance(model, Module):
        raise TypeError(f"{where}: model must be a Module, got {type(model).__name__}")
    X = _points(where, "X", X)
    y = _labels(where, "y", y, len(X))
    test = [] if X_test is None and y_test is None else _points(where, "X_test", X_test)
    yt = _labels(where, "y_test", y_test, len(test)) if test else []
    _check(where, path, dpi, title)
    if not 0.0 <= finite(margin, where, "margin") <= 100.0:
        raise ValueError(f"{where}: margin must be a number from 0 to 100, got {margin!r:.60}")
    resolution = integer(resolution, where, "resolution", minimum=2)
    if (not isinstance(feature_names, Sequence) or len(feature_names) != 2
            or not all(isinstance(s, str) for s in feature_names)):
        raise TypeError(f"{where}: feature_names must be two strings, got {feature_names!r:.60}")
    try:
        labels = sorted(set(y) | set(yt))
    except TypeError:
        raise TypeError(f"{where}: labels must be comparable (numbers), got {y!r:.60}") from None
    names = _names(where, labels, class_names)
    axes = _axes(where, ax, 5.6, 4.2)
    everything = X + test
    xs, ys = [r[0] for r in everything], [r[1] for r in everything]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    dx, dy = (x1 - x0) * margin or 1.0, (y1 - y0) * margin or 1.0
    gx = [x0 - dx + (x1 - x0 + 2 * dx) * i / (resolution - 1) for i in range(resolution)]
    gy = [y0 - dy + (y1 - y0 + 2 * dy) * j / (resolution - 1) for j in range(resolution)]
    proba = predict(model, [[a, b] for b in gy for a in gx], kind="proba")
    if any(not math.isfinite(p) for o in proba for p in (o if isinstance(o, list) else [o])):
        raise ValueError(f"{where}: the model gives non-finite outputs on the grid")
    colors = [_COLORS[i % len(_COLORS)] for i in range(len(labels))]
    _shade(axes, gx, gy, proba, names, colors)
    for pts, marks, kind in ((list(zip(X, y)), ("o", "k"), "train"),
                             (list(zip(test, yt)), ("X", "w"), "test")):
        for i, c in enumerate(labels):
            mine = [p for p, t in pts if t == c]
            if mine:
                axes.scatter([p[0] for p in mine], [p[1] for p in mine], s=18 if kind == "train"
                             else 34, c=colors[i], marker=marks[0], edgecolors=marks[1],
                             linewidths=0.5, label=f"{names[i]} ({kind})" if test else names[i])
    axes.set_xlim(gx[0], gx[-1])
    axes.set_ylim(gy[0], gy[-1])
    axes.set_xlabel(feature_names[0])
    axes.set_ylabel(feature_names[1])
    axes.legend(loc="best", fontsize=7, framealpha=0.8)
    if title:
        axes.set_title(title, fontsize=9)
    return _finish(_root(axes), path, dpi, ax is None)


def _panels(where: str, history: History, metrics: Any) -> list[str]:
    recorded = [m for m in ("loss", "accuracy") if m in history]
    if metrics is None:
        return recorded
    if isinstance(metrics, str):
        metrics = [metrics]
    if not isinstance(metrics, Sequence) or not metrics:
        raise TypeError(f"{where}: metrics must be a non-empty list of names, got {metrics!r:.60}")
    for m in metrics:
        if not isinstance(m, str) or m not in history or m.startswith("val_") or m == "epoch":
            raise ValueError(f"{where}: metrics names what the history recorded "
                             f"({', '.join(k for k in history.keys() if k != 'epoch')}), "
                             f"got {m!r:.60}")
    return list(metrics)


def plot_history(history: History, path: Optional[PathLike] = None, title: str = "",
                 dpi: int = 150, val_label: str = "validation", *, ax: Any = None,
                 metrics: Optional[Sequence[str]] = None, xlabel: str = "epoch",
                 per_batch: bool = False) -> Figure:
    """Loss (log scale when positive) and, if recorded, accuracy per epoch, train and
    validation, one panel each; return the figure (and write it to ``path`` if given).

    ``ax`` is one ``Axes`` per panel (a single ``Axes`` when there is one panel: choose
    it with ``metrics=["loss"]``). ``val_label`` names the validation curve (say
    ``"test"`` when it is the held-out part); ``xlabel`` names the x axis (``"step"``
    when each row of the history is one optimizer step); ``per_batch=True`` also draws
    every mini-batch's loss (``history.batches``).
    """
    where = "plot_history"
    if not isinstance(history, History) or len(history) == 0:
        raise ValueError(f"{where}: needs a History with at least one epoch")
    _check(where, path, dpi, title)
    for name, text in (("val_label", val_label), ("xlabel", xlabel)):
        if not isinstance(text, str):
            raise TypeError(f"{where}: {name} must be a str, got {type(text).__name__}")
    panels = _panels(where, history, metrics)
    if not isinstance(per_batch, bool):
        raise TypeError(f"{where}: per_batch must be True or False, got {per_batch!r:.40}")
    batches = history.batches if per_batch else None
    if ax is None:
        fig = _figure(4.0 * len(panels), 3.2)
        axes = [fig.add_subplot(1, len(panels), k + 1) for k in range(len(panels))]
    else:
        given = list(ax) if isinstance(ax, (list, tuple)) else [ax]
        if len(given) != len(panels):
            raise ValueError(f"{where}: ax must be {len(panels)} Axes, one per panel "
                             f"({', '.join(panels)}), got {len(given)}")
        axes = [_axes(where, a, 0, 0) for a in given]
    epochs = history["epoch"]
    for a, train_key in zip(axes, panels):
        val_key = f"val_{train_key}"
        extra: list[float] = []
        if batches is not None and train_key == "loss" and batches["loss"]:
            extra = batches["loss"]
            a.plot(batches["epoch"], extra, lw=0.6, alpha=0.5, label="train (each batch)",
                   color=_COLORS[2])
        a.plot(epochs, history[train_key], label="train", color=_COLORS[0])
        if val_key in history:
            a.plot(epochs, history[val_key], label=val_label, color=_COLORS[1])
        values = history[train_key] + (history[val_key] if val_key in history else []) + extra
        if train_key == "loss" and min(values) > 0:
            a.set_yscale("log")
        a.set_xlabel(xlabel)
        a.set_ylabel(train_key)
        a.grid(alpha=0.3)
        a.legend(fontsize=7)
    if title and ax is None:
        axes[0].figure.suptitle(title, fontsize=9)
    elif title:
        axes[0].set_title(title, fontsize=9)
    return _finish(_root(axes[0]), path, dpi, ax is None)


def plot_regression(y_true: Sequence[float], predictions: dict[str, Any],
                    path: Optional[PathLike] = None, title: str = "", dpi: int = 150, *,
                    ax: Optional[Axes] = None) -> Figure:
    """Predicted against true targets, one colour per model (``{name: predictions}``);
    return the figure (and write it to ``path`` if given)."""
    where = "plot_regression"
    y_true = _numbers(where, "y_true", as_list(y_true, where, "y_true"))
    if not isinstance(predictions, dict) or not predictions:
        raise ValueError(f"{where}: predictions must be a non-empty dict {{name: predictions}}")
    predictions = {name: _numbers(where, f"predictions[{name!r}]",
                                  as_list(p, where, f"predictions[{name!r}]"))
                   for name, p in predictions.items()}
    _check(where, path, dpi, title)
    if not y_true:
        raise ValueError(f"{where}: y_true is empty")
    for name, p in predictions.items():
        if len(p) != len(y_true):
            raise ValueError(f"{where}: {name!r} has {len(p)} predictions for "
                             f"{len(y_true)} targets")
    axes = _axes(where, ax, 4.4, 4.0)
    lo, hi = min(y_true), max(y_true)
    axes.plot([lo, hi], [lo, hi], color="k", lw=0.8, ls="--", label="perfect")
    for i, (name, p) in enumerate(predictions.items()):
        axes.scatter(y_true, p, s=10, alpha=0.6, color=_COLORS[i % len(_COLORS)], label=name)
    axes.set_xlabel("true")
    axes.set_ylabel("predicted")
    axes.grid(alpha=0.3)
    axes.legend(fontsize=7)
    if title:
        axes.set_title(title, fontsize=9)
    return _finish(_root(axes), path, dpi, ax is None)
