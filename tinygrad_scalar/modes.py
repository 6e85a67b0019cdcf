"""Old module path, kept so existing imports work: the same module object as its new home."""

import sys

from .core import modes as _module

sys.modules[__name__] = _module
