"""Pictures: decision boundaries, history curves, regression scatter, and their errors."""

from __future__ import annotations

import sys

import pytest

from tinygrad_scalar import MLP
from tinygrad_scalar.plots import classes_of, plot_decision_boundary, plot_history, plot_regression
from tinygrad_scalar.train import History

PNG = b"\x89PNG\r\n\x1a\n"


def linear_model(w0, w1, b):
    m = MLP(2, [1], rng=0)
    m.load_state_dict({"L0.N0.w0": w0, "L0.N0.w1": w1, "L0.N0.b": b})
    return m


def test_classes_of_argmax_and_sign():
    assert classes_of([[0.0, 1.0, -1.0], [5.0, 1.0, 2.0]], [0, 1, 2]) == [1, 0]
    assert classes_of([0.1, -0.1, 0.0], [0, 1]) == [1, 0, 0]
    assert classes_of([0.1, -0.1], [-1, 1]) == [1, -1]


def test_decision_boundary_png(tmp_path):
    pytest.importorskip("matplotlib")
    X = [[-1.0, 0.0], [1.0, 0.0], [-2.0, 1.0], [2.0, -1.0]]
    y = [0, 1, 0, 1]
    path = plot_decision_boundary(linear_model(1.0, 0.0, 0.0), X, y, tmp_path / "sub" / "b.png",
                                  title="x > 0", resolution=20)
    assert path.read_bytes()[:8] == PNG


def test_history_png_with_and_without_accuracy(tmp_path):
    pytest.importorskip("matplotlib")
    h = History()
    for e in range(1, 4):
        h.append(epoch=e, loss=1.0 / e, val_loss=1.2 / e, accuracy=0.5 + 0.1 * e)
    assert plot_history(h, tmp_path / "h.png", "t").read_bytes()[:8] == PNG
    r = History()
    r.append(epoch=1, loss=0.0)
    assert plot_history(r, tmp_path / "r.png").read_bytes()[:8] == PNG
    assert plot_regression([1.0, 2.0], {"a": [1.1, 1.9]}, tmp_path / "s.png").read_bytes()[:8] == PNG


def test_plot_errors(tmp_path):
    m = linear_model(1.0, 0.0, 0.0)
    with pytest.raises(ValueError, match="X must be a non-empty list of 2-D points"):
        plot_decision_boundary(m, [[1.0, 2.0, 3.0]], [0], tmp_path / "x.png")
    with pytest.raises(ValueError, match=r"lengths differ \(1 points, 2 labels\)"):
        plot_decision_boundary(m, [[1.0, 2.0]], [0, 1], tmp_path / "x.png")
    with pytest.raises(ValueError, match="resolution must be an int >= 2, got 1"):
        plot_decision_boundary(m, [[1.0, 2.0]], [0], tmp_path / "x.png", resolution=1)
    with pytest.raises(ValueError, match="needs a History with at least one epoch"):
        plot_history(History(), tmp_path / "h.png")
    with pytest.raises(ValueError, match="'a' has 1 predictions for 2 targets"):
        plot_regression([1.0, 2.0], {"a": [1.0]}, tmp_path / "s.png")


def test_missing_matplotlib_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    h = History()
    h.append(epoch=1, loss=1.0)
    with pytest.raises(ImportError, match="pip install matplotlib"):
        plot_history(h, tmp_path / "h.png")
