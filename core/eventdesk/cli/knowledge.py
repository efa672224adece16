"""``eventdesk kb ...``: write, publish, retire and search knowledge-base articles."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich.markup import escape

from eventdesk.cli.context import DeskContext, pass_desk
from eventdesk.cli.output import console, emit_json, show_fields, show_rows
from eventdesk.knowledge.model import ArticleKind, ArticleState
from eventdesk.knowledge.service import DEFAULT_MIN_SCORE, ArticleView, SearchHit

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")
article_argument = click.argument("ref", metavar="ARTICLE")


@click.group(name="kb")
def kb() -> None:
    """The knowledge base: articles and known errors. ARTICLE is a number (KB0000012, 12)."""


def _read_body(body: str | None, file: Path | None, *, required: bool) -> str | None:
    if body is not None and file is not None:
        raise click.UsageError("give the body with --body or --file, not both")
    if file is not None:
        try:
            return file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise click.ClickException(f"cannot read {file}: {error}") from None
    if body is None and required:
        raise click.UsageError("give the body with --body TEXT or --file FILE.md")
    return body


def one_line(view: ArticleView) -> str:
    """``KB0000003 published · en · acme · known error PRB0000012 (open) · title``."""
    parts = [f"{view.number} {view.state}", view.language, view.tenant or "shared"]
    if view.known_error is not None:
        parts.append(f"known error {view.known_error.problem} ({view.known_error.state})")
    parts.append(view.title)
    return " · ".join(parts)


def _answer(view: ArticleView, as_json: bool) -> None:
    if as_json:
        emit_json(view)
    else:
        click.echo(one_line(view))


body_options = [
    click.option("--body", help="The article, in Markdown (a known error's: the symptoms)."),
    click.option(
        "--file",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Read the body from a Markdown file instead.",
    ),
    click.option(
        "--keyword",
        "keywords",
        multiple=True,
        help="A word or phrase people search with (repeatable).",
    ),
]


def with_body_options(command: Any) -> Any:
    for option in reversed(body_options):
        command = option(command)
    return command


@kb.command(name="add")
@click.option("--title", required=True, help="One line: what the article answers.")
@with_body_options
@click.option("--language", default="en", show_default=True, help="ISO 639-1 code: en, es...")
@click.option("--tenant", help="The tenant whose article it is (default: shared by every tenant).")
@click.option("--known-error", "problem", metavar="PROBLEM", help="A known error of this problem.")
@click.option("--workaround", help="A known error's workaround (required with --known-error).")
@json_option
@pass_desk
def add(
    ctx: DeskContext,
    title: str,
    body: str | None,
    file: Path | None,
    keywords: tuple[str, ...],
    language: str,
    tenant: str | None,
    problem: str | None,
    workaround: str | None,
    as_json: bool,
) -> None:
    """Write a draft article, or a known error with --known-error and --workaround."""
    view = ctx.desk.knowledge.add(
        title,
        _read_body(body, file, required=True) or "",
        keywords=keywords,
        language=language,
        tenant=tenant,
        problem=problem,
        workaround=workaround,
        actor=ctx.actor,
    )
    _answer(view, as_json)


@kb.command(name="edit")
@article_argument
@click.option("--title", help="A new title.")
@with_body_options
@click.option("--workaround", help="A known error's new workaround.")
@json_option
@pass_desk
def edit(
    ctx: DeskContext,
    ref: str,
    title: str | None,
    body: str | None,
    file: Path | None,
    keywords: tuple[str, ...],
    workaround: str | None,
    as_json: bool,
) -> None:
    """Revise a draft or published article; --keyword replaces all its keywords."""
    view = ctx.desk.knowledge.edit(
        ref,
        title=title,
        body=_read_body(body, file, required=False),
        keywords=keywords or None,
        workaround=workaround,
        actor=ctx.actor,
    )
    _answer(view, as_json)


@kb.command(name="publish")
@article_argument
@json_option
@pass_desk
def publish(ctx: DeskContext, ref: str, as_json: bool) -> None:
    """Publish a draft, or republish a retired article."""
    _answer(ctx.desk.knowledge.publish(ref, actor=ctx.actor), as_json)


@kb.command(name="retire")
@article_argument
@click.option("--reason", default="", help="Why it no longer applies.")
@json_option
@pass_desk
def retire(ctx: DeskContext, ref: str, reason: str, as_json: bool) -> None:
    """Take an article out of every search (or abandon a draft)."""
    _answer(ctx.desk.knowledge.retire(ref, reason=reason, actor=ctx.actor), as_json)


@kb.command(name="fixed")
@article_argument
@click.option("--note", default="", help="What fixed it (a change, a release).")
@json_option
@pass_desk
def fixed(ctx: DeskContext, ref: str, note: str, as_json: bool) -> None:
    """Record that the problem behind a known error is fixed for good."""
    _answer(ctx.desk.knowledge.mark_fixed(ref, note=note, actor=ctx.actor), as_json)


@kb.command(name="show")
@article_argument
@json_option
@pass_desk
def show(ctx: DeskContext, ref: str, as_json: bool) -> None:
    """One article, its body and its history."""
    view = ctx.desk.knowledge.get(ref, actor=ctx.actor)
    if as_json:
        emit_json(view)
        return
    fields: list[tuple[str, Any]] = [
        ("title", view.title),
        ("kind", view.kind),
        ("state", view.state),
        ("language", view.language),
        ("tenant", view.tenant or "shared"),
        ("keywords", view.keywords),
    ]
    if view.known_error is not None:
        fields += [
            ("problem", view.known_error.problem),
            ("workaround", view.known_error.workaround),
            ("fix state", view.known_error.state),
        ]
    fields += [
        ("revision", view.revision),
        ("written by", view.written_by),
        ("written at", view.written_at),
        ("published at", view.published_at),
        ("retired at", view.retired_at),
    ]
    show_fields(view.number, fields)
    out = console()
    out.print(view.body, markup=False)
    for change in view.history:
        detail = f": {change.detail}" if change.detail else ""
        who = escape(f"{change.at:%Y-%m-%d %H:%M:%S} {change.actor}:")
        out.print(f"[dim]{who}[/dim] {escape(change.action + detail)}")


@kb.command(name="list")
@click.option(
    "--state",
    multiple=True,
    type=click.Choice([s.value for s in ArticleState]),
    help="Only these states (repeatable).",
)
@click.option("--tenant", help="Only this tenant's own articles.")
@click.option("--language", help="Only articles in this language.")
@click.option("--kind", type=click.Choice([k.value for k in ArticleKind]), help="Only this kind.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=100, show_default=True)
@json_option
@pass_desk
def list_(
    ctx: DeskContext,
    state: tuple[str, ...],
    tenant: str | None,
    language: str | None,
    kind: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """Articles in number order (only those the actor may read)."""
    articles = ctx.desk.knowledge.list(
        state=state or None,
        tenant=tenant,
        language=language,
        kind=kind,
        limit=limit,
        actor=ctx.actor,
    )
    if as_json:
        emit_json(articles)
        return
    show_rows(
        f"Articles ({len(articles)})",
        ["number", "state", "kind", "lang", "tenant", "title", "updated (UTC)"],
        [
            [
                a.number,
                a.state,
                f"known error {a.problem} ({a.fix_state})" if a.problem else a.kind,
                a.language,
                a.tenant or "shared",
                a.title,
                a.updated_at.strftime("%Y-%m-%d %H:%M"),
            ]
            for a in articles
        ],
    )


search_options = [
    click.option("--tenant", help="Whose customer asks: that tenant's and the shared articles."),
    click.option("--language", help="Only articles in this language (ISO 639-1)."),
]


@kb.command(name="search")
@click.argument("text")
@search_options[0]
@search_options[1]
@click.option("--limit", type=click.IntRange(1, 100), default=10, show_default=True)
@click.option("--drafts", "include_drafts", is_flag=True, help="Include drafts.")
@json_option
@pass_desk
def search(
    ctx: DeskContext,
    text: str,
    tenant: str | None,
    language: str | None,
    limit: int,
    include_drafts: bool,
    as_json: bool,
) -> None:
    """Published articles ranked by relevance to TEXT, with a score from 0 to 1."""
    hits = ctx.desk.knowledge.search(
        text,
        tenant=tenant,
        language=language,
        limit=limit,
        include_drafts=include_drafts,
        actor=ctx.actor,
    )
    if as_json:
        emit_json(hits)
        return
    if not hits:
        click.echo("No article found.")
        return
    show_rows(
        f"Search: {text}",
        ["score", "article", "title", "snippet"],
        [[f"{h.score:.2f}", _number(h), h.title, h.snippet] for h in hits],
    )


def _number(hit: SearchHit) -> str:
    return hit.number if hit.state == "published" else f"{hit.number} ({hit.state})"


@kb.command(name="answer")
@click.argument("text")
@search_options[0]
@search_options[1]
@click.option(
    "--min-score",
    type=click.FloatRange(0, 1),
    default=DEFAULT_MIN_SCORE,
    show_default=True,
    help="Below this score there is no answer (hand over to a person).",
)
@json_option
@pass_desk
def answer(
    ctx: DeskContext,
    text: str,
    tenant: str | None,
    language: str | None,
    min_score: float,
    as_json: bool,
) -> None:
    """The answer a self-service bot would give to TEXT, if any: the best article's."""
    hit = ctx.desk.knowledge.best_answer(text, tenant, language, min_score, actor=ctx.actor)
    if as_json:
        emit_json(hit)
    elif hit is None:
        click.echo(f"No answer scores {min_score:.2f} or more: hand over to a person.")
    else:
        click.echo(f"{hit.number} ({hit.score:.2f}) {hit.title}")
        click.echo(hit.answer)
