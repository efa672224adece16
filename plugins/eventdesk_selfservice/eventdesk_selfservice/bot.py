"""The self-service bot: answers from the knowledge base, or hands over to a person.

It takes a new incident's conversation on the channels named in its settings
(``channels = ["chat", "whatsapp"]``) as intake takes each message in (the
``message_taken`` hook). While the bot has it, the incident's work waits
*held* (its work items released, so no agent is routed it). Each customer
message is, in this order:

1. a request for a person ("agent", "human", "persona"...): hand over;
2. after an answer, a thank-you or a yes: a **deflection** — the incident is
   resolved by the bot, without a human;
3. after an answer, "that didn't help" (or a no): a failed answer; the second
   one hands over, the first gets the next best article, if it is confident;
4. otherwise a question: the best published article answers it if it scores at
   least ``min_score`` (0.3), else hand over: the bot is not confident.

Handing over puts the held work back in the queue with the reason, and adds a
work note for the agent: the conversation is already the whole transcript.
"""

from __future__ import annotations

import contextlib
import logging
import re
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from eventdesk.definitions import definition_content, store_definition
from eventdesk.errors import EventDeskError, InvalidValueError
from eventdesk.intake.service import IntakeResult
from eventdesk.tenancy.work import WorkItem, work_item_id
from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate, event

if TYPE_CHECKING:
    from eventdesk.application import ServiceDesk
    from eventdesk.channels import InboundMessage
    from eventdesk.knowledge.service import SearchHit

log = logging.getLogger(__name__)
NAMESPACE = uuid.UUID("7c1e9a40-2b5d-4f83-a6c2-9d0e4b7f1a35")
BOT = "selfservice-bot"
SETTINGS_KIND, SETTINGS_NAME = "selfservice", "settings"
DEFAULTS: dict[str, Any] = {"channels": [], "min_score": 0.3, "chat_url": None}
RESOLUTION_CODE = "self-service"
# The kinds of work item an incident can hold: its own, and a chat session's.
WORK_KINDS = ("incident", "chat")

ASKS_FOR_PERSON = re.compile(
    r"\b(agent|human|person|someone|operator|representative|agente|humano|persona|operador)\b",
    re.IGNORECASE,
)
DID_NOT_HELP = re.compile(
    r"(\b(didn'?t|did not|doesn'?t|does not|not|no)\s+(help|work|solve)|"
    r"\bstill\b|\bnot (solved|fixed)\b|^\s*no\b|no me (ayud|sirv)|no funciona|sigue)",
    re.IGNORECASE,
)
HELPED = re.compile(
    r"(\bthanks?\b|\bthank you\b|\bsolved\b|\bthat helped\b|\bit works\b|\bworks now\b|"
    r"^\s*(yes|yep|ok|great)\b|\bgracias\b|\bresuelto\b|^\s*s[ií]\b|\bya funciona\b)",
    re.IGNORECASE,
)

ANSWER = (
    "{answer}\n\n({number} {title}) Did this solve it? Reply yes, or tell me what is still "
    "wrong. Write agent at any time to talk to a person."
)
HANDOVER = (
    "I am passing you to a person, who will see everything we have said. "
    "Your reference is {incident}."
)
CHAT_LINK = " To talk to them now, continue on live chat: {url}?incident={incident}"
DEFLECTED = (
    "Glad that solved it. I have closed {incident} as solved; write again here if it comes back."
)


def conversation_id(incident: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"bot-conversation:{incident}")


class BotConversation(Aggregate):
    """The bot's part in one incident: what it answered, and how it ended."""

    @staticmethod
    def create_id(incident: str) -> uuid.UUID:
        return conversation_id(incident)

    @event("Started")
    def __init__(
        self,
        incident: str,
        channel: str,
        tenant: str | None,
        language: str | None,
        actor: str,
        timestamp: datetime,
    ) -> None:
        self.incident = incident
        self.channel = channel
        self.tenant = tenant
        self.language = language  # the customer's, when the channel says: articles in it only
        self.state = "bot"  # bot | deflected | handed_over
        self.question: str | None = None
        self.given: tuple[str, ...] = ()  # articles answered, in order
        self.failures = 0
        self.held: tuple[str, ...] = ()  # work items released while the bot has it
        self.reason: str | None = None

    @event("Held")
    def hold(self, work_item: str, actor: str, timestamp: datetime) -> None:
        self.held = (*self.held, work_item)

    @event("Answered")
    def answer(
        self, question: str, article: str, score: float, actor: str, timestamp: datetime
    ) -> None:
        self.question = question
        self.given = (*self.given, article)

    @event("AnswerFailed")
    def fail(self, text: str, actor: str, timestamp: datetime) -> None:
        self.failures += 1

    @event("Deflected")
    def deflect(self, article: str, actor: str, timestamp: datetime) -> None:
        """Resolved without a human, with the last article the bot gave."""
        self.state = "deflected"

    @event("HandedOver")
    def hand_over(self, reason: str, actor: str, timestamp: datetime) -> None:
        self.state = "handed_over"
        self.reason = reason


def check_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """The bot's settings, complete and checked, or InvalidValueError."""
    unknown = sorted(set(settings) - set(DEFAULTS))
    if unknown:
        raise InvalidValueError("self-service setting", unknown[0], "channels, min_score, chat_url")
    merged = {**DEFAULTS, **settings}
    channels = merged["channels"]
    if not isinstance(channels, list) or not all(isinstance(c, str) and c for c in channels):
        raise InvalidValueError("self-service channels", channels, "a list of channel names")
    score = merged["min_score"]
    if isinstance(score, bool) or not isinstance(score, int | float) or not 0 <= score <= 1:
        raise InvalidValueError("self-service min_score", score, "a number from 0 to 1")
    url = merged["chat_url"]
    if url is not None and (
        not isinstance(url, str) or not url.startswith(("http://", "https://"))
    ):
        raise InvalidValueError("self-service chat_url", url, "an http(s) URL of the chat page")
    return {"channels": sorted(set(channels)), "min_score": float(score), "chat_url": url}


def settings_of(desk: ServiceDesk) -> dict[str, Any]:
    """The bot's settings on this desk (the defaults until configured: no channels)."""
    return check_settings(definition_content(desk, SETTINGS_KIND, SETTINGS_NAME) or {})


def configure(desk: ServiceDesk, *, actor: str = "system", **changes: Any) -> dict[str, Any]:
    """Change the bot's settings (``channels``, ``min_score``, ``chat_url``); the new ones."""
    desk.tenancy.guard(actor, "configure the self-service bot")
    settings = check_settings({**settings_of(desk), **changes})
    store_definition(desk, SETTINGS_KIND, SETTINGS_NAME, settings, actor=actor)
    return settings


class SelfServiceBot:
    """The bot at work on one desk."""

    def __init__(self, desk: ServiceDesk, settings: dict[str, Any] | None = None) -> None:
        self.desk = desk
        self.settings = settings if settings is not None else settings_of(desk)

    def _conversation(self, incident: str) -> BotConversation | None:
        try:
            return self.desk.repository.get(conversation_id(incident))
        except AggregateNotFoundError:
            return None

    def _items(self, incident: str) -> list[WorkItem]:
        found = []
        for kind in WORK_KINDS:
            with contextlib.suppress(AggregateNotFoundError):
                found.append(self.desk.repository.get(work_item_id(kind, incident)))
        return found

    def take(self, message: InboundMessage, result: IntakeResult) -> str | None:
        """The bot's turn after intake took a customer's message; what it did, or None
        when the message is not the bot's (another channel, a person has the incident)."""
        if result.channel not in self.settings["channels"] or not result.incident:
            return None
        if result.status not in ("opened", "appended", "reopened"):
            return None
        conversation = self._conversation(result.incident)
        if conversation is None:
            if result.status != "opened":
                return None  # an incident a person has already
            incident = self.desk._get(result.incident)
            conversation = BotConversation(
                incident=incident.number,
                channel=result.channel,
                tenant=incident.tenant,
                language=message.metadata.get("language"),
                actor=BOT,
                timestamp=self.desk.clock.now(),
            )
        elif conversation.state != "bot":
            return None
        changed = self._hold(conversation)
        if changed is None:
            return None  # routed to a person in the meantime: theirs
        self.desk.save(conversation, *changed)
        try:
            return self._turn(conversation, message.text, result.channel)
        except EventDeskError as error:
            # The bot cannot answer on this channel (nobody to reply to, say): a person
            # must, so its held work goes back to the queue rather than wait for nothing.
            log.warning("the self-service bot hands over %s: %s", result.incident, error)
            fresh = self._conversation(result.incident)
            if fresh is None:
                raise
            if fresh.state != "bot":  # handed over already: only its message failed
                return fresh.state
            reason = f"the bot could not answer: {error.message}"
            return self._hand_over(fresh, result.channel, reason, say=False)

    def _hold(self, conversation: BotConversation) -> list[Any] | None:
        """Release the incident's waiting work while the bot has it; None if a person has
        been given it already."""
        at, changed = self.desk.clock.now(), []
        for item in self._items(conversation.incident):
            if item.released:
                continue
            if item.agent is not None:
                return None
            item.release(reason="with the self-service bot", actor=BOT, timestamp=at)
            conversation.hold(work_item=str(item.id), actor=BOT, timestamp=at)
            changed.append(item)
        return changed

    def _turn(self, conversation: BotConversation, text: str, channel: str) -> str:
        if ASKS_FOR_PERSON.search(text):
            return self._hand_over(conversation, channel, "the customer asked for a person")
        if conversation.given and DID_NOT_HELP.search(text):
            conversation.fail(text=text, actor=BOT, timestamp=self.desk.clock.now())
            if conversation.failures >= 2:
                return self._hand_over(conversation, channel, "a second answer did not help")
            hit = self._best(conversation.question or text, conversation)
            if hit is None:
                return self._hand_over(conversation, channel, "no other confident answer")
            return self._answer(conversation, channel, conversation.question or text, hit)
        if conversation.given and HELPED.search(text):
            return self._deflect(conversation, channel)
        hit = self._best(text, conversation)
        if hit is None:
            return self._hand_over(conversation, channel, "no confident answer")
        return self._answer(conversation, channel, text, hit)

    def _best(self, question: str, conversation: BotConversation) -> SearchHit | None:
        hits = self.desk.knowledge.search(
            question[:500], tenant=conversation.tenant, language=conversation.language, limit=5
        )
        fresh = [h for h in hits if h.number not in conversation.given]
        best = fresh[0] if fresh else None
        return best if best is not None and best.score >= self.settings["min_score"] else None

    def _say(self, conversation: BotConversation, channel: str, text: str) -> None:
        self.desk.reply(conversation.incident, text, channel=channel, actor=BOT, author_kind="bot")

    def _answer(
        self, conversation: BotConversation, channel: str, question: str, hit: SearchHit
    ) -> str:
        conversation.answer(
            question=question,
            article=hit.number,
            score=round(hit.score, 4),
            actor=BOT,
            timestamp=self.desk.clock.now(),
        )
        self.desk.save(conversation)
        self._say(
            conversation,
            channel,
            ANSWER.format(answer=hit.answer, number=hit.number, title=hit.title),
        )
        return "answered"

    def _deflect(self, conversation: BotConversation, channel: str) -> str:
        article = conversation.given[-1]
        conversation.deflect(article=article, actor=BOT, timestamp=self.desk.clock.now())
        self.desk.save(conversation)
        self._say(conversation, channel, DEFLECTED.format(incident=conversation.incident))
        self.desk.resolve(
            conversation.incident,
            RESOLUTION_CODE,
            f"Solved by the self-service bot with {article}, without a person.",
            actor=BOT,
        )
        return "deflected"

    def _hand_over(
        self, conversation: BotConversation, channel: str, reason: str, *, say: bool = True
    ) -> str:
        at = self.desk.clock.now()
        conversation.hand_over(reason=reason, actor=BOT, timestamp=at)
        requeued = []
        incident = self.desk._get(conversation.incident)
        for item_id in conversation.held:
            item = self.desk.repository.get(uuid.UUID(item_id))
            if item.released and incident.is_open:
                item.requeue(
                    group=item.group,
                    priority=incident.priority,
                    reason=f"handed over by the self-service bot: {reason}",
                    actor=BOT,
                    timestamp=at,
                )
                requeued.append(item)
        given = ", ".join(conversation.given) or "none"
        incident.add_comment(
            f"Handed over by the self-service bot: {reason}. Articles it gave: {given}. "
            "The conversation is the whole transcript.",
            public=False,
            actor=BOT,
            at=at,
            author_kind="bot",
        )
        self.desk.save(conversation, incident, *requeued)
        if not say:
            return "handed_over"
        text = HANDOVER.format(incident=conversation.incident)
        if self.settings["chat_url"] and channel != "chat":
            text += CHAT_LINK.format(url=self.settings["chat_url"], incident=incident.number)
        self._say(conversation, channel, text)
        return "handed_over"
