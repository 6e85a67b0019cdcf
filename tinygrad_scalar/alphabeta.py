"""Old path of ``tinygrad_scalar.see.alphabeta``: the same module object, kept so existing imports work."""

import sys

from .see import alphabeta as _module

sys.modules[__name__] = _module
