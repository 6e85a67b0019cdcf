"""Old module path, kept so existing imports work: the same module object as its new home."""

import sys

from .nn import optim as _module

sys.modules[__name__] = _module
