"""make_shapes and load_image_folder (on small images the tests write)."""

from __future__ import annotations

import builtins
import math

import pytest

from tinygrad_scalar.data import load_image_folder, make_shapes


def test_make_shapes_is_reproducible_and_balanced():
    X, y = make_shapes(10, size=12, rng=3)
    assert (X, y) == make_shapes(10, size=12, rng=3)
    assert y == [0, 1] * 5 and all(len(r) == 144 for r in X)
    assert all(0.0 <= v <= 1.0 for r in X for v in r)


def test_make_shapes_without_noise_has_shapes_of_equal_area():
    X, y = make_shapes(40, size=24, noise=0.0, rng=0)
    # a circle of radius r and a square of side r * sqrt(pi): both pi * r**2
    for row in X:
        area = sum(row)
        assert 0.18 ** 2 * math.pi * 24 ** 2 * 0.97 < area < 0.3 ** 2 * math.pi * 24 ** 2 * 1.03
    circles = [sum(1 for v in r if 0.0 < v < 1.0) for r, lab in zip(X, y) if lab == 0]
    assert min(circles) > 0  # anti-aliased edges


def test_make_shapes_refuses_bad_arguments():
    with pytest.raises(ValueError, match="make_shapes: size must be at most 64"):
        make_shapes(4, size=100)
    with pytest.raises((TypeError, ValueError), match="make_shapes.*n"):
        make_shapes(1)
    with pytest.raises((TypeError, ValueError), match="make_shapes.*noise"):
        make_shapes(4, noise=-1.0)


@pytest.fixture()
def folder(tmp_path):
    Image = pytest.importorskip("PIL.Image", reason="Pillow is not installed")
    for name, value in (("dark", 20), ("light", 230)):
        (tmp_path / name).mkdir()
        for i in range(3):
            Image.new("L", (10, 6), color=value + i).save(tmp_path / name / f"{i}.png")
    Image.new("RGB", (4, 4), color=(255, 0, 0)).save(tmp_path / "light" / "red.jpg")
    (tmp_path / "light" / "notes.txt").write_text("not an image")
    return tmp_path


def test_load_image_folder_reads_classes_resizes_and_scales(folder):
    data = load_image_folder(folder, size=(3, 5))
    assert data.target_names == ("dark", "light") and data.y == [0, 0, 0, 1, 1, 1, 1]
    assert all(len(r) == 15 for r in data.X) and data.feature_names[:2] == ("pixel_0_0", "pixel_0_1")
    assert data.X[0] == [20 / 255] * 15 and data.X[4] == [231 / 255] * 15
    red = load_image_folder(folder, size=(2, 2), grayscale=False).X[-1]
    assert red[:3] == pytest.approx([1.0, 0.0, 0.0], abs=0.02) and len(red) == 12


def test_load_image_folder_reports_bad_files_by_name(folder):
    (folder / "dark" / "broken.png").write_bytes(b"\x89PNG not really")
    with pytest.raises(ValueError, match="broken.png.*on_error='skip'"):
        load_image_folder(folder, size=(4, 4))
    with pytest.warns(UserWarning, match="skipped 1 unreadable file.*broken.png"):
        data = load_image_folder(folder, size=(4, 4), on_error="skip")
    assert len(data.X) == 7 and "1 unreadable files skipped" in data.description


def test_load_image_folder_refuses_bad_arguments(folder, tmp_path):
    with pytest.raises(FileNotFoundError, match="is not a folder"):
        load_image_folder(tmp_path / "nowhere")
    with pytest.raises(TypeError, match="size must be a pair"):
        load_image_folder(folder, size=8)
    with pytest.raises(ValueError, match="on_error must be"):
        load_image_folder(folder, on_error="ignore")
    empty = tmp_path / "empty"
    (empty / "a").mkdir(parents=True)
    with pytest.raises(ValueError, match="no class folder"):
        load_image_folder(empty)


def test_load_image_folder_without_pillow_says_what_to_install(folder, monkeypatch):
    real = builtins.__import__

    def no_pil(name, *args, **kwargs):
        if name == "PIL" or name.startswith("PIL."):
            raise ImportError("no PIL here")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pil)
    with pytest.raises(ImportError, match=r"pip install pillow.*tinygrad-scalar\[images\]"):
        load_image_folder(folder)
