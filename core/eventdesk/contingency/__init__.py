"""Contingency mode: a tenant's (or the whole desk's) way of working when things go wrong.

``desk.contingency`` switches it on and off (each switch an event, with who and
why); while it is on, agents work with an adjusted capacity (a factor, or a
capacity per channel), and channels may read it to change what they do (the
voice channel plays its contingency menu and diverts by its contingency rules).
"""

from eventdesk.contingency.model import ContingencyMode, adjusted_capacity
from eventdesk.contingency.service import (
    ContingencyError,
    ContingencyService,
    ContingencySwitch,
    ContingencyView,
)

__all__ = [
    "ContingencyError",
    "ContingencyMode",
    "ContingencyService",
    "ContingencySwitch",
    "ContingencyView",
    "adjusted_capacity",
]
