"""Smoke test of demos/jacobian_modes.py (quick grid, into a temporary folder)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "demos" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_quick_run_writes_picture_and_table(tmp_path, capsys):
    demo = load("jacobian_modes")
    assert demo.main(["--quick", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert (tmp_path / "jacobian_modes.png").stat().st_size > 1000
    assert "forward and reverse Jacobians agree" in out
    lines = [ln.split() for ln in out.splitlines() if ln[:4].strip().isdigit()]
    assert len(lines) == 9
    for n, m, fwd, rev, plus, sweeps, *_ in lines:  # n passes forward, 1 + m reverse
        assert (int(fwd), int(rev), plus, int(sweeps)) == (int(n), 1, "+", int(m))


def test_counts_and_agreement_without_plotting():
    demo = load("jacobian_modes")
    row = demo.measure(3, 5, repeats=1)
    assert (row.forward_passes, row.reverse_passes, row.reverse_sweeps) == (3, 1, 5)
    assert row.max_difference < 1e-12


def test_no_grad_benchmark_runs(capsys):
    spec = importlib.util.spec_from_file_location("no_grad", ROOT / "benchmarks" / "no_grad.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.main(["--repeats", "1"]) == 0
    assert "speed-up" in capsys.readouterr().out


def test_help(capsys):
    with pytest.raises(SystemExit) as info:
        load("jacobian_modes").main(["--help"])
    assert info.value.code == 0 and "--quick" in capsys.readouterr().out
