"""The email channel's settings, checked once when the desk builds the channel.

The desk stores a channel's settings as a plain mapping
(``desk.channels.configure("email", {...})``) and replaces every value written
``env:NAME`` with the environment variable ``NAME`` before it builds the
channel, so a password never reaches the event store. What arrives here is
read into :class:`EmailSettings`, and a wrong value is refused with an error
naming the setting, when the channel is configured rather than when the first
reply fails to go out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import attrs
from eventdesk.channels.base import normalise_identity
from eventdesk.domain.priority import check_level
from eventdesk.errors import InvalidValueError

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?"
_DOMAIN = re.compile(rf"^{_LABEL}(?:\.{_LABEL})*$")
_TRUE = {"1", "true", "yes", "on", "y"}
_FALSE = {"0", "false", "no", "off", "n", ""}


def _setting_error(name: str, value: Any, expected: str) -> InvalidValueError:
    return InvalidValueError(f"email setting {name}", value, expected)


def _address(name: str, value: Any) -> str:
    try:
        return normalise_identity("email", value)
    except InvalidValueError:
        raise _setting_error(name, value, "an address such as support@example.com") from None


def _text(name: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _setting_error(name, value, "text")
    return value.strip() or None


def _port(value: Any) -> int:
    try:
        port = int(value)
    except (TypeError, ValueError):
        port = 0
    if isinstance(value, bool) or not 1 <= port <= 65535:
        raise _setting_error("smtp_port", value, "a port number from 1 to 65535")
    return port


def _flag(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise _setting_error(name, value, "true or false")


def _seconds(value: Any) -> float:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = 0.0
    if isinstance(value, bool) or not 0 < seconds <= 3600:
        raise _setting_error("timeout", value, "a number of seconds above 0 and at most 3600")
    return seconds


def _tenants(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise _setting_error("tenants", value, "a map of recipient address to tenant name")
    tenants: dict[str, str] = {}
    for address, tenant in value.items():
        name = _text(f"tenants[{address!r}]", tenant)
        if not name:
            raise _setting_error(f"tenants[{address!r}]", tenant, "a tenant name")
        tenants[_address("tenants", address)] = name
    return tenants


@attrs.frozen
class EmailSettings:
    """What the email channel is configured with (docs/email.md describes each setting).

    ``tenant``, ``impact`` and ``urgency`` are the settings the intake pipeline
    reads from every channel (the default tenant of new contacts, and the
    impact and urgency of the incidents mail opens); they are checked here like
    the others.

    >>> settings = EmailSettings.from_mapping(
    ...     {"address": "Support@Example.com", "tenants": {"support+acme@example.com": "acme"}}
    ... )
    >>> settings.address, settings.domain, settings.smtp_port
    ('support@example.com', 'example.com', 25)
    >>> sorted(settings.own_addresses)
    ['support+acme@example.com', 'support@example.com']
    """

    address: str | None = None
    domain: str = "localhost"
    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: str | None = attrs.field(default=None, repr=False)
    smtp_starttls: bool = False
    timeout: float = 30.0
    tenants: Mapping[str, str] = attrs.field(factory=dict)
    tenant: str | None = None
    impact: int = 2
    urgency: int = 2

    KNOWN = (
        "address",
        "domain",
        "smtp_host",
        "smtp_port",
        "smtp_user",
        "smtp_password",
        "smtp_starttls",
        "timeout",
        "tenants",
        "tenant",
        "impact",
        "urgency",
    )

    @classmethod
    def from_mapping(cls, settings: Mapping[str, Any] | None) -> EmailSettings:
        """Read and check the settings; an unknown name is refused (it is most often a typo)."""
        settings = dict(settings or {})
        unknown = sorted(set(settings) - set(cls.KNOWN))
        if unknown:
            raise InvalidValueError("email setting", unknown[0], "one of " + ", ".join(cls.KNOWN))
        address = settings.get("address")
        address = None if address in (None, "") else _address("address", address)
        domain = _text("domain", settings.get("domain"))
        if domain is None:
            domain = address.rpartition("@")[2] if address else "localhost"
        elif not _DOMAIN.match(domain):
            raise _setting_error("domain", domain, "a domain name such as example.com")
        user = _text("smtp_user", settings.get("smtp_user"))
        return cls(
            address=address,
            domain=domain.lower(),
            smtp_host=_text("smtp_host", settings.get("smtp_host")) or "localhost",
            smtp_port=_port(settings.get("smtp_port", 25)),
            smtp_user=user,
            smtp_password=_text("smtp_password", settings.get("smtp_password")),
            smtp_starttls=_flag("smtp_starttls", settings.get("smtp_starttls", False)),
            timeout=_seconds(settings.get("timeout", 30)),
            tenants=_tenants(settings.get("tenants")),
            tenant=_text("tenant", settings.get("tenant")),
            impact=check_level("email setting impact", settings.get("impact", 2)),
            urgency=check_level("email setting urgency", settings.get("urgency", 2)),
        )

    @property
    def own_addresses(self) -> frozenset[str]:
        """The desk's own addresses: mail from any of them is never taken in (a loop)."""
        own = set(self.tenants)
        if self.address:
            own.add(self.address)
        return frozenset(own)
