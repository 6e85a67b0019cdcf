"""Pictures the image and comparison demos share: a grid of images with their labels, a
confusion matrix, curves side by side, decision boundaries side by side.

Drawn off-screen through matplotlib's object interface (``Figure`` and the Agg canvas),
as ``tinygrad_scalar.plots`` draws; each function writes a PNG and returns its path.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence


def figure(width: float, height: float) -> Any:
    """A new off-screen matplotlib ``Figure``."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    return fig


def save(fig: Any, path: Path, dpi: int = 80) -> Path:
    """Write ``fig`` to ``path`` (making its folder); return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=dpi)
    return path


def image_grid(images: Sequence[Sequence[float]], shape: Sequence[int], titles: Sequence[str],
               wrong: Sequence[bool], path: Path, title: str = "", columns: int = 8) -> Path:
    """Grey images (rows of pixels in [0, 1]) in a grid, each with its title; the ones
    marked ``wrong`` get a red frame and a red title."""
    rows = max(1, math.ceil(len(images) / columns))
    fig = figure(columns * 1.0, rows * 1.15 + (0.3 if title else 0.0))
    h, w = shape
    for i, (img, text, bad) in enumerate(zip(images, titles, wrong)):
        ax = fig.add_subplot(rows, columns, i + 1)
        ax.imshow([list(img[r * w:(r + 1) * w]) for r in range(h)], cmap="gray_r",
                  vmin=0.0, vmax=1.0, interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(text, fontsize=7, color="#d62728" if bad else "black")
        for spine in ax.spines.values():
            spine.set_color("#d62728" if bad else "#bbbbbb")
            spine.set_linewidth(2.5 if bad else 0.5)
    if title:
        fig.suptitle(title, fontsize=9)
    return save(fig, path)


def confusion_matrix(y_true: Sequence[int], y_pred: Sequence[int], k: int) -> List[List[int]]:
    """``m[i][j]``: how many of class ``i`` were predicted as ``j``."""
    m = [[0] * k for _ in range(k)]
    for t, p in zip(y_true, y_pred):
        m[t][p] += 1
    return m


def plot_confusion(m: List[List[int]], names: Sequence[str], path: Path, title: str = "") -> Path:
    """The confusion matrix as a table of counts (rows: true class, columns: predicted)."""
    k = len(m)
    fig = figure(0.45 * k + 1.6, 0.45 * k + 1.2)
    ax = fig.add_subplot(1, 1, 1)
    ax.imshow(m, cmap="Blues")
    top = max(max(r) for r in m) or 1
    for i in range(k):
        for j in range(k):
            if m[i][j]:
                ax.text(j, i, str(m[i][j]), ha="center", va="center", fontsize=7,
                        color="white" if m[i][j] > top / 2 else "black")
    ax.set_xticks(range(k))
    ax.set_yticks(range(k))
    ax.set_xticklabels(names, fontsize=7)
    ax.set_yticklabels(names, fontsize=7)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    if title:
        ax.set_title(title, fontsize=9)
    return save(fig, path)


def curves(series: Dict[str, Sequence[float]], path: Path, title: str = "",
           xlabel: str = "epoch", ylabel: str = "loss", log: bool = True,
           xs: Optional[Dict[str, Sequence[float]]] = None) -> Path:
    """Several curves on one set of axes, one per name (log scale when asked and positive)."""
    fig = figure(5.0, 3.4)
    ax = fig.add_subplot(1, 1, 1)
    for name, ys in series.items():
        x = xs[name] if xs and name in xs else list(range(1, len(ys) + 1))
        ax.plot(x, ys, label=name, lw=1.2)
    if log and all(v > 0 for ys in series.values() for v in ys):
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    if title:
        ax.set_title(title, fontsize=9)
    return save(fig, path)


def boundaries(models: Dict[str, Any], X: Sequence[Sequence[float]], y: Sequence[int],
               path: Path, title: str = "", steps: int = 60) -> Path:
    """Decision regions of several 2-D classifiers side by side (one score each: class 1
    where it is positive), with the points on top."""
    from tinygrad_scalar import no_grad

    xs0 = [r[0] for r in X]
    xs1 = [r[1] for r in X]
    lo0, hi0 = min(xs0) - 0.3, max(xs0) + 0.3
    lo1, hi1 = min(xs1) - 0.3, max(xs1) + 0.3
    g0 = [lo0 + (hi0 - lo0) * i / (steps - 1) for i in range(steps)]
    g1 = [lo1 + (hi1 - lo1) * j / (steps - 1) for j in range(steps)]
    fig = figure(3.3 * len(models), 3.3)
    for k, (name, model) in enumerate(models.items()):
        ax = fig.add_subplot(1, len(models), k + 1)
        was = model.training
        model.eval()
        with no_grad():
            zz = [[_score(model([a, b])) for a in g0] for b in g1]
        model.train(was)
        ax.contourf(g0, g1, zz, levels=[-1e9, 0.0, 1e9], colors=["#c6dbef", "#fcbba1"],
                    alpha=0.8)
        ax.scatter(xs0, xs1, c=["#1f77b4" if t == 0 else "#d62728" for t in y], s=8,
                   edgecolors="k", linewidths=0.3)
        ax.set_title(name, fontsize=8)
        ax.set_xticks([])
        ax.set_yticks([])
    if title:
        fig.suptitle(title, fontsize=9)
    return save(fig, path)


def _score(out: Any) -> float:
    v = out[0] if isinstance(out, list) else out
    return float(getattr(v, "data", v))
