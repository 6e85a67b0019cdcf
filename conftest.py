"""Doctest collection: the package's old module paths are aliases of moved modules
(``tinygrad_scalar/engine.py`` is ``tinygrad_scalar.core.value``); their doctests run
once, under the new path."""

from pathlib import Path

_PACKAGE = Path(__file__).parent / "tinygrad_scalar"
collect_ignore = [str(p) for p in _PACKAGE.glob("*.py")
                  if "sys.modules[__name__]" in p.read_text(encoding="utf-8")]
