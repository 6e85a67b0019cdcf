"""Old module path, kept so existing imports work: the same module object as its new home."""

import sys

from .core import graph as _module

sys.modules[__name__] = _module
