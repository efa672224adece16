"""What the bot did: conversations, answers, deflections and handovers, from its events."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import TYPE_CHECKING, Any

import attrs
from eventdesk.errors import InvalidValueError
from eventdesk.projections.base import follow
from eventdesk.views import to_jsonable
from eventsourcing.utils import get_topic

from eventdesk_selfservice.bot import BotConversation

if TYPE_CHECKING:
    from eventdesk.application import ServiceDesk

_EVENTS = (
    BotConversation.Started,
    BotConversation.Answered,
    BotConversation.Deflected,
    BotConversation.HandedOver,
)


@attrs.frozen
class BotStats:
    """The bot's figures: a deflection is an incident solved without a person."""

    conversations: int
    answers: int
    deflected: int
    handed_over: int
    with_the_bot: int
    deflection_rate: float  # deflected ÷ conversations (0 when there were none)
    handover_reasons: dict[str, int]
    deflected_incidents: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)


def bot_stats(
    desk: ServiceDesk,
    *,
    since: datetime | None = None,
    tenant: str | None = None,
    actor: str = "system",
) -> BotStats:
    """The bot's figures over its conversations started since ``since`` (of ``tenant``:
    an agent may read those of a tenant it serves, a tenant user its own tenant's)."""
    desk.tenancy.guard(
        actor, "read the self-service figures", tenant=tenant, agents=True, tenant_users=True
    )
    if tenant is None and desk.tenancy.visible_tenants(actor) is not None:
        raise InvalidValueError("tenant", None, "a tenant you serve (--tenant)")
    started: dict[Any, str] = {}
    counted: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    deflected: list[str] = []

    def apply(event: Any) -> None:
        if isinstance(event, BotConversation.Started):
            if (since is None or event.timestamp >= since) and tenant in (None, event.tenant):
                started[event.originator_id] = event.incident
            return
        incident = started.get(event.originator_id)
        if incident is None:
            return
        if isinstance(event, BotConversation.Answered):
            counted["answers"] += 1
        elif isinstance(event, BotConversation.Deflected):
            deflected.append(incident)
        else:
            reasons[event.reason] += 1

    follow(desk, 0, [get_topic(cls) for cls in _EVENTS], apply)
    total, handed = len(started), sum(reasons.values())
    return BotStats(
        conversations=total,
        answers=counted["answers"],
        deflected=len(deflected),
        handed_over=handed,
        with_the_bot=total - len(deflected) - handed,
        deflection_rate=round(len(deflected) / total, 4) if total else 0.0,
        handover_reasons=dict(sorted(reasons.items())),
        deflected_incidents=tuple(deflected),
    )
