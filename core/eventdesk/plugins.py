"""The one plugin manager: shipped plugins, then the ``eventdesk`` entry points.

``EVENTDESK_LOAD_PLUGINS`` (comma-separated entry-point names; empty for none)
limits which entry points load.
"""

from __future__ import annotations

import functools
import importlib.metadata
import os
from collections.abc import Callable
from typing import Any

import pluggy

from eventdesk import hookspecs

ENTRY_POINT_GROUP = "eventdesk"
LOAD_PLUGINS_VARIABLE = "EVENTDESK_LOAD_PLUGINS"

# The distribution each entry-point plugin came from, by plugin name.
_distributions: dict[str, importlib.metadata.Distribution] = {}


def _allowed_names() -> set[str] | None:
    """The entry points ``EVENTDESK_LOAD_PLUGINS`` allows, or ``None`` for all of them."""
    allowed = os.environ.get(LOAD_PLUGINS_VARIABLE)
    if allowed is None:
        return None
    return {name.strip() for name in allowed.split(",") if name.strip()}


@functools.cache
def get_plugin_manager() -> pluggy.PluginManager:
    manager = pluggy.PluginManager("eventdesk")
    manager.add_hookspecs(hookspecs)
    names = _allowed_names()
    _distributions.clear()
    for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        if names is not None and entry_point.name not in names:
            continue
        if manager.get_plugin(entry_point.name) is None:
            manager.register(entry_point.load(), name=entry_point.name)
            if entry_point.dist is not None:
                _distributions[entry_point.name] = entry_point.dist
    manager.check_pending()
    return manager


def list_plugins() -> list[dict[str, Any]]:
    """Each loaded plugin: its name, the hooks it implements, and its distribution if any.

    A plugin loaded from an entry point also has ``distribution`` and ``version``.
    """
    manager = get_plugin_manager()
    plugins: list[dict[str, Any]] = []
    for name, plugin in manager.list_name_plugin():
        if plugin is None:  # blocked
            continue
        hooks = sorted(caller.name for caller in manager.get_hookcallers(plugin) or [])
        entry: dict[str, Any] = {"name": name, "hooks": hooks}
        distribution = _distributions.get(name)
        if distribution is not None:
            entry["distribution"] = distribution.metadata["Name"]
            entry["version"] = distribution.version
        plugins.append(entry)
    return sorted(plugins, key=lambda entry: entry["name"])


def _collect(hook_name: str) -> dict[str, Any]:
    """What plugins register through a ``register_*`` hook, by name; a name is taken once."""
    registered: dict[str, Any] = {}

    def register(name: str, thing: Any) -> None:
        if name in registered:
            raise ValueError(f"{hook_name}: {name!r} is registered twice")
        registered[name] = thing

    hook: Callable[..., Any] = getattr(get_plugin_manager().hook, hook_name)
    hook(register=register)
    return registered


def get_channels() -> dict[str, Any]:
    """Every channel factory plugins register, by channel name."""
    return _collect("register_channels")


def get_escalation_targets() -> dict[str, Any]:
    """Every escalation target plugins register, by name."""
    return _collect("register_escalation_targets")
