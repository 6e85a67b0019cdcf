"""Packaging: the wheel and the source archive carry what the command, the demos and the
tests need; the installed command finds its demos; the version is written once."""

from __future__ import annotations

import configparser
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

import tinygrad_scalar

ROOT = Path(__file__).resolve().parent.parent
SKIP = shutil.ignore_patterns(".git", ".venv", "build", "dist", "out", "*.egg-info",
                              "__pycache__", ".mypy_cache", ".pytest_cache", ".hypothesis",
                              ".ruff_cache", ".ipynb_checkpoints")


def _source(tmp_path: Path) -> Path:
    """A copy of the checkout to build from (a build writes into its source folder)."""
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=SKIP)
    return src


def _run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=600,
                          env={**os.environ, **env})
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def test_the_version_is_written_once() -> None:
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg")
    assert cfg["metadata"]["version"] == "attr: tinygrad_scalar.__version__"
    assert re.fullmatch(r"\d+\.\d+\.\d+", tinygrad_scalar.__version__)
    assert "## Unreleased" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("setuptools", reason="building a wheel needs setuptools")
    pytest.importorskip("wheel", reason="building a wheel needs the wheel package")
    tmp = tmp_path_factory.mktemp("wheel")
    src = _source(tmp)
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
          "--no-index", "-q", "-w", str(tmp / "dist"), str(src)], cwd=tmp)
    (built,) = (tmp / "dist").glob("tinygrad_scalar-*.whl")
    return built


def test_the_wheel_carries_the_package_data_demos_and_metadata(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        meta_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        meta = z.read(meta_name).decode()
        entry = z.read(meta_name.replace("METADATA", "entry_points.txt")).decode()
    assert wheel.name.startswith(f"tinygrad_scalar-{tinygrad_scalar.__version__}-")
    shipped = {p.relative_to(ROOT).as_posix() for p in (ROOT / "tinygrad_scalar").rglob("*")
               if p.parent.name in ("datasets", "assets") and p.is_file()}
    assert shipped and shipped <= names, sorted(shipped - names)  # data sets, page assets
    for needed in ["tinygrad_scalar/py.typed", "tinygrad_scalar/data/datasets/iris.csv",
                   "tinygrad_scalar/nn/torch_bridge.py",
                   "tinygrad_scalar/_scripts/demos/moons.py",
                   "tinygrad_scalar/_scripts/demos/_common.py",
                   "tinygrad_scalar/_scripts/benchmarks/run.py"]:
        assert needed in names, needed
    demos = {Path(n).stem for n in names if n.startswith("tinygrad_scalar/_scripts/demos/")}
    assert demos == {p.stem for p in (ROOT / "demos").glob("*.py")}
    assert not any(n.startswith(("tests/", "demos/", "benchmarks/")) for n in names)
    assert f"Version: {tinygrad_scalar.__version__}" in meta
    assert "Classifier: Typing :: Typed" in meta and "Classifier: Framework :: Jupyter" in meta
    assert "tinygrad-scalar = tinygrad_scalar.cli.command:main" in entry


def test_demo_list_and_a_demo_run_from_the_unpacked_wheel(wheel: Path, tmp_path: Path) -> None:
    """A wheel is a zip of what pip installs: unpacked alone on the path, away from the
    checkout, the command lists the demos and runs one."""
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as z:
        z.extractall(site)
    command = ("import sys, tinygrad_scalar; from tinygrad_scalar.cli.command import main; "
               "print(tinygrad_scalar.__file__, file=sys.stderr); sys.exit(main(sys.argv[1:]))")
    listed = _run([sys.executable, "-c", command, "demo", "--list"], cwd=tmp_path,
                  PYTHONPATH=str(site))
    assert listed.stderr.startswith(str(site))  # the wheel's copy, not the checkout's
    assert set(listed.stdout.split()) >= {"moons", "iris", "alpha_vs_beta"}
    pytest.importorskip("matplotlib", reason="the moons demo draws with matplotlib")
    ran = _run([sys.executable, "-c", command, "demo", "moons", "--steps", "2", "--quiet",
                "--out", str(tmp_path / "out")], cwd=tmp_path, PYTHONPATH=str(site))
    assert "training accuracy" in ran.stdout
    assert (tmp_path / "out" / "moons_boundary.png").is_file()


def test_the_source_archive_carries_docs_demos_notebooks_and_tests(tmp_path: Path) -> None:
    pytest.importorskip("setuptools", reason="building an sdist needs setuptools")
    src = _source(tmp_path)
    _run([sys.executable, "setup.py", "-q", "sdist", "-d", str(tmp_path / "dist")], cwd=src)
    (archive,) = (tmp_path / "dist").glob("tinygrad_scalar-*.tar.gz")
    with tarfile.open(archive) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    for needed in ["README.md", "CHANGELOG.md", "LICENSE", "Makefile", "setup.py", "setup.cfg",
                   "conftest.py", "docs/moons_boundary.png", "demos/moons.py",
                   "tests/golden/neuron.dot", "tests/conftest.py", "tools/sizes.py",
                   "notebooks/demo.ipynb", "benchmarks/run.py",
                   "tinygrad_scalar/data/datasets/wine.csv"]:
        assert needed in names, needed
    assert not any("__pycache__" in n for n in names)
