"""The tinygrad-scalar command: output, every error path, help, demos, the command table."""

from __future__ import annotations

import argparse
import configparser
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import List

import pytest

from tinygrad_scalar.cli import command as cli

ROOT = Path(__file__).resolve().parents[2]
HAS_DOT = shutil.which("dot") is not None
NEURON = ["tanh(x*w + b)", "x=2", "w=-3", "b=6.8813735870195432"]


def run(capsys: pytest.CaptureFixture, args: List[str]) -> tuple:
    status = cli.main(args)
    out, err = capsys.readouterr()
    return status, out, err


def test_values_may_follow_an_option(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    # graph EXPR --html PAGE x=2 ...: the values after the option still count
    page = tmp_path / "n.html"
    status, out, err = run(capsys, ["graph", NEURON[0], "--html", str(page), *NEURON[1:]])
    assert status == 0 and err == "" and page.is_file()
    assert out.splitlines()[:4] == run(capsys, ["graph", *NEURON])[1].splitlines()


def test_graph_prints_value_and_each_gradient(capsys: pytest.CaptureFixture) -> None:
    status, out, err = run(capsys, ["graph", *NEURON])
    assert status == 0 and err == ""
    assert out.splitlines() == ["tanh(x*w + b) = 0.707107", "  d/dx = -1.5", "  d/dw = 1",
                                "  d/db = 0.5"]


def test_graph_dot_listing_and_trace(capsys: pytest.CaptureFixture) -> None:
    status, out, _ = run(capsys, ["graph", *NEURON, "--dot", "--listing", "--trace",
                                  "--grad-flow", "--rankdir", "TB"])
    assert status == 0
    assert "step 3: t1 (*, grad 0.5)" in out
    assert "g_x += w * g_t1" in out
    assert "digraph tinygrad_scalar {" in out and "rankdir=TB" in out and "adds -1.5" in out


@pytest.mark.skipif(not HAS_DOT, reason="the Graphviz program dot is not installed")
def test_graph_writes_the_picture(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    path = tmp_path / "neuron.svg"
    status, out, _ = run(capsys, ["graph", *NEURON, "-o", str(path), "--grad-flow"])
    assert status == 0 and out.endswith(f"wrote {path}\n")
    assert "adds &#45;1.5" in path.read_text()


def test_compare_prints_the_table_and_paths(capsys: pytest.CaptureFixture) -> None:
    status, out, _ = run(capsys, ["compare", "(x*y + x) * (x*y + y)", "x=0.5", "y=2",
                                  "--repeats", "1", "--explain", "x", "--limit", "2"])
    assert status == 0
    assert "graph: 7 nodes, 10 edges, 6 paths to 2 variables" in out
    assert "10 local derivs" in out and "largest |Alpha - Beta|" in out
    assert "d t5 / d x = sum over 3 paths" in out and "... and 1 more path " in out
    status, out, _ = run(capsys, ["compare", "x*y", "x=1", "y=2", "--wrt", "y", "--repeats", "1"])
    assert "paths to 1 variable" in out and "\ny " in out and "\nx " not in out


@pytest.mark.parametrize("args, message", [
    ([], r"^tinygrad-scalar: choose a command: graph, compare, demo, bench \(or --help\)$"),
    (["bogus"], r"^tinygrad-scalar: argument COMMAND: invalid choice: 'bogus'"),
    (["graph"], r"^tinygrad-scalar graph: the following arguments are required: EXPR"),
    (["graph", "x", "x=1", "--bogus"], r"^tinygrad-scalar: unrecognized arguments: --bogus$"),
    (["graph", "x +", "x=1"], r"^tinygrad-scalar graph: expression: syntax error"),
    (["graph", "x * y", "x=1"], r"^tinygrad-scalar graph: missing value for y \(add y=NUMBER\)$"),
    (["graph", "foo(x)", "x=1"], r"unknown function 'foo' \(known: .*exp, log, tanh"),
    (["graph", "x.y", "x=1"], r"attribute access \(\.y\) is not allowed"),
    (["graph", "x", "x=abc"], r"^tinygrad-scalar graph: value 'x=abc': 'abc' is not a number$"),
    (["graph", "x", "x"], r"value 'x': expected NAME=NUMBER, such as x=2$"),
    (["graph", "x", "x=1", "x=2"], r"x is given twice$"),
    (["graph", "x", "x=1", "y=2"], r"value for y given, but the expression does not use it$"),
    (["graph", "3", ], r"has no variable"),
    (["graph", "log(x)", "x=-1"], r"^tinygrad-scalar graph: log: undefined for x = -1.0"),
    (["graph", "x / (x - 1)", "x=1"], r"division by zero"),
    (["graph", "x", "x=1", "-o", "g.gif"], (r"-o: cannot tell the picture format from 'g.gif'; "
                                            r"use one of the extensions \.png, \.svg, \.pdf$")),
    (["graph", "x", "x=1", "-o", "/no/such/folder/g.png"], r"folder /no/such/folder does not"),
    (["graph", "x", "x=1", "--rankdir", "UP"], r"argument --rankdir: invalid choice: 'UP'"),
    (["compare", "x", "x=1", "--wrt", "z"], r"--wrt names z, not a variable of the expression"),
    (["compare", "x", "x=1", "--explain", "z"], r"--explain z: not a variable of the expression"),
    (["compare", "x", "x=1", "--repeats", "0"], (r"argument --repeats: expected a positive "
                                                 r"whole number, got '0'$")),
    (["compare", "x", "x=1", "--max-calls", "many"], r"got 'many'$"),
    (["demo", "nope"], r"^tinygrad-scalar demo: unknown demo 'nope'; available: .*alpha_vs_beta"),
    (["demo", "../setup"], r"unknown demo '../setup'"),
    (["demo"], r"^tinygrad-scalar demo: name a demo: .*alpha_vs_beta.*neuron_graph"),
])
def test_every_mistake_is_one_line_with_status_2(capsys: pytest.CaptureFixture, args: List[str],
                                                 message: str) -> None:
    status, out, err = run(capsys, args)
    assert status == 2
    assert out == "" or "-o" in args  # nothing half-done on stdout except before writing
    assert err.count("\n") == 1 and "Traceback" not in err
    assert __import__("re").search(message, err.strip()), err


def test_missing_dot_is_one_line(capsys: pytest.CaptureFixture, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    status, _, err = run(capsys, ["graph", "x*x", "x=1", "-o", str(tmp_path / "g.png")])
    assert status == 2 and err.count("\n") == 1
    assert "the Graphviz program 'dot' was not found; install the system package graphviz" in err


def test_demo_folder_missing_or_demo_without_main(capsys: pytest.CaptureFixture, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "demos_folder", lambda: tmp_path / "nowhere")
    status, _, err = run(capsys, ["demo", "alpha_vs_beta"])
    assert status == 2 and "no demos found (looked in " in err and err.count("\n") == 1
    (tmp_path / "broken.py").write_text("x = 1\n")
    monkeypatch.setattr(cli, "demos_folder", lambda: tmp_path)
    status, _, err = run(capsys, ["demo", "broken"])
    assert status == 2 and "broken.py has no main(argv) function" in err


def test_demo_passes_its_arguments_on(capsys: pytest.CaptureFixture, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "echo.py").write_text(
        "def main(argv=None):\n    print('argv', argv)\n    return 3 if '--fail' in argv else 0\n")
    monkeypatch.setattr(cli, "demos_folder", lambda: tmp_path)
    assert run(capsys, ["demo", "--list"])[1] == "echo\n"
    status, out, _ = run(capsys, ["demo", "echo", "--quick", "--help", "x"])
    assert status == 0 and out == "argv ['--quick', '--help', 'x']\n"
    assert run(capsys, ["demo", "echo", "--fail"])[0] == 3


@pytest.mark.parametrize("args", [["--help"], ["graph", "--help"], ["compare", "--help"],
                                  ["demo", "--help"], ["demo", "alpha_vs_beta", "--help"]])
def test_help_everywhere(capsys: pytest.CaptureFixture, args: List[str]) -> None:
    status, out, err = run(capsys, args)
    assert status == 0 and out.startswith("usage: ") and err == ""


def test_a_command_is_one_row_of_the_table(capsys: pytest.CaptureFixture,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    def configure(p) -> None:
        p.add_argument("--times", type=int, default=1)

    row = cli.Command("hello", "say hello", configure, lambda a: print("hi " * a.times) or 0)
    monkeypatch.setattr(cli, "COMMANDS", cli.COMMANDS + [row])
    status, out, _ = run(capsys, ["hello", "--times", "2"])
    assert status == 0 and out == "hi hi \n"
    assert "say hello" in run(capsys, ["--help"])[1]


def test_the_console_entry_point_is_main() -> None:
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg")
    line = cfg["options.entry_points"]["console_scripts"].strip()
    assert line == "tinygrad-scalar = tinygrad_scalar.cli.command:main"


def test_python_dash_m_runs_as_a_real_process(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    ok = subprocess.run([sys.executable, "-m", "tinygrad_scalar", "graph", "x*x", "x=3"],
                        capture_output=True, text=True, env=env, cwd=tmp_path, check=False)
    assert ok.returncode == 0 and "d/dx = 6" in ok.stdout
    bad = subprocess.run([sys.executable, "-m", "tinygrad_scalar", "graph", "x**", "x=3"],
                         capture_output=True, text=True, env=env, cwd=tmp_path, check=False)
    assert bad.returncode == 2 and bad.stdout == "" and "Traceback" not in bad.stderr
    assert bad.stderr.startswith("tinygrad-scalar graph: expression: syntax error")


def test_running_a_demo_changes_nothing_in_argparse(capsys: pytest.CaptureFixture, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "spy.py").write_text(
        "import argparse\n"
        "def main(argv=None):\n"
        "    print(argparse.ArgumentParser.error.__qualname__)\n"
        "    return 0\n")
    monkeypatch.setattr(cli, "demos_folder", lambda: tmp_path)
    plain = argparse.ArgumentParser.__dict__["error"]
    status, out, _ = run(capsys, ["demo", "spy"])
    assert status == 0 and out == "ArgumentParser.error\n"  # untouched while the demo runs
    for args in (["demo", "spy"], ["demo", "moons", "--bogus"], ["demo", "alpha_vs_beta", "--help"],
                 ["graph", "x", "--bogus"]):
        run(capsys, args)
        assert argparse.ArgumentParser.__dict__["error"] is plain  # and after


def test_a_demo_with_a_plain_argparse_parser_still_exits_with_status_2(
        capsys: pytest.CaptureFixture, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "plain.py").write_text(
        "import argparse\n"
        "def main(argv=None):\n"
        "    argparse.ArgumentParser(prog='plain').parse_args(argv)\n"
        "    return 0\n")
    monkeypatch.setattr(cli, "demos_folder", lambda: tmp_path)
    status, _, err = run(capsys, ["demo", "plain", "--bogus"])
    assert status == 2 and "plain: error: unrecognized arguments: --bogus" in err


def test_script_parser_on_its_own_behaves_as_argparse(capsys: pytest.CaptureFixture) -> None:
    p = cli.ScriptParser(prog="moons")
    p.add_argument("--steps", type=int)
    with pytest.raises(SystemExit) as e:
        p.parse_args(["--steps", "x"])
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: moons") and "moons: error: argument --steps" in err


def test_a_demos_mistake_is_one_line_naming_the_command(capsys: pytest.CaptureFixture) -> None:
    status, out, err = run(capsys, ["demo", "moons", "--steps", "0"])
    assert status == 2 and out == ""
    assert err == "tinygrad-scalar demo moons: --steps must be at least 1, got 0\n"


# ---------------------------------------------------------------- expressions that start with -
@pytest.mark.parametrize("args", [
    ["graph", "-x*y", "x=1", "y=2"],
    ["graph", "--grad-flow", "-x*y", "x=1", "y=2"],
    ["graph", "--rankdir", "TB", "-x*y", "x=1", "y=2"],
    ["graph", "--rank=TB", "-x*y", "x=1", "y=2"],
    ["graph", "--", "-x*y", "x=1", "y=2"],
])
@pytest.mark.silent  # once a wrong result without a word
def test_an_expression_may_start_with_a_minus(capsys: pytest.CaptureFixture, args: List[str]) -> None:
    status, out, err = run(capsys, args)
    assert status == 0 and err == ""
    assert out.splitlines() == ["-x*y = -2", "  d/dx = -2", "  d/dy = -1"]


def test_compare_takes_an_expression_that_starts_with_a_minus(capsys) -> None:
    status, out, _ = run(capsys, ["compare", "-x", "x=3", "--repeats", "1"])
    assert status == 0 and "paths to 1 variable" in out
    status, _, err = run(capsys, ["graph", "-x", "--bogus", "x=1"])
    assert status == 2 and "unrecognized arguments: --bogus" in err


# ---------------------------------------------------------------- long expressions
@pytest.mark.silent  # once a wrong result without a word
def test_a_flat_sum_of_thousands_of_terms(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    names = [f"x{i}" for i in range(1, 1_201)]
    status, out, err = run(capsys, ["graph", "+".join(names), *(f"{n}=1" for n in names)])
    assert status == 0 and err == ""
    first = out.splitlines()[0]
    assert first.startswith("x1+x2+x3+") and first.endswith(" ... = 1200") and len(first) < 100
    status, out, err = run(capsys, ["graph", "+".join(["x"] * 4_990), "x=1"])
    assert status == 0 and "d/dx = 4990" in out and "Recursion" not in err


def test_a_drawing_too_big_says_which_options_of_the_command_draw_it(
        capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    text = "+".join(f"x{i}*w" for i in range(1, 600))
    values = [f"x{i}=1" for i in range(1, 600)] + ["w=2"]
    status, _, err = run(capsys, ["graph", text, *values, "--dot"])
    assert status == 2 and err.count("\n") == 1
    assert re.search(r"^tinygrad-scalar graph: [\d,]+ nodes to draw, more than max_nodes=500; "
                     r"pass --collapse-sums \(it draws \d+ nodes\) or draw the part around one "
                     r"variable with --focus NAME --radius 2 \(at most 111 nodes\)$", err)
    status, out, _ = run(capsys, ["graph", text, *values, "--dot", "--collapse-sums"])
    assert status == 0 and 'label="sum of 599"' in out and 'label="596 more"' in out
    if HAS_DOT:
        for extra in (["--collapse-sums"], ["--focus", "w"], ["--focus", "x300", "--radius", "2"]):
            path = tmp_path / f"{extra[-1]}.svg"
            status, out, err = run(capsys, ["graph", text, *values, "-o", str(path), *extra])
            assert status == 0 and err == "" and path.exists()
    status, _, err = run(capsys, ["graph", text, *values, "--dot", "--focus", "w", "--radius", "400"])
    assert status == 2 and err.endswith("; use --radius 2\n")


def test_a_name_python_reads_as_another_is_one_clear_line(capsys: pytest.CaptureFixture) -> None:
    status, out, err = run(capsys, ["graph", "x２*y", "x２=1", "y=2"])
    assert status == 2 and out == ""
    assert err == ("tinygrad-scalar graph: value 'x２=1': Python reads the name 'x２' as 'x2' "
                   "(it turns ２ (U+FF12) into plain characters); write x2\n")
