"""Which escalation target the SLA engine's hierarchical steps notify, per level and tenant.

A rule maps a management level (``shift_manager``, ``team_manager``,
``director``), for one tenant or for all, to a target and a recipient. Without a
recipient the person the incident's team names for that level (its supervisor)
is notified. A tenant's own rules for a level replace the general ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from eventdesk.errors import InvalidValueError
from eventdesk.sla.policy import LEVELS
from eventdesk.views import to_jsonable

__all__ = ["EscalationRule", "rules_for"]


def _level(value: Any) -> str:
    if value not in LEVELS:
        raise InvalidValueError("escalation level", value, "one of " + ", ".join(LEVELS))
    return str(value)


def _name(what: str) -> Any:
    def check(value: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            raise InvalidValueError(what, value, "a non-empty name")
        return value.strip()

    return check


@attrs.frozen
class EscalationRule:
    """Notify ``recipient`` (or the team's supervisor) through ``target`` at ``level``.

    >>> EscalationRule.from_mapping({"level": "director", "target": "webhook"})
    EscalationRule(level='director', target='webhook', recipient=None, tenant=None)
    >>> EscalationRule("chief", "webhook")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    eventdesk.errors.InvalidValueError: invalid escalation level 'chief': expected one of ...
    """

    level: str = attrs.field(converter=_level)
    target: str = attrs.field(converter=_name("escalation target"))
    recipient: str | None = attrs.field(default=None, converter=_name("recipient"))
    tenant: str | None = attrs.field(default=None, converter=_name("tenant"))

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> EscalationRule:
        if not isinstance(data, Mapping):
            raise InvalidValueError("escalation rule", data, "a table of level, target...")
        return cls(
            level=data.get("level"),
            target=data.get("target"),
            recipient=data.get("recipient"),
            tenant=data.get("tenant"),
        )

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)


def rules_for(
    rules: Iterable[EscalationRule], level: str, tenant: str | None
) -> list[EscalationRule]:
    """The rules a step at ``level`` of a ``tenant``'s incident follows: the tenant's own
    for that level if it has any, else the general ones."""
    at_level = [rule for rule in rules if rule.level == level]
    own = [rule for rule in at_level if tenant is not None and rule.tenant == tenant]
    return own or [rule for rule in at_level if rule.tenant is None]
