"""The training demos: each runs quickly into a fresh folder; iris reaches its target."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

DEMOS = Path(__file__).resolve().parents[2] / "demos"
PNG = b"\x89PNG\r\n\x1a\n"


def load_demo(name: str):
    """Import ``demos/<name>.py`` as a module."""
    spec = importlib.util.spec_from_file_location(f"training_demo_{name}", DEMOS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name, pictures, keys", [
    ("circles", ["circles_boundary", "circles_history"], {"train_accuracy", "test_accuracy"}),
    ("blobs", ["blobs_boundary", "blobs_history"], {"train_accuracy", "test_accuracy"}),
    ("spiral", ["spiral_boundary", "spiral_history"], {"train_accuracy"}),
    ("iris", ["iris_history"], {"train_accuracy", "test_accuracy"}),
    ("wine", ["wine_history"], {"train_accuracy", "test_accuracy"}),
    ("diabetes", ["diabetes_history", "diabetes_predictions", "diabetes_fit_bmi",
                  "diabetes_fit_surface"],
     {"MLP(10, [16, 1])", "linear", "MLP(1, [8, 1]) on bmi", "MLP(2, [8, 1]) on bmi, s5"}),
])
def test_demo_quick_run_writes_its_pictures(tmp_path, capsys, name, pictures, keys):
    pytest.importorskip("matplotlib", reason="the demos extra is not installed")
    result = load_demo(name).main(["--quick", "--out", str(tmp_path / "out")])
    assert set(result) == keys
    for pic in pictures:
        data = (tmp_path / "out" / f"{pic}.png").read_bytes()
        assert data[:8] == PNG and len(data) < (250_000 if "_fit_" in pic else 80_000)  # 150 dpi
    out = capsys.readouterr().out
    assert out.startswith(f"{name}: ") and "wrote" in out


def test_diabetes_quick_scores_are_consistent(tmp_path):
    pytest.importorskip("matplotlib", reason="the demos extra is not installed")
    demo = load_demo("diabetes")
    r = demo.main(["--quick", "--out", str(tmp_path)])
    for s in r.values():
        assert s["mse"] > 0 and s["r2"] < 1
    assert demo.scores([1.0, 2.0, 3.0], [1.0, 2.0, 3.0]) == {"mse": 0.0, "r2": 1.0}
    assert demo.scores([1.0, 2.0, 3.0], [2.0, 2.0, 2.0])["r2"] == 0.0


def test_iris_default_run_reaches_95_percent_on_held_out_flowers(tmp_path, capsys):
    pytest.importorskip("matplotlib", reason="the demos extra is not installed")
    result = load_demo("iris").main(["--out", str(tmp_path)])
    assert result["test_accuracy"] >= 0.95
    assert "test accuracy" in capsys.readouterr().out


@pytest.mark.parametrize("name", ["circles", "blobs", "spiral", "iris", "wine", "diabetes"])
def test_demos_reject_bad_epochs(capsys, name):
    with pytest.raises(SystemExit) as err:
        load_demo(name).main(["--epochs", "0"])
    assert err.value.code == 2
    assert "--epochs must be at least 1" in capsys.readouterr().err
