"""The voice desk: calls, the IVR's answers, diversion, callbacks and the screen pop.

``voice(desk)`` is the voice desk of a ``ServiceDesk``. Every call event goes
through ``receive`` (intake first: signature, dead letters, once only, the
caller as a contact, the call on the caller's open incident), then changes the
call: its work item takes the answering agent's voice capacity until it ends.
``next_step`` answers the telephony system's "what next" with the keys the
caller pressed: play, queue, divert or callback.
"""

from __future__ import annotations

import contextlib
import threading
import weakref
from collections import defaultdict
from collections.abc import Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import attrs
from eventdesk.errors import EventDeskError, NotFoundError
from eventdesk.projections.base import follow
from eventdesk.tenancy.service import UnknownNameError
from eventdesk.tenancy.work import WorkItem, work_item_id
from eventdesk.views import Comment, IncidentView, to_jsonable
from eventsourcing.application import AggregateNotFoundError
from eventsourcing.utils import get_topic

from eventdesk_voice.channel import CallEvent, VoiceChannel, read_event
from eventdesk_voice.diversion import DiversionRule, ShareCount, decide
from eventdesk_voice.ivr import Choice, Ivr, Menu
from eventdesk_voice.model import Call, call_id

if TYPE_CHECKING:
    from eventdesk.application import ServiceDesk

VOICE = "voice"
ACTOR = "voice"
DEFAULT_PRIORITY = 3
ANSWER_MAX = 600  # characters of a knowledge-base answer read out


class CallNotFoundError(NotFoundError):
    """No call has this id."""

    def __init__(self, call: str) -> None:
        super().__init__(f"no call {call!r}", call=call)


class CallStateError(EventDeskError):
    """The call cannot do that now (it ended, it was decided already)."""


@attrs.frozen
class CallView:
    """A call as it is now."""

    call: str
    caller: str
    dialled: str | None
    tenant: str | None
    incident: str | None
    contact: str | None
    state: str
    menu: str | None
    outcome: str | None
    queue: str | None
    team: str | None
    diverted_to: str | None
    agent: str | None
    callback: bool
    callback_agent: str | None
    callback_done_at: datetime | None
    offered_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    waited_seconds: int | None
    talk_seconds: int | None
    steps: tuple[Mapping[str, str | None], ...]

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)


@attrs.frozen
class ScreenPop:
    """What the agent who takes a call sees: the caller, their open incident and its
    whole conversation, on every channel."""

    call: CallView
    contact_name: str | None
    identities: tuple[str, ...]
    incident: IncidentView | None
    conversation: tuple[Comment, ...]

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)


@attrs.frozen
class IvrAnswer:
    """The IVR's answer to "what next": ``play`` (``text``, then wait for keys),
    ``queue``, ``divert`` (``to``: a team or a number) or ``callback``."""

    call: str
    action: str
    text: str
    menu: str | None = None
    queue: str | None = None
    team: str | None = None
    to: str | None = None
    position: int | None = None
    estimated_wait_minutes: int | None = None
    callback_key: str | None = None
    article: str | None = None
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in to_jsonable(self).items() if v is not None}


@attrs.frozen
class CallResult:
    """What one call event did: intake's status, and the call (with the screen pop
    when it was answered)."""

    status: str
    call: str | None = None
    event: str | None = None
    incident: str | None = None
    reason: str | None = None
    dead_letter: str | None = None
    screen_pop: ScreenPop | None = None

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)


def duration(seconds: float) -> str:
    """``4 min 05 s``, ``40 s``."""
    whole = round(seconds)
    return f"{whole // 60} min {whole % 60:02d} s" if whole >= 60 else f"{whole} s"


_TOPICS = [get_topic(Call.Offered), get_topic(Call.Decided)]
_DESKS: weakref.WeakKeyDictionary[Any, VoiceDesk] = weakref.WeakKeyDictionary()


def voice(desk: ServiceDesk) -> VoiceDesk:
    """The voice desk of a desk (one per desk)."""
    found = _DESKS.get(desk)
    if found is None:
        found = _DESKS[desk] = VoiceDesk(desk)
    return found


class VoiceDesk:
    """Calls on one desk. Reached as ``eventdesk_voice.voice(desk)``."""

    def __init__(self, desk: ServiceDesk) -> None:
        self.desk = desk
        self._lock = threading.Lock()
        self._position = 0
        self._calls: list[str] = []
        self._shares: dict[tuple[str | None, date], ShareCount] = defaultdict(ShareCount)

    # --- reading ---------------------------------------------------------------

    def _refresh(self) -> None:
        with self._lock:
            self._position = follow(self.desk, self._position, _TOPICS, self._follow)

    def _follow(self, event: Any) -> None:
        if isinstance(event, Call.Offered):
            self._calls.append(event.call)
        elif isinstance(event, Call.Decided):
            key = (event.tenant, event.timestamp.date())
            self._shares[key] = self._shares[key].after(kept=event.outcome != "diverted")

    def share(self, tenant: str | None, day: date | None = None) -> ShareCount:
        """The calls decided for a tenant on a day (default today, UTC), and how many
        its own team kept."""
        self._refresh()
        return self._shares[(tenant, day or self.desk.clock.now().date())]

    def _load(self, call: str) -> Call:
        try:
            return self.desk.repository.get(call_id(call))
        except AggregateNotFoundError:
            raise CallNotFoundError(call) from None

    def call(self, call: str) -> CallView:
        return _view(self._load(call))

    def calls(self, *, state: str | None = None) -> list[CallView]:
        """Every call, oldest first (``state``: only those in it; ``open``: not over)."""
        self._refresh()
        views = [self.call(c) for c in self._calls]
        if state == "open":
            return [v for v in views if v.state not in ("ended", "abandoned")]
        return [v for v in views if state is None or v.state == state]

    def callbacks(self) -> list[CallbackView]:
        """The calls whose callers asked to be called back: who has each, and whether
        it is done."""
        found = []
        for view in self.calls():
            if not view.callback:
                continue
            item = self._item("callback", view.call)
            found.append(
                CallbackView(
                    call=view.call,
                    caller=view.caller,
                    tenant=view.tenant,
                    incident=view.incident,
                    requested_at=view.ended_at or view.offered_at,
                    agent=view.callback_agent or (item.agent if item else None),
                    state=(
                        "done"
                        if view.callback_done_at
                        else ("assigned" if item and item.agent else "waiting")
                    ),
                    done_at=view.callback_done_at,
                )
            )
        return found

    def screen_pop(self, call: str, *, actor: str = "system") -> ScreenPop:
        """The caller, their open incident and its whole conversation (every channel)."""
        view = self.call(call)
        name, identities = None, ()
        if view.contact:
            contact = self.desk.contacts.get(view.contact, actor=actor)
            name, identities = contact.name, contact.identities
        incident = conversation = None
        if view.incident:
            incident = self.desk.get_incident(view.incident, actor=actor)
            conversation = incident.comments
        return ScreenPop(view, name, identities, incident, conversation or ())

    # --- call events -------------------------------------------------------------

    def receive(self, payload: bytes, headers: Mapping[str, str] | None = None) -> CallResult:
        """Take one call event from the telephony system (as ``POST
        /channels/voice/inbound`` does). Never raises for a bad payload: it is kept as a
        dead letter, with the reason."""
        [taken] = self.desk.intake.receive(VOICE, payload, dict(headers or {}))
        if not taken.taken:
            return CallResult(taken.status, reason=taken.reason, dead_letter=taken.dead_letter)
        event = read_event(payload)
        if taken.status == "duplicate":
            return CallResult("duplicate", event.call, event.event, taken.incident)
        call = self._load(event.call)
        pop = self.screen_pop(event.call) if event.event == "answered" else None
        return CallResult("taken", event.call, event.event, call.incident, screen_pop=pop)

    def apply(self, event: CallEvent, incident: str | None, contact: str | None) -> None:
        """Change a call as an event intake has just taken says (the incident and contact
        are intake's, for an offered call)."""
        at = self.desk.clock.now()
        if event.event == "offered":
            call = Call(
                call=event.call,
                caller=event.caller,
                dialled=event.to,
                tenant=self._tenant_of(incident),
                incident=incident,
                contact=contact,
                timestamp=at,
            )
            changed: list[Any] = [call]
            opened = self.desk.tenancy.work_item(incident) if incident else None
            if opened is not None and opened.channel == VOICE and not opened.released:
                # The call's own work item holds the agent's voice capacity while it lasts;
                # the incident it opened goes to the agent who answers.
                opened.release(reason=f"opened by call {call.call}", actor=ACTOR, timestamp=at)
                changed.append(opened)
            self.desk.save(*changed)
            self.desk.tenancy.refresh()
            return
        call = self._load(event.call)
        if not call.is_open:
            raise CallStateError(f"call {event.call} is {call.state}: no {event.event} now")
        changed: list[Any] = [call]
        item = self._item("call", call.call)
        if event.event == "answered":
            item = self._take_capacity(call, item, event.agent, at)
            call.answer(event.agent or (item.agent if item else None), timestamp=at)
            waited = (at - call.offered_at).total_seconds()
            note = f"Call answered by {call.agent or 'an agent'} after {duration(waited)}"
        elif event.event == "transferred":
            assert event.to is not None
            if event.transfer_to_number:
                self._release(item, f"transferred to {event.to}", at)
            else:
                item = self._take_capacity(call, item, event.to, at)
            call.transfer(event.to, timestamp=at)
            note = f"Call transferred to {event.to}"
        elif event.event == "ended":
            self._release(item, "call ended", at)
            call.end(timestamp=at)
            talk = (at - call.answered_at).total_seconds() if call.answered_at else 0
            total = (at - call.offered_at).total_seconds()
            note = f"Call ended: talked {duration(talk)}, {duration(total)} in all"
        else:
            self._release(item, "caller hung up", at)
            call.abandon(timestamp=at)
            note = f"Call abandoned after {duration((at - call.offered_at).total_seconds())}"
        if item is not None and item.pending_events:
            changed.append(item)
        changed.extend(self._noted(call, note, event.message_id, at))
        self.desk.save(*changed)
        self.desk.tenancy.refresh()
        if event.event == "answered":
            self._assign_incident(call, item)

    def _assign_incident(self, call: Call, item: WorkItem | None) -> None:
        """An unassigned incident goes to the agent who took the call about it."""
        if not call.incident or item is None or item.agent is None:
            return
        incident = self.desk.get_incident(call.incident)
        if incident.assignee is None and incident.state in ("new", "in_progress", "on_hold"):
            # An agent outside the tenant's teams (a diverted call) leaves it unassigned.
            with contextlib.suppress(EventDeskError):
                self.desk.assign(call.incident, item.team, item.agent, actor=ACTOR)

    def _tenant_of(self, incident: str | None) -> str | None:
        return self.desk.get_incident(incident).tenant if incident else None

    def _noted(self, call: Call, text: str, message_id: str, at: datetime) -> list[Any]:
        """The call's conversation entry on its incident (if it is still open)."""
        if not call.incident:
            return []
        incident = self.desk.repository.get(self.desk.resolve_id(call.incident))
        if not incident.is_open:
            return []
        incident.add_comment(
            text,
            public=True,
            actor=ACTOR,
            at=at,
            author_kind="system",
            channel=VOICE,
            message_id=message_id,
        )
        return [incident]

    # --- capacity ----------------------------------------------------------------

    def _item(self, kind: str, call: str) -> WorkItem | None:
        try:
            return self.desk.repository.get(work_item_id(kind, call))
        except AggregateNotFoundError:
            return None

    def _new_item(self, kind: str, call: Call, group: str | None, skill: str | None) -> WorkItem:
        priority = DEFAULT_PRIORITY
        if call.incident:
            priority = self.desk.get_incident(call.incident).priority
        return WorkItem(
            kind=kind,
            ref=call.call,
            tenant=call.tenant or "",
            channel=VOICE,
            priority=priority,
            skill=skill,
            language=None,
            group=group,
            actor=ACTOR,
            timestamp=self.desk.clock.now(),
        )

    def _take_capacity(
        self, call: Call, item: WorkItem | None, agent: str | None, at: datetime
    ) -> WorkItem | None:
        """The call's work item, routed to the agent who has the call: it takes that
        agent's voice capacity (and gives back the previous agent's)."""
        if agent is None:
            return item
        try:
            teams = self.desk.tenancy.agent(agent).teams
        except UnknownNameError:
            return item  # answered outside the desk (an external number)
        if item is None:
            item = self._new_item("call", call, call.team, None)
        elif item.released:  # back from outside the desk (a transfer)
            item.requeue(
                group=call.team, priority=item.priority, reason="back", actor=ACTOR, timestamp=at
            )
        if item.agent != agent:
            team = call.team if call.team in teams else teams[0]
            item.route(
                agent=agent, team=team, reason=f"call taken by {agent}", actor=ACTOR, timestamp=at
            )
        return item

    def _release(self, item: WorkItem | None, reason: str, at: datetime) -> None:
        if item is not None and not item.released:
            item.release(reason=reason, actor=ACTOR, timestamp=at)

    # --- the IVR -----------------------------------------------------------------

    def ivr(self) -> Ivr | None:
        channel = self.desk.channels.get(VOICE)
        assert isinstance(channel, VoiceChannel)
        return channel.ivr()

    def _in_contingency(self, call: Call) -> bool:
        return self.desk.contingency.active_for(call.tenant) is not None

    def next_step(self, call: str, digits: str | None = None) -> IvrAnswer:
        """What the telephony system does next with a call in the IVR, given the keys
        the caller pressed since the last answer (None: the call just came in)."""
        ivr = self.ivr()
        found = self._load(call)
        if not found.is_open:
            raise CallStateError(f"call {call} is {found.state}: nothing comes next")
        if found.state == "queued":
            if ivr is not None and digits == ivr.callback_key:
                return self._callback(found, "asked while waiting")
            return self._waiting(found, ivr)
        if found.state != "ivr":
            raise CallStateError(f"call {call} is {found.state}: the IVR is done with it")
        if ivr is None:
            return self._queue(found, None, None, None)
        contingency = self._in_contingency(found)
        first = ivr.contingency if contingency and ivr.contingency else ivr.menus[ivr.start]
        menu = ivr.menus.get(found.menu or "", first)
        if digits is None:
            return self._play(found, menu, None, "menu", menu.prompt)
        choice = menu.choices.get(digits)
        if choice is None:
            return self._play(
                found, menu, digits, "invalid", f"Sorry, {digits} is not an option. {menu.prompt}"
            )
        return self._choose(found, ivr, menu, digits, choice, contingency)

    def _play(
        self,
        call: Call,
        menu: Menu,
        digits: str | None,
        action: str,
        text: str,
        article: str | None = None,
    ) -> IvrAnswer:
        call.step(
            menu=menu.name,
            digits=digits,
            action=action,
            detail=article,
            timestamp=self.desk.clock.now(),
        )
        self.desk.save(call)
        return IvrAnswer(call.call, "play", text, menu=menu.name, article=article)

    def _choose(
        self, call: Call, ivr: Ivr, menu: Menu, digits: str, choice: Choice, contingency: bool
    ) -> IvrAnswer:
        if choice.action == "menu":
            target = ivr.menus[choice.value]
            return self._play(call, target, digits, "menu", target.prompt)
        if choice.action in ("article", "search"):
            number, answer = self._self_service(call, choice)
            text = (
                f"{answer} {menu.prompt}"
                if answer
                else (f"Sorry, we have no answer for that yet. {menu.prompt}")
            )
            return self._play(call, menu, digits, "self_service", text, article=number)
        if choice.action == "callback":
            return self._callback(call, f"pressed {digits} in {menu.name}")
        queue = ivr.queues[choice.value]
        # In contingency, the contingency rules; a file without them keeps its usual ones.
        rule = ivr.contingency_diversion if contingency else None
        rule = rule or ivr.diversion
        call.step(
            menu=menu.name,
            digits=digits,
            action="queue",
            detail=queue.name,
            timestamp=self.desk.clock.now(),
        )
        return self._queue(call, queue.name, queue.team, queue.skill, rule, ivr.callback_key)

    def _self_service(self, call: Call, choice: Choice) -> tuple[str | None, str | None]:
        knowledge = self.desk.knowledge
        if choice.action == "article":
            try:
                article = knowledge.get(choice.value)
            except EventDeskError:
                return None, None
            if article.state != "published":
                return None, None
            hits = [
                h
                for h in knowledge.search(article.title, tenant=call.tenant, limit=20)
                if h.number == article.number
            ]
            answer = hits[0].answer if hits else article.body
            return article.number, _clip(answer)
        hit = knowledge.best_answer(choice.value, tenant=call.tenant)
        return (hit.number, _clip(hit.answer)) if hit else (None, None)

    def _queue(
        self,
        call: Call,
        queue: str | None,
        team: str | None,
        skill: str | None,
        rule: DiversionRule | None = None,
        callback_key: str | None = None,
    ) -> IvrAnswer:
        at = self.desk.clock.now()
        item = self._new_item("call", call, team, skill)
        self.desk.save(call, item)
        wait = self._estimated_wait(call.call)
        count = self.share(call.tenant, at.date())
        verdict = decide(rule, wait[1], count, target_free=self._has_free_agent(rule))
        if verdict.divert:
            assert rule is not None
            if rule.to_number:
                item.release(reason=verdict.reason, actor=ACTOR, timestamp=at)
            else:
                item.requeue(
                    group=rule.to,
                    priority=item.priority,
                    reason=verdict.reason,
                    actor=ACTOR,
                    timestamp=at,
                )
            call.decide(
                tenant=call.tenant,
                outcome="diverted",
                queue=queue,
                team=team,
                to=rule.to,
                estimated_wait_minutes=wait[1],
                reason=verdict.reason,
                timestamp=at,
            )
            note = f"Call diverted to {rule.to}: {verdict.reason}"
        else:
            call.decide(
                tenant=call.tenant,
                outcome="queued",
                queue=queue,
                team=team,
                to=None,
                estimated_wait_minutes=wait[1],
                reason=verdict.reason,
                timestamp=at,
            )
            note = f"Call queued for {queue or 'the team'}: {verdict.reason}"
        changed = [call, item, *self._noted(call, note, f"{call.call}:decided", at)]
        self.desk.save(*changed)
        self.desk.tenancy.refresh()
        if verdict.divert:
            assert rule is not None
            return IvrAnswer(
                call.call,
                "divert",
                "Please hold: we are putting you through.",
                queue=queue,
                to=rule.to,
                reason=verdict.reason,
                estimated_wait_minutes=wait[1],
            )
        return self._waiting(call, None, callback_key, verdict.reason)

    def _has_free_agent(self, rule: DiversionRule | None) -> bool:
        """Whether the team a rule diverts to has an available agent with a voice place."""
        if rule is None or rule.to_number:
            return True
        contingency = self.desk.contingency
        return any(
            agent.presence == "available"
            and contingency.capacity_of(agent.name).get(VOICE, 0) > agent.load.get(VOICE, 0)
            for agent in self.desk.tenancy.agents(team=rule.to)
        )

    def _estimated_wait(self, call: str) -> tuple[int, int]:
        for entry in self.desk.tenancy.queue():
            if entry.incident == call:
                return entry.position, entry.estimated_wait_minutes
        return 0, 0

    def _waiting(
        self,
        call: Call,
        ivr: Ivr | None,
        callback_key: str | None = None,
        reason: str | None = None,
    ) -> IvrAnswer:
        key = callback_key or (ivr.callback_key if ivr else None)
        position, wait = self._estimated_wait(call.call)
        item = self._item("call", call.call)
        if item is not None and item.agent:
            text = f"Putting you through to {item.agent}."
            return IvrAnswer(
                call.call,
                "queue",
                text,
                queue=call.queue,
                team=item.team,
                position=0,
                estimated_wait_minutes=0,
                reason=reason,
            )
        text = f"You are number {position} in the queue; the wait is about {wait} minutes."
        offer = None
        if wait > 0 and key:
            text += f" Everyone is busy: press {key} and we will call you back."
            offer = key
        return IvrAnswer(
            call.call,
            "queue",
            text,
            queue=call.queue,
            team=call.team,
            position=position,
            estimated_wait_minutes=wait,
            callback_key=offer,
            reason=reason,
        )

    # --- callbacks ---------------------------------------------------------------

    def _callback(self, call: Call, reason: str) -> IvrAnswer:
        at = self.desk.clock.now()
        changed: list[Any] = [call]
        queued = self._item("call", call.call)
        if queued is not None:
            self._release(queued, "the caller asked for a callback", at)
            changed.append(queued)
        if call.outcome is None:
            call.decide(
                tenant=call.tenant,
                outcome="callback",
                queue=None,
                team=None,
                to=None,
                estimated_wait_minutes=None,
                reason=reason,
                timestamp=at,
            )
        else:
            call.request_callback(reason=reason, timestamp=at)
        changed.append(self._new_item("callback", call, call.team, None))
        changed.extend(
            self._noted(call, f"Callback requested to {call.caller}", f"{call.call}:callback", at)
        )
        self.desk.save(*changed)
        self.desk.tenancy.refresh()
        return IvrAnswer(
            call.call,
            "callback",
            "Thank you: the next free agent will call you back at this number.",
            reason=reason,
        )

    def callback_done(self, call: str, *, agent: str, note: str | None = None) -> CallView:
        """The agent called the customer back: the callback's work item is done."""
        found = self._load(call)
        if not found.callback or found.callback_done_at is not None:
            raise CallStateError(f"call {call} has no callback waiting")
        at = self.desk.clock.now()
        item = self._item("callback", call)
        self._release(item, f"called back by {agent}", at)
        found.callback_done(agent=agent, note=note, timestamp=at)
        text = f"Called back by {agent}" + (f": {note}" if note else "")
        changed = [
            found,
            *([item] if item else []),
            *self._noted(found, text, f"{call}:callback-done", at),
        ]
        self.desk.save(*changed)
        self.desk.tenancy.refresh()
        return _view(found)


@attrs.frozen
class CallbackView:
    """A caller waiting to be called back, and who has it."""

    call: str
    caller: str
    tenant: str | None
    incident: str | None
    requested_at: datetime
    agent: str | None
    state: str  # waiting | assigned | done
    done_at: datetime | None

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= ANSWER_MAX else text[: ANSWER_MAX - 1] + "…"


def _view(call: Call) -> CallView:
    waited = talk = None
    if call.answered_at is not None:
        waited = int((call.answered_at - call.offered_at).total_seconds())
        if call.ended_at is not None:
            talk = int((call.ended_at - call.answered_at).total_seconds())
    return CallView(
        call=call.call,
        caller=call.caller,
        dialled=call.dialled,
        tenant=call.tenant,
        incident=call.incident,
        contact=call.contact,
        state=call.state,
        menu=call.menu,
        outcome=call.outcome,
        queue=call.queue,
        team=call.team,
        diverted_to=call.diverted_to,
        agent=call.agent,
        callback=call.callback,
        callback_agent=call.callback_agent,
        callback_done_at=call.callback_done_at,
        offered_at=call.offered_at,
        answered_at=call.answered_at,
        ended_at=call.ended_at,
        waited_seconds=waited,
        talk_seconds=talk,
        steps=tuple(dict(s) for s in call.steps),
    )
