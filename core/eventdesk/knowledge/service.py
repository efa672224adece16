"""``desk.knowledge``: write, publish, retire and search the knowledge base.

Who may do what (each refusal recorded, like every refused access):

- **administrators** (and the embedding system) write and read every article;
- **agents** write the articles of the tenants their teams serve, and read
  those and the shared ones; a shared article (``tenant=None``), which every
  tenant's customers read, is written by administrators only, except on a desk
  without tenants, where every article is shared and the agents write them;
- **tenant users** read the published articles of their own tenant and the
  shared ones: to them a draft or a retired article does not exist.

Search answers the articles a reader may see, best first, each with a score
from 0 to 1 (see eventdesk.knowledge.ranking for the formula and why the scale
holds still as the knowledge base grows), a snippet with the matched words and
a short answer a bot can write or an IVR can read out.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import attrs
from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from eventdesk.domain.numbering import find_last_number
from eventdesk.errors import (
    ConcurrencyConflictError,
    DomainError,
    EventDeskError,
    InvalidValueError,
)
from eventdesk.knowledge.model import (
    ARTICLES,
    Article,
    ArticleChange,
    ArticleKind,
    ArticleState,
    check_language,
)
from eventdesk.knowledge.ranking import Scored, rank
from eventdesk.knowledge.text import short_answer, snippet, terms
from eventdesk.projections.incidents import read_time
from eventdesk.projections.knowledge import Audience, KnowledgeIndex, searchable
from eventdesk.tenancy.access import Actor, ActorKind
from eventdesk.tenancy.service import UnknownNameError
from eventdesk.views import to_jsonable

if TYPE_CHECKING:
    from eventdesk.application import ServiceDesk
    from eventdesk.domain.incident import Incident

SYSTEM_ACTOR = "system"
DEFAULT_MIN_SCORE = 0.3
QUERY_MAX = 2000  # characters of a question
TERMS_MAX = 32  # distinct terms of a question that count
_MAX_NUMBER_CLAIMS = 1000


class ArticleNotFoundError(EventDeskError):
    """No article has that number or id (or the reader may not know it exists)."""

    def __init__(self, reference: object) -> None:
        super().__init__(f"article {reference} not found", reference=str(reference))


class KnownErrorLinkError(DomainError):
    """An article cannot be given to an incident as its known error."""


@attrs.frozen
class KnownErrorInfo:
    """What makes an article a known error: its problem, workaround and fix state."""

    problem: str
    workaround: str
    state: str  # open | fixed
    fixed_at: datetime | None


@attrs.frozen
class ArticleView:
    """An article as it is now, with its history."""

    id: uuid.UUID
    number: str
    kind: str
    title: str
    body: str
    keywords: tuple[str, ...]
    language: str
    tenant: str | None
    state: str
    revision: int
    known_error: KnownErrorInfo | None
    written_by: str
    written_at: datetime
    updated_at: datetime
    published_at: datetime | None
    retired_at: datetime | None
    history: tuple[ArticleChange, ...]
    version: int

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)


@attrs.frozen
class ArticleSummary:
    """One row of the article list."""

    number: str
    kind: str
    title: str
    state: str
    language: str
    tenant: str | None
    keywords: tuple[str, ...]
    revision: int
    problem: str | None
    fix_state: str | None
    updated_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)


@attrs.frozen
class SearchHit:
    """One article found for a question.

    ``score`` is from 0 to 1: the share of the most an article could score for
    this question (see eventdesk.knowledge.ranking). ``terms`` are the
    question's terms the article contains (folded and stemmed, as indexed);
    ``snippet`` is the sentence of the article that has the most of them;
    ``answer`` is short enough to send or read out: a known error's
    workaround, else the article's first paragraph.
    """

    number: str
    title: str
    score: float
    snippet: str
    answer: str
    terms: tuple[str, ...]
    kind: str
    tenant: str | None
    language: str
    state: str
    problem: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)


def _is_tenant_user(actor: str) -> bool:
    return isinstance(actor, Actor) and actor.kind == ActorKind.TENANT_USER


def _limit(value: Any, most: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= most:
        raise InvalidValueError("limit", value, f"a whole number 1 to {most}")
    return value


def _states(state: str | Iterable[str] | None) -> set[str]:
    if state is None:
        return {s.value for s in ArticleState}
    chosen = {state} if isinstance(state, str) else set(state)
    for name in chosen:
        if name not in {s.value for s in ArticleState}:
            raise InvalidValueError(
                "state", name, "one of " + ", ".join(s.value for s in ArticleState)
            )
    return chosen


class KnowledgeService:
    """``desk.knowledge``: the knowledge base of a desk."""

    def __init__(self, desk: ServiceDesk) -> None:
        self.desk = desk
        self.index = KnowledgeIndex()
        self._lock = threading.Lock()
        self._last_number: int | None = None

    # --- loading and numbering -----------------------------------------------------------

    def _resolve(self, ref: str | int | uuid.UUID) -> uuid.UUID:
        if isinstance(ref, uuid.UUID):
            return ref
        if isinstance(ref, int) and not isinstance(ref, bool) and ref > 0:
            return ARTICLES.aggregate_id(ref)
        if isinstance(ref, str):
            sequence = ARTICLES.parse(ref)
            if sequence is None and ref.strip().isdigit():
                sequence = int(ref.strip())
            if sequence is not None and sequence > 0:
                return ARTICLES.aggregate_id(sequence)
            try:
                return uuid.UUID(ref.strip())
            except ValueError:
                pass
        raise ArticleNotFoundError(ref)

    def _load(self, ref: str | int | uuid.UUID) -> Article:
        try:
            article = self.desk.repository.get(self._resolve(ref))
        except AggregateNotFoundError:
            raise ArticleNotFoundError(ref) from None
        if not isinstance(article, Article):
            raise ArticleNotFoundError(ref)
        return article

    def _number_taken(self, sequence: int) -> bool:
        return bool(self.desk.recorder.select_events(ARTICLES.aggregate_id(sequence), limit=1))

    def _write_new(self, build: Callable[[int, datetime], Article]) -> Article:
        """Claim the next number and save the article built with it.

        Numbers are claimed by saving (an article's id is derived from its number): a
        number another process took makes the save fail, and the next one is tried.
        """
        with self._lock:
            for _ in range(_MAX_NUMBER_CLAIMS):
                if self._last_number is None:
                    self._last_number = find_last_number(self._number_taken, 0)
                sequence = self._last_number + 1
                article = build(sequence, self.desk.clock.now())
                try:
                    self.desk.save(article)
                except IntegrityError:
                    if not self._number_taken(sequence):
                        raise ConcurrencyConflictError("a new article", None, None) from None
                    self._last_number = find_last_number(self._number_taken, sequence)
                    continue
                self._last_number = sequence
                return article
        raise ConcurrencyConflictError("a new article", None, None)

    def _save(self, article: Article) -> None:
        read = article.version - len(article.pending_events)
        try:
            self.desk.save(article)
        except IntegrityError:
            stored = self.desk.recorder.select_events(article.id, desc=True, limit=1)
            found = stored[0].originator_version if stored else None
            raise ConcurrencyConflictError(article.number, read, found) from None

    # --- access --------------------------------------------------------------------------

    def _guard_write(self, actor: str, action: str, tenant: str | None) -> None:
        # A shared article reaches every tenant's customers: administrators write those,
        # unless the desk has no tenants (then "shared" just means the desk's own).
        agents = tenant is not None or not self.desk.tenancy.tenants()
        self.desk.tenancy.guard(actor, action, tenant=tenant, agents=agents)

    def _guard_read(self, actor: str, action: str, tenant: str | None) -> None:
        self.desk.tenancy.guard(actor, action, tenant=tenant, agents=True, tenant_users=True)

    def _audience(self, actor: str, tenant: str | None) -> Audience:
        """The shared articles and those of ``tenant``, or of every tenant the actor sees."""
        if tenant is not None:
            return Audience(frozenset({tenant}))
        visible = self.desk.tenancy.visible_tenants(actor)
        return Audience(None if visible is None else frozenset(visible))

    # --- commands ------------------------------------------------------------------------

    def add(
        self,
        title: str,
        body: str,
        *,
        keywords: Iterable[str] = (),
        language: str = "en",
        tenant: str | None = None,
        problem: str | None = None,
        workaround: str | None = None,
        actor: str = SYSTEM_ACTOR,
    ) -> ArticleView:
        """Write a draft article (``tenant=None``: shared with every tenant).

        With ``problem`` (a problem reference such as ``PRB0000012``) it is a known
        error: the body describes the symptoms, and ``workaround`` is required.
        """
        if tenant is not None and not self.desk.tenancy.has_tenant(tenant):
            raise UnknownNameError("tenant", tenant)
        self._guard_write(actor, "write an article", tenant)
        article = self._write_new(
            lambda sequence, at: Article.write(
                sequence=sequence,
                title=title,
                body=body,
                keywords=keywords,
                language=language,
                tenant=tenant,
                problem=problem,
                workaround=workaround,
                actor=actor,
                at=at,
            )
        )
        return self._view(article)

    def edit(
        self,
        ref: str,
        *,
        title: str | None = None,
        body: str | None = None,
        keywords: Iterable[str] | None = None,
        workaround: str | None = None,
        actor: str = SYSTEM_ACTOR,
    ) -> ArticleView:
        """Revise a draft or published article: what is given replaces what was there
        (``keywords`` all of them). A revision that changes nothing records nothing."""
        article = self._load(ref)
        self._guard_write(actor, "write an article", article.tenant)
        changed = article.revise(
            title=title,
            body=body,
            keywords=keywords,
            workaround=workaround,
            actor=actor,
            at=self.desk.clock.now(),
        )
        if changed:
            self._save(article)
        return self._view(article)

    def publish(self, ref: str, *, actor: str = SYSTEM_ACTOR) -> ArticleView:
        """Publish a draft, or republish a retired article: searches find it from now on."""
        article = self._load(ref)
        self._guard_write(actor, "publish an article", article.tenant)
        article.publish(actor=actor, at=self.desk.clock.now())
        self._save(article)
        return self._view(article)

    def retire(self, ref: str, *, reason: str = "", actor: str = SYSTEM_ACTOR) -> ArticleView:
        """Take an article out of every search (or abandon a draft); it keeps its number."""
        article = self._load(ref)
        self._guard_write(actor, "retire an article", article.tenant)
        article.retire(reason, actor=actor, at=self.desk.clock.now())
        self._save(article)
        return self._view(article)

    def mark_fixed(self, ref: str, *, note: str = "", actor: str = SYSTEM_ACTOR) -> ArticleView:
        """Record that the problem behind a known error is fixed for good."""
        article = self._load(ref)
        self._guard_write(actor, "mark a known error fixed", article.tenant)
        article.mark_fixed(note, actor=actor, at=self.desk.clock.now())
        self._save(article)
        return self._view(article)

    # --- queries -------------------------------------------------------------------------

    def get(self, ref: str, *, actor: str = SYSTEM_ACTOR) -> ArticleView:
        """One article, with its history (a tenant user: a published one only)."""
        article = self._load(ref)
        self._guard_read(actor, "read an article", article.tenant)
        if _is_tenant_user(actor) and article.state != ArticleState.PUBLISHED:
            raise ArticleNotFoundError(ref)
        return self._view(article)

    def list(
        self,
        *,
        state: str | Iterable[str] | None = None,
        tenant: str | None = None,
        kind: str | None = None,
        language: str | None = None,
        limit: int = 100,
        actor: str = SYSTEM_ACTOR,
    ) -> list[ArticleSummary]:
        """Articles in number order: with ``tenant``, that tenant's own; otherwise every
        article the actor may read (a tenant user: the published ones only)."""
        self._guard_read(actor, "list articles", tenant)
        states = _states(state)
        if _is_tenant_user(actor):
            states &= {ArticleState.PUBLISHED.value}
        if kind is not None and kind not in {k.value for k in ArticleKind}:
            raise InvalidValueError("kind", kind, "article or known_error")
        language = check_language(language) if language is not None else None
        limit = _limit(limit, 10_000)
        if not states:
            return []
        self.desk.catch_up()
        rows = self.index.listing(
            self.desk.projector.db,
            states=states,
            audience=self._audience(actor, None),
            tenant=tenant,
            language=language,
            kind=kind,
            limit=limit,
        )
        return [
            ArticleSummary(
                number=row["number"],
                kind=row["kind"],
                title=row["title"],
                state=row["state"],
                language=row["language"],
                tenant=row["tenant"],
                keywords=tuple(k for k in row["keywords"].split("\n") if k),
                revision=int(row["revision"]),
                problem=row["problem"],
                fix_state=row["fix_state"],
                updated_at=read_time(row["updated_at"]),
            )
            for row in rows
        ]

    def search(
        self,
        text: str,
        *,
        tenant: str | None = None,
        language: str | None = None,
        limit: int = 10,
        include_drafts: bool = False,
        actor: str = SYSTEM_ACTOR,
    ) -> list[SearchHit]:
        """The published articles that answer ``text`` best, best first.

        With ``tenant``: that tenant's articles and the shared ones, never another
        tenant's (a tenant user's own tenant is the default); without, every article
        the actor may read. With ``language`` (ISO 639-1), only articles in it.
        ``include_drafts`` adds drafts, for the people who write them (never for a
        tenant user). Ties go to the lower number.
        """
        self._guard_read(actor, "search the knowledge base", tenant)
        if not isinstance(text, str) or not text.strip():
            raise InvalidValueError("question", text, "a non-empty text")
        if len(text) > QUERY_MAX:
            raise InvalidValueError("question", f"{text[:20]}…", f"at most {QUERY_MAX} characters")
        language = check_language(language) if language is not None else None
        limit = _limit(limit, 100)
        if tenant is None and _is_tenant_user(actor):
            tenant = actor.tenant  # type: ignore[attr-defined]
        states = {ArticleState.PUBLISHED.value}
        if include_drafts and not _is_tenant_user(actor):
            states.add(ArticleState.DRAFT.value)
        wanted = list(dict.fromkeys(terms(text, language)))[:TERMS_MAX]
        self.desk.catch_up()
        db = self.desk.projector.db
        found = self.index.matches(
            db, wanted, states=states, audience=self._audience(actor, tenant), language=language
        )
        scored = rank(wanted, found.postings, found.lengths)
        best = sorted(scored, key=lambda a: (-scored[a].score, a))[:limit]
        rows = self.index.articles(db, best)
        return [_hit(rows[article], scored[article]) for article in best]

    def best_answer(
        self,
        text: str,
        tenant: str | None = None,
        language: str | None = None,
        min_score: float = DEFAULT_MIN_SCORE,
        *,
        actor: str = SYSTEM_ACTOR,
    ) -> SearchHit | None:
        """The best published article for a customer's question, if it scores at least
        ``min_score`` (0 to 1); None means: hand over to a person."""
        if isinstance(min_score, bool) or not isinstance(min_score, int | float):
            raise InvalidValueError("minimum score", min_score, "a number from 0 to 1")
        if not 0 <= min_score <= 1:
            raise InvalidValueError("minimum score", min_score, "a number from 0 to 1")
        hits = self.search(text, tenant=tenant, language=language, limit=1, actor=actor)
        return hits[0] if hits and hits[0].score >= min_score else None

    # --- for the incident's known errors (ServiceDesk.link_known_error) -------------------

    def _known_error_for(self, incident: Incident, ref: str) -> Article:
        """The known error an incident may be given: published, and shared or of the
        incident's own tenant (its customers will read the workaround)."""
        article = self._load(ref)
        if not article.is_known_error:
            raise KnownErrorLinkError(
                f"{article.number} is an article, not a known error", article=article.number
            )
        if article.state != ArticleState.PUBLISHED:
            raise KnownErrorLinkError(
                f"{article.number} is {article.state.value}: only a published known error "
                "is given for an incident",
                article=article.number,
                state=article.state.value,
            )
        if article.tenant is not None and article.tenant != incident.tenant:
            raise KnownErrorLinkError(
                f"{article.number} belongs to tenant {article.tenant}, and {incident.number} "
                f"to {incident.tenant or 'no tenant'}",
                article=article.number,
                incident=incident.number,
            )
        return article

    # --- views ---------------------------------------------------------------------------

    def _view(self, article: Article) -> ArticleView:
        known_error = None
        if article.is_known_error:
            known_error = KnownErrorInfo(
                problem=article.problem or "",
                workaround=article.workaround or "",
                state=article.fix_state.value if article.fix_state else "open",
                fixed_at=article.fixed_at,
            )
        return ArticleView(
            id=article.id,
            number=article.number,
            kind=article.kind.value,
            title=article.title,
            body=article.body,
            keywords=article.keywords,
            language=article.language,
            tenant=article.tenant,
            state=article.state.value,
            revision=article.revision,
            known_error=known_error,
            written_by=article.written_by,
            written_at=article.created_on,
            updated_at=article.modified_on,
            published_at=article.published_at,
            retired_at=article.retired_at,
            history=article.changes,
            version=article.version,
        )


def _hit(row: dict[str, Any], scored: Scored) -> SearchHit:
    wanted = set(scored.terms)
    body = searchable(row)[2]
    return SearchHit(
        number=row["number"],
        title=row["title"],
        score=round(scored.score, 4),
        snippet=snippet(body, wanted, row["language"]),
        answer=short_answer(row["workaround"] or row["body"]),
        terms=scored.terms,
        kind=row["kind"],
        tenant=row["tenant"],
        language=row["language"],
        state=row["state"],
        problem=row["problem"],
    )
