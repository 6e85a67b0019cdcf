"""Pictures of graphs: Graphviz's ``dot`` program turns the DOT text into PNG, SVG or PDF.

``render(root, "graph.png")`` writes one picture; ``render_steps(root, "film/")`` one
picture per step of the backward sweep.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, List, Union

from ..core.files import write_atomic
from ..core.value import Value
from .adjoint import sweep_steps
from .dot import to_dot
from .dot_program import DOT_TIMEOUT, GraphvizNotFound, run_dot, seconds
from .names import short

__all__ = ["FORMATS", "GraphvizNotFound", "picture_format", "render", "render_steps", "save"]

FORMATS = ("png", "svg", "pdf")


def picture_format(path: Union[str, Path], where: str = "render") -> str:
    """The picture format named by ``path``'s extension; ``ValueError`` if not supported.

    >>> picture_format("graph.SVG")
    'svg'
    """
    if not isinstance(path, (str, os.PathLike)) or isinstance(os.fspath(path), bytes):
        raise TypeError(f"{where}: path must be a str or a path, got {type(path).__name__}")
    fmt = Path(path).suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(f"{where}: cannot tell the picture format from {str(path)!r}; "
                         f"use one of the extensions {', '.join('.' + f for f in FORMATS)}")
    return fmt


def render(root: Value, path: Union[str, Path], *, timeout: float = DOT_TIMEOUT,
           **options: Any) -> Path:
    """Draw ``root``'s graph into ``path``; the format comes from its extension.

    Takes the options of ``to_dot``, with the colour legend on unless ``legend=False``
    (as the command draws). Needs the ``dot`` program (system package
    ``graphviz``); raises ``GraphvizNotFound`` without it, and ``ValueError`` for an
    extension other than .png, .svg or .pdf. The drawing is refused before ``dot`` starts
    when it has more than ``max_nodes`` nodes (the message says what to draw instead), and
    ``dot`` is stopped after ``timeout`` seconds (``DotError``). Missing folders are created once the
    picture is made; the file is replaced whole or not at all (an ``OSError`` naming
    ``path`` when it cannot be written). Returns the path written.
    """
    fmt = picture_format(path, "render")
    limit = seconds(timeout, "render")
    path = Path(path)
    options.setdefault("legend", True)
    data = run_dot(to_dot(root, **options).source, fmt, "render", limit)
    save(data, path, "render")
    return path


def save(data: bytes, path: Path, where: str) -> None:
    """Write ``data`` to ``path`` whole or not at all, creating missing folders.

    The bytes go to a hidden file beside ``path`` that then replaces it, so a failed or
    interrupted save leaves any earlier file as it was. On failure, the folders made here
    are removed again and the ``OSError`` names ``path`` (never the hidden file).
    """
    made: List[Path] = []
    try:
        for folder in [*reversed(path.parent.parents), path.parent]:  # from the top down
            if not folder.is_dir():
                folder.mkdir()
                made.append(folder)
        write_atomic(path, data, mode=0o666)
    except OSError as e:
        for folder in reversed(made):
            try:
                folder.rmdir()
            except OSError:
                break
        raise OSError(e.errno, f"{where}: cannot save the picture ({e.strerror or e})",
                      str(path)) from None


def render_steps(root: Value, folder: Union[str, Path], fmt: str = "png",
                 max_steps: int = 200, zero_grad: bool = True, *, timeout: float = DOT_TIMEOUT,
                 **options: Any) -> List[Path]:
    """Run Alpha's sweep on ``root`` and draw the graph after every step (a film strip).

    Writes ``step_001.<fmt>``, ``step_002.<fmt>``... into ``folder`` (created if needed),
    each outlining the node that just passed its gradient to its parents; edges of the
    nodes not reached yet are dotted. With ``zero_grad`` (the default) every gradient
    starts from zero, so the film shows one clean backward pass; gradients end as
    ``root.backward()`` leaves them. ``grad_flow`` is on unless given; other options go
    to ``to_dot``; ``timeout`` bounds each picture as in ``render``. Returns the paths
    written.
    """
    if fmt not in FORMATS:
        raise ValueError(f"render_steps: fmt must be one of {', '.join(FORMATS)}; got {fmt!r:.60}")
    if not isinstance(root, Value):
        raise TypeError(f"render_steps: root must be a Value, got {type(root).__name__}")
    if not isinstance(folder, (str, os.PathLike)) or isinstance(os.fspath(folder), bytes):
        raise TypeError(f"render_steps: folder must be a str or a path, "
                        f"got {type(folder).__name__}")
    if isinstance(max_steps, bool) or not isinstance(max_steps, int) or max_steps < 1:
        raise ValueError(f"render_steps: max_steps must be a positive int, got {max_steps!r:.60}")
    limit = seconds(timeout, "render_steps")
    count = sum(1 for n in root.topological_order() if not n.is_leaf)
    if count > max_steps:
        raise ValueError(f"render_steps: {count:,} steps, more than max_steps={max_steps:,}")
    options.setdefault("grad_flow", True)
    folder = Path(folder)
    if zero_grad:
        root.zero_grad()
    paths: List[Path] = []
    done: List[Value] = []
    for step in sweep_steps(root):
        done.append(step.node)
        title = (f"step {step.index} of {count}: {step.name} ({step.op}) passes grad "
                 f"{short(step.grad)} to {', '.join(step.parents)}")
        dot = to_dot(root, highlight=step.node, swept=done, title=title, **options)
        path = folder / f"step_{step.index:03d}.{fmt}"
        save(run_dot(dot.source, fmt, "render_steps", limit), path, "render_steps")
        paths.append(path)
    return paths
