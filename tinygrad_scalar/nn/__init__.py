"""Neural networks: modules, losses, optimizers and schedules (imports only ``core``)."""

from .modules import *  # noqa: F401,F403
from .modules import __all__ as __all__
