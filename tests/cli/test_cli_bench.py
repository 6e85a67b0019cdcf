"""`tinygrad-scalar bench`: the benchmark suite from the command line."""

from __future__ import annotations

from tinygrad_scalar.cli.command import main


def test_bench_quick_prints_the_tables(capsys):
    assert main(["bench", "--quick", "--no-micrograd"]) == 0
    out = capsys.readouterr().out
    assert "bytes per node" in out and "plain floats" in out


def test_bench_bad_option_is_exit_status_2(capsys):
    assert main(["bench", "--repeats", "0"]) == 2
    assert "--repeats must be at least 1" in capsys.readouterr().err
    assert main(["bench", "--frobnicate"]) == 2
