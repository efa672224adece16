"""``desk.dead_letters``: payloads intake could not take, kept whole until settled.

A dead letter keeps the raw bytes as received, the headers that came with them
(less credentials) and the reason. Once the cause is fixed — a channel's
settings, a tenant that did not exist, a parser defect — ``retry`` runs the
payload through intake again; ``discard`` settles a letter nobody needs.
Either way the letter and what happened to it stay in the history.
"""

from __future__ import annotations

import base64
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

import attrs
from eventsourcing.application import AggregateNotFoundError

from eventdesk.errors import EventDeskError, InvalidValueError
from eventdesk.intake.model import DeadLetter
from eventdesk.projections.incidents import read_time
from eventdesk.views import to_jsonable

if TYPE_CHECKING:
    from eventdesk.application import ServiceDesk
    from eventdesk.intake.service import IntakeResult

STATES = ("open", "resolved", "discarded")


class DeadLetterNotFoundError(EventDeskError):
    """No dead letter has that id."""

    def __init__(self, reference: object) -> None:
        super().__init__(f"dead letter {reference} not found", reference=str(reference))


@attrs.frozen
class DeadLetterSummary:
    id: str
    channel: str
    kind: str
    reason: str
    size: int
    state: str
    received_at: datetime
    attempts: int

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)


@attrs.frozen
class DeadLetterView:
    """A dead letter with its payload and every attempt to settle it."""

    id: str
    channel: str
    kind: str
    reason: str
    size: int
    state: str
    received_at: datetime
    headers: dict[str, str]
    payload: bytes
    history: tuple[tuple[datetime, str, str], ...]  # (at, outcome, detail)

    @property
    def truncated(self) -> bool:
        return len(self.payload) < self.size

    def to_dict(self) -> dict[str, Any]:
        data = to_jsonable(attrs.evolve(self, payload=b""))
        data["payload_base64"] = base64.b64encode(self.payload).decode("ascii")
        data["history"] = [
            {"at": to_jsonable(at), "outcome": outcome, "detail": detail}
            for at, outcome, detail in self.history
        ]
        data["truncated"] = self.truncated
        return data


class DeadLetterService:
    def __init__(self, desk: ServiceDesk) -> None:
        self.desk = desk

    def _load(self, ref: str) -> DeadLetter:
        try:
            letter = self.desk.repository.get(uuid.UUID(str(ref).strip()))
        except (AggregateNotFoundError, ValueError):
            raise DeadLetterNotFoundError(ref) from None
        if not isinstance(letter, DeadLetter):
            raise DeadLetterNotFoundError(ref)
        return letter

    def list(
        self,
        *,
        state: str | None = "open",
        channel: str | None = None,
        limit: int = 100,
        actor: str = "system",
    ) -> list[DeadLetterSummary]:
        """Dead letters, oldest first; by default the open ones (``state=None``: all)."""
        self.desk.tenancy.guard(actor, "read dead letters")
        if state is not None and state not in STATES:
            raise InvalidValueError("state", state, "one of " + ", ".join(STATES))
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 10_000:
            raise InvalidValueError("limit", limit, "a whole number 1 to 10000")
        self.desk.catch_up()
        rows = self.desk.dead_letter_index.query(
            self.desk.projector.db, state=state, channel=channel, limit=limit
        )
        return [
            DeadLetterSummary(
                id=row["id"],
                channel=row["channel"],
                kind=row["kind"],
                reason=row["reason"],
                size=int(row["size"]),
                state=row["state"],
                received_at=read_time(row["received_at"]),
                attempts=int(row["attempts"]),
            )
            for row in rows
        ]

    def show(self, ref: str, *, actor: str = "system") -> DeadLetterView:
        self.desk.tenancy.guard(actor, "read dead letters")
        letter = self._load(ref)
        return DeadLetterView(
            id=str(letter.id),
            channel=letter.channel,
            kind=letter.kind,
            reason=letter.reason,
            size=letter.size,
            state=letter.state,
            received_at=letter.created_on,
            headers=dict(letter.headers),
            payload=base64.b64decode(letter.payload),
            history=letter.attempts,
        )

    def retry(self, ref: str, *, actor: str = "system") -> list[IntakeResult]:
        """Run the payload through intake again, with the channel as configured now.

        If intake takes it, the letter is settled (``resolved``); if not, it stays
        open with the new reason. A retried payload whose messages were taken
        meanwhile is a duplicate, and that settles it too.
        """
        self.desk.tenancy.guard(actor, "retry dead letters")
        letter = self._load(ref)
        letter.check_open("retry")
        if len(base64.b64decode(letter.payload)) < letter.size:
            raise InvalidValueError(
                "dead letter", str(letter.id), "a payload kept whole (this one was too large)"
            )
        channel = self.desk.channels.get(letter.channel)
        results = self.desk.intake.take(
            channel, base64.b64decode(letter.payload), letter.headers, actor=actor, keep=False
        )
        failed = [r for r in results if not r.taken]
        letter = self._load(ref)
        if failed:
            letter.record_retry(
                taken=False,
                detail="; ".join(r.reason or r.status for r in failed),
                incidents=[],
                actor=actor,
                at=self.desk.clock.now(),
            )
        else:
            letter.record_retry(
                taken=True,
                detail=", ".join(r.status for r in results) or "nothing in it",
                incidents=[r.incident for r in results if r.incident],
                actor=actor,
                at=self.desk.clock.now(),
            )
        self.desk.save(letter)
        return results

    def discard(self, ref: str, *, reason: str = "", actor: str = "system") -> DeadLetterSummary:
        """Settle a dead letter without taking it; the letter stays in the history."""
        self.desk.tenancy.guard(actor, "discard dead letters")
        letter = self._load(ref)
        letter.discard(reason.strip() or "discarded", actor=actor, at=self.desk.clock.now())
        self.desk.save(letter)
        return self._summary(letter)

    def _summary(self, letter: DeadLetter) -> DeadLetterSummary:
        return DeadLetterSummary(
            id=str(letter.id),
            channel=letter.channel,
            kind=letter.kind,
            reason=letter.reason,
            size=letter.size,
            state=letter.state,
            received_at=letter.created_on,
            attempts=sum(1 for _, outcome, _ in letter.attempts if outcome != "discarded"),
        )
