"""Old module path, kept so existing imports work: the same module object as its new home."""

import sys
from typing import TYPE_CHECKING

from .cli import expr as _module

if TYPE_CHECKING:  # what a type checker reads: the names of the new home
    from .cli.expr import *  # noqa: F403

sys.modules[__name__] = _module
