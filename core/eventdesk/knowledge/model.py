"""The Article aggregate: a knowledge-base article, or a known error, event-sourced.

An article is written as a **draft**, **published** for customers and agents
to find, and **retired** when it no longer applies; a retired article may be
published again (a seasonal answer, or one retired by mistake), keeping its
number and its history, and a draft nobody wants may be retired without ever
being published. Its title, body and keywords are revised while it is a draft
or published (a retired one is republished first); each revision is an event
with the actor and the time, and a published article's revision is live at once.

A **known error** is an article of its own kind, as in an ITIL known error
database: it names the problem record it belongs to (``PRB0000012``), its body
describes the symptoms as users report them (that is what a question matches),
and it carries the workaround an agent gives until the problem is fixed. It is
``open`` until the permanent fix is in place, then ``fixed``; it stays findable
(people still run the old version) until it is retired.

The language (ISO 639-1) and the tenant (``None``: shared with every tenant)
are fixed when the article is written: an answer for another audience is
another article.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import Any

import attrs
from eventsourcing.domain import Aggregate, event

from eventdesk.domain.incident import _optional, _text
from eventdesk.domain.numbering import NumberSeries
from eventdesk.errors import DomainError, InvalidValueError
from eventdesk.knowledge.text import fold

ARTICLES = NumberSeries("KB", uuid.UUID("0b9f3e61-2c4d-5a8e-b7f1-4d6c2e8a9b35"))
TITLE_MAX = 200
BODY_MAX = 50_000
WORKAROUND_MAX = 4000
KEYWORD_MAX = 60
KEYWORDS_MAX = 30
_LANGUAGE = re.compile(r"^([a-z]{2})(?:[-_][a-z0-9]{2,8})*$")


class ArticleState(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"


class ArticleKind(StrEnum):
    ARTICLE = "article"
    KNOWN_ERROR = "known_error"


class FixState(StrEnum):
    OPEN = "open"
    FIXED = "fixed"


# The lifecycle, as data: transition -> (states it may start from, state it leads to).
TRANSITIONS: dict[str, tuple[frozenset[ArticleState], ArticleState]] = {
    "publish": (frozenset({ArticleState.DRAFT, ArticleState.RETIRED}), ArticleState.PUBLISHED),
    "retire": (frozenset({ArticleState.DRAFT, ArticleState.PUBLISHED}), ArticleState.RETIRED),
}
# States in which an article's text may be revised (a retired one is republished first).
EDITABLE = frozenset({ArticleState.DRAFT, ArticleState.PUBLISHED})


class ArticleStateError(DomainError):
    """An article cannot be changed that way in its current state (or of its kind)."""

    def __init__(self, article: str, action: str, state: str) -> None:
        super().__init__(
            f"{article}: cannot {action} an article that is {state}",
            article=article,
            action=action,
            state=state,
        )


@attrs.frozen
class ArticleChange:
    """One entry of an article's history: who did what, when."""

    at: datetime
    actor: str
    action: str  # created, revised, published, retired, fixed
    detail: str = ""


def check_language(value: Any) -> str:
    """An ISO 639-1 code, lower case; a regional tag is reduced to its language.

    >>> check_language("es"), check_language("pt-BR"), check_language(" FR ")
    ('es', 'pt', 'fr')
    """
    if isinstance(value, str):
        match = _LANGUAGE.match(value.strip().lower())
        if match:
            return match.group(1)
    raise InvalidValueError("language", value, "an ISO 639-1 code such as en, es, fr, de, pt")


def check_title(value: Any) -> str:
    title = _text("title", value, required=True, max_length=TITLE_MAX)
    if "\n" in title:
        raise InvalidValueError("title", title, "one line")
    return title


def check_body(value: Any) -> str:
    return _text("body", value, required=True, max_length=BODY_MAX)


def check_workaround(value: Any) -> str:
    return _text("workaround", value, required=True, max_length=WORKAROUND_MAX)


def check_problem(value: Any) -> str:
    problem = _text("problem", value, required=True, max_length=100)
    if any(c.isspace() for c in problem):
        raise InvalidValueError("problem", problem, "a problem reference such as PRB0000012")
    return problem.upper()


def check_keywords(values: Iterable[str] | str | None) -> list[str]:
    """Keywords as given, spaces tidied, repeats (in any case or accent) dropped."""
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    keywords: list[str] = []
    seen: set[str] = set()
    for value in values:
        if not isinstance(value, str):
            raise InvalidValueError("keyword", value, "text")
        keyword = " ".join(value.split())
        if not keyword:
            continue
        if len(keyword) > KEYWORD_MAX:
            raise InvalidValueError("keyword", keyword, f"at most {KEYWORD_MAX} characters")
        if fold(keyword) not in seen:
            seen.add(fold(keyword))
            keywords.append(keyword)
    if len(keywords) > KEYWORDS_MAX:
        raise InvalidValueError("keywords", len(keywords), f"at most {KEYWORDS_MAX} keywords")
    return keywords


class Article(Aggregate):
    """A knowledge-base article or a known error, with its number, lifecycle and revisions."""

    # --- creation ----------------------------------------------------------

    @staticmethod
    def create_id(sequence: int) -> uuid.UUID:
        return ARTICLES.aggregate_id(sequence)

    @classmethod
    def write(
        cls,
        *,
        sequence: int,
        title: str,
        body: str,
        keywords: Iterable[str] | None = None,
        language: str = "en",
        tenant: str | None = None,
        problem: str | None = None,
        workaround: str | None = None,
        actor: str,
        at: datetime,
    ) -> Article:
        """A new draft; with a ``problem`` it is a known error, and needs a workaround."""
        if problem is None and workaround is not None:
            raise InvalidValueError(
                "workaround", workaround, "a known error's (give the problem it belongs to)"
            )
        known_error = problem is not None
        if known_error and (not isinstance(workaround, str) or not workaround.strip()):
            raise InvalidValueError(
                "workaround", workaround, "the workaround agents give until the problem is fixed"
            )
        return cls(
            sequence=sequence,
            kind=(ArticleKind.KNOWN_ERROR if known_error else ArticleKind.ARTICLE).value,
            title=check_title(title),
            body=check_body(body),
            keywords=check_keywords(keywords),
            language=check_language(language),
            tenant=_optional("tenant", tenant),
            problem=check_problem(problem) if known_error else None,
            workaround=check_workaround(workaround) if known_error else None,
            actor=actor,
            timestamp=at,
        )

    @event("Written")
    def __init__(
        self,
        sequence: int,
        kind: str,
        title: str,
        body: str,
        keywords: list[str],
        language: str,
        tenant: str | None,
        problem: str | None,
        workaround: str | None,
        actor: str,
        timestamp: datetime,
    ) -> None:
        self.sequence = sequence
        self.number = ARTICLES.format(sequence)
        self.kind = ArticleKind(kind)
        self.title = title
        self.body = body
        self.keywords: tuple[str, ...] = tuple(keywords)
        self.language = language
        self.tenant = tenant
        self.problem = problem
        self.workaround = workaround
        self.fix_state: FixState | None = FixState.OPEN if problem is not None else None
        self.state = ArticleState.DRAFT
        self.revision = 1
        self.written_by = actor
        self.published_at: datetime | None = None
        self.retired_at: datetime | None = None
        self.fixed_at: datetime | None = None
        self.changes: tuple[ArticleChange, ...] = (ArticleChange(timestamp, actor, "written"),)

    # --- rules ---------------------------------------------------------------

    @property
    def is_known_error(self) -> bool:
        return self.kind == ArticleKind.KNOWN_ERROR

    def check_transition(self, transition: str) -> ArticleState:
        sources, target = TRANSITIONS[transition]
        if self.state not in sources:
            raise ArticleStateError(self.number, transition, self.state.value)
        return target

    def check_editable(self) -> None:
        if self.state not in EDITABLE:
            raise ArticleStateError(self.number, "revise", self.state.value)

    # --- revisions -----------------------------------------------------------

    def revise(
        self,
        *,
        title: str | None = None,
        body: str | None = None,
        keywords: Iterable[str] | None = None,
        workaround: str | None = None,
        actor: str,
        at: datetime,
    ) -> bool:
        """Change what is given; returns False when that changes nothing."""
        self.check_editable()
        if workaround is not None and not self.is_known_error:
            raise InvalidValueError("workaround", workaround, "a known error's, not an article's")
        changes: dict[str, Any] = {
            "title": check_title(title) if title is not None else None,
            "body": check_body(body) if body is not None else None,
            "keywords": check_keywords(keywords) if keywords is not None else None,
            "workaround": check_workaround(workaround) if workaround is not None else None,
        }
        current = {
            "title": self.title,
            "body": self.body,
            "keywords": list(self.keywords),
            "workaround": self.workaround,
        }
        changed = {k: v for k, v in changes.items() if v is not None and v != current[k]}
        if not changed:
            return False
        self._revised(
            title=changed.get("title"),
            body=changed.get("body"),
            keywords=changed.get("keywords"),
            workaround=changed.get("workaround"),
            actor=actor,
            timestamp=at,
        )
        return True

    class Revised(Aggregate.Event):
        """What a revision changed: each field given, or None where it was kept."""

        title: str | None
        body: str | None
        keywords: list[str] | None
        workaround: str | None
        actor: str

    @event(Revised)
    def _revised(
        self,
        title: str | None,
        body: str | None,
        keywords: list[str] | None,
        workaround: str | None,
        actor: str,
        timestamp: datetime,
    ) -> None:
        if title is not None:
            self.title = title
        if body is not None:
            self.body = body
        if keywords is not None:
            self.keywords = tuple(keywords)
        if workaround is not None:
            self.workaround = workaround
        self.revision += 1
        given = {"title": title, "body": body, "keywords": keywords, "workaround": workaround}
        fields = ", ".join(name for name, value in given.items() if value is not None)
        self.changes = (*self.changes, ArticleChange(timestamp, actor, "revised", fields))

    # --- lifecycle -----------------------------------------------------------

    def publish(self, *, actor: str, at: datetime) -> None:
        self.check_transition("publish")
        self._published(actor=actor, timestamp=at)

    @event("Published")
    def _published(self, actor: str, timestamp: datetime) -> None:
        republished = self.state == ArticleState.RETIRED
        self.state = ArticleState.PUBLISHED
        self.published_at = timestamp
        self.retired_at = None
        action = "republished" if republished else "published"
        self.changes = (*self.changes, ArticleChange(timestamp, actor, action))

    def retire(self, reason: str = "", *, actor: str, at: datetime) -> None:
        self.check_transition("retire")
        self._retired(reason=_text("reason", reason, max_length=500), actor=actor, timestamp=at)

    @event("Retired")
    def _retired(self, reason: str, actor: str, timestamp: datetime) -> None:
        self.state = ArticleState.RETIRED
        self.retired_at = timestamp
        self.changes = (*self.changes, ArticleChange(timestamp, actor, "retired", reason))

    def mark_fixed(self, note: str = "", *, actor: str, at: datetime) -> None:
        """The problem behind a known error is fixed for good (the workaround is history)."""
        if not self.is_known_error:
            raise ArticleStateError(self.number, "mark fixed", "not a known error")
        if self.fix_state == FixState.FIXED:
            raise ArticleStateError(self.number, "mark fixed", "fixed already")
        self._fixed(note=_text("note", note, max_length=500), actor=actor, timestamp=at)

    @event("Fixed")
    def _fixed(self, note: str, actor: str, timestamp: datetime) -> None:
        self.fix_state = FixState.FIXED
        self.fixed_at = timestamp
        self.changes = (*self.changes, ArticleChange(timestamp, actor, "fixed", note))
