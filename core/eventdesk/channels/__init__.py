"""Channels: how messages reach the desk and how its replies go out (see ``base``).

Everything ``eventdesk.channels.base`` exports is importable from here.
"""

from eventdesk.channels.base import *  # noqa: F403 (its __all__ is the interface)
from eventdesk.channels.base import __all__ as __all__
