"""plot_fit_curve and plot_fit_surface: what they draw, where, and at what resolution."""

from __future__ import annotations

import pytest

from tinygrad_scalar import MLP
from tinygrad_scalar.train import plot_fit_curve, plot_fit_surface

pytest.importorskip("matplotlib", reason="the demos extra (matplotlib) is not installed")


def test_curve_draws_the_data_and_the_model_over_their_range(tmp_path):
    X, y = [[-1.0], [0.0], [3.0]], [-1.0, 1.0, 7.0]
    path = tmp_path / "sub" / "curve.png"
    fig = plot_fit_curve(lambda r: 2.0 * r[0] + 1.0, X, y, path, title="line", points=4)
    ax = fig.axes[0]
    xs, ys = ax.lines[0].get_data()
    assert list(xs) == pytest.approx([-1.0, 1 / 3, 5 / 3, 3.0], abs=1e-15)
    assert list(ys) == [2 * x + 1 for x in xs]
    assert ax.get_title() == "line" and (ax.get_xlabel(), ax.get_ylabel()) == ("x", "y")
    Image = pytest.importorskip("PIL.Image", reason="Pillow (images extra) is not installed")
    with Image.open(path) as im:  # 5 x 4.2 inches at 150 dpi
        assert im.size == (750, 630)


def test_curve_draws_on_a_given_axes_and_takes_a_module():
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.add_subplot(1, 2, 2)
    m = MLP(1, [3, 1], rng=0)
    assert plot_fit_curve(m, [0.0, 1.0], [0.0, 1.0], ax=ax) is fig
    assert len(ax.lines) == 1 and ax.lines[0].get_data()[1][0] == m([0.0]).data


def test_surface_is_a_3d_picture_of_the_model():
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.add_subplot(1, 1, 1, projection="3d")
    out = plot_fit_surface(lambda r: r[0] * r[1], [[0.0, 0.0], [2.0, 1.0]], [0.0, 2.0], ax=ax,
                           xlabel="bmi", ylabel="bp", zlabel="progression", points=3)
    assert out is fig and ax.get_zlabel() == "progression" and len(ax.collections) == 2
    with pytest.raises(ValueError, match="3-D axes"):
        plot_fit_surface(lambda r: 0.0, [[0.0, 0.0]], [0.0], ax=Figure().add_subplot(1, 1, 1))


def test_mistakes_are_named():
    with pytest.raises(ValueError, match="row 0 of X must hold 2 feature"):
        plot_fit_surface(lambda r: 0.0, [[0.0]], [0.0])
    with pytest.raises(ValueError, match="y must be a list of 1 numbers"):
        plot_fit_curve(lambda r: 0.0, [[0.0]], [0.0, 1.0])
    with pytest.raises(TypeError, match="model's output must be a number"):
        plot_fit_curve(lambda r: "a", [[0.0]], [0.0])
