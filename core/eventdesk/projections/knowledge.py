"""The knowledge index: every article's searchable text, as postings, for BM25 search.

Two tables, kept from the Article events with tracking like every read model,
so every process searching one database sees the same index, on SQLite and on
PostgreSQL:

- ``eventdesk_kb_articles``: one row per article, what a hit shows (number,
  title, body, state, tenant, language...) and each field's length in terms;
- ``eventdesk_kb_postings``: one row per (term, article), the term's count in
  the title, the keywords and the body (a known error's workaround counts as
  body).

A question is then one read of the postings of its terms among the articles
the caller may see, scoring in Python (eventdesk.knowledge.ranking), and one
read of the few articles shown.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any

import attrs

from eventdesk.knowledge.model import ARTICLES as NUMBERS
from eventdesk.knowledge.model import Article, ArticleState
from eventdesk.knowledge.ranking import Counts
from eventdesk.knowledge.text import term_counts
from eventdesk.projections.base import Projection
from eventdesk.projections.incidents import stored_time
from eventdesk.storage import SQLDatabase

ARTICLES = "eventdesk_kb_articles"
POSTINGS = "eventdesk_kb_postings"
_FIELDS = ("title", "keywords", "body")


@attrs.frozen
class Audience:
    """Whose articles a reader may see: the shared ones, and those of ``tenants``
    (``None``: every tenant's)."""

    tenants: frozenset[str] | None = None

    def where(self, column: str) -> tuple[str, list[Any]]:
        if self.tenants is None:
            return "", []
        if not self.tenants:
            return f"{column} IS NULL", []
        marks = ", ".join("?" for _ in self.tenants)
        return f"({column} IS NULL OR {column} IN ({marks}))", sorted(self.tenants)


@attrs.frozen
class Matches:
    """What the index holds for a question: each term's counts per article, and the
    field lengths of every article that has at least one of the terms (articles by
    their sequence number)."""

    postings: dict[str, dict[int, Counts]]
    lengths: dict[int, Counts]


def searchable(row: dict[str, Any]) -> tuple[str, str, str]:
    """An article's text per field, as indexed."""
    body = row["body"] if not row.get("workaround") else f"{row['body']}\n\n{row['workaround']}"
    return row["title"], row["keywords"].replace("\n", " "), body


class KnowledgeIndex(Projection):
    name = "knowledge"
    tables = (POSTINGS, ARTICLES)

    def create(self, db: SQLDatabase) -> None:
        # Articles are keyed by their sequence number, an integer: a posting finds its
        # article in one lookup (on SQLite, by rowid), which is most of a search's time.
        db.execute(
            f"""CREATE TABLE IF NOT EXISTS {ARTICLES} (
                sequence INTEGER PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                number TEXT NOT NULL UNIQUE,
                kind TEXT NOT NULL,
                title TEXT NOT NULL,
                body TEXT NOT NULL,
                keywords TEXT NOT NULL,
                language TEXT NOT NULL,
                tenant TEXT,
                state TEXT NOT NULL,
                problem TEXT,
                workaround TEXT,
                fix_state TEXT,
                revision INTEGER NOT NULL,
                version BIGINT NOT NULL,
                written_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                len_title INTEGER NOT NULL,
                len_keywords INTEGER NOT NULL,
                len_body INTEGER NOT NULL)"""
        )
        db.execute(
            f"CREATE INDEX IF NOT EXISTS {ARTICLES}_state ON {ARTICLES} (state, language, tenant)"
        )
        # A term's postings side by side (SQLite keeps them in primary-key order).
        clustered = " WITHOUT ROWID" if db.dialect == "sqlite" else ""
        db.execute(
            f"""CREATE TABLE IF NOT EXISTS {POSTINGS} (
                term TEXT NOT NULL,
                article INTEGER NOT NULL,
                tf_title INTEGER NOT NULL,
                tf_keywords INTEGER NOT NULL,
                tf_body INTEGER NOT NULL,
                PRIMARY KEY (term, article)){clustered}"""
        )
        db.execute(f"CREATE INDEX IF NOT EXISTS {POSTINGS}_article ON {POSTINGS} (article)")

    # --- keeping up with the events ------------------------------------------------------

    def apply(self, db: SQLDatabase, event: Any) -> None:
        if not isinstance(event, Article.Event):
            return
        touch = {"version": event.originator_version, "updated_at": stored_time(event.timestamp)}
        if isinstance(event, Article.Written):
            self._insert(db, event)
            return
        row = self._row(db, str(event.originator_id))
        if isinstance(event, Article.Revised):
            changes = {
                name: value
                for name, value in (
                    ("title", event.title),
                    ("body", event.body),
                    ("keywords", "\n".join(event.keywords) if event.keywords is not None else None),
                    ("workaround", event.workaround),
                )
                if value is not None
            }
            row.update(changes)
            lengths = self._index(db, row, replace=True)
            self._update(db, row, {**changes, **lengths, **touch, "revision": row["revision"] + 1})
        elif isinstance(event, Article.Published):
            self._update(db, row, {"state": ArticleState.PUBLISHED.value, **touch})
        elif isinstance(event, Article.Retired):
            self._update(db, row, {"state": ArticleState.RETIRED.value, **touch})
        elif isinstance(event, Article.Fixed):
            self._update(db, row, {"fix_state": "fixed", **touch})

    def _insert(self, db: SQLDatabase, event: Any) -> None:
        row = {
            "sequence": event.sequence,
            "id": str(event.originator_id),
            "number": NUMBERS.format(event.sequence),
            "kind": event.kind,
            "title": event.title,
            "body": event.body,
            "keywords": "\n".join(event.keywords),
            "language": event.language,
            "tenant": event.tenant,
            "state": ArticleState.DRAFT.value,
            "problem": event.problem,
            "workaround": event.workaround,
            "fix_state": "open" if event.problem is not None else None,
            "revision": 1,
            "version": event.originator_version,
            "written_at": stored_time(event.timestamp),
            "updated_at": stored_time(event.timestamp),
        }
        row.update(self._index(db, row, replace=False))
        columns = ", ".join(row)
        db.execute(
            f"INSERT INTO {ARTICLES} ({columns}) VALUES ({', '.join('?' for _ in row)})",
            list(row.values()),
        )

    def _index(self, db: SQLDatabase, row: dict[str, Any], *, replace: bool) -> dict[str, int]:
        """Write the article's postings; returns its field lengths, in terms."""
        article = row["sequence"]
        if replace:
            db.execute(f"DELETE FROM {POSTINGS} WHERE article = ?", [article])
        counts = [term_counts(text, row["language"]) for text in searchable(row)]
        postings: dict[str, list[int]] = {}
        for field, counted in enumerate(counts):
            for term, count in counted.items():
                postings.setdefault(term, [0, 0, 0])[field] = count
        if postings:
            db.executemany(
                f"INSERT INTO {POSTINGS} (term, article, tf_title, tf_keywords, tf_body) "
                "VALUES (?, ?, ?, ?, ?)",
                [(term, article, *tf) for term, tf in sorted(postings.items())],
            )
        return {
            f"len_{name}": sum(counted.values())
            for name, counted in zip(_FIELDS, counts, strict=True)
        }

    def _row(self, db: SQLDatabase, article_id: str) -> dict[str, Any]:
        return db.execute(f"SELECT * FROM {ARTICLES} WHERE id = ?", [article_id])[0]

    def _update(self, db: SQLDatabase, row: dict[str, Any], changes: dict[str, Any]) -> None:
        columns = ", ".join(f"{name} = ?" for name in changes)
        db.execute(
            f"UPDATE {ARTICLES} SET {columns} WHERE sequence = ?",
            [*changes.values(), row["sequence"]],
        )

    # --- queries -------------------------------------------------------------------------

    def matches(
        self,
        db: SQLDatabase,
        terms: Collection[str],
        *,
        states: Iterable[str],
        audience: Audience,
        language: str | None,
    ) -> Matches:
        """The postings of ``terms`` among the articles in ``states`` that ``audience``
        may see, in ``language`` (any, if None): one read."""
        if not terms:
            return Matches({}, {})
        where, params = self._filters(states=states, audience=audience, language=language)
        marks = ", ".join("?" for _ in terms)
        rows = db.execute(
            f"SELECT p.term, p.article, p.tf_title, p.tf_keywords, p.tf_body, "
            f"a.len_title, a.len_keywords, a.len_body FROM {POSTINGS} p "
            f"JOIN {ARTICLES} a ON a.sequence = p.article "
            f"WHERE p.term IN ({marks}) AND {' AND '.join(where)}",
            [*sorted(terms), *params],
        )
        postings: dict[str, dict[int, Counts]] = {}
        lengths: dict[int, Counts] = {}
        for r in rows:
            article = int(r["article"])
            postings.setdefault(r["term"], {})[article] = (
                int(r["tf_title"]),
                int(r["tf_keywords"]),
                int(r["tf_body"]),
            )
            if article not in lengths:
                lengths[article] = (
                    int(r["len_title"]),
                    int(r["len_keywords"]),
                    int(r["len_body"]),
                )
        return Matches(postings, lengths)

    def articles(self, db: SQLDatabase, sequences: Sequence[int]) -> dict[int, dict[str, Any]]:
        """The rows of these articles, by sequence number."""
        if not sequences:
            return {}
        marks = ", ".join("?" for _ in sequences)
        rows = db.execute(f"SELECT * FROM {ARTICLES} WHERE sequence IN ({marks})", list(sequences))
        return {int(row["sequence"]): row for row in rows}

    def listing(
        self,
        db: SQLDatabase,
        *,
        states: Iterable[str],
        audience: Audience,
        tenant: str | None,
        language: str | None,
        kind: str | None,
        limit: int,
    ) -> list[dict[str, Any]]:
        """Articles in number order, filtered."""
        where, params = self._filters(states=states, audience=audience, language=language)
        if tenant is not None:
            where.append("a.tenant = ?")
            params.append(tenant)
        if kind is not None:
            where.append("a.kind = ?")
            params.append(kind)
        return db.execute(
            f"SELECT a.* FROM {ARTICLES} a WHERE {' AND '.join(where)} ORDER BY a.sequence LIMIT ?",
            [*params, limit],
        )

    def _filters(
        self, *, states: Iterable[str], audience: Audience, language: str | None
    ) -> tuple[list[str], list[Any]]:
        chosen = sorted(states)
        where = [f"a.state IN ({', '.join('?' for _ in chosen)})"]
        params: list[Any] = list(chosen)
        scope, scope_params = audience.where("a.tenant")
        if scope:
            where.append(scope)
            params.extend(scope_params)
        if language is not None:
            where.append("a.language = ?")
            params.append(language)
        return where, params
