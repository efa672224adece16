"""The ServiceDesk application: the public API of the engine.

Each command is *get → change → save*, answers with a frozen view, and reads
the time only from the injected clock. Queries never return aggregates.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from datetime import datetime
from enum import Enum
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError, Recording

from eventdesk.channels.registry import ChannelRegistry
from eventdesk.clock import Clock, SystemClock
from eventdesk.contacts.service import ContactService
from eventdesk.contingency.service import ContingencyService
from eventdesk.domain.incident import NOTES_MAX, Incident, Message
from eventdesk.domain.numbering import find_last_number, incident_id, parse_number
from eventdesk.domain.priority import PriorityMatrix, check_level
from eventdesk.errors import ConcurrencyConflictError, IncidentNotFoundError, InvalidValueError
from eventdesk.escalation.service import EscalationService
from eventdesk.intake.dead_letters import DeadLetterService
from eventdesk.intake.service import IntakeService
from eventdesk.knowledge.service import KnowledgeService
from eventdesk.plugins import get_plugin_manager
from eventdesk.privacy.at_rest import store_cipher_env
from eventdesk.privacy.keys import KeyStore
from eventdesk.privacy.mapper import SealsPersonalData
from eventdesk.projections.base import Projector
from eventdesk.projections.definitions import DefinitionIndex
from eventdesk.projections.incidents import IncidentList
from eventdesk.projections.intake import DeadLetterIndex, DeliveryIndex
from eventdesk.projections.metrics import MetricsIndex
from eventdesk.projections.sla_timers import SlaTimerIndex
from eventdesk.projections.tokens import TokenIndex
from eventdesk.projections.work_log import WorkLog
from eventdesk.reports.facts import sla_facts
from eventdesk.retry import RETRYABLE_COMMANDS, ConflictCounts, RetryPolicy
from eventdesk.sla.service import SlaService
from eventdesk.storage import StoreConfig
from eventdesk.tenancy.access import Actor, ActorKind
from eventdesk.tenancy.model import TeamKind
from eventdesk.tenancy.service import TenancyService, UnknownNameError
from eventdesk.tokens.service import TokenService
from eventdesk.views import (
    AttachmentInfo,
    Comment,
    HistoryEntry,
    IncidentSummary,
    IncidentView,
    KnownErrorLink,
    Page,
)

IncidentRef = str | int | UUID
"""An incident number (``INC0000042``, ``42``) or its aggregate id."""

SYSTEM_ACTOR = "system"
_MAX_NUMBER_CLAIMS = 1000
# Event attributes that every event has; the rest is the event's own data.
_ENVELOPE = {"originator_id", "originator_version", "timestamp", "originator_topic", "actor"}
# Aggregate attributes shown in the audit trail as event data rather than as changes.
_COLLECTIONS = {"comments", "child_numbers", "sla_raised", "known_errors"}


class ServiceDesk(SealsPersonalData, Application):
    """An event-sourced ITIL service desk.

    >>> from eventdesk import ServiceDesk
    >>> desk = ServiceDesk(db=":memory:")
    >>> incident = desk.open_incident("Mail server down", impact=1, urgency=1, actor="ana")
    >>> incident.number, incident.priority, incident.state
    ('INC0000001', 1, 'new')
    >>> desk.start(incident.number, actor="ana").state
    'in_progress'
    >>> desk.close()
    """

    name = "ServiceDesk"

    def __init__(
        self,
        db: str | None = None,
        *,
        clock: Clock | None = None,
        priority_matrix: PriorityMatrix | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        self.store = StoreConfig.parse(db)
        self.store.prepare()
        self.clock: Clock = clock or SystemClock()
        self.priority_matrix = priority_matrix or PriorityMatrix.default()
        self._open_lock = threading.Lock()
        self.retry_policy = RetryPolicy()
        self.conflicts = ConflictCounts()
        self._last_number: int | None = None
        self.personal_keys = KeyStore.open(self.store)
        with self.store.setup_lock():
            super().__init__(
                env={**self.store.eventsourcing_env(), **store_cipher_env(), **(env or {})}
            )
            self.sla = SlaService(self)
            self.tenancy = TenancyService(self)
            self.channels = ChannelRegistry(self)
            self.escalations = EscalationService(self)
            self.contacts = ContactService(self)
            self.intake = IntakeService(self)
            self.dead_letters = DeadLetterService(self)
            self.knowledge = KnowledgeService(self)
            self.contingency = ContingencyService(self)
            self.definition_index = DefinitionIndex()
            self.incident_list = IncidentList()
            self.sla_timer_index = SlaTimerIndex(self.sla.timers_for, self.sla.config)
            self.tokens = TokenService(self)
            self.work_log = WorkLog()
            self.dead_letter_index = DeadLetterIndex()
            self.delivery_index = DeliveryIndex()
            self.token_index = TokenIndex()
            self.metrics_index = MetricsIndex(lambda incident_id: sla_facts(self, incident_id))
            self.projector = Projector(
                self,
                self.store.open_sql(),
                [
                    self.definition_index,
                    self.incident_list,
                    self.sla_timer_index,
                    self.work_log,
                    self.contacts.index,
                    self.dead_letter_index,
                    self.delivery_index,
                    self.knowledge.index,
                    self.token_index,
                    self.metrics_index,
                ],
            )

    def _notify(self, recordings: list[Recording[UUID]]) -> None:
        """Hand every event just saved to the plugins that implement ``track_event``."""
        track_event = get_plugin_manager().hook.track_event
        if not track_event.get_hookimpls():  # the usual case: no plugin asks
            return
        for recording in recordings:
            track_event(desk=self, event=recording.domain_event)

    def close(self) -> None:
        """Release the database connections (also on ``with ServiceDesk(...) as desk``)."""
        projector = getattr(self, "projector", None)
        if projector is not None:
            projector.db.close()
        self.personal_keys.close()
        super().close()

    # --- references ----------------------------------------------------------

    def resolve_id(self, ref: IncidentRef) -> UUID:
        """The aggregate id for an incident number or id (not checked to exist)."""
        if isinstance(ref, UUID):
            return ref
        if isinstance(ref, int) and not isinstance(ref, bool) and ref > 0:
            return incident_id(ref)
        if isinstance(ref, str):
            sequence = parse_number(ref)
            if sequence is None and ref.strip().isdigit():
                sequence = int(ref.strip())
            if sequence is not None and sequence > 0:
                return incident_id(sequence)
            try:
                return UUID(ref.strip())
            except ValueError:
                pass
        raise IncidentNotFoundError(ref)

    def _get(self, ref: IncidentRef, *, version: int | None = None) -> Incident:
        try:
            aggregate = self.repository.get(
                self.resolve_id(ref), version=version, projector_func=_project
            )
        except AggregateNotFoundError:
            raise IncidentNotFoundError(ref) from None
        if not isinstance(aggregate, Incident):  # the id of a setting, a calendar...
            raise IncidentNotFoundError(ref)
        return aggregate

    # --- numbering -----------------------------------------------------------

    def _number_taken(self, sequence: int) -> bool:
        return bool(self.recorder.select_events(incident_id(sequence), limit=1))

    def _find_last_number(self, known: int) -> int:
        """The highest incident number issued, searching up from ``known`` (issued, or 0)."""
        return find_last_number(self._number_taken, known)

    # --- commands ------------------------------------------------------------

    def open_incident(
        self,
        summary: str,
        *,
        impact: int,
        urgency: int,
        actor: str = SYSTEM_ACTOR,
        description: str = "",
        category: str | None = None,
        subcategory: str | None = None,
        configuration_item: str | None = None,
        caller: str | None = None,
        assignment_group: str | None = None,
        assignee: str | None = None,
        parent: IncidentRef | None = None,
        tenant: str | None = None,
        channel: str | None = None,
        skill: str | None = None,
        language: str | None = None,
        contact: str | None = None,
    ) -> IncidentView:
        """Open an incident; its priority comes from the (tenant's) priority matrix.

        An incident of a tenant that nobody is assigned to waits in the routing
        queue (``desk.tenancy.route()``) for an agent who covers the tenant.
        ``channel`` is the channel the report came in on, if it came in on one
        (its work item takes the capacity of that channel; email's otherwise).
        ``contact`` (an id, or an identity such as ``ana@acme.example``) opens it
        for a known contact: replies then reach them on their channels, and
        their next message on any channel joins it.
        """
        if tenant is None and isinstance(actor, Actor) and actor.kind == ActorKind.TENANT_USER:
            tenant = actor.tenant
        if tenant is not None and not self.tenancy.has_tenant(tenant):
            raise UnknownNameError("tenant", tenant)
        self.tenancy.check(actor, "open", tenant=tenant)
        if assignment_group or assignee:
            # Assigning on opening is assigning: a tenant user may not; the team must serve.
            self.tenancy.check(actor, "assign", tenant=tenant)
            self.tenancy.check_assignment(tenant, assignment_group, assignee, actor=actor)
        impact = check_level("impact", impact)
        urgency = check_level("urgency", urgency)
        if parent is not None:
            # an unknown or foreign parent is refused before a number is claimed
            self.tenancy.check(actor, "link parent", self._get(parent))
        person = self.contacts.get_aggregate(contact) if contact is not None else None
        if person is not None and person.tenant not in (None, tenant):
            raise InvalidValueError(
                "contact", contact, f"a contact of tenant {tenant or 'none'} (not {person.tenant})"
            )
        read: dict[UUID, int] = {}

        def prepare() -> Callable[[Incident, datetime], list[Any]]:
            # Read the parent and the contact afresh on every attempt (a failed save leaves
            # the last copies changed by events that were never stored), before the time
            # of the attempt is taken: whatever changes them after this is a conflict.
            nonlocal read
            parent_incident = self._get(parent) if parent is not None else None
            read = _versions_read([parent_incident]) if parent_incident is not None else {}
            fresh = self.contacts.load(person.id) if person is not None else None

            def build(incident: Incident, at: datetime) -> list[Any]:
                changed: list[Any] = []
                if assignment_group or assignee:
                    incident.assign(assignment_group, assignee, actor=actor, at=at)
                if parent_incident is not None:
                    incident.link_parent(parent_incident, actor=actor, at=at)
                    changed.append(parent_incident)
                if fresh is not None:
                    fresh.note_incident(incident.number, actor=actor, at=at)
                    changed.append(fresh)
                return changed

            return build

        try:
            incident = self._open(
                summary=summary,
                impact=impact,
                urgency=urgency,
                actor=actor,
                description=description,
                category=category,
                subcategory=subcategory,
                configuration_item=configuration_item,
                caller=caller if caller is not None or person is None else person.name,
                tenant=tenant,
                contact=str(person.id) if person is not None else None,
                channel=channel,
                skill=skill,
                language=language,
                assigned=bool(assignee),
                also=prepare,
                retry_taken_numbers=True,
            )
        except IntegrityError:
            # Not the number: another process changed the parent or the contact meanwhile.
            if parent is not None:
                raise self._conflict(read, self._get(parent)) from None
            raise ConcurrencyConflictError("a new incident", None, None) from None
        return self._view(incident, actor)

    def _open_for_intake(
        self,
        *,
        summary: str,
        description: str,
        impact: int,
        urgency: int,
        caller: str | None,
        contact: str,
        tenant: str | None,
        channel: str,
        language: str | None,
        actor: str,
        also: Callable[[Incident, datetime], list[Any]],
    ) -> Incident:
        """Open an incident for a message that came in (intake's own path: no access
        checks, and any failed save raises IntegrityError for intake to start over)."""
        return self._open(
            summary=summary,
            impact=check_level("impact", impact),
            urgency=check_level("urgency", urgency),
            actor=actor,
            description=description,
            caller=_clip_field(caller),
            tenant=tenant,
            contact=contact,
            channel=channel,
            language=language,
            also=lambda: also,
            retry_taken_numbers=False,
        )

    def _open(
        self,
        *,
        summary: str,
        impact: int,
        urgency: int,
        actor: str,
        tenant: str | None,
        channel: str | None,
        also: Callable[[], Callable[[Incident, datetime], list[Any]]],
        retry_taken_numbers: bool,
        description: str = "",
        category: str | None = None,
        subcategory: str | None = None,
        configuration_item: str | None = None,
        caller: str | None = None,
        contact: str | None = None,
        skill: str | None = None,
        language: str | None = None,
        assigned: bool = False,
    ) -> Incident:
        """Claim the next number and save the new incident with what ``also`` adds:
        ``also()`` reads what the attempt needs, and returns what adds to the incident.

        Numbers are claimed by saving: a number another process took makes the
        save fail, and the next one is tried (if ``retry_taken_numbers``); any
        other failure raises IntegrityError.
        """
        matrix = self.tenancy.priority_matrix(tenant) or self.priority_matrix
        priority = matrix.priority(impact, urgency)
        with self._open_lock:
            for _ in range(_MAX_NUMBER_CLAIMS):
                if self._last_number is None:
                    self._last_number = self._find_last_number(0)
                sequence = self._last_number + 1
                add = also()
                at = self.clock.now()
                incident = Incident.open(
                    sequence=sequence,
                    summary=summary,
                    impact=impact,
                    urgency=urgency,
                    priority=priority,
                    description=description,
                    category=category,
                    subcategory=subcategory,
                    configuration_item=configuration_item,
                    caller=caller,
                    actor=actor,
                    at=at,
                    tenant=tenant,
                    contact=contact,
                    channel=channel,
                )
                changed: list[Any] = [incident, *add(incident, at)]
                if tenant is not None and not assigned:
                    changed.append(
                        self.tenancy.queue_for(
                            incident, channel=channel or "email", skill=skill, language=language
                        )
                    )
                try:
                    self.save(*changed)
                except IntegrityError:
                    taken = self._number_taken(sequence)
                    if taken:
                        self._last_number = self._find_last_number(sequence)
                    if taken and retry_taken_numbers:
                        continue
                    raise
                self._last_number = sequence
                return incident
        raise ConcurrencyConflictError("a new incident", None, None)

    def start(
        self, ref: IncidentRef, *, actor: str = SYSTEM_ACTOR, expected_version: int | None = None
    ) -> IncidentView:
        """Begin work: new → in_progress."""
        return self._change(
            ref, "start", actor, lambda i, at: i.start(actor=actor, at=at), expected_version
        )

    def hold(
        self,
        ref: IncidentRef,
        reason: str,
        *,
        note: str = "",
        actor: str = SYSTEM_ACTOR,
        expected_version: int | None = None,
    ) -> IncidentView:
        """Put on hold for a reason: in_progress → on_hold."""
        return self._change(
            ref,
            "hold",
            actor,
            lambda i, at: i.hold(reason, note=note, actor=actor, at=at),
            expected_version,
        )

    def resume(
        self, ref: IncidentRef, *, actor: str = SYSTEM_ACTOR, expected_version: int | None = None
    ) -> IncidentView:
        """Take off hold: on_hold → in_progress."""
        return self._change(
            ref, "resume", actor, lambda i, at: i.resume(actor=actor, at=at), expected_version
        )

    def resolve(
        self,
        ref: IncidentRef,
        code: str,
        notes: str = "",
        *,
        actor: str = SYSTEM_ACTOR,
        expected_version: int | None = None,
    ) -> IncidentView:
        """Resolve, and resolve every open child with it."""
        incident = self._load(ref, expected_version, actor=actor, action="resolve")
        at = self.clock.now()
        incident.resolve(code, notes, actor=actor, at=at)
        children = [self._get(number) for number in incident.child_numbers]
        # Children go with the parent, except those the actor may not change (another
        # tenant's, linked by someone who serves both): they stay open for their own desk.
        open_children = [
            child
            for child in children
            if child.is_open and self.tenancy.refusal_reason(actor, "resolve", child, None) is None
        ]
        prefix = f"Resolved with parent {incident.number}."
        child_notes = f"{prefix} {notes}".strip()
        if len(child_notes) > NOTES_MAX:
            child_notes = child_notes[: NOTES_MAX - 1] + "…"
        for child in open_children:
            child.resolve(code, child_notes, actor=actor, at=at)
        items = [
            item
            for changed in (incident, *open_children)
            for item in self._work_items_after(changed, "resolve", actor, at)
        ]
        self._save(incident, *open_children, *items)
        return self._view(incident, actor)

    def reopen(
        self,
        ref: IncidentRef,
        reason: str = "",
        *,
        actor: str = SYSTEM_ACTOR,
        expected_version: int | None = None,
    ) -> IncidentView:
        """Reopen a resolved incident: resolved → in_progress (counted)."""
        return self._change(
            ref,
            "reopen",
            actor,
            lambda i, at: i.reopen(reason, actor=actor, at=at),
            expected_version,
        )

    def close_incident(
        self, ref: IncidentRef, *, actor: str = SYSTEM_ACTOR, expected_version: int | None = None
    ) -> IncidentView:
        """Close a resolved incident: resolved → closed (final).

        (``close()`` with no argument is the application's own: it releases
        the database connections.)
        """
        return self._change(
            ref, "close", actor, lambda i, at: i.close(actor=actor, at=at), expected_version
        )

    def cancel(
        self,
        ref: IncidentRef,
        reason: str,
        *,
        actor: str = SYSTEM_ACTOR,
        expected_version: int | None = None,
    ) -> IncidentView:
        """Cancel an open incident, for a reason."""
        return self._change(
            ref,
            "cancel",
            actor,
            lambda i, at: i.cancel(reason, actor=actor, at=at),
            expected_version,
        )

    def assign(
        self,
        ref: IncidentRef,
        group: str | None = None,
        assignee: str | None = None,
        *,
        actor: str = SYSTEM_ACTOR,
        expected_version: int | None = None,
    ) -> IncidentView:
        """Assign to a group and/or an agent (a hop after the first counts as reassignment).

        An incident of a tenant goes only to a team that serves the tenant (its
        dedicated team; the pool, unless the tenant is dedicated; a specialist
        group) and to an agent who serves it or belongs to that group.
        """

        def assign(incident: Incident, at: datetime) -> None:
            self.tenancy.check_assignment(
                incident.tenant,
                group,
                assignee,
                current_group=incident.assignment_group,
                actor=actor,
            )
            incident.assign(group, assignee, actor=actor, at=at)

        return self._change(ref, "assign", actor, assign, expected_version)

    def comment(
        self,
        ref: IncidentRef,
        text: str,
        *,
        internal: bool = False,
        author_kind: str | None = None,
        actor: str = SYSTEM_ACTOR,
        expected_version: int | None = None,
    ) -> IncidentView:
        """Add a public comment, or an internal work note with ``internal=True``
        (which a tenant user may not add: it could never read it).

        ``author_kind`` says who wrote it: ``customer``, ``agent`` (a human),
        ``bot`` or ``system`` (an automatic message). By default a tenant user
        or the caller writes as the customer and anyone else as an agent. Only
        a public message by a human agent meets a response target.
        """
        if internal:
            self.tenancy.check(actor, "add a work note to", self._get(ref))
        kind = author_kind
        if kind is None and isinstance(actor, Actor) and actor.kind == ActorKind.TENANT_USER:
            kind = "customer"
        return self._change(
            ref,
            "comment",
            actor,
            lambda i, at: i.add_comment(
                text, public=not internal, actor=actor, at=at, author_kind=kind
            ),
            expected_version,
        )

    def reply(
        self,
        ref: IncidentRef,
        text: str,
        *,
        channel: str | None = None,
        actor: str = SYSTEM_ACTOR,
        send: bool = True,
        expected_version: int | None = None,
        template: str | None = None,
        author_kind: str = "agent",
    ) -> IncidentView:
        """Reply to the incident's contact: a public message by a human agent (or by
        ``author_kind="bot"``, a self-service bot, which meets no response target), sent on
        ``channel`` (by default the channel the contact last wrote on), threaded with
        the conversation's earlier messages on that channel. ``template`` names a
        pre-approved message template, for a channel that needs one (WhatsApp outside
        its 24-hour window).

        The reply and its delivery are saved together; with ``send`` the delivery is
        tried at once, and a failed attempt is tried again later by
        ``desk.intake.deliver_due()`` (every attempt is an event).
        """
        incident = self._load(ref, expected_version, actor=actor, action="reply")
        at = self.clock.now()
        records, delivery = self.intake._prepare_reply(
            incident,
            text,
            channel=channel,
            actor=actor,
            at=at,
            template=template,
            author_kind=author_kind,
        )
        self._save(incident, *self._work_items_after(incident, "comment", actor, at), *records)
        if send:
            self.intake.deliver(delivery.id)
        return self._view(incident, actor)

    def conversation(self, ref: IncidentRef, *, actor: str = SYSTEM_ACTOR) -> tuple[Comment, ...]:
        """Every message of the incident on every channel, in order (a tenant user sees
        only the public ones)."""
        return self.get_incident(ref, actor=actor).comments

    def categorise(
        self,
        ref: IncidentRef,
        *,
        category: str | None = None,
        subcategory: str | None = None,
        configuration_item: str | None = None,
        actor: str = SYSTEM_ACTOR,
        expected_version: int | None = None,
    ) -> IncidentView:
        """Set category, subcategory and configuration item."""
        return self._change(
            ref,
            "categorise",
            actor,
            lambda i, at: i.categorise(
                category=category,
                subcategory=subcategory,
                configuration_item=configuration_item,
                actor=actor,
                at=at,
            ),
            expected_version,
        )

    def reprioritise(
        self,
        ref: IncidentRef,
        *,
        impact: int,
        urgency: int,
        actor: str = SYSTEM_ACTOR,
        expected_version: int | None = None,
    ) -> IncidentView:
        """Change impact and urgency; the priority follows the matrix."""
        impact = check_level("impact", impact)
        urgency = check_level("urgency", urgency)

        def priority(incident: Incident) -> int:
            matrix = self.tenancy.priority_matrix(incident.tenant) or self.priority_matrix
            return matrix.priority(impact, urgency)

        return self._change(
            ref,
            "reprioritise",
            actor,
            lambda i, at: i.reprioritise(
                impact=impact, urgency=urgency, priority=priority(i), actor=actor, at=at
            ),
            expected_version,
        )

    def declare_major(
        self, ref: IncidentRef, *, actor: str = SYSTEM_ACTOR, expected_version: int | None = None
    ) -> IncidentView:
        """Declare an open P1 a major incident."""
        return self._change(
            ref,
            "declare major",
            actor,
            lambda i, at: i.declare_major(actor=actor, at=at),
            expected_version,
        )

    def link_parent(
        self, ref: IncidentRef, parent: IncidentRef, *, actor: str = SYSTEM_ACTOR
    ) -> IncidentView:
        """Make ``ref`` a child of ``parent``: resolving the parent resolves the child."""
        child, parent_incident = self._get(ref), self._get(parent)
        self.tenancy.check(actor, "link parent", child)
        self.tenancy.check(actor, "link parent", parent_incident)
        child.link_parent(parent_incident, actor=actor, at=self.clock.now())
        self._save(child, parent_incident)
        return self._view(child, actor)

    def link_problem(
        self,
        ref: IncidentRef,
        problem: str,
        *,
        actor: str = SYSTEM_ACTOR,
        expected_version: int | None = None,
    ) -> IncidentView:
        """Record the problem record this incident is linked to."""
        return self._change(
            ref,
            "link problem",
            actor,
            lambda i, at: i.link_problem(problem, actor=actor, at=at),
            expected_version,
        )

    def link_known_error(
        self,
        ref: IncidentRef,
        known_error: str,
        *,
        actor: str = SYSTEM_ACTOR,
        expected_version: int | None = None,
    ) -> IncidentView:
        """Give the incident a known error's workaround (``known_error``: its article
        number, ``KB0000012``): the incident's history and its customer then show the
        workaround as given, and an incident with no problem yet joins the known
        error's. The known error must be published, and shared or of the incident's
        tenant; linking it twice records it once."""

        def link(incident: Incident, at: datetime) -> None:
            article = self.knowledge._known_error_for(incident, known_error)
            incident.link_known_error(
                article=article.number,
                problem=article.problem,
                title=article.title,
                workaround=article.workaround or "",
                actor=actor,
                at=at,
            )

        return self._change(ref, "link a known error to", actor, link, expected_version)

    def escalate(
        self,
        ref: IncidentRef,
        group: str | None = None,
        *,
        reason: str = "",
        actor: str = SYSTEM_ACTOR,
        expected_version: int | None = None,
    ) -> IncidentView:
        """Functional escalation to a specialist group (counted as a reassignment).

        Without ``group``, the tenant's category → group map chooses it. The
        incident goes back into the routing queue for that group's agents.
        """

        def escalate(incident: Incident, at: datetime) -> None:
            target = group or self.tenancy.category_group(incident.tenant, incident.category)
            if target is None:
                raise InvalidValueError(
                    "specialist group",
                    None,
                    f"a group, or a category with a group in the tenant's map "
                    f"(category: {incident.category or 'none'})",
                )
            if self.tenancy.has_any():  # with teams, only a specialist group takes it
                kind = self.tenancy.team_kind_of(target)
                if kind is None:
                    raise UnknownNameError("team", target)
                if kind != TeamKind.SPECIALIST:
                    raise InvalidValueError(
                        "specialist group", target, f"a specialist group, not a {kind} team"
                    )
            why = reason or (
                f"by hand to {target}" if group else f"category {incident.category} → {target}"
            )
            incident.escalate_to(target, why, actor=actor, at=at)

        return self._change(ref, "escalate", actor, escalate, expected_version)

    def log_work(
        self,
        ref: IncidentRef,
        minutes: int,
        *,
        actor: str = SYSTEM_ACTOR,
        expected_version: int | None = None,
    ) -> IncidentView:
        """Record time worked on an incident (the basis of cost under each model)."""
        return self._change(
            ref,
            "log work",
            actor,
            lambda i, at: i.log_work(
                minutes, team=self.tenancy.team_of(actor, i), actor=actor, at=at
            ),
            expected_version,
        )

    # --- command plumbing ----------------------------------------------------

    def _work_items_after(
        self, incident: Incident, action: str, actor: str, at: datetime
    ) -> list[Any]:
        """The incident's work item, changed to follow what was done to the incident."""
        if incident.tenant is None:
            return []
        item = self.tenancy.work_item(incident.number)
        if item is None:
            if action != "escalate" or not incident.is_open:
                return []
            # Opened already assigned (no work item yet): the specialists' queue takes it now.
            item = self.tenancy.queue_for(incident)
        if not incident.is_open:
            if not item.released:
                item.release(reason=f"incident {incident.state.value}", actor=actor, timestamp=at)
        elif action == "escalate":
            item.requeue(
                group=incident.assignment_group,
                priority=incident.priority,
                reason=f"escalated to {incident.assignment_group}",
                actor=actor,
                timestamp=at,
            )
        elif action == "reopen" and item.released:
            item.requeue(
                group=item.group,
                priority=incident.priority,
                reason="reopened",
                actor=actor,
                timestamp=at,
            )
            if incident.assignee:  # back to its owner, not to whoever is idle
                item.route(
                    agent=incident.assignee,
                    team=incident.assignment_group,
                    reason="reopened: back to the agent who had it",
                    actor=actor,
                    timestamp=at,
                )
        elif action == "assign" and incident.assignee and incident.assignee != item.agent:
            item.route(
                agent=incident.assignee,
                team=incident.assignment_group,
                reason=f"assigned by hand by {actor}",
                actor=actor,
                timestamp=at,
            )
        elif action == "assign" and incident.assignee is None:
            # Handed to a group without an agent: the group's agents are routed it.
            kind = self.tenancy.team_kind_of(incident.assignment_group)
            group = (
                incident.assignment_group
                if kind in (TeamKind.SPECIALIST, TeamKind.SHARED)
                else None
            )
            if item.agent is not None or item.group != group:  # routed, or waiting elsewhere
                item.requeue(
                    group=group,
                    priority=incident.priority,
                    reason=f"assigned to group {incident.assignment_group} by {actor}",
                    actor=actor,
                    timestamp=at,
                )
        elif action == "reprioritise" and item.priority != incident.priority:
            item.reprioritise(priority=incident.priority, actor=actor, timestamp=at)
        return [item] if item.pending_events else []

    def _load(
        self, ref: IncidentRef, expected_version: int | None, *, actor: str, action: str
    ) -> Incident:
        incident = self._get(ref)
        self.tenancy.check(actor, action, incident)
        if expected_version is not None and incident.version != expected_version:
            raise ConcurrencyConflictError(incident.number, expected_version, incident.version)
        return incident

    def _change(
        self,
        ref: IncidentRef,
        name: str,
        actor: str,
        action: Callable[[Incident, datetime], Any],
        expected_version: int | None,
    ) -> IncidentView:
        def attempt() -> IncidentView:
            incident = self._load(ref, expected_version, actor=actor, action=name)
            at = self.clock.now()
            action(incident, at)
            self._save(incident, *self._work_items_after(incident, name, actor, at))
            return self._view(incident, actor)

        # A conflict on a command safe to retry is retried on a fresh read (retry.py).
        if name in RETRYABLE_COMMANDS and expected_version is None:
            return self.retry_policy.run(attempt, self.conflicts)
        try:
            return attempt()
        except ConcurrencyConflictError:
            self.conflicts.add(conflicts=1)
            raise

    def _save(self, *aggregates: Any) -> None:
        """Save an incident and what changed with it; a conflict names what was changed."""
        read = _versions_read(aggregates)
        try:
            self.save(*aggregates)
        except IntegrityError:
            raise self._conflict(read, *aggregates) from None

    def _conflict(self, read: dict[UUID, int], *aggregates: Any) -> ConcurrencyConflictError:
        """The conflict that made a save fail: the version read and the version found."""
        for aggregate in aggregates:
            stored = self.recorder.select_events(aggregate.id, desc=True, limit=1)
            stored_version = stored[0].originator_version if stored else None
            if stored_version != read[aggregate.id]:
                return ConcurrencyConflictError(
                    _named(aggregate), read[aggregate.id], stored_version
                )
        first = aggregates[0]
        return ConcurrencyConflictError(_named(first), read[first.id], None)

    # --- queries -------------------------------------------------------------

    def get_incident(
        self, ref: IncidentRef, *, version: int | None = None, actor: str = SYSTEM_ACTOR
    ) -> IncidentView:
        """The incident as it is now, or as it was at ``version``."""
        incident = self._get(ref, version=version)
        self.tenancy.check(actor, "show", self._get(ref) if version is not None else incident)
        return self._view(incident, actor)

    def history(self, ref: IncidentRef, *, actor: str = SYSTEM_ACTOR) -> list[HistoryEntry]:
        """The complete audit trail: every event, who, when, and what it changed.

        A tenant user sees neither internal work notes nor logged work time.
        """
        self.tenancy.check(actor, "history", self._get(ref))
        hide_internal = isinstance(actor, Actor) and actor.kind == ActorKind.TENANT_USER
        incident_uuid = self.resolve_id(ref)
        events = list(self.repository.event_store.get(incident_uuid))
        if not events:
            raise IncidentNotFoundError(ref)
        entries: list[HistoryEntry] = []
        aggregate: Incident | None = None
        before: dict[str, Any] = {}
        for domain_event in events:
            aggregate = domain_event.mutate(aggregate)
            after = _public_state(aggregate)
            changes = {
                name: (before.get(name), value)
                for name, value in after.items()
                if before.get(name) != value and name not in _COLLECTIONS
            }
            data = {
                name: _plain(value)
                for name, value in vars(domain_event).items()
                if name not in _ENVELOPE
            }
            if hide_internal and _internal(domain_event):
                before = after
                continue
            entries.append(
                HistoryEntry(
                    type=type(domain_event).__name__,
                    at=domain_event.timestamp,
                    actor=getattr(domain_event, "actor", SYSTEM_ACTOR),
                    version=domain_event.originator_version,
                    changes=changes,
                    data=data,
                )
            )
            before = after
        return entries

    def list_incidents(
        self,
        *,
        state: str | Iterable[str] | None = None,
        priority: int | Iterable[int] | None = None,
        assignment_group: str | None = None,
        assignee: str | None = None,
        caller: str | None = None,
        tenant: str | None = None,
        text: str | None = None,
        offset: int = 0,
        limit: int = 50,
        actor: str = SYSTEM_ACTOR,
    ) -> Page[IncidentSummary]:
        """A page of the incident list, filtered, in number order.

        An agent or a tenant user sees only the incidents it may see; asking
        for a tenant it may not see is refused.
        """
        if tenant is not None:
            self.tenancy.check(actor, "list", tenant=tenant)
        if limit < 1 or limit > 1000:
            raise InvalidValueError("limit", limit, "1 to 1000")
        if offset < 0:
            raise InvalidValueError("offset", offset, "0 or more")
        self.projector.catch_up()
        return self.incident_list.query(
            self.projector.db,
            state=_listed(state),
            priority=_listed(priority),
            assignment_group=assignment_group,
            assignee=assignee,
            caller=caller,
            tenant=tenant,
            text=text,
            offset=offset,
            limit=limit,
            scope=self.tenancy.scope(actor),
        )

    def rebuild_projections(self, *, actor: str = SYSTEM_ACTOR) -> int:
        """Rebuild every read model from the events; returns the events applied."""
        self.tenancy.guard(actor, "rebuild the read models")
        return self.projector.rebuild()

    def catch_up(self) -> int:
        """Bring every read model up to date; returns the events applied."""
        return self.projector.catch_up()

    def view_of(self, incident: Incident) -> IncidentView:
        """The frozen view of an incident aggregate (for engine services and plugins)."""
        return self._view(incident)

    def _view(self, incident: Incident, actor: str = SYSTEM_ACTOR) -> IncidentView:
        public_only = isinstance(actor, Actor) and actor.kind == ActorKind.TENANT_USER
        return IncidentView(
            id=incident.id,
            number=incident.number,
            state=incident.state.value,
            priority=incident.priority,
            impact=incident.impact,
            urgency=incident.urgency,
            summary=incident.summary,
            description=incident.description,
            category=incident.category,
            subcategory=incident.subcategory,
            configuration_item=incident.configuration_item,
            caller=incident.caller,
            assignment_group=incident.assignment_group,
            assignee=incident.assignee,
            hold_reason=incident.hold_reason.value if incident.hold_reason else None,
            resolution_code=incident.resolution_code,
            resolution_notes=incident.resolution_notes,
            cancel_reason=incident.cancel_reason,
            major=incident.major,
            parent=incident.parent_number,
            children=tuple(incident.child_numbers),
            problem=incident.problem,
            reassignment_count=incident.reassignment_count,
            reopen_count=incident.reopen_count,
            comments=tuple(
                _comment_view(message)
                for message in incident.comments
                if message.public or not public_only
            ),
            opened_by=incident.opened_by,
            opened_at=incident.created_on,
            updated_at=incident.modified_on,
            resolved_at=incident.resolved_at,
            resolved_by=incident.resolved_by,
            closed_at=incident.closed_at,
            version=incident.version,
            tenant=incident.tenant,
            work_minutes=0 if public_only else incident.work_minutes,
            contact=incident.contact,
            channel=incident.channel,
            reply_channel=incident.last_customer_channel,
            known_errors=tuple(
                KnownErrorLink(
                    article=given.article,
                    problem=given.problem,
                    title=given.title,
                    workaround=given.workaround,
                    linked_at=given.at,
                    linked_by=given.actor,
                )
                for given in incident.known_errors
            ),
        )


def _named(aggregate: Any) -> str:
    """How a conflict names an aggregate: an incident by number, anything else by kind and id."""
    return getattr(aggregate, "number", None) or f"{type(aggregate).__name__} {aggregate.id}"


def _clip_field(text: str | None, limit: int = 200) -> str | None:
    if text is None or len(text) <= limit:
        return text
    return text[: limit - 1] + "…"


def _versions_read(aggregates: Iterable[Any]) -> dict[UUID, int]:
    """Each aggregate's version as read, before its pending events."""
    return {a.id: a.version - len(a.pending_events) for a in aggregates}


def _comment_view(message: Message) -> Comment:
    return Comment(
        at=message.at,
        actor=message.actor,
        text=message.text,
        public=message.public,
        author_kind=message.author_kind.value,
        channel=message.channel,
        message_id=message.message_id,
        contact=message.contact,
        attachments=tuple(
            AttachmentInfo(a.name, a.content_type, a.size) for a in message.attachments
        ),
    )


def _internal(event: Any) -> bool:
    """Events a tenant user does not see: internal work notes and logged work."""
    if isinstance(event, Incident.Commented):
        return not event.public
    return isinstance(event, Incident.WorkLogged)


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def _public_state(aggregate: Incident) -> dict[str, Any]:
    return {
        name: _plain(value) for name, value in vars(aggregate).items() if not name.startswith("_")
    }


def _listed(value: Any) -> list[Any] | None:
    if value is None:
        return None
    if isinstance(value, str | int):
        return [value]
    return list(value)


def _project(aggregate: Any, events: Iterable[Any]) -> Any:
    """Apply stored events to an aggregate, as the library's ``project_aggregate`` does
    without its per-event ``isinstance`` check against a runtime protocol (slow)."""
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate
