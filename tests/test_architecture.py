"""The house with wings: imports point one way, no module changes another, sizes stay small.

The picture (each wing imports only the wings listed for it):

    core    <- derive <- see
    core    <- nn
    core.checks <- data
    core, nn, data, derive <- train
    everything <- cli
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Set, Tuple

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "tinygrad_scalar"
TOOLS = PACKAGE.parent / "tools"

ALLOWED: Dict[str, Set[str]] = {
    "core": {"core"},
    "derive": {"core", "derive"},
    "see": {"core", "derive", "see"},
    "nn": {"core", "nn"},
    "data": {"data", "core.checks"},
    "train": {"core", "nn", "data", "derive", "train"},
    "cli": {"core", "derive", "see", "nn", "data", "train", "cli", ""},
}


def _wing_modules() -> List[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p.parent != PACKAGE)


def _imports(path: Path) -> List[Tuple[str, int]]:
    """The package modules ``path`` imports, as dotted names relative to the package."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = list(parts[:len(parts) - node.level])
            target = base + (node.module.split(".") if node.module else [])
            if not node.module:
                found += [(".".join(target + [a.name]), node.lineno) for a in node.names]
            else:
                found.append((".".join(target), node.lineno))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tinygrad_scalar"):
            found.append((node.module.partition(".")[2], node.lineno))
    return found


@pytest.mark.parametrize("path", _wing_modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_one_way(path: Path) -> None:
    wing = path.relative_to(PACKAGE).parts[0]
    allowed = ALLOWED[wing]
    for target, line in _imports(path):
        ok = any(target == a or target.startswith(a + ".") or (a == "" and "." not in target)
                 for a in allowed)
        assert ok, f"{path.relative_to(PACKAGE)}:{line} imports {target!r}, outside {sorted(allowed)}"


def test_the_checker_of_import_direction_can_fail(tmp_path: Path) -> None:
    bad = PACKAGE / "core" / "value.py"
    assert any(t.startswith("core") for t, _ in _imports(bad))
    assert not any(t.startswith(("derive", "see", "nn", "train", "cli")) for t, _ in _imports(bad))
    assert _imports(PACKAGE / "see" / "adjoint.py")  # it does import core and derive


@pytest.mark.parametrize("path", _wing_modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_assigns_into_another(path: Path) -> None:
    """``engine._node = ...`` or ``argparse.ArgumentParser.error = ...``: the control graph
    would have circles the import graph does not show."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported |= {a.asname or a.name for a in node.names}
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else (
            [node.target] if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else [])
        for t in targets:
            base = t
            while isinstance(base, ast.Attribute):
                base = base.value
            if isinstance(t, ast.Attribute) and isinstance(base, ast.Name):
                assert base.id not in imported or base.id in {"self", "cls"}, (
                    f"{path.relative_to(PACKAGE)}:{node.lineno} assigns into {base.id!r}")


def test_every_public_module_stays_importable_by_its_old_path() -> None:
    code = ("import tinygrad_scalar as t\n"
            "from tinygrad_scalar import engine, graph, modes, naive, functional, dual, checks, "
            "ops, trace, adjoint, alphabeta, viz, losses, optim, plots, expr, nn, data, train, "
            "cli, math\n"
            "assert engine.Value is t.Value and trace.compile is t.compile\n"
            "assert not set(t.__all__) - set(dir(t))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, cwd=PACKAGE.parent, check=False)
    assert result.returncode == 0, result.stderr


def test_no_module_over_400_lines_and_no_function_over_80() -> None:
    result = subprocess.run([sys.executable, str(TOOLS / "sizes.py"), str(PACKAGE)],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stdout
    assert "no module over 400 lines, no function over 80 lines" in result.stdout


def test_the_size_checker_finds_a_long_function(tmp_path: Path) -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(85))
    (tmp_path / "long.py").write_text(f"def long():\n{body}\n" + "\n" * 320, encoding="utf-8")
    result = subprocess.run([sys.executable, str(TOOLS / "sizes.py"), str(tmp_path)],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 1
    assert "long: 86 lines" in result.stdout and "module of" in result.stdout


def test_the_package_ships_its_types() -> None:
    assert (PACKAGE / "py.typed").is_file()
    setup = (PACKAGE.parent / "setup.cfg").read_text(encoding="utf-8")
    assert "py.typed" in setup
