"""Old path of ``tinygrad_scalar.derive.naive``: the same module object, kept so existing imports work."""

import sys

from .derive import naive as _module

sys.modules[__name__] = _module
