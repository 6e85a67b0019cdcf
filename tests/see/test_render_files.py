"""render and render_steps write their files whole, into folders they create, and name
the file they were asked for when a save fails."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tinygrad_scalar import Value
from tinygrad_scalar.viz import render, render_steps

needs_dot = pytest.mark.skipif(shutil.which("dot") is None,
                               reason="the Graphviz program dot is not installed")


def graph() -> Value:
    x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    return (x * w + x).tanh()


def everything(folder: Path) -> list:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@needs_dot
@pytest.mark.silent  # once a wrong result without a word
def test_render_creates_missing_folders(tmp_path: Path) -> None:
    path = render(graph(), tmp_path / "a" / "b" / "g.svg")
    assert path == tmp_path / "a" / "b" / "g.svg" and path.read_text().startswith("<?xml")
    assert everything(tmp_path) == ["a", "a/b", "a/b/g.svg"]  # no hidden file left behind


@needs_dot
def test_render_steps_creates_missing_folders(tmp_path: Path) -> None:
    paths = render_steps(graph(), tmp_path / "x" / "film", fmt="svg")
    assert [p.parent for p in paths] == [tmp_path / "x" / "film"] * 3


def test_a_refused_drawing_creates_no_folder(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="max_nodes"):
        render(graph(), tmp_path / "new" / "g.svg", max_nodes=1)
    assert everything(tmp_path) == []


@needs_dot
@pytest.mark.silent  # once a wrong result without a word
def test_a_failed_save_names_the_target_and_keeps_the_old_file(tmp_path: Path,
                                                                monkeypatch) -> None:
    target = tmp_path / "g.svg"
    target.write_text("the old picture")

    def broken(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device", src)

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError) as e:
        render(graph(), target)
    assert e.value.filename == str(target) and ".tmp" not in str(e.value)
    assert "render: cannot save the picture (No space left on device)" in str(e.value)
    assert target.read_text() == "the old picture"
    assert everything(tmp_path) == ["g.svg"]  # the hidden file is gone


@needs_dot
def test_a_save_into_a_folder_named_like_the_picture_names_the_target(tmp_path: Path) -> None:
    (tmp_path / "g.png").mkdir()
    with pytest.raises(OSError) as e:
        render(graph(), tmp_path / "g.png")
    assert e.value.filename == str(tmp_path / "g.png") and ".tmp" not in str(e.value)
    assert everything(tmp_path) == ["g.png"]


@needs_dot
def test_folders_made_for_a_failed_save_are_removed(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "file").write_text("not a folder")
    blocked = tmp_path / "file" / "sub" / "g.png"
    with pytest.raises(OSError) as e:
        render(graph(), blocked)
    assert e.value.filename == str(blocked)

    def broken(src: str, dst: str) -> None:
        raise PermissionError(13, "Permission denied", src)

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError) as e:
        render(graph(), tmp_path / "new" / "deeper" / "g.png")
    assert e.value.filename == str(tmp_path / "new" / "deeper" / "g.png")
    assert everything(tmp_path) == ["file"]
