"""The contingency mode of one scope (a tenant, or the whole desk), as an aggregate."""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from eventsourcing.domain import Aggregate, event

from eventdesk.errors import InvalidValueError
from eventdesk.tenancy.model import NAMESPACE, check_capacity

DESK = "desk"  # the scope of a desk-wide contingency
REASON_MAX = 500


def contingency_id(scope: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"contingency:{scope}")


def check_factor(value: Any) -> float | None:
    """A capacity factor: a number above 0 and at most 1 (None: no factor)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
        raise InvalidValueError("capacity factor", value, "a number above 0 and at most 1")
    return float(value)


def check_reason(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidValueError("reason", value, "a non-empty text: why")
    if len(value.strip()) > REASON_MAX:
        raise InvalidValueError("reason", value[:20] + "…", f"at most {REASON_MAX} characters")
    return value.strip()


def adjusted_capacity(
    capacity: Mapping[str, int], factor: float | None, overrides: Mapping[str, int]
) -> dict[str, int]:
    """An agent's capacity in contingency: each channel's own override, else its capacity
    times the factor rounded down, but never below one where it was at least one.

    >>> adjusted_capacity({"voice": 1, "chat": 3, "email": 8}, 0.5, {"voice": 0})
    {'voice': 0, 'chat': 1, 'email': 4}
    """
    adjusted: dict[str, int] = {}
    for channel, places in capacity.items():
        if channel in overrides:
            adjusted[channel] = overrides[channel]
        elif factor is not None and places > 0:
            adjusted[channel] = max(1, math.floor(places * factor))
        else:
            adjusted[channel] = places
    for channel, places in overrides.items():
        adjusted.setdefault(channel, places)
    return adjusted


class ContingencyMode(Aggregate):
    """Whether a scope works in contingency, and how; every switch is an event."""

    @staticmethod
    def create_id(scope: str) -> uuid.UUID:
        return contingency_id(scope)

    @event("Created")
    def __init__(self, scope: str, actor: str, timestamp: datetime) -> None:
        self.scope = scope
        self.on = False
        self.since: datetime | None = None
        self.reason: str | None = None
        self.capacity_factor: float | None = None
        self.capacity: dict[str, int] = {}

    @classmethod
    def open(cls, scope: str, *, actor: str, at: datetime) -> ContingencyMode:
        return cls(scope=scope, actor=actor, timestamp=at)

    def switch_on(
        self,
        *,
        reason: str,
        capacity_factor: float | None,
        capacity: Mapping[str, Any] | None,
        actor: str,
        at: datetime,
    ) -> None:
        overrides = check_capacity(capacity) if capacity else {}
        self._switched_on(
            reason=check_reason(reason),
            capacity_factor=check_factor(capacity_factor),
            capacity=overrides,
            actor=actor,
            timestamp=at,
        )

    @event("SwitchedOn")
    def _switched_on(
        self,
        reason: str,
        capacity_factor: float | None,
        capacity: dict[str, int],
        actor: str,
        timestamp: datetime,
    ) -> None:
        self.on, self.since, self.reason = True, timestamp, reason
        self.capacity_factor, self.capacity = capacity_factor, dict(capacity)

    def switch_off(self, *, reason: str | None, actor: str, at: datetime) -> None:
        self._switched_off(
            reason=check_reason(reason) if reason else None, actor=actor, timestamp=at
        )

    @event("SwitchedOff")
    def _switched_off(self, reason: str | None, actor: str, timestamp: datetime) -> None:
        self.on, self.since, self.reason = False, timestamp, reason
        self.capacity_factor, self.capacity = None, {}
