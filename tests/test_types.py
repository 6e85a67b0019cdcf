"""Types: the package passes mypy (as strict as setup.cfg's [mypy] section sets it), ships
py.typed for its users' type checkers, and the README's examples type-check as a user's
script would."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytest.importorskip("mypy", reason="mypy is not installed (pip install '.[dev]')")


def _mypy(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, MYPYPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "mypy", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def test_package_ships_py_typed() -> None:
    assert (ROOT / "tinygrad_scalar" / "py.typed").is_file()


def test_package_passes_mypy() -> None:
    """``mypy`` with the settings of setup.cfg (strict, two relaxations explained there)."""
    run = _mypy("--config-file", str(ROOT / "setup.cfg"),
                "--cache-dir", str(ROOT / ".mypy_cache" / "package"))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Success: no issues found" in run.stdout


def readme_examples(text: str) -> str:
    """The README's doctest lines (``>>>`` and ``...``) as one script."""
    lines = []
    for line in text.splitlines():
        m = re.match(r"^\s*(>>>|\.\.\.)( ?)(.*)$", line)
        if m:
            lines.append(m.group(3))
    return "\n".join(lines) + "\n"


def _as_a_user(tmp_path: Path, script: Path) -> subprocess.CompletedProcess[str]:
    """mypy on ``script`` with a user's defaults (names reused as doctests do); the package
    is read as an installed one is: its own errors are the package test's. Both tests below
    use the same settings, so the second reuses the first one's cache."""
    config = tmp_path / "mypy.ini"
    config.write_text("[mypy]\nallow_redefinition = True\n\n"
                      "[mypy-tinygrad_scalar.*]\nfollow_imports = silent\n")
    return _mypy("--config-file", str(config), "--cache-dir",
                 str(ROOT / ".mypy_cache" / "readme"), str(script))


def test_readme_examples_type_check(tmp_path: Path) -> None:
    """The README read as a user's script."""
    script = tmp_path / "readme_examples.py"
    script.write_text(readme_examples((ROOT / "README.md").read_text(encoding="utf-8")))
    run = _as_a_user(tmp_path, script)
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_check_can_fail(tmp_path: Path) -> None:
    """A README line a type checker must refuse is refused (the test above is not vacuous)."""
    script = tmp_path / "bad.py"
    script.write_text("from tinygrad_scalar import Value\nValue(1.0).backward().data\n")
    run = _as_a_user(tmp_path, script)
    assert run.returncode == 1 and '"None" has no attribute "data"' in run.stdout, run.stdout
