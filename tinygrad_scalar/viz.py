"""Old path of ``tinygrad_scalar.see.viz``: the same module object, kept so existing imports work."""

import sys

from .see import viz as _module

sys.modules[__name__] = _module
