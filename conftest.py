"""Doctest collection: the package's old module paths are aliases of moved modules
(``tinygrad_scalar/engine.py`` is ``tinygrad_scalar.core.value``); their doctests run
once, under the new path. Compiled C kernels of the whole session (tests and doctests)
go to a folder of the session, not the user's cache."""

import os
from pathlib import Path

import pytest

_PACKAGE = Path(__file__).parent / "tinygrad_scalar"
collect_ignore = [str(p) for p in _PACKAGE.glob("*.py")
                  if "sys.modules[__name__]" in p.read_text(encoding="utf-8")]


@pytest.fixture(autouse=True, scope="session")
def _kernel_cache(tmp_path_factory):
    """Point the native backend's cache (``XDG_CACHE_HOME``) at a folder of this session."""
    old = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if old is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = old
