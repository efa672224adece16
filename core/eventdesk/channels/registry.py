"""The desk's channels: the factories plugins register, built with the desk's settings.

Reached as ``desk.channels``. A channel's settings are stored as a definition
(kind ``channel``), so every process on the database uses the same ones and
their history says who changed what. A setting written ``env:NAME`` is read
from the environment variable ``NAME`` when the channel is built, so secrets
(an SMTP password, a webhook secret) never enter the event store.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from eventdesk.channels.base import Channel, ChannelError
from eventdesk.definitions import load_definition, store_definition
from eventdesk.errors import EventDeskError, InvalidValueError
from eventdesk.plugins import get_channels

if TYPE_CHECKING:
    from eventdesk.application import ServiceDesk

CHANNEL = "channel"
ENV_PREFIX = "env:"


class UnknownChannelError(EventDeskError):
    """No plugin registers a channel of that name."""

    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(
            f"no channel named {name!r} (known: {', '.join(known) or 'none'})",
            channel=name,
            known=known,
        )


def resolve_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """The settings with every ``env:NAME`` value read from the environment.

    >>> import os
    >>> os.environ["EXAMPLE_SECRET"] = "s3cret"
    >>> resolve_settings({"secret": "env:EXAMPLE_SECRET", "port": 25})
    {'secret': 's3cret', 'port': 25}
    """
    resolved: dict[str, Any] = {}
    for key, value in settings.items():
        if isinstance(value, str) and value.startswith(ENV_PREFIX):
            variable = value[len(ENV_PREFIX) :]
            if variable not in os.environ:
                raise ChannelError(
                    f"setting {key!r} reads the environment variable {variable}, which is not set",
                    setting=key,
                    variable=variable,
                )
            value = os.environ[variable]
        resolved[key] = value
    return resolved


def _check_settings(settings: Any, what: str = "channel") -> dict[str, Any]:
    if not isinstance(settings, Mapping):
        raise InvalidValueError(f"{what} settings", settings, "a table of settings")
    for key, value in settings.items():
        if not isinstance(key, str) or not key:
            raise InvalidValueError(f"{what} setting name", key, "a non-empty name")
        if not isinstance(value, str | int | float | bool | list | dict) or value is None:
            raise InvalidValueError(f"{what} setting {key}", value, "text, a number or a table")
    return dict(settings)


def store_settings(
    desk: ServiceDesk,
    kind: str,
    name: str,
    factory: Any,
    settings: Mapping[str, Any],
    *,
    actor: str,
) -> dict[str, Any]:
    """Check settings, build ``factory`` with them (it refuses settings it cannot use), and
    only then store them as the definition ``kind``/``name`` (a channel's, a target's)."""
    checked = _check_settings(settings, kind.replace("_", " "))
    factory(resolve_settings(checked))
    store_definition(desk, kind, name, checked, actor=actor)
    return checked


class ChannelRegistry:
    """``desk.channels``: the channels plugins provide, configured for this desk."""

    def __init__(self, desk: ServiceDesk) -> None:
        self.desk = desk
        self._lock = threading.Lock()
        self._built: dict[str, tuple[int, Channel]] = {}

    def names(self) -> list[str]:
        """Every channel a loaded plugin registers."""
        return sorted(get_channels())

    def _factory(self, name: str) -> Any:
        factories = get_channels()
        if name not in factories:
            raise UnknownChannelError(name, sorted(factories))
        return factories[name]

    def settings(self, name: str, *, actor: str = "system") -> dict[str, Any]:
        """The channel's stored settings (``env:`` values as written, not resolved)."""
        self.desk.tenancy.guard(actor, "read channel settings")
        self._factory(name)
        definition = load_definition(self.desk, CHANNEL, name)
        return dict(definition.content) if definition is not None else {}

    def configure(
        self, name: str, settings: Mapping[str, Any], *, actor: str = "system"
    ) -> dict[str, Any]:
        """Store a channel's settings, after checking the channel accepts them."""
        self.desk.tenancy.guard(actor, "configure a channel")
        return store_settings(self.desk, CHANNEL, name, self._factory(name), settings, actor=actor)

    def get(self, name: str) -> Channel:
        """The channel, built with its current settings (rebuilt when they change)."""
        factory = self._factory(name)
        definition = load_definition(self.desk, CHANNEL, name)
        version = definition.version if definition is not None else 0
        with self._lock:
            built = self._built.get(name)
            if built is not None and built[0] == version:
                return built[1]
        settings = definition.content if definition is not None else {}
        channel = factory(resolve_settings(settings))
        if getattr(channel, "name", name) != name:
            # A factory registered under another name: the registered name is the channel's.
            channel.name = name
        channel.desk = self.desk
        with self._lock:
            self._built[name] = (version, channel)
        return channel
