"""`tinygrad-scalar bench`: the benchmark suite from the command line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tinygrad_scalar.cli import command
from tinygrad_scalar.cli.command import main

ROOT = Path(__file__).resolve().parents[2]


def test_bench_quick_prints_the_tables(capsys):
    assert main(["bench", "--quick", "--no-micrograd"]) == 0
    out = capsys.readouterr().out
    assert "bytes per node" in out and "plain floats" in out


def test_bench_bad_option_is_exit_status_2(capsys):
    assert main(["bench", "--repeats", "0"]) == 2
    assert "--repeats must be at least 1" in capsys.readouterr().err
    assert main(["bench", "--frobnicate"]) == 2


def test_bench_help_is_the_suites_own(capsys):
    assert main(["bench", "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: ") and "--quick" in out


def test_bench_without_the_benchmarks_folder_is_one_line(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(command, "benchmarks_folder", lambda: tmp_path / "nowhere")
    assert main(["bench", "--quick"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("tinygrad-scalar bench: the benchmark suite was not found (looked for ")
    assert "source checkout" in err


def test_bench_runs_from_a_source_checkout_as_a_real_process(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "tinygrad_scalar", "bench", "--repeats", "0"],
                          capture_output=True, text=True, env=env, cwd=tmp_path, check=False)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == "tinygrad-scalar bench: --repeats must be at least 1, got 0\n"


def test_make_bench_runs_the_suite():
    makefile = (ROOT / "Makefile").read_text()
    assert "\t$(BIN)/python benchmarks/run.py" in makefile
    assert (ROOT / "benchmarks" / "run.py").is_file()
