"""A phone call, as an aggregate: offered, through the IVR, decided, answered, ended."""

from __future__ import annotations

import uuid
from datetime import datetime

from eventsourcing.domain import Aggregate, event

NAMESPACE = uuid.UUID("0b6f8f4e-2f57-4d0e-9d55-6f1c51f1a7c3")
OPEN_STATES = ("ivr", "queued", "diverted", "answered")


def call_id(call: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"call:{call}")


class Call(Aggregate):
    """One call: each thing that happens to it is an event; ``state`` is where it is
    (``ivr``, ``queued``, ``diverted``, ``answered``, ``ended``, ``abandoned``)."""

    @staticmethod
    def create_id(call: str) -> uuid.UUID:
        return call_id(call)

    @event("Offered")
    def __init__(
        self,
        call: str,
        caller: str,
        dialled: str | None,
        tenant: str | None,
        incident: str | None,
        contact: str | None,
        timestamp: datetime,
    ) -> None:
        self.call = call
        self.caller = caller
        self.dialled = dialled
        self.tenant = tenant
        self.incident = incident
        self.contact = contact
        self.offered_at = timestamp
        self.state = "ivr"
        self.menu: str | None = None
        self.steps: list[dict[str, str | None]] = []
        self.outcome: str | None = None  # queued | diverted | callback
        self.queue: str | None = None
        self.team: str | None = None
        self.diverted_to: str | None = None
        self.callback = False
        self.callback_done_at: datetime | None = None
        self.callback_agent: str | None = None
        self.agent: str | None = None
        self.answered_at: datetime | None = None
        self.ended_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @event("Stepped")
    def step(
        self, menu: str, digits: str | None, action: str, detail: str | None, timestamp: datetime
    ) -> None:
        """The caller heard a menu, pressed keys, or was read an answer."""
        self.menu = menu
        self.steps.append({"menu": menu, "digits": digits, "action": action, "detail": detail})

    @event("Decided")
    def decide(
        self,
        tenant: str | None,
        outcome: str,
        queue: str | None,
        team: str | None,
        to: str | None,
        estimated_wait_minutes: int | None,
        reason: str,
        timestamp: datetime,
    ) -> None:
        """Where the call goes: queued for the team, diverted, or a callback instead."""
        self.outcome, self.queue, self.team = outcome, queue, team
        self.diverted_to = to
        self.state = {"queued": "queued", "diverted": "diverted", "callback": "ended"}[outcome]
        self.callback = outcome == "callback"
        if self.callback:
            self.ended_at = timestamp

    @event("CallbackRequested")
    def request_callback(self, reason: str, timestamp: datetime) -> None:
        self.callback, self.state, self.ended_at = True, "ended", timestamp

    @event("CallbackDone")
    def callback_done(self, agent: str, note: str | None, timestamp: datetime) -> None:
        self.callback_done_at, self.callback_agent = timestamp, agent

    @event("Answered")
    def answer(self, agent: str | None, timestamp: datetime) -> None:
        self.state, self.agent, self.answered_at = "answered", agent, timestamp

    @event("Transferred")
    def transfer(self, to: str, timestamp: datetime) -> None:
        if to.startswith("+"):
            self.diverted_to, self.state = to, "diverted"
        else:
            self.agent, self.state = to, "answered"

    @event("Ended")
    def end(self, timestamp: datetime) -> None:
        self.state, self.ended_at = "ended", timestamp

    @event("Abandoned")
    def abandon(self, timestamp: datetime) -> None:
        self.state, self.ended_at = "abandoned", timestamp
