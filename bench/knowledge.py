"""How fast the knowledge base answers a question: search latency over 10,000 articles.

A ServiceDesk on a temporary SQLite file (and on PostgreSQL with ``--stores``)
is given N articles (default 10,000): titles, keywords and Markdown bodies
about a topic (two IT words) and otherwise drawn from 20,000 made-up words
with a Zipf distribution, as real text is; 30 % shared, the rest spread over 20 tenants;
English, Spanish and French; 85 % published, the rest drafts or retired. They
are saved in batches (this is set-up, not measured), and the knowledge index
is built from their events (timed: ``index build``).

Then Q questions (default 50), each a word or two of the topic of some article
a tenant's customer may see and a word or two of its text, with a stop word and
up to two words from elsewhere, asked for
that tenant, half of them in the article's language. Each question is timed
three ways, in the same run, on the same data:

1. **desk.knowledge.search()**, top 10, as a caller gets it: the read model
   brought up to date (nothing new), one read of the postings of the
   question's words, BM25F in Python, one read of the 10 articles shown.
2. **Baseline: a naive scan with the same scoring**: read every article the
   customer may see from the same read model, analyse its text in Python, and
   score it with the same BM25F (eventdesk.knowledge.ranking). It must find the
   same 10 articles with the same scores as search() (the bench counts how
   often it does: every time, or the index is wrong).
3. **Reference: SQLite FTS5 bm25()**, if this Python's SQLite has FTS5: the
   same articles in an FTS5 table (``unicode61 remove_diacritics 2``), the
   question's words OR-ed, ranked by ``bm25(kb, 3, 2, 1)``. It is C, with its
   own tokenizer and whole-collection statistics: a yardstick of speed, not of
   the same ranking.

Printed: median and 95th percentile per way, and each median as a multiple of
search()'s (``× search``: above 1, slower than search). Machines are shared and
noisy: compare the ratios, not the milliseconds. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import run  # bench/run.py, beside this file: its PostgreSQL helpers
from eventdesk import ManualClock, ServiceDesk
from eventdesk.errors import StorageConfigError
from eventdesk.knowledge.model import Article
from eventdesk.knowledge.ranking import rank
from eventdesk.knowledge.text import STOP_WORDS, fold, term_counts, terms
from eventdesk.projections.knowledge import ARTICLES, POSTINGS, Audience, searchable

DEFAULT_ARTICLES, DEFAULT_QUESTIONS = 10_000, 50
QUICK = {"articles": 300, "questions": 10}
TENANTS = [f"tenant-{n:02d}" for n in range(20)]
LANGUAGES = [("en", 0.7), ("es", 0.2), ("fr", 0.1)]
TOP = 10
BATCH = 500
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

_IT_WORDS = """
    password reset login account email outlook calendar meeting teams vpn network wifi
    printer toner paper scanner laptop desktop monitor screen keyboard mouse dock cable
    battery charger phone mobile app update install upgrade license software driver
    server database backup restore disk storage share folder file permission access
    badge door building office room booking travel expense invoice payroll holiday
    portal intranet browser chrome firefox certificate security phishing virus malware
    firewall proxy dns ip address router switch port connection slow error crash freeze
    blue black blank noise sound headset camera microphone video call conference zoom
    sync cloud drive onedrive sharepoint excel word powerpoint pdf sign signature token
    authenticator code sms prompt approve lock unlock expire expired renew request order
    delivery shipment warehouse erp crm ticket incident problem change release deploy
"""
IT_WORDS = _IT_WORDS.split()


# --- the library and the questions ----------------------------------------------------


@dataclass(frozen=True)
class Question:
    text: str
    tenant: str | None
    language: str | None


def made_up_words(count: int, rng: random.Random) -> list[str]:
    syllables = [c + v for c in "bcdfgklmnprstvz" for v in "aeiou"]
    words: set[str] = set()
    while len(words) < count:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return sorted(words)


class Writer:
    """Writes articles as real ones read: each about a topic (two IT words, in its title,
    keywords and text), the rest of its words drawn with a Zipf distribution."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.vocabulary = made_up_words(20_000, self.rng)
        for word in IT_WORDS:  # the IT words are common, but not the most common
            self.vocabulary.insert(self.rng.randrange(50, 3000), word)
        weights = [1 / (rank + 1) for rank in range(len(self.vocabulary))]
        total = sum(weights)
        self.cumulative = []
        running = 0.0
        for weight in weights:
            running += weight / total
            self.cumulative.append(running)

    def words(self, count: int) -> list[str]:
        return self.rng.choices(self.vocabulary, cum_weights=self.cumulative, k=count)

    def sentence(self, language: str, topic: list[str], count: int) -> str:
        stop = sorted(STOP_WORDS[language])
        words = [w if self.rng.random() > 0.3 else self.rng.choice(stop) for w in self.words(count)]
        if self.rng.random() < 0.5:
            words.insert(self.rng.randrange(len(words) + 1), self.rng.choice(topic))
        return " ".join(words).capitalize() + "."

    def article(self, sequence: int) -> Article:
        rng = self.rng
        language = rng.choices([code for code, _ in LANGUAGES], [w for _, w in LANGUAGES])[0]
        tenant = None if rng.random() < 0.3 else rng.choice(TENANTS)
        topic = rng.sample(IT_WORDS, 2)
        paragraphs = [
            " ".join(
                self.sentence(language, topic, rng.randint(6, 16)) for _ in range(rng.randint(2, 4))
            )
            for _ in range(rng.randint(1, 3))
        ]
        return Article.write(
            sequence=sequence,
            title=" ".join([*topic, *self.words(rng.randint(1, 5))]).capitalize(),
            body="## Steps\n\n" + "\n\n".join(paragraphs),
            keywords=[*topic[: rng.randint(0, 2)], *self.words(rng.randint(0, 2))],
            language=language,
            tenant=tenant,
            actor="bench",
            at=START,
        )

    def question(self, article: Article) -> Question:
        rng = self.rng
        own = [w.strip(".").lower() for w in article.body.split() if len(w) > 2]
        topic = article.title.lower().split()[:2]
        words = [
            *rng.sample(topic, rng.randint(1, 2)),
            *rng.sample(own, min(len(own), rng.randint(1, 2))),
            *self.words(rng.randint(0, 2)),
        ]
        rng.shuffle(words)
        stop = sorted(STOP_WORDS[article.language])
        words.insert(rng.randrange(len(words) + 1), rng.choice(stop))
        tenant = article.tenant or rng.choice(TENANTS)
        language = article.language if rng.random() < 0.5 else None
        return Question(" ".join(words), tenant, language)


def fill(desk: ServiceDesk, articles: int, questions: int, seed: int) -> list[Question]:
    """Save the articles in batches (set-up); return the questions to ask."""
    writer = Writer(seed)
    published: list[Article] = []
    batch: list[Article] = []
    for sequence in range(1, articles + 1):
        article = writer.article(sequence)
        roll = writer.rng.random()
        if roll < 0.9:
            article.publish(actor="bench", at=START)
        if 0.85 <= roll < 0.9:
            article.retire("old", actor="bench", at=START)
        if roll < 0.85:
            published.append(article)
        batch.append(article)
        if len(batch) == BATCH:
            desk.save(*batch)
            batch = []
    if batch:
        desk.save(*batch)
    return [writer.question(writer.rng.choice(published)) for _ in range(questions)]


# --- the three ways ---------------------------------------------------------------------


def engine_search(desk: ServiceDesk, question: Question) -> list[tuple[str, float]]:
    hits = desk.knowledge.search(
        question.text, tenant=question.tenant, language=question.language, limit=TOP
    )
    return [(hit.number, hit.score) for hit in hits]


def naive_search(desk: ServiceDesk, question: Question) -> list[tuple[str, float]]:
    """Every article the customer may see, read and analysed, scored the same way."""
    wanted = list(dict.fromkeys(terms(question.text, question.language)))
    where, params = desk.knowledge.index._filters(
        states=["published"],
        audience=Audience(frozenset({question.tenant}) if question.tenant else None),
        language=question.language,
    )
    rows = desk.projector.db.execute(
        f"SELECT a.id, a.sequence, a.number, a.title, a.keywords, a.body, a.workaround, "
        f"a.language FROM {ARTICLES} a WHERE {' AND '.join(where)}",
        params,
    )
    postings: dict[str, dict[int, tuple[int, int, int]]] = {}
    lengths: dict[int, tuple[int, int, int]] = {}
    numbers: dict[int, str] = {}
    for row in rows:
        counts = [term_counts(text, row["language"]) for text in searchable(row)]
        having = [t for t in wanted if any(c[t] for c in counts)]
        if not having:
            continue
        article = int(row["sequence"])
        lengths[article] = tuple(sum(c.values()) for c in counts)  # type: ignore[assignment]
        numbers[article] = row["number"]
        for term in having:
            postings.setdefault(term, {})[article] = tuple(c[term] for c in counts)  # type: ignore[assignment]
    scored = rank(wanted, postings, lengths)
    best = sorted(scored, key=lambda a: (-scored[a].score, a))[:TOP]
    return [(numbers[a], round(scored[a].score, 4)) for a in best]


def fts5_available() -> bool:
    try:
        with closing(sqlite3.connect(":memory:")) as conn:
            conn.execute("CREATE VIRTUAL TABLE probe USING fts5(x)")
        return True
    except sqlite3.OperationalError:
        return False


def build_fts5(desk: ServiceDesk, path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(
        "CREATE VIRTUAL TABLE kb USING fts5(title, keywords, body, number UNINDEXED, "
        "tenant UNINDEXED, language UNINDEXED, tokenize = 'unicode61 remove_diacritics 2')"
    )
    rows = desk.projector.db.execute(
        f"SELECT number, title, keywords, body, workaround, tenant, language FROM {ARTICLES} "
        "WHERE state = 'published'"
    )
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO kb (title, keywords, body, number, tenant, language) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(*searchable(r), r["number"], r["tenant"], r["language"]) for r in rows],
    )
    conn.execute("COMMIT")
    return conn


def fts5_search(conn: sqlite3.Connection, question: Question) -> list[tuple[str, float]]:
    words = sorted({w for w in fold(question.text).split() if w.isalnum()})
    if not words:
        return []
    match = " OR ".join(f'"{w}"' for w in words)
    sql = (
        "SELECT number, bm25(kb, 3.0, 2.0, 1.0) AS s FROM kb WHERE kb MATCH ? "
        "AND (tenant IS NULL OR tenant = ?)"
    )
    params: list[Any] = [match, question.tenant]
    if question.language:
        sql += " AND language = ?"
        params.append(question.language)
    rows = conn.execute(sql + " ORDER BY s LIMIT ?", [*params, TOP]).fetchall()
    return [(number, -score) for number, score in rows]


# --- measuring ----------------------------------------------------------------------------


def time_each(
    search: Callable[[Question], list[tuple[str, float]]], questions: Sequence[Question]
) -> tuple[list[float], list[list[tuple[str, float]]]]:
    """Each question's latency in ms, and what it found (after one warm-up question)."""
    search(questions[0])
    latencies, found = [], []
    for question in questions:
        started = time.perf_counter()
        result = search(question)
        latencies.append((time.perf_counter() - started) * 1000)
        found.append(result)
    return latencies, found


def latency(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"n": len(values), "median_ms": statistics.median(values), "p95_ms": p95}


def measure(db: str, store: str, args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    with ServiceDesk(db=db, clock=ManualClock(START)) as desk:
        questions = fill(desk, args.articles, args.questions, args.seed)
        started = time.perf_counter()
        desk.catch_up()
        build_seconds = time.perf_counter() - started
        db_ = desk.projector.db
        postings = int(db_.execute(f"SELECT COUNT(*) AS n FROM {POSTINGS}")[0]["n"])
        published = int(
            db_.execute(f"SELECT COUNT(*) AS n FROM {ARTICLES} WHERE state = 'published'")[0]["n"]
        )
        engine_ms, engine_found = time_each(lambda q: engine_search(desk, q), questions)
        naive_ms, naive_found = time_each(lambda q: naive_search(desk, q), questions)
        report: dict[str, Any] = {
            "store": store,
            "articles": args.articles,
            "published": published,
            "postings": postings,
            "questions": len(questions),
            "index_build_seconds": build_seconds,
            "engine": latency(engine_ms),
            "naive": latency(naive_ms),
            "same_results_as_naive": sum(
                a == b for a, b in zip(engine_found, naive_found, strict=True)
            ),
            "hits_per_question": statistics.mean(len(f) for f in engine_found),
            "fts5": None,
        }
        if store == "sqlite" and fts5_available():
            with closing(build_fts5(desk, folder / "fts5.db")) as conn:
                fts_ms, _ = time_each(lambda q: fts5_search(conn, q), questions)
            report["fts5"] = latency(fts_ms)
    engine = report["engine"]["median_ms"]
    report["naive"]["times_search"] = report["naive"]["median_ms"] / engine
    if report["fts5"] is not None:
        report["fts5"]["times_search"] = report["fts5"]["median_ms"] / engine
    return report


def measure_postgres(args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    config = run._pg_config(args.pg_url)
    schema = f"bench_kb_{os.getpid()}"
    try:
        return measure(run.with_schema(args.pg_url, schema), "postgres", args, folder)
    finally:
        run._drop_schema(config, schema)


def table(reports: list[dict[str, Any]], skipped: dict[str, str]) -> str:
    lines = []
    for r in reports:
        lines += [
            f"EventDesk knowledge search on {r['store']}: {r['articles']:,} articles "
            f"({r['published']:,} published, {r['postings']:,} postings), "
            f"{r['questions']} questions, top {TOP}",
            f"index build (catch-up of every article's events): {r['index_build_seconds']:.1f} s",
            "",
            f"{'':38}{'median ms':>10}{'p95 ms':>10}{'× search':>10}",
        ]
        rows = [
            ("desk.knowledge.search()", r["engine"], 1.0),
            ("naive scan, same scoring (baseline)", r["naive"], r["naive"]["times_search"]),
        ]
        if r["fts5"] is not None:
            rows.append(("SQLite FTS5 bm25() (reference)", r["fts5"], r["fts5"]["times_search"]))
        for label, figures, times in rows:
            lines.append(
                f"{label:38}{figures['median_ms']:>10.2f}{figures['p95_ms']:>10.2f}{times:>10.2f}"
            )
        lines += [
            "",
            f"same top {TOP} and scores as the naive scan: "
            f"{r['same_results_as_naive']} of {r['questions']} questions; "
            f"{r['hits_per_question']:.1f} hits per question",
            "× search = the row's median ÷ desk.knowledge.search()'s (above 1: slower)",
            "",
        ]
    for store, why in skipped.items():
        lines.append(f"{store}: skipped: {why}")
    return "\n".join(lines).rstrip() + "\n"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/knowledge.py",
        description=__doc__,
        formatter_class=argparse.RawTextHelpFormatter,
    )
    parser.add_argument("--articles", type=int, default=None, help=f"default {DEFAULT_ARTICLES}")
    parser.add_argument("--questions", type=int, default=None, help=f"default {DEFAULT_QUESTIONS}")
    parser.add_argument("--quick", action="store_true", help=f"small sizes: {QUICK}")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--stores", default="sqlite", help="comma-separated: sqlite, postgres (default: sqlite)"
    )
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("EVENTDESK_BENCH_POSTGRES", run.DEFAULT_PG_URL),
        help=f"PostgreSQL server (default: $EVENTDESK_BENCH_POSTGRES or {run.DEFAULT_PG_URL})",
    )
    parser.add_argument(
        "--dir", type=Path, default=None, help="where the SQLite files go (default: temporary)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    defaults = (
        QUICK if args.quick else {"articles": DEFAULT_ARTICLES, "questions": DEFAULT_QUESTIONS}
    )
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    if args.articles < 1 or args.questions < 1:
        parser.error("--articles and --questions must be at least 1")
    args.stores = [s.strip() for s in args.stores.split(",") if s.strip()]
    unknown = sorted(set(args.stores) - set(run.STORES))
    if unknown:
        parser.error(f"unknown store(s) {', '.join(unknown)}: choose from {', '.join(run.STORES)}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    reports: list[dict[str, Any]] = []
    skipped: dict[str, str] = {}
    with tempfile.TemporaryDirectory(dir=args.dir) as folder:
        for store in args.stores:
            try:
                if store == "sqlite":
                    db = str(Path(folder) / "knowledge.db")
                    reports.append(measure(db, "sqlite", args, Path(folder)))
                else:
                    reports.append(measure_postgres(args, Path(folder)))
            except (run.Skipped, StorageConfigError) as why:
                skipped[store] = str(why)
    if args.json:
        print(json.dumps({"reports": reports, "skipped": skipped}, indent=2))
    else:
        print(table(reports, skipped), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
