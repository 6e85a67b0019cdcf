"""Files the package writes: whole or not at all, and JSON that is safe inside a page.

Checkpoints (``train.checkpoint``), pictures (``see.render``), the explorer page
(``see.html``) and the training report (``train.report``) all write through
:func:`write_atomic`; both pages embed their data with :func:`script_json`.

>>> import pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
>>> write_atomic(path, b"one")
>>> path.read_bytes(), sorted(p.name for p in path.parent.iterdir())
(b'one', ['a.txt'])
>>> script_json({"label": "</script>"})
'{"label":"\\\\u003c/script\\\\u003e"}'
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any, Union

__all__ = ["write_atomic", "script_json"]


def write_atomic(path: Union[str, "os.PathLike[str]"], data: bytes, *, mode: int = 0o644,
                 durable: bool = False) -> None:
    """Write ``data`` to ``path`` whole or not at all.

    The bytes go to a hidden file beside ``path`` (created exclusively, with ``mode``)
    that then replaces it, so a failed or interrupted write leaves any earlier file as it
    was and no hidden file behind. ``durable`` also flushes the bytes to the disk before
    the rename (checkpoints), so a crash of the machine cannot leave an empty file.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            if durable:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.lexists(tmp):
            os.unlink(tmp)
        raise


def script_json(data: Any) -> str:
    """``data`` as JSON that is safe inside an HTML ``<script>`` element: ``<``, ``>``,
    ``&`` and the line separators are written as ``\\u`` escapes, so no text can close
    the element."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    for ch in ("<", ">", "&", "\u2028", "\u2029"):
        text = text.replace(ch, f"\\u{ord(ch):04x}")
    return text
