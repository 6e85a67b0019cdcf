"""Each demo runs briefly from a fresh output folder; moons reaches 100% as micrograd's does."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

DEMOS = Path(__file__).resolve().parents[2] / "demos"


def load_demo(name: str):
    """Import ``demos/<name>.py`` as a module."""
    spec = importlib.util.spec_from_file_location(f"demo_{name}", DEMOS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_moons_demo_writes_its_picture(tmp_path, capsys):
    pytest.importorskip("matplotlib", reason="the demos extra is not installed")
    acc = load_demo("moons").main(["--steps", "3", "--out", str(tmp_path)])
    picture = tmp_path / "moons_boundary.png"
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "moons_history.png").stat().st_size > 1000
    assert 0.0 <= acc <= 1.0
    out = capsys.readouterr().out
    assert "step   2" in out and "wrote" in out


def test_moons_demo_writes_its_report_page(tmp_path, capsys):
    pytest.importorskip("matplotlib", reason="the demos extra is not installed")
    page = tmp_path / "run.html"
    load_demo("moons").main(["--steps", "6", "--out", str(tmp_path), "--quiet",
                             "--report", str(page)])
    text = page.read_text("utf-8")
    assert text.startswith("<!DOCTYPE html>") and '"frames":[{"epoch":1' in text
    assert '{"epoch":5' in text and '{"epoch":6' in text  # every 5th step and the last
    assert f"wrote {page}" in capsys.readouterr().out


def test_moons_training_reaches_full_accuracy():
    _, _, _, history = load_demo("moons").train(steps=100, quiet=True)
    losses = [loss for loss, _ in history]
    assert history[-1][1] == 1.0
    assert losses[-1] < losses[0] / 10


def test_moons_demo_rejects_bad_arguments(capsys):
    with pytest.raises(SystemExit) as err:
        load_demo("moons").main(["--steps", "0"])
    assert err.value.code == 2
    assert "--steps must be at least 1" in capsys.readouterr().err
