"""The one plugin manager: shipped plugins, then the ``eventdesk`` entry points.

``EVENTDESK_LOAD_PLUGINS`` (comma-separated names; empty for none) limits which
entry points load.
"""

from __future__ import annotations

import functools
import importlib.metadata
import os

import pluggy

from eventdesk import hookspecs

ENTRY_POINT_GROUP = "eventdesk"


@functools.cache
def get_plugin_manager() -> pluggy.PluginManager:
    manager = pluggy.PluginManager("eventdesk")
    manager.add_hookspecs(hookspecs)
    allowed = os.environ.get("EVENTDESK_LOAD_PLUGINS")
    names = None if allowed is None else {n.strip() for n in allowed.split(",") if n.strip()}
    for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        if names is not None and entry_point.name not in names:
            continue
        if manager.get_plugin(entry_point.name) is None:
            manager.register(entry_point.load(), name=entry_point.name)
    manager.check_pending()
    return manager
