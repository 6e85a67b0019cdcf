"""List the package's modules over 400 lines and functions over 80 lines.

    python tools/sizes.py [FOLDER ...]     (default: tinygrad_scalar)

Prints one line per offender (``path:line name: N lines``) and exits with status 1 when
there is any, 0 when there is none. A function's length runs from its ``def`` (decorators
included) to its last line; nested functions count inside their parent and on their own.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from typing import Iterator, List, Optional, Sequence, Tuple

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80


def function_lengths(source: str) -> Iterator[Tuple[str, int, int]]:
    """``(qualified name, first line, length)`` of every function in ``source``."""
    tree = ast.parse(source)

    def walk(node: ast.AST, prefix: str) -> Iterator[Tuple[str, int, int]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                first = min([child.lineno] + [d.lineno for d in child.decorator_list])
                name = prefix + child.name
                yield name, first, child.end_lineno - first + 1  # type: ignore[operator]
                yield from walk(child, name + ".")
            elif isinstance(child, ast.ClassDef):
                yield from walk(child, prefix + child.name + ".")
            else:
                yield from walk(child, prefix)

    return walk(tree, "")


def offenders(folders: Sequence[Path]) -> List[str]:
    """One line per module or function over its limit, sorted by path."""
    lines: List[str] = []
    for folder in folders:
        for path in sorted(folder.rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            count = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
            if count > MAX_MODULE_LINES:
                lines.append(f"{path}: module of {count} lines (limit {MAX_MODULE_LINES})")
            for name, first, length in function_lengths(text):
                if length > MAX_FUNCTION_LINES:
                    lines.append(f"{path}:{first} {name}: {length} lines "
                                 f"(limit {MAX_FUNCTION_LINES})")
    return lines


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Print the offenders; status 1 when there are any."""
    args = list(sys.argv[1:] if argv is None else argv)
    folders = [Path(a) for a in args] or [Path(__file__).resolve().parent.parent / "tinygrad_scalar"]
    missing = [str(f) for f in folders if not f.is_dir()]
    if missing:
        print(f"sizes: no such folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    found = offenders(folders)
    for line in found:
        print(line)
    if not found:
        print(f"sizes: no module over {MAX_MODULE_LINES} lines, "
              f"no function over {MAX_FUNCTION_LINES} lines")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
