"""Chat sessions: each live one holds a unit of its agent's chat capacity.

A session starts with the first message of a widget (through intake, which
finds or opens its incident), and from then on is a *work item* on the
``chat`` channel that the router gives to an agent with free chat capacity:
the incident's own work item when the chat opened it, otherwise one of its
own. Ending the session (the customer leaves, an agent ends it, or it stays
idle past the channel's ``idle_minutes``) releases the item, which frees the
unit. The messages stay on the incident: they are its conversation.
"""

from __future__ import annotations

import threading
import uuid
import weakref
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import attrs
from eventdesk.errors import DomainError, InvalidValueError
from eventdesk.projections.base import follow
from eventdesk.tenancy.work import WorkItem, work_item_id
from eventdesk.views import to_jsonable
from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate, event
from eventsourcing.utils import get_topic

if TYPE_CHECKING:
    from eventdesk.application import ServiceDesk

NAMESPACE = uuid.UUID("3b8f5d2c-1a7e-4c90-9e6b-52d1c0a4f7e3")
CHAT = "chat"
EXPIRY_ACTOR = "chat-expiry"
ROUTER = "router"


def session_id(key: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"chat-session:{key}")


class ChatSessionError(DomainError):
    """A chat session cannot do that (it has ended, it does not exist)."""


class ChatSession(Aggregate):
    """One chat: when it started, on which incident, its work item, and how it ended."""

    @staticmethod
    def create_id(key: str) -> uuid.UUID:
        return session_id(key)

    @event("Started")
    def __init__(
        self,
        key: str,
        incident: str,
        contact: str | None,
        tenant: str | None,
        work_item: str | None,
        actor: str,
        timestamp: datetime,
    ) -> None:
        self.key = key
        self.incident = incident
        self.contact = contact
        self.tenant = tenant
        self.work_item = work_item
        self.started_at = timestamp
        self.state = "live"
        self.ended_at: datetime | None = None
        self.end_reason: str | None = None
        self.agent: str | None = None

    def end(self, reason: str, *, agent: str | None, actor: str, at: datetime) -> None:
        if self.state != "live":
            raise ChatSessionError(f"chat session {self.key} has ended already", session=self.key)
        self._ended(reason=reason, agent=agent, actor=actor, timestamp=at)

    @event("Ended")
    def _ended(self, reason: str, agent: str | None, actor: str, timestamp: datetime) -> None:
        self.state = "ended"
        self.ended_at = timestamp
        self.end_reason = reason
        self.agent = agent


@attrs.frozen
class SessionView:
    """A chat session as its readers see it."""

    key: str
    state: str  # live | ended
    incident: str
    contact: str | None
    tenant: str | None
    agent: str | None  # who has it (live) or had it (ended)
    waiting: bool  # live and not yet given to an agent
    started_at: datetime
    last_activity: datetime
    ended_at: datetime | None
    end_reason: str | None

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)


@attrs.frozen
class TranscriptLine:
    """One message of a session, as the widget shows it."""

    at: datetime
    author: str  # customer | agent | bot | system
    name: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)


class _Index:
    """Every desk's sessions by key (live or ended) and its live ones by incident,
    kept up with the event log like the router's directory."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.position = 0
        self.incident_of: dict[str, str] = {}
        self.key_of: dict[Any, str] = {}  # session id -> key
        self.live: dict[str, str] = {}  # key -> incident
        self.live_by_incident: dict[str, str] = {}  # incident -> key
        self.topics = [get_topic(ChatSession.Started), get_topic(ChatSession.Ended)]

    def apply(self, event: Any) -> None:
        if isinstance(event, ChatSession.Started):
            self.incident_of[event.key] = event.incident
            self.key_of[event.originator_id] = event.key
            self.live[event.key] = event.incident
            self.live_by_incident[event.incident] = event.key
        else:
            key = self.key_of[event.originator_id]
            incident = self.live.pop(key, None)
            if incident is not None and self.live_by_incident.get(incident) == key:
                del self.live_by_incident[incident]


_indexes: weakref.WeakKeyDictionary[Any, _Index] = weakref.WeakKeyDictionary()


class ChatSessions:
    """The chat sessions of a desk: ``ChatSessions(desk)``."""

    def __init__(self, desk: ServiceDesk) -> None:
        self.desk = desk
        index = _indexes.get(desk)
        if index is None:
            index = _indexes[desk] = _Index()
        self.index = index

    def _refresh(self) -> _Index:
        with self.index.lock:
            self.index.position = follow(
                self.desk, self.index.position, self.index.topics, self.index.apply
            )
        return self.index

    # --- reading -------------------------------------------------------------------

    def _load(self, key: str) -> ChatSession | None:
        try:
            return self.desk.repository.get(session_id(key))
        except AggregateNotFoundError:
            return None

    def _item(self, session: ChatSession) -> WorkItem | None:
        if session.work_item is None:
            return None
        return self.desk.repository.get(uuid.UUID(session.work_item))

    def _session(self, key: str, actor: str, action: str) -> ChatSession:
        """The session, if the actor may ``action`` it: an agent who serves its tenant."""
        session = self._load(key)
        if session is None:
            raise ChatSessionError(f"no chat session {key}", session=key)
        self.desk.tenancy.guard(actor, action, tenant=session.tenant, agents=True)
        return session

    def find(self, key: str) -> SessionView | None:
        session = self._load(key)
        return self._view(session) if session is not None else None

    def get(self, key: str, *, actor: str = "system") -> SessionView:
        return self._view(self._session(key, actor, "read a chat session"))

    def live_for(self, incident: str) -> str | None:
        """The key of the live session on an incident, if there is one."""
        return self._refresh().live_by_incident.get(incident)

    def list(self, *, state: str = "live", actor: str = "system") -> list[SessionView]:
        """Sessions, oldest first: ``live``, ``ended`` or ``all`` (an agent sees those of
        the tenants it serves)."""
        if state not in ("live", "ended", "all"):
            raise InvalidValueError("session state", state, "live, ended or all")
        self.desk.tenancy.guard(actor, "list chat sessions", agents=True)
        visible = self.desk.tenancy.visible_tenants(actor)
        index = self._refresh()
        keys = list(index.live) if state == "live" else list(index.incident_of)
        views = [self.find(key) for key in keys]
        views = [
            v
            for v in views
            if v is not None
            and (state == "all" or v.state == state)
            and (visible is None or v.tenant in visible)
        ]
        return sorted(views, key=lambda v: (v.started_at, v.key))

    def transcript(self, key: str, *, actor: str = "system") -> list[TranscriptLine]:
        """The session's messages: those of its incident, on chat, while it was live."""
        session = self._session(key, actor, "read a chat session")
        messages = self._messages(session)
        # The customer by the name the desk knows them by, not the chat's session key.
        names = {
            m.contact: self.desk.contacts.load(m.contact).name or m.actor
            for m in messages
            if m.contact and m.author_kind.value == "customer"
        }
        return [
            TranscriptLine(
                m.at,
                m.author_kind.value,
                names.get(m.contact, m.actor) if m.author_kind.value == "customer" else m.actor,
                m.text,
            )
            for m in messages
        ]

    def _messages(self, session: ChatSession) -> list[Any]:
        incident = self.desk._get(session.incident)
        return [
            m
            for m in incident.comments
            if m.public
            and m.channel == CHAT
            and m.at >= session.started_at
            and (session.ended_at is None or m.at <= session.ended_at)
        ]

    def _view(self, session: ChatSession) -> SessionView:
        item = self._item(session)
        live_agent = item.agent if item is not None and not item.released else None
        messages = self._messages(session)
        return SessionView(
            key=session.key,
            state=session.state,
            incident=session.incident,
            contact=session.contact,
            tenant=session.tenant,
            agent=live_agent if session.state == "live" else session.agent,
            waiting=session.state == "live" and item is not None and live_agent is None,
            started_at=session.started_at,
            last_activity=max([session.started_at, *(m.at for m in messages)]),
            ended_at=session.ended_at,
            end_reason=session.end_reason,
        )

    # --- starting (from intake's message_taken) -----------------------------------

    def started(self, key: str, incident_number: str, *, language: str | None = None) -> bool:
        """Start the session ``key`` on an incident its first message joined or opened,
        and queue its unit of chat capacity; False if it was started already."""
        if self._load(key) is not None:
            return False
        incident = self.desk._get(incident_number)
        first = next(
            (m.at for m in reversed(incident.comments) if m.message_id == f"{key}/start"),
            self.desk.clock.now(),
        )
        item, replaced = self._capacity_for(key, incident, language, first)
        session = ChatSession(
            key=key,
            incident=incident.number,
            contact=incident.contact,
            tenant=incident.tenant,
            work_item=str(item.id) if item is not None else None,
            actor=CHAT,
            timestamp=first,
        )
        changed = [*replaced, *([item] if item is not None and item.pending_events else [])]
        self.desk.save(session, *changed)
        return True

    def _capacity_for(
        self, key: str, incident: Any, language: str | None, at: datetime
    ) -> tuple[WorkItem | None, list[ChatSession]]:
        """The work item that holds the session's unit (and the session it replaces): a
        live session's on the incident, which this one replaces (the customer opened a new
        window); else the incident's own when the chat opened it; else the incident's chat
        item, queued (again)."""
        previous = self.live_for(incident.number)
        if previous is not None:
            replaced = self._load(previous)
            held = self._item(replaced)
            replaced.end(
                f"replaced by chat session {key}",
                agent=held.agent if held is not None else None,
                actor=CHAT,
                at=at,
            )
            return held, [replaced]
        if incident.tenant is None:
            return None, []  # nobody to route it to: no tenant, no teams
        own = self.desk.tenancy.work_item(incident.number)
        if own is not None and own.channel == CHAT and not own.released:
            return own, []
        try:
            item: WorkItem = self.desk.repository.get(work_item_id(CHAT, incident.number))
        except AggregateNotFoundError:
            item = WorkItem(
                kind=CHAT,
                ref=incident.number,
                tenant=incident.tenant,
                channel=CHAT,
                priority=incident.priority,
                skill=None,
                language=language,
                group=None,
                actor=CHAT,
                timestamp=at,
            )
        if item.released:
            item.requeue(
                group=None,
                priority=incident.priority,
                reason=f"chat session {key} started",
                actor=CHAT,
                timestamp=at,
            )
        return item, []

    # --- ending --------------------------------------------------------------------

    def end(self, key: str, *, reason: str, actor: str = "system") -> SessionView:
        """End a live session and free its unit of chat capacity."""
        reason = (reason or "").strip() or "ended"
        session = self._session(key, actor, "end a chat session")
        at = self.desk.clock.now()
        item = self._item(session)
        session.end(reason, agent=item.agent if item is not None else None, actor=actor, at=at)
        changed: list[Any] = [session]
        if item is not None and not item.released:
            item.release(reason=f"chat session {key} ended: {reason}", actor=actor, timestamp=at)
            changed.append(item)
        self.desk.save(*changed)
        return self._view(session)

    def expire(
        self,
        *,
        idle_minutes: int | None = None,
        now: datetime | None = None,
        actor: str = "system",
    ) -> list[SessionView]:
        """End every live session quiet for longer than ``idle_minutes`` (by default the
        chat channel's setting); the sessions ended."""
        self.desk.tenancy.guard(actor, "end idle chat sessions")
        if idle_minutes is None:
            idle_minutes = self.desk.channels.get(CHAT).idle_minutes
        if isinstance(idle_minutes, bool) or not isinstance(idle_minutes, int) or idle_minutes < 1:
            raise InvalidValueError("idle minutes", idle_minutes, "a whole number of minutes")
        moment = now or self.desk.clock.now()
        limit = timedelta(minutes=idle_minutes)
        ended = []
        for view in self.list(state="live"):
            if moment - view.last_activity > limit:
                unit = "minute" if idle_minutes == 1 else "minutes"
                reason = f"idle for more than {idle_minutes} {unit}"
                ended.append(self.end(view.key, reason=reason, actor=EXPIRY_ACTOR))
        return ended
