"""Smoke tests: the drawing demos run quickly and write what they promise."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from types import ModuleType

import pytest

DEMOS = Path(__file__).resolve().parents[2] / "demos"
HAS_DOT = shutil.which("dot") is not None


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"demo_{name}", DEMOS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_alpha_vs_beta_quick(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert load("alpha_vs_beta").main(["--quick", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    rows = [line.split() for line in out[2:10]]
    assert [int(r[0]) for r in rows] == list(range(1, 9))
    assert [int(r[3].replace(",", "")) for r in rows] == [2 ** (d + 1) - 1 for d in range(1, 9)]
    assert [int(r[4]) for r in rows] == [5 * d for d in range(1, 9)]  # Alpha: linear
    assert (tmp_path / "alpha_vs_beta.png").read_bytes().startswith(b"\x89PNG")


def test_alpha_vs_beta_checks_arguments(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as e:
        load("alpha_vs_beta").main(["--depth", "0", "--out", str(tmp_path)])
    assert e.value.code == 2


def test_neuron_graph_writes_dot_sources_without_graphviz(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture) -> None:
    assert load("neuron_graph").main(["--format", "dot", "--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mlp.dot", "mlp_focus.dot",
                                                          "neuron.dot"]
    assert "subgraph cluster_L1_N0" in (tmp_path / "mlp.dot").read_text()
    assert "g_x1 += w1 * g_t1" in capsys.readouterr().out


@pytest.mark.skipif(not HAS_DOT, reason="the Graphviz program dot is not installed")
def test_neuron_graph_renders_pictures(tmp_path: Path) -> None:
    assert load("neuron_graph").main(["--format", "svg", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "neuron.svg").read_text().lstrip().startswith("<?xml")
    assert len(list((tmp_path / "neuron_steps").glob("step_*.svg"))) == 5
