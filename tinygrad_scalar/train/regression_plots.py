"""Pictures of a fitted regression: the data with the fitted curve (one feature) or the
fitted surface in 3-D (two features, matplotlib's ``mplot3d``).

Each function draws on ``ax`` when given (a 3-D axes for the surface), or on a new
off-screen figure; it returns the figure, and saves it as a PNG at ``dpi`` (150 by
default) when ``path`` is given. ``model`` is a ``Module`` or any function of one row
(a list of numbers) returning a number or a ``Value``; it is evaluated without recording
a graph. matplotlib is imported only when a picture is drawn.

>>> from tinygrad_scalar import Value
>>> fig = plot_fit_curve(lambda row: 2.0 * row[0] + 1.0, [[0.0], [1.0], [2.0]], [1.2, 2.9, 5.1])
>>> ax = fig.axes[0]
>>> ax.get_xlabel(), ax.get_ylabel(), len(ax.lines), len(ax.collections)
('x', 'y', 1, 1)
"""

from __future__ import annotations

import os
from typing import Any, Callable, List, Optional, Sequence, Tuple, Union

from ..core.checks import finite, integer
from ..core.modes import no_grad
from ..core.value import Value

__all__ = ["plot_fit_curve", "plot_fit_surface"]

PathLike = Union[str, "os.PathLike[str]"]


def _pyplot_free_figure(projection: Optional[str]) -> Tuple[Any, Any]:
    """A new off-screen figure and its axes (no window, no pyplot state)."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError("plots need matplotlib: pip install matplotlib "
                          "(or pip install 'tinygrad-scalar[demos]')") from None
    fig = Figure(figsize=(5.0, 4.2))
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot(1, 1, 1, projection=projection)


def _evaluate(model: Any, where: str) -> Callable[[List[float]], float]:
    """``model`` as a function of one row to a float (no graph recorded)."""
    if not callable(model):
        raise TypeError(f"{where}: model must be a model or a function of one row, "
                        f"got {type(model).__name__}")

    def f(row: List[float]) -> float:
        with no_grad():
            out = model(row)
        if isinstance(out, (list, tuple)) and len(out) == 1:
            out = out[0]
        number = out.data if isinstance(out, Value) else out
        return finite(number, where, "the model's output")
    return f


def _data(X: Any, y: Any, n_features: int, where: str) -> Tuple[List[List[float]], List[float]]:
    if isinstance(X, (str, bytes)) or not isinstance(X, Sequence) or not X:
        raise TypeError(f"{where}: X must be a non-empty list of rows, got {type(X).__name__}")
    if isinstance(y, (str, bytes)) or not isinstance(y, Sequence) or len(y) != len(X):
        raise ValueError(f"{where}: y must be a list of {len(X)} numbers (one per row of X)")
    rows = []
    for i, row in enumerate(X):
        row = [row] if n_features == 1 and not isinstance(row, (list, tuple)) else row
        if not isinstance(row, (list, tuple)) or len(row) != n_features:
            raise ValueError(f"{where}: row {i} of X must hold {n_features} feature(s), "
                             f"got {row!r:.60}")
        rows.append([finite(v, where, f"X[{i}]") for v in row])
    return rows, [finite(v, where, f"y[{i}]") for i, v in enumerate(y)]


def _options(where: str, ax: Any, path: Any, dpi: Any, **names: Any) -> None:
    """The arguments every picture takes: labels, ``ax``, ``path`` and ``dpi``."""
    for name, text in names.items():
        if not isinstance(text, str):
            raise TypeError(f"{where}: {name} must be a str, got {type(text).__name__}")
    if ax is not None and not callable(getattr(ax, "scatter", None)):
        raise TypeError(f"{where}: ax must be a matplotlib Axes, got {type(ax).__name__}")
    if integer(dpi, where, "dpi", minimum=1) > 2400:
        raise ValueError(f"{where}: dpi must be an int from 1 to 2400, got {dpi!r:.60}")
    if path is not None and (not isinstance(path, (str, os.PathLike))
                             or isinstance(os.fspath(path), bytes)):
        raise TypeError(f"{where}: path must be a str or a path, got {type(path).__name__}")


def _finish(fig: Any, path: Optional[PathLike], dpi: int) -> Any:
    if path is not None:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        fig.savefig(path, dpi=dpi)
    return fig


def plot_fit_curve(model: Any, X: Sequence[Any], y: Sequence[float],
                   path: Optional[PathLike] = None, *, ax: Any = None, title: str = "",
                   xlabel: str = "x", ylabel: str = "y", points: int = 200, dpi: int = 150) -> Any:
    """One feature: the data as points and the model's fitted curve over their range.

    >>> fig = plot_fit_curve(lambda r: r[0] ** 2, [-1.0, 0.0, 2.0], [1.1, 0.0, 3.9], points=3)
    >>> fig.axes[0].lines[0].get_data()[1].tolist()
    [1.0, 0.25, 4.0]
    """
    where = "plot_fit_curve"
    f = _evaluate(model, where)
    rows, ys = _data(X, y, 1, where)
    _options(where, ax, path, dpi, title=title, xlabel=xlabel, ylabel=ylabel)
    n = integer(points, where, "points", minimum=2)
    xs = [r[0] for r in rows]
    lo, hi = min(xs), max(xs)
    grid = [lo + (hi - lo) * k / (n - 1) for k in range(n)]
    curve = [f([g]) for g in grid]
    fig, ax = _pyplot_free_figure(None) if ax is None else (ax.figure, ax)
    ax.scatter(xs, ys, s=12, alpha=0.6, color="#1f77b4", label="data")
    ax.plot(grid, curve, color="#d62728", lw=2.0, label="fitted")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title or "data and fitted curve", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return _finish(fig, path, dpi)


def plot_fit_surface(model: Any, X: Sequence[Sequence[float]], y: Sequence[float],
                     path: Optional[PathLike] = None, *, ax: Any = None, title: str = "",
                     xlabel: str = "x1", ylabel: str = "x2", zlabel: str = "y",
                     points: int = 15, dpi: int = 150) -> Any:
    """Two features: a 3-D scatter of the data and the model's fitted surface over their
    range (``ax``, when given, must be a 3-D axes: ``projection="3d"``).

    >>> fig = plot_fit_surface(lambda r: r[0] - r[1], [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]],
    ...                        [0.1, 0.9, -1.1], points=5)
    >>> fig.axes[0].name, fig.axes[0].get_zlabel()
    ('3d', 'y')
    """
    where = "plot_fit_surface"
    f = _evaluate(model, where)
    rows, ys = _data(X, y, 2, where)
    _options(where, ax, path, dpi, title=title, xlabel=xlabel, ylabel=ylabel, zlabel=zlabel)
    n = integer(points, where, "points", minimum=2)
    if ax is not None and getattr(ax, "name", "") != "3d":
        raise ValueError(f"{where}: ax must be a 3-D axes (projection='3d'), got {ax!r:.60}")
    ranges = []
    for j in range(2):
        lo, hi = min(r[j] for r in rows), max(r[j] for r in rows)
        ranges.append([lo + (hi - lo) * k / (n - 1) for k in range(n)])
    gx = [[a for a in ranges[0]] for _ in ranges[1]]
    gy = [[b] * n for b in ranges[1]]
    gz = [[f([a, b]) for a in ranges[0]] for b in ranges[1]]
    fig, ax = _pyplot_free_figure("3d") if ax is None else (ax.figure, ax)
    ax.scatter([r[0] for r in rows], [r[1] for r in rows], ys, s=10, alpha=0.7,
               color="#1f77b4", label="data")
    import numpy as np  # matplotlib depends on NumPy: its surfaces take arrays

    ax.plot_surface(np.array(gx), np.array(gy), np.array(gz), cmap="viridis", alpha=0.55,
                    linewidth=0)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_zlabel(zlabel)
    ax.set_title(title or "data and fitted surface", fontsize=10)
    return _finish(fig, path, dpi)
