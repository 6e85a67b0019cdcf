"""Old path of ``tinygrad_scalar.derive.ops``: the same module object, kept so existing imports work."""

import sys

from .derive import ops as _module

sys.modules[__name__] = _module
