"""The Incident aggregate: the ITIL incident lifecycle, event-sourced.

Each public command checks its rules first and then triggers exactly one event
through a private ``@event`` method whose body is the state change (it runs
again on replay, so it holds no rules and does no I/O). Every event records the
actor and the time, both given by the caller (the application reads the time
from its injected clock).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

import attrs
from eventsourcing.domain import Aggregate, event

from eventdesk.domain.numbering import format_number, incident_id, parse_number
from eventdesk.domain.priority import check_level, check_priority
from eventdesk.errors import (
    IllegalTransitionError,
    IncidentClosedError,
    IncidentLinkError,
    InvalidValueError,
    MajorIncidentError,
)


class State(StrEnum):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    ON_HOLD = "on_hold"
    RESOLVED = "resolved"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class HoldReason(StrEnum):
    AWAITING_CALLER = "awaiting_caller"
    AWAITING_VENDOR = "awaiting_vendor"
    AWAITING_PROBLEM = "awaiting_problem"
    AWAITING_CHANGE = "awaiting_change"


class AuthorKind(StrEnum):
    """Who wrote a message of the conversation.

    Only a public message by a human ``agent`` answers the customer: a ``bot``'s
    answer, a ``system`` message (an automatic acknowledgement) and an internal
    note never meet a response or reply target.
    """

    CUSTOMER = "customer"
    AGENT = "agent"
    BOT = "bot"
    SYSTEM = "system"


def check_author_kind(kind: Any) -> AuthorKind:
    try:
        return AuthorKind(kind)
    except ValueError:
        raise InvalidValueError(
            "author kind", kind, "one of " + ", ".join(k.value for k in AuthorKind)
        ) from None


def _inferred_author(actor: str, caller: str | None, public: bool) -> AuthorKind:
    """A message whose author kind was not given: the customer's if the caller wrote it
    in public, else a human agent's."""
    return AuthorKind.CUSTOMER if public and actor == caller else AuthorKind.AGENT


def author_kind_of(event: Any, caller: str | None) -> AuthorKind:
    """The author kind a ``Commented`` event records (inferred for events stored before
    author kinds existed)."""
    kind = getattr(event, "author_kind", None)
    if kind:
        return AuthorKind(kind)
    return _inferred_author(event.actor, caller, event.public)


def answers_customer(event: Any, caller: str | None) -> bool:
    """True for a ``Commented`` event that answers the customer: public, by a human agent."""
    return bool(event.public) and author_kind_of(event, caller) == AuthorKind.AGENT


@attrs.frozen
class Attachment:
    """What the desk keeps of an attachment: its metadata, not its bytes."""

    name: str
    content_type: str
    size: int

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Attachment:
        try:
            name, content_type, size = data["name"], data["content_type"], data["size"]
        except (KeyError, TypeError):
            raise InvalidValueError(
                "attachment", data, "a mapping with name, content_type and size"
            ) from None
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise InvalidValueError("attachment size", size, "a whole number of bytes")
        return cls(
            name=_text("attachment name", name, max_length=255) or "unnamed",
            content_type=_text("attachment type", content_type, max_length=255)
            or "application/octet-stream",
            size=size,
        )

    def to_mapping(self) -> dict[str, Any]:
        return {"name": self.name, "content_type": self.content_type, "size": self.size}


@attrs.frozen
class Message:
    """One entry of an incident's conversation: a comment, a work note, or a message
    that came in or went out on a channel."""

    at: datetime
    actor: str
    text: str
    public: bool
    author_kind: AuthorKind
    channel: str | None = None
    message_id: str | None = None
    contact: str | None = None
    attachments: tuple[Attachment, ...] = ()


@attrs.frozen
class KnownErrorGiven:
    """A known error linked to an incident, with the workaround as it was given."""

    article: str
    problem: str | None
    title: str
    workaround: str
    at: datetime
    actor: str


OPEN_STATES = frozenset({State.NEW, State.IN_PROGRESS, State.ON_HOLD})
FINAL_STATES = frozenset({State.CLOSED, State.CANCELLED})

# The lifecycle, as data: transition -> (states it may start from, state it leads to).
TRANSITIONS: dict[str, tuple[frozenset[State], State]] = {
    "start": (frozenset({State.NEW}), State.IN_PROGRESS),
    "hold": (frozenset({State.IN_PROGRESS}), State.ON_HOLD),
    "resume": (frozenset({State.ON_HOLD}), State.IN_PROGRESS),
    "resolve": (OPEN_STATES, State.RESOLVED),
    "reopen": (frozenset({State.RESOLVED}), State.IN_PROGRESS),
    "close": (frozenset({State.RESOLVED}), State.CLOSED),
    "cancel": (OPEN_STATES, State.CANCELLED),
}

SUMMARY_MAX = 200
NOTES_MAX = 4000  # descriptions, notes, comments


def _text(field: str, value: Any, *, required: bool = False, max_length: int = NOTES_MAX) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidValueError(field, value, "text")
    value = value.strip()
    if required and not value:
        raise InvalidValueError(field, value, "a non-empty text")
    if len(value) > max_length:
        raise InvalidValueError(field, f"{value[:20]}…", f"at most {max_length} characters")
    return value


def _optional(field: str, value: Any) -> str | None:
    return _text(field, value, max_length=200) or None


def check_hold_reason(reason: Any) -> HoldReason:
    try:
        return HoldReason(reason)
    except ValueError:
        raise InvalidValueError(
            "hold reason", reason, "one of " + ", ".join(r.value for r in HoldReason)
        ) from None


class Incident(Aggregate):
    """An unplanned interruption or degradation of a service."""

    # --- creation ----------------------------------------------------------

    @staticmethod
    def create_id(sequence: int) -> UUID:
        return incident_id(sequence)

    @classmethod
    def open(
        cls,
        *,
        sequence: int,
        summary: str,
        impact: int,
        urgency: int,
        priority: int,
        actor: str,
        at: datetime,
        description: str = "",
        category: str | None = None,
        subcategory: str | None = None,
        configuration_item: str | None = None,
        caller: str | None = None,
        tenant: str | None = None,
        contact: str | None = None,
        channel: str | None = None,
    ) -> Incident:
        return cls(
            sequence=sequence,
            summary=_text("summary", summary, required=True, max_length=SUMMARY_MAX),
            description=_text("description", description),
            impact=check_level("impact", impact),
            urgency=check_level("urgency", urgency),
            priority=check_priority("priority", priority),
            category=_optional("category", category),
            subcategory=_optional("subcategory", subcategory),
            configuration_item=_optional("configuration item", configuration_item),
            caller=_optional("caller", caller),
            actor=actor,
            timestamp=at,
            tenant=_optional("tenant", tenant),
            contact=_optional("contact", contact),
            channel=_optional("channel", channel),
        )

    @event("Opened")
    def __init__(
        self,
        sequence: int,
        summary: str,
        description: str,
        impact: int,
        urgency: int,
        priority: int,
        category: str | None,
        subcategory: str | None,
        configuration_item: str | None,
        caller: str | None,
        actor: str,
        timestamp: datetime,
        tenant: str | None = None,  # absent from events stored before tenancy
        contact: str | None = None,  # absent from events stored before contacts
        channel: str | None = None,  # the channel it came in on; absent before channels
    ) -> None:
        self.sequence = sequence
        self.tenant = tenant
        self.contact = contact
        self.channel = channel
        # The channel the customer last wrote on: where a reply goes unless told otherwise.
        self.last_customer_channel = channel
        self.number = format_number(sequence)
        self.summary = summary
        self.description = description
        self.impact = impact
        self.urgency = urgency
        self.priority = priority
        self.category = category
        self.subcategory = subcategory
        self.configuration_item = configuration_item
        self.caller = caller
        self.state = State.NEW
        self.hold_reason: HoldReason | None = None
        self.assignment_group: str | None = None
        self.assignee: str | None = None
        self.reassignment_count = 0
        self.reopen_count = 0
        self.resolution_code: str | None = None
        self.resolution_notes: str | None = None
        self.cancel_reason: str | None = None
        self.major = False
        self.parent_number: str | None = None
        self.child_numbers: tuple[str, ...] = ()
        self.problem: str | None = None
        self.known_errors: tuple[KnownErrorGiven, ...] = ()
        # The conversation, in order; a tuple of frozen values, so a state copy never aliases.
        self.comments: tuple[Message, ...] = ()
        self.opened_by = actor
        self.resolved_at: datetime | None = None
        self.resolved_by: str | None = None
        self.closed_at: datetime | None = None
        # "response:75%", "next_reply#2:breach", "waiting#1:limit", ...: each SLA moment
        # is raised once.
        self.sla_raised: tuple[str, ...] = ()
        self.escalation_level: str | None = None
        self.work_minutes = 0

    # --- rules ---------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def parent_id(self) -> UUID | None:
        return incident_id(parse_number(self.parent_number)) if self.parent_number else None

    def check_transition(self, transition: str) -> State:
        sources, target = TRANSITIONS[transition]
        if self.state not in sources:
            raise IllegalTransitionError(self.number, transition, self.state.value)
        return target

    def check_open(self, action: str) -> None:
        if not self.is_open:
            raise IncidentClosedError(self.number, action, self.state.value)

    def check_not_final(self, action: str) -> None:
        if self.state in FINAL_STATES:
            raise IncidentClosedError(self.number, action, self.state.value)

    # --- lifecycle -----------------------------------------------------------

    def start(self, *, actor: str, at: datetime) -> None:
        self.check_transition("start")
        self._started(actor=actor, timestamp=at)

    @event("Started")
    def _started(self, actor: str, timestamp: datetime) -> None:
        self.state = State.IN_PROGRESS

    def hold(self, reason: str, *, actor: str, at: datetime, note: str = "") -> None:
        self.check_transition("hold")
        hold_reason = check_hold_reason(reason)
        self._put_on_hold(
            reason=hold_reason.value, note=_text("note", note), actor=actor, timestamp=at
        )

    @event("PutOnHold")
    def _put_on_hold(self, reason: str, note: str, actor: str, timestamp: datetime) -> None:
        self.state = State.ON_HOLD
        self.hold_reason = HoldReason(reason)

    def resume(self, *, actor: str, at: datetime) -> None:
        self.check_transition("resume")
        self._resumed(actor=actor, timestamp=at)

    @event("Resumed")
    def _resumed(self, actor: str, timestamp: datetime) -> None:
        self.state = State.IN_PROGRESS
        self.hold_reason = None

    def resolve(self, code: str, notes: str = "", *, actor: str, at: datetime) -> None:
        self.check_transition("resolve")
        self._resolved(
            code=_text("resolution code", code, required=True, max_length=100),
            notes=_text("resolution notes", notes),
            actor=actor,
            timestamp=at,
        )

    @event("Resolved")
    def _resolved(self, code: str, notes: str, actor: str, timestamp: datetime) -> None:
        self.state = State.RESOLVED
        self.hold_reason = None
        self.resolution_code = code
        self.resolution_notes = notes
        self.resolved_at = timestamp
        self.resolved_by = actor

    def reopen(self, reason: str = "", *, actor: str, at: datetime) -> None:
        self.check_transition("reopen")
        self._reopened(reason=_text("reopen reason", reason), actor=actor, timestamp=at)

    @event("Reopened")
    def _reopened(self, reason: str, actor: str, timestamp: datetime) -> None:
        self.state = State.IN_PROGRESS
        self.reopen_count += 1
        self.resolution_code = None
        self.resolution_notes = None
        self.resolved_at = None
        self.resolved_by = None

    def close(self, *, actor: str, at: datetime) -> None:
        self.check_transition("close")
        self._closed(actor=actor, timestamp=at)

    @event("Closed")
    def _closed(self, actor: str, timestamp: datetime) -> None:
        self.state = State.CLOSED
        self.closed_at = timestamp

    def cancel(self, reason: str, *, actor: str, at: datetime) -> None:
        self.check_transition("cancel")
        self._cancelled(
            reason=_text("cancel reason", reason, required=True, max_length=500),
            actor=actor,
            timestamp=at,
        )

    @event("Cancelled")
    def _cancelled(self, reason: str, actor: str, timestamp: datetime) -> None:
        self.state = State.CANCELLED
        self.hold_reason = None
        self.cancel_reason = reason
        self.closed_at = timestamp

    # --- work on the incident ------------------------------------------------

    def assign(self, group: str | None, assignee: str | None, *, actor: str, at: datetime) -> bool:
        """Assign to a group and/or agent; returns False when nothing changes."""
        self.check_open("assign")
        group = _optional("assignment group", group)
        assignee = _optional("assignee", assignee)
        if group is None and assignee is None:
            raise InvalidValueError("assignment", None, "an assignment group or an assignee")
        new_group = group if group is not None else self.assignment_group
        if new_group == self.assignment_group and assignee == self.assignee:
            return False
        self._assigned(group=new_group, assignee=assignee, actor=actor, timestamp=at)
        return True

    @event("Assigned")
    def _assigned(
        self, group: str | None, assignee: str | None, actor: str, timestamp: datetime
    ) -> None:
        # A reassignment is a hop after the first assignment: to another group, or from
        # one agent to another. An agent picking up its group's unassigned incident is not.
        picked_up = self.assignee is None and group == self.assignment_group
        if (self.assignment_group is not None or self.assignee is not None) and not picked_up:
            self.reassignment_count += 1
        self.assignment_group = group
        self.assignee = assignee

    def escalate_to(self, group: str, reason: str, *, actor: str, at: datetime) -> None:
        """Functional escalation: hand over to a specialist group (a reassignment)."""
        self.check_open("escalate")
        group = _optional("specialist group", group)
        if group is None:
            raise InvalidValueError("specialist group", group, "the group to escalate to")
        if group == self.assignment_group and self.assignee is None:
            raise InvalidValueError("specialist group", group, "a group other than the current one")
        self._functionally_escalated(
            group=group, reason=_text("reason", reason, max_length=500), actor=actor, timestamp=at
        )

    @event("FunctionallyEscalated")
    def _functionally_escalated(
        self, group: str, reason: str, actor: str, timestamp: datetime
    ) -> None:
        if self.assignment_group is not None or self.assignee is not None:
            self.reassignment_count += 1
        self.assignment_group = group
        self.assignee = None

    def log_work(self, minutes: int, *, team: str | None, actor: str, at: datetime) -> None:
        """Record time worked on the incident (minutes, by the actor, for a team)."""
        self.check_not_final("log work on")
        if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= 1440:
            raise InvalidValueError("minutes", minutes, "a whole number of minutes, 1 to 1440")
        self._work_logged(minutes=minutes, team=team, actor=actor, timestamp=at)

    @event("WorkLogged")
    def _work_logged(self, minutes: int, team: str | None, actor: str, timestamp: datetime) -> None:
        self.work_minutes += minutes

    def add_comment(
        self,
        text: str,
        *,
        public: bool,
        actor: str,
        at: datetime,
        author_kind: str | None = None,
        channel: str | None = None,
        message_id: str | None = None,
        contact: str | None = None,
        attachments: Iterable[Mapping[str, Any] | Attachment] = (),
    ) -> None:
        """Add to the conversation: a public message, or an internal work note.

        ``author_kind`` says who wrote it (default: the customer if the actor is
        the caller, else a human agent); ``channel``, ``message_id`` and
        ``contact`` say where a message came from or goes to.
        """
        self.check_not_final("comment on")
        if author_kind is None:
            kind = _inferred_author(actor, self.caller, public)
        else:
            kind = check_author_kind(author_kind)
            if not public and kind == AuthorKind.CUSTOMER:
                raise InvalidValueError(
                    "author kind", kind.value, "the desk's for an internal work note"
                )
        files = [
            a if isinstance(a, Attachment) else Attachment.from_mapping(a) for a in attachments
        ]
        self._commented(
            text=_text("comment", text, required=not files) or "(attachments only)",
            public=public,
            actor=actor,
            timestamp=at,
            author_kind=kind.value,
            channel=_optional("channel", channel),
            message_id=_text("message id", message_id, max_length=998) or None,
            contact=_optional("contact", contact),
            attachments=[file.to_mapping() for file in files],
        )

    @event("Commented")
    def _commented(
        self,
        text: str,
        public: bool,
        actor: str,
        timestamp: datetime,
        # Absent from events stored before the conversation had channels:
        author_kind: str | None = None,
        channel: str | None = None,
        message_id: str | None = None,
        contact: str | None = None,
        attachments: list[dict[str, Any]] | None = None,
    ) -> None:
        kind = (
            AuthorKind(author_kind) if author_kind else _inferred_author(actor, self.caller, public)
        )
        self.comments = (
            *self.comments,
            Message(
                at=timestamp,
                actor=actor,
                text=text,
                public=public,
                author_kind=kind,
                channel=channel,
                message_id=message_id,
                contact=contact,
                attachments=tuple(
                    Attachment(a["name"], a["content_type"], a["size"]) for a in attachments or ()
                ),
            ),
        )
        if kind == AuthorKind.CUSTOMER and channel:
            self.last_customer_channel = channel

    def categorise(
        self,
        *,
        category: str | None,
        subcategory: str | None,
        configuration_item: str | None,
        actor: str,
        at: datetime,
    ) -> None:
        self.check_open("categorise")
        self._categorised(
            category=_optional("category", category),
            subcategory=_optional("subcategory", subcategory),
            configuration_item=_optional("configuration item", configuration_item),
            actor=actor,
            timestamp=at,
        )

    @event("Categorised")
    def _categorised(
        self,
        category: str | None,
        subcategory: str | None,
        configuration_item: str | None,
        actor: str,
        timestamp: datetime,
    ) -> None:
        self.category = category
        self.subcategory = subcategory
        self.configuration_item = configuration_item

    def reprioritise(
        self, *, impact: int, urgency: int, priority: int, actor: str, at: datetime
    ) -> None:
        self.check_open("reprioritise")
        self._reprioritised(
            impact=check_level("impact", impact),
            urgency=check_level("urgency", urgency),
            priority=check_priority("priority", priority),
            actor=actor,
            timestamp=at,
        )

    @event("Reprioritised")
    def _reprioritised(
        self, impact: int, urgency: int, priority: int, actor: str, timestamp: datetime
    ) -> None:
        self.impact = impact
        self.urgency = urgency
        self.priority = priority
        if priority != 1:
            self.major = False

    def declare_major(self, *, actor: str, at: datetime) -> None:
        self.check_open("declare a major incident on")
        if self.priority != 1:
            raise MajorIncidentError(
                f"{self.number}: only a P1 can be a major incident (this is P{self.priority})",
                incident=self.number,
                priority=self.priority,
            )
        if self.major:
            raise MajorIncidentError(
                f"{self.number} is already a major incident", incident=self.number
            )
        self._major_declared(actor=actor, timestamp=at)

    @event("MajorDeclared")
    def _major_declared(self, actor: str, timestamp: datetime) -> None:
        self.major = True

    def link_parent(self, parent: Incident, *, actor: str, at: datetime) -> None:
        self.check_open("link a parent to")
        if parent.id == self.id:
            raise IncidentLinkError(f"{self.number} cannot be its own parent", incident=self.number)
        if not parent.is_open:
            raise IncidentLinkError(
                f"{self.number}: parent {parent.number} is {parent.state.value}",
                incident=self.number,
                parent=parent.number,
            )
        if parent.parent_number is not None:
            raise IncidentLinkError(
                f"{self.number}: {parent.number} is itself a child of {parent.parent_number}",
                incident=self.number,
                parent=parent.number,
            )
        if self.child_numbers:
            raise IncidentLinkError(
                f"{self.number} has children of its own and cannot become a child",
                incident=self.number,
            )
        if self.parent_number is not None:
            raise IncidentLinkError(
                f"{self.number} already has parent {self.parent_number}",
                incident=self.number,
                parent=self.parent_number,
            )
        self._parent_linked(parent=parent.number, actor=actor, timestamp=at)
        parent._child_linked(child=self.number, actor=actor, timestamp=at)

    @event("ParentLinked")
    def _parent_linked(self, parent: str, actor: str, timestamp: datetime) -> None:
        self.parent_number = parent

    @event("ChildLinked")
    def _child_linked(self, child: str, actor: str, timestamp: datetime) -> None:
        self.child_numbers = (*self.child_numbers, child)

    def link_problem(self, problem: str, *, actor: str, at: datetime) -> None:
        self.check_not_final("link a problem to")
        self._problem_linked(
            problem=_text("problem", problem, required=True, max_length=100),
            actor=actor,
            timestamp=at,
        )

    @event("ProblemLinked")
    def _problem_linked(self, problem: str, actor: str, timestamp: datetime) -> None:
        self.problem = problem

    def link_known_error(
        self,
        *,
        article: str,
        problem: str | None,
        title: str,
        workaround: str,
        actor: str,
        at: datetime,
    ) -> bool:
        """Record the known error whose workaround the incident was given (once per
        known error); returns False if it was linked already."""
        self.check_not_final("link a known error to")
        if any(given.article == article for given in self.known_errors):
            return False
        self._known_error_linked(
            article=article,
            problem=problem,
            title=title,
            workaround=workaround,
            actor=actor,
            timestamp=at,
        )
        return True

    @event("KnownErrorLinked")
    def _known_error_linked(
        self,
        article: str,
        problem: str | None,
        title: str,
        workaround: str,
        actor: str,
        timestamp: datetime,
    ) -> None:
        given = KnownErrorGiven(article, problem, title, workaround, timestamp, actor)
        self.known_errors = (*self.known_errors, given)
        # An incident matched to a known error belongs to the known error's problem.
        if self.problem is None:
            self.problem = problem

    # --- service levels ------------------------------------------------------

    def check_sla_not_raised(self, metric: str, kind: str) -> bool:
        """True if this SLA moment has not been raised yet."""
        return f"{metric}:{kind}" not in self.sla_raised

    def raise_sla_warning(
        self, metric: str, threshold: str, *, due_at: datetime, actor: str, at: datetime
    ) -> bool:
        """Raise a warning once; returns False if it was raised before."""
        if not self.check_sla_not_raised(metric, threshold):
            return False
        self._sla_warning_raised(
            metric=metric, threshold=threshold, due_at=due_at, actor=actor, timestamp=at
        )
        return True

    @event("SlaWarningRaised")
    def _sla_warning_raised(
        self, metric: str, threshold: str, due_at: datetime, actor: str, timestamp: datetime
    ) -> None:
        self.sla_raised = (*self.sla_raised, f"{metric}:{threshold}")

    def record_sla_breach(self, metric: str, *, due_at: datetime, actor: str, at: datetime) -> bool:
        """Record a breach once; returns False if it was recorded before."""
        if not self.check_sla_not_raised(metric, "breach"):
            return False
        self._sla_breached(metric=metric, due_at=due_at, actor=actor, timestamp=at)
        return True

    @event("SlaBreached")
    def _sla_breached(self, metric: str, due_at: datetime, actor: str, timestamp: datetime) -> None:
        self.sla_raised = (*self.sla_raised, f"{metric}:breach")

    def record_waiting_limit(
        self,
        cycle: str,
        *,
        due_at: datetime,
        action: str,
        reason: str,
        actor: str,
        at: datetime,
    ) -> bool:
        """Record once that a customer has waited past the policy's limit in this waiting
        cycle (``waiting#2``), and what the desk does about it; False if recorded before."""
        if not self.check_sla_not_raised(cycle, "limit"):
            return False
        self._waiting_limit_reached(
            metric=cycle,
            due_at=due_at,
            action=action,
            reason=_text("reason", reason, required=True, max_length=500),
            actor=actor,
            timestamp=at,
        )
        return True

    @event("WaitingLimitReached")
    def _waiting_limit_reached(
        self,
        metric: str,
        due_at: datetime,
        action: str,
        reason: str,
        actor: str,
        timestamp: datetime,
    ) -> None:
        self.sla_raised = (*self.sla_raised, f"{metric}:limit")

    def escalate_hierarchically(
        self, level: str, reason: str, *, actor: str, at: datetime, supervisor: str | None = None
    ) -> None:
        """Bring in a management level (shift manager, team manager, director), and the
        person who holds it in the incident's team when the team names one."""
        self._escalated(
            level=level,
            reason=_text("reason", reason, required=True),
            actor=actor,
            timestamp=at,
            supervisor=supervisor,
        )

    @event("Escalated")
    def _escalated(
        self,
        level: str,
        reason: str,
        actor: str,
        timestamp: datetime,
        supervisor: str | None = None,  # absent from events stored before teams existed
    ) -> None:
        self.escalation_level = level
