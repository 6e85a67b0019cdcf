"""Old path of ``tinygrad_scalar.core.modes``: the same module object, kept so existing imports work."""

import sys

from .core import modes as _module

sys.modules[__name__] = _module
