"""Old path of ``tinygrad_scalar.derive.compiled``: the same module object, kept so existing imports work."""

import sys

from .derive import compiled as _module

sys.modules[__name__] = _module
