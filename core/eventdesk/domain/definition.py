"""Named, versioned configuration kept as events: calendars, SLA policies, settings.

Each definition's id is derived from its kind and name, so importing a file a
second time revises the same definition (and its history says who changed
what, when) instead of creating a twin.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from eventsourcing.domain import Aggregate, event

NAMESPACE = uuid.UUID("0b8f3e4e-5f7c-5d26-8f4b-6f1f0f3c2a77")
CALENDAR = "calendar"
SLA_POLICY = "sla_policy"
SETTINGS = "settings"


def definition_id(kind: str, name: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{kind}:{name}")


class Definition(Aggregate):
    """One named piece of configuration; ``content`` holds primitives only."""

    @staticmethod
    def create_id(kind: str, name: str) -> uuid.UUID:
        return definition_id(kind, name)

    @event("Defined")
    def __init__(
        self,
        kind: str,
        name: str,
        content: dict[str, Any],
        actor: str,
        timestamp: datetime,
        applies_from: str = "change",  # absent from events stored before policy lifecycles
    ) -> None:
        self.kind = kind
        self.name = name
        self.content = content

    def revise(
        self, content: dict[str, Any], *, actor: str, at: datetime, applies_from: str = "change"
    ) -> bool:
        """Change the content; returns False (and records nothing) if it is the same.

        ``applies_from`` says where a change of SLA policy takes effect for incidents
        already open: from the change (``"change"``) or from their opening
        (``"opening"``, retroactively)."""
        if content == self.content:
            return False
        self._revised(content=content, actor=actor, timestamp=at, applies_from=applies_from)
        return True

    @event("Revised")
    def _revised(
        self,
        content: dict[str, Any],
        actor: str,
        timestamp: datetime,
        applies_from: str = "change",  # absent from events stored before policy lifecycles
    ) -> None:
        self.content = content
