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
    fig = plot_decision_boundary(linear_model(1.0, 0.0, 0.0), X, y, tmp_path / "sub" / "b.png",
                                 title="x > 0", resolution=20)
    assert (tmp_path / "sub" / "b.png").read_bytes()[:8] == PNG
    assert fig.axes[0].get_title() == "x > 0"


def test_history_png_with_and_without_accuracy(tmp_path):
    pytest.importorskip("matplotlib")
    h = History()
    for e in range(1, 4):
        h.append(epoch=e, loss=1.0 / e, val_loss=1.2 / e, accuracy=0.5 + 0.1 * e)
    plot_history(h, tmp_path / "h.png", "t")
    r = History()
    r.append(epoch=1, loss=0.0)
    plot_history(r, tmp_path / "r.png")
    plot_regression([1.0, 2.0], {"a": [1.1, 1.9]}, tmp_path / "s.png")
    for name in ("h", "r", "s"):
        assert (tmp_path / f"{name}.png").read_bytes()[:8] == PNG


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


def test_boundary_for_looking_at(tmp_path):
    """150 dpi, probability shading with a colour bar, axis labels, class names, and train
    and test points marked differently."""
    pytest.importorskip("matplotlib")
    X = [[-1.0, 0.0], [1.0, 0.0], [-2.0, 1.0], [2.0, -1.0]]
    y = [-1.0, 1.0, -1.0, 1.0]
    fig = plot_decision_boundary(linear_model(1.0, 0.0, 0.0), X, y, tmp_path / "b.png",
                                 resolution=10, X_test=[[0.5, 0.5]], y_test=[1.0],
                                 class_names={-1: "left", 1: "right"})
    main, bar = fig.axes
    assert bar.get_ylabel() == "P(right)"
    assert (main.get_xlabel(), main.get_ylabel()) == ("$x_1$", "$x_2$")
    legend = [t.get_text() for t in main.get_legend().get_texts()]
    assert legend == ["left (train)", "right (train)", "right (test)"]
    assert "-1.0" not in " ".join(legend)
    from matplotlib.image import imread

    height, width = imread(tmp_path / "b.png").shape[:2]
    w_in, h_in = fig.get_size_inches()
    assert (width, height) == (round(w_in * 150), round(h_in * 150))


def test_default_class_names_are_integers_and_three_classes_get_a_bar():
    pytest.importorskip("matplotlib")
    m = MLP(2, [3], rng=0)
    fig = plot_decision_boundary(m, [[0.0, 0.0], [1.0, 1.0], [2.0, 0.0]], [0.0, 1.0, 2.0],
                                 resolution=5)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == ["class 0", "class 1", "class 2"]
    assert [t.get_text() for t in fig.axes[1].get_yticklabels()] == legend


def test_plots_draw_into_given_axes_and_return_the_figure():
    pytest.importorskip("matplotlib")
    from matplotlib.figure import Figure

    fig = Figure()
    left, middle, right = fig.subplots(1, 3)
    h = History()
    for e in range(1, 4):
        h.append(epoch=e, loss=1.0 / e, accuracy=0.5)
    assert plot_history(h, ax=[left, middle], xlabel="step", title="per step") is fig
    assert left.get_xlabel() == "step" and middle.get_ylabel() == "accuracy"
    assert plot_history(h, ax=left, metrics=["loss"]) is fig
    assert plot_regression([1.0, 2.0], {"a": [1.1, 1.9]}, ax=right) is fig
    assert plot_decision_boundary(linear_model(1.0, 0.0, 0.0), [[0.0, 1.0], [1.0, 0.0]], [0, 1],
                                  ax=right, resolution=4) is fig
    with pytest.raises(ValueError, match="ax must be 2 Axes, one per panel"):
        plot_history(h, ax=left)
    with pytest.raises(TypeError, match="plot_regression: ax must be a matplotlib Axes"):
        plot_regression([1.0], {"a": [1.0]}, ax="left")
    with pytest.raises(ValueError, match="class_names has 1 names for 2 classes"):
        plot_decision_boundary(linear_model(1.0, 0.0, 0.0), [[0.0, 1.0], [1.0, 0.0]], [0, 1],
                               class_names=["a"])
