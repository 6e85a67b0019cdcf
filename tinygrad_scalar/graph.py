"""Old path of ``tinygrad_scalar.core.graph``: the same module object, kept so existing imports work."""

import sys

from .core import graph as _module

sys.modules[__name__] = _module
