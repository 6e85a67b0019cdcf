"""Old module path, kept so existing imports work: the same module object as its new home."""

import sys
from typing import TYPE_CHECKING

from .derive import ops as _module

if TYPE_CHECKING:  # what a type checker reads: the names of the new home
    from .derive.ops import *  # noqa: F403

sys.modules[__name__] = _module
