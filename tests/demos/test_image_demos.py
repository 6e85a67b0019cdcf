"""The image and comparison demos: each runs with --quick into a fresh folder and writes
its pictures (PNG files of a sensible size)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

DEMOS = Path(__file__).resolve().parents[2] / "demos"
PNG = b"\x89PNG\r\n\x1a\n"


def load_demo(name: str):
    """Import ``demos/<name>.py`` as a module (its folder on the path, as when run)."""
    if str(DEMOS) not in sys.path:
        sys.path.insert(0, str(DEMOS))
    spec = importlib.util.spec_from_file_location(f"image_demo_{name}", DEMOS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name, pictures", [
    ("digits", ["digits_grid", "digits_confusion", "digits_history"]),
    ("images", ["images_compare", "images_samples"]),
    ("init_compare", ["init_compare"]),
    ("regularization", ["regularization"]),
    ("optimizers", ["optimizers"]),
    ("schedules", ["schedules"]),
])
def test_demo_quick_run_writes_its_pictures(tmp_path, capsys, name, pictures):
    pytest.importorskip("matplotlib", reason="the demos extra is not installed")
    result = load_demo(name).main(["--quick", "--out", str(tmp_path / "out")])
    assert result
    for pic in pictures:
        data = (tmp_path / "out" / f"{pic}.png").read_bytes()
        assert data[:8] == PNG and len(data) < 150_000
    out = capsys.readouterr().out
    assert out.startswith(f"{name}: ") and "wrote" in out
    if name == "digits":
        assert 0.3 < result["test_accuracy"] <= 1.0
        assert result["backend"] in ("c", "python")  # compiled, in C where a compiler works
    if name == "init_compare":
        assert result["zeros"] == 0.5  # every neuron equal: no better than a constant


def test_digits_demo_gives_the_same_numbers_on_every_backend(tmp_path, capsys):
    pytest.importorskip("matplotlib", reason="the demos extra is not installed")
    demo = load_demo("digits")
    runs = {b: demo.main(["--quick", "--out", str(tmp_path / b), "--backend", b])
            for b in ("interpreted", "python")}
    assert runs["interpreted"]["backend"] == "interpreted"
    assert runs["python"]["backend"] == "python"
    assert runs["interpreted"]["test_accuracy"] == runs["python"]["test_accuracy"]
    assert runs["interpreted"]["train_accuracy"] == runs["python"]["train_accuracy"]


def test_images_demo_reads_a_folder(tmp_path, capsys):
    pytest.importorskip("matplotlib", reason="the demos extra is not installed")
    Image = pytest.importorskip("PIL.Image", reason="Pillow is not installed")
    for name, value in (("dark", 30), ("light", 220)):
        (tmp_path / "pics" / name).mkdir(parents=True)
        for i in range(8):
            Image.new("L", (9, 9), color=value + i).save(tmp_path / "pics" / name / f"{i}.png")
    r = load_demo("images").main(["--quick", "--folder", str(tmp_path / "pics"), "--size", "6",
                                  "--out", str(tmp_path / "out")])
    assert set(r) == {"logistic regression", "deep network"}
    assert (tmp_path / "out" / "images_compare.png").is_file()
