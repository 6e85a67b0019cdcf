"""Graphviz's ``dot`` program, run within bounds: it turns DOT text into a picture.

``dot`` runs as a program of its own (never through a shell), is stopped after a time
limit and, on Linux, may use a bounded amount of memory, so that no drawing can take the
machine down. (Drawings are also refused before ``dot`` starts when they are over their
node budget: see ``to_dot``'s ``max_nodes``.)
"""

from __future__ import annotations

import math
import shutil
import subprocess
from typing import Any

try:
    import resource
except ImportError:  # pragma: no cover - not on Windows
    resource = None  # type: ignore[assignment]

__all__ = ["DOT_TIMEOUT", "DOT_MEMORY", "GraphvizNotFound", "DotError", "run_dot", "seconds"]

#: seconds ``dot`` may run on one picture before it is stopped (``timeout=`` changes it)
DOT_TIMEOUT = 60.0
#: bytes of address space ``dot`` may use (where the system can limit it: Linux)
DOT_MEMORY = 2 * 2 ** 30


class GraphvizNotFound(RuntimeError):
    """The ``dot`` program of the system package ``graphviz`` is not installed."""


class DotError(RuntimeError):
    """Graphviz's ``dot`` program failed, or ran out of its time or memory."""


def run_dot(source: str, fmt: str, where: str, timeout: float = DOT_TIMEOUT) -> bytes:
    """The picture ``dot -T<fmt>`` makes of the DOT text ``source``, within bounds.

    ``dot`` is stopped after ``timeout`` seconds and, on Linux, may use at most
    ``DOT_MEMORY`` bytes. Raises ``GraphvizNotFound`` without the program and ``DotError``
    when it fails; each message starts with ``where``.
    """
    program = shutil.which("dot")
    if program is None:
        raise GraphvizNotFound(f"{where}: the Graphviz program 'dot' was not found; install the "
                               f"system package graphviz (apt install graphviz, brew install "
                               f"graphviz, or see https://graphviz.org/download/)")
    try:
        proc = subprocess.Popen([program, f"-T{fmt}"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError as e:
        raise DotError(f"{where}: cannot start {program}: {e.strerror or e}") from None
    _limit_memory(proc.pid)  # dot waits for its input: the limit comes before any layout
    try:
        out, err = proc.communicate(source.encode("utf-8"), timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise DotError(f"{where}: dot did not finish within {timeout:g} s and was stopped; "
                       f"draw fewer nodes (a smaller max_nodes) or allow more time with "
                       f"timeout=...") from None
    if proc.returncode != 0:
        text = " ".join(err.decode("utf-8", errors="replace").split())[:300]
        if proc.returncode < 0 or "memory" in text.lower():
            raise DotError(f"{where}: dot ran out of memory (it may use "
                           f"{DOT_MEMORY / 2 ** 20:,.0f} MiB) or was stopped (status "
                           f"{proc.returncode}); draw fewer nodes (a smaller max_nodes)")
        raise DotError(f"{where}: dot failed (status {proc.returncode}): {text}")
    return out


def _limit_memory(pid: int) -> None:
    """Bound the address space of process ``pid`` where the system allows it (Linux)."""
    prlimit = getattr(resource, "prlimit", None)
    if prlimit is None:
        return
    try:
        prlimit(pid, resource.RLIMIT_AS, (DOT_MEMORY, DOT_MEMORY))
    except (OSError, ValueError):  # the process has already ended, or the system refuses
        pass


def seconds(timeout: Any, where: str) -> float:
    """``timeout`` as a float, or ``ValueError`` naming ``where`` unless it is a positive
    finite number of seconds."""
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not (
            0 < timeout < math.inf):
        raise ValueError(f"{where}: timeout must be a positive number of seconds, "
                         f"got {timeout!r:.60}")
    return float(timeout)
