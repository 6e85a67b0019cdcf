"""The tinygrad-scalar command: output, every error path, help, demos, the command table."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import List

import pytest

from tinygrad_scalar.cli import command as cli

ROOT = Path(__file__).resolve().parent.parent
HAS_DOT = shutil.which("dot") is not None
NEURON = ["tanh(x*w + b)", "x=2", "w=-3", "b=6.8813735870195432"]


def run(capsys: pytest.CaptureFixture, args: List[str]) -> tuple:
    status = cli.main(args)
    out, err = capsys.readouterr()
    return status, out, err


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
