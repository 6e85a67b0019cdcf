"""Old module path, kept so existing imports work: the same module object as its new home."""

import sys

from .train import plots as _module

sys.modules[__name__] = _module
