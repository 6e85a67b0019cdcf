"""Old path of ``tinygrad_scalar.derive.dual``: the same module object, kept so existing imports work."""

import sys

from .derive import dual as _module

sys.modules[__name__] = _module
