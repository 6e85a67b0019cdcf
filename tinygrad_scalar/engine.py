"""Old path of ``tinygrad_scalar.core.value``: the same module object, kept so existing imports work."""

import sys

from .core import value as _module

sys.modules[__name__] = _module
