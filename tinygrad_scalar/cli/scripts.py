"""Scripts that come with the package: the demos in ``demos/`` and the benchmark suite in
``benchmarks/`` (beside the package in a checkout, inside it when installed from a wheel),
run by the ``tinygrad-scalar`` command (in the command's own process, through the
script's ``main(argv)``).

A script reads its options with ``ScriptParser`` (an ``argparse.ArgumentParser``): run on
its own, a mistake prints the usage and the message and exits with status 2, as argparse
does; run by ``tinygrad-scalar``, the mistake is reported by the command on one line.
"""

from __future__ import annotations

import argparse
import contextvars
import importlib.util
import re
from pathlib import Path
from typing import Any, List, NoReturn, Optional, Sequence, Union

__all__ = ["UsageError", "ScriptParser", "demos_folder", "available_demos",
           "benchmarks_folder", "run_script"]

# The command's name for the script it is running ("tinygrad-scalar demo moons"); None
# when no script runs under the command. Set only by run_script, per thread and task.
_RUNNING: contextvars.ContextVar[Optional[str]] = contextvars.ContextVar(
    "tinygrad_scalar_script", default=None)


class UsageError(Exception):
    """A mistake on the command line: reported on one line, exit status 2."""


class ScriptParser(argparse.ArgumentParser):
    """An argument parser for demos and benchmarks.

    Run on its own, a script's mistake is reported as argparse reports it (usage, message,
    status 2). Run by ``tinygrad-scalar``, the mistake raises ``UsageError`` naming the
    command, which the command prints on one line.

    >>> p = ScriptParser(prog="demo")
    >>> _ = p.add_argument("--steps", type=int, default=3)
    >>> p.parse_args(["--steps", "5"]).steps
    5
    """

    def error(self, message: str) -> NoReturn:
        """Report ``message`` (see the class docstring)."""
        running = _RUNNING.get()
        if running is None:
            super().error(message)
        raise UsageError(f"{running}: {message}")


def _scripts_folder(name: str) -> Path:
    """``name`` (demos or benchmarks) inside an installed package (a wheel carries them in
    ``tinygrad_scalar/_scripts/``, see setup.py), else beside the package in a checkout."""
    package = Path(__file__).resolve().parents[1]
    shipped = package / "_scripts" / name
    return shipped if shipped.is_dir() else package.parent / name


def demos_folder() -> Path:
    """Where the demo scripts live: in the installed package, or ``demos/`` beside the
    package in a source checkout."""
    return _scripts_folder("demos")


def benchmarks_folder() -> Path:
    """Where the benchmark suite lives: in the installed package, or ``benchmarks/``
    beside the package in a source checkout (``benchmarks/run.py`` runs it)."""
    return _scripts_folder("benchmarks")


def available_demos(folder: Optional[Union[str, Path]] = None) -> List[str]:
    """Names of the demos (``demos/NAME.py``), sorted; empty when the folder is missing."""
    if folder is not None and not isinstance(folder, (str, Path)):
        raise TypeError(f"available_demos: folder must be a path, got {type(folder).__name__}")
    folder = demos_folder() if folder is None else Path(folder)
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.py")
                  if re.fullmatch(r"[A-Za-z]\w*", p.stem))


def run_script(path: Path, argv: Sequence[str], running: str) -> Any:
    """Load the script at ``path`` and return ``main(argv)``; a ``ScriptParser`` in it
    reports its mistakes as ``UsageError`` naming ``running`` (such as
    ``"tinygrad-scalar demo moons"``)."""
    name = "tinygrad_scalar_script_" + re.sub(r"\W", "_", str(path.with_suffix("")))
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise UsageError(f"{running}: cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    token = _RUNNING.set(running)
    try:
        spec.loader.exec_module(module)
        run = getattr(module, "main", None)
        if not callable(run):
            raise UsageError(f"{running}: {path} has no main(argv) function")
        return run(list(argv))
    finally:
        _RUNNING.reset(token)
