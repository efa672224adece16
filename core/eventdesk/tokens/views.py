"""What a query tells about an API token (never the token itself)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import attrs

from eventdesk.views import to_jsonable


@attrs.frozen
class TokenView:
    """An API token as people see it: its name, its first characters, whom it acts as."""

    id: UUID
    name: str
    prefix: str  # the token's first characters, to recognise it ("edk_3fQ9xZ1c")
    actor: str  # whom it acts as: agent:ana, user:carla/acme, admin:root
    created_by: str
    created_at: datetime
    revoked_by: str | None = None
    revoked_at: datetime | None = None
    scope: str = "write"  # write: whatever its actor may do; read: its actor's queries only
    active: bool = attrs.field(init=False)

    @active.default
    def _active(self) -> bool:
        return self.revoked_at is None

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)
