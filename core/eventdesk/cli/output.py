"""Rendering for people (rich tables) and for programs (``--json``)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from eventdesk.sla.status import ClockTimeline, HopStatus, SlaStatus
from eventdesk.views import (
    Comment,
    HistoryEntry,
    IncidentSummary,
    IncidentView,
    Page,
    to_jsonable,
)


def console() -> Console:
    # A new console per call writes to whatever stdout is now (CliRunner swaps it).
    return Console(highlight=False, soft_wrap=False, width=160)


def write_file(path: Path, text: str) -> None:
    """Write a file the user named; a failure is one line (``cannot write PATH: why``)."""
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise click.ClickException(f"cannot write {path}: {error.strerror}") from None


def emit_json(value: Any) -> None:
    click.echo(json.dumps(to_jsonable(value), indent=2, ensure_ascii=False))


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, str | list | tuple | dict) and not value):
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return ", ".join(f"{k}={_cell(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_cell(v) for v in value)
    return escape(str(to_jsonable(value)))  # "[erased]" and customers' brackets are text


def show_fields(title: str, fields: Sequence[tuple[str, Any]]) -> None:
    """One record as a two-column table: field, value."""
    table = Table(title=escape(title), show_header=False, title_justify="left")
    table.add_column("field", style="bold")
    table.add_column("value")
    for name, value in fields:
        table.add_row(name.replace("_", " "), _cell(value))
    console().print(table)


def show_rows(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Records as a table, one row each."""
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(_cell(value) for value in row))
    console().print(table)


def one_line(view: IncidentView) -> str:
    """``INC0000042 on_hold (awaiting_vendor) P2 [for TENANT] · group/agent · summary``."""
    state = f"{view.state} ({view.hold_reason})" if view.hold_reason else view.state
    major = " MAJOR" if view.major else ""
    tenant = f" for {view.tenant}" if view.tenant else ""
    owner = "/".join(x for x in (view.assignment_group, view.assignee) if x) or "unassigned"
    return f"{view.number} {state} P{view.priority}{major}{tenant} · {owner} · {view.summary}"


def show_incident(view: IncidentView) -> None:
    table = Table(
        title=escape(f"{view.number} — {view.summary}"), show_header=False, title_justify="left"
    )
    table.add_column("field", style="bold")
    table.add_column("value")
    for name in (
        "state",
        "hold_reason",
        "priority",
        "impact",
        "urgency",
        "major",
        "category",
        "subcategory",
        "configuration_item",
        "caller",
        "tenant",
        "assignment_group",
        "assignee",
        "reassignment_count",
        "reopen_count",
        "work_minutes",
        "resolution_code",
        "resolution_notes",
        "cancel_reason",
        "parent",
        "children",
        "problem",
        "opened_by",
        "opened_at",
        "updated_at",
        "resolved_at",
        "closed_at",
        "version",
        "id",
    ):
        value = getattr(view, name)
        if name == "children":
            value = ", ".join(value) if value else None
        table.add_row(name.replace("_", " "), _cell(value))
    out = console()
    out.print(table)
    if view.description:
        out.print(view.description)
    for comment in view.comments:
        out.print(f"[dim]{_cell(comment.at)} {_said_by(comment)}:[/dim] {comment.text}")
    for given in view.known_errors:
        problem = f" ({given.problem})" if given.problem else ""
        out.print(
            f"[dim]{_cell(given.linked_at)} {given.linked_by} (known error "
            f"{given.article}{problem}):[/dim] {given.title}. Workaround: {given.workaround}"
        )


def _said_by(message: Comment) -> str:
    """``ana (work note)``, ``ana (comment)``, ``bob (reply by email)``,
    ``carla@acme.example (customer, by web)``, ``helper (bot comment)``..."""
    if not message.public:
        return f"{message.actor} (work note)"
    if message.author_kind == "customer":
        how = f"customer, by {message.channel}" if message.channel else "customer"
    elif message.channel:
        who = "reply" if message.author_kind == "agent" else message.author_kind
        how = f"{who} by {message.channel}"
    else:
        how = "comment" if message.author_kind == "agent" else f"{message.author_kind} comment"
    return f"{message.actor} ({how})"


def show_conversation(number: str, messages: Sequence[Comment]) -> None:
    """The conversation, one message after another, with who wrote it and on which channel."""
    table = Table(title=f"Conversation of {number}", title_justify="left")
    for column in ("at (UTC)", "from", "channel", "kind", "message"):
        table.add_column(column)
    for message in messages:
        files = (
            " [" + ", ".join(a.name for a in message.attachments) + "]"
            if message.attachments
            else ""
        )
        table.add_row(
            message.at.strftime("%Y-%m-%d %H:%M:%S"),
            message.actor,
            message.channel or "—",
            message.author_kind if message.public else f"{message.author_kind} (work note)",
            message.text + files,
        )
    console().print(table)


def _moment(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else "—"


def show_sla(clocks: Sequence[SlaStatus]) -> None:
    """The clocks; a cyclic metric shows its current cycle (``next_reply#2``) and, in a
    column of its own, how many of its cycles were met and breached."""
    cyclic = any(clock.cycle is not None for clock in clocks)
    table = Table(title="SLA", title_justify="left")
    columns = ["metric", "state", "deadline (UTC)", "elapsed", "remaining", "calendar"]
    if cyclic:
        columns.append("cycles met/breached")
    for column in columns:
        table.add_column(column)
    for clock in clocks:
        cells = [
            clock.clock,
            clock.state,
            _moment(clock.deadline),
            _span(clock.elapsed_seconds),
            _span(clock.remaining_seconds),
            clock.calendar,
        ]
        if cyclic:
            counts = f"{clock.cycles_met}/{clock.cycles_breached}"
            cells.append(counts if clock.cycle is not None else "—")
        table.add_row(*cells)
    console().print(table)


def show_timeline(timelines: Sequence[ClockTimeline]) -> None:
    """One table per clock: each step, its cause, and where the clock stood."""
    out = console()
    for timeline in timelines:
        table = Table(title=timeline.clock, title_justify="left")
        for column in ("at (UTC)", "step", "cause", "calendar", "business", "target"):
            table.add_column(column)
        for entry in timeline.entries:
            table.add_row(
                _moment(entry.at),
                entry.step,
                entry.cause,
                _span(entry.calendar_seconds),
                _span(entry.business_seconds),
                "—" if entry.target_seconds is None else _span(entry.target_seconds),
            )
        out.print(table)


def show_hops(hops: Sequence[HopStatus]) -> None:
    """The groups that held an incident, one row per hop."""
    table = Table(title="Hops", title_justify="left")
    for column in (
        "hop",
        "group",
        "kind",
        "state",
        "from (UTC)",
        "to (UTC)",
        "business",
        "target",
        "calendar",
    ):
        table.add_column(column)
    for hop in hops:
        table.add_row(
            str(hop.hop),
            hop.group,
            hop.kind,
            hop.state,
            _moment(hop.started_at),
            _moment(hop.ended_at),
            _span(hop.business_seconds),
            "—" if hop.target_seconds is None else _span(hop.target_seconds),
            hop.calendar,
        )
    console().print(table)


def _span(seconds: float) -> str:
    sign = "-" if seconds < 0 else ""
    minutes = int(abs(seconds)) // 60
    return f"{sign}{minutes // 60}h{minutes % 60:02d}m"


def show_list(page: Page[IncidentSummary]) -> None:
    table = Table(title=f"Incidents {_range(page)} of {page.total}", title_justify="left")
    # The tenant column only where tenancy is in use, so a single-company desk is not cluttered.
    with_tenant = any(item.tenant for item in page.items)
    columns = ["number", "P", "state", "summary", "caller", "group", "assignee", "opened"]
    if with_tenant:
        columns.insert(4, "tenant")
    for column in columns:
        table.add_column(column)
    for item in page.items:
        state = f"{item.state} ({item.hold_reason})" if item.hold_reason else item.state
        priority = f"{item.priority}{' MAJOR' if item.major else ''}"
        cells = [
            item.number,
            priority,
            state,
            item.summary,
            _cell(item.caller),
            _cell(item.assignment_group),
            _cell(item.assignee),
            item.opened_at.strftime("%Y-%m-%d %H:%M"),
        ]
        if with_tenant:
            cells.insert(4, _cell(item.tenant))
        table.add_row(*cells)
    console().print(table)


def _range(page: Page[Any]) -> str:
    if not page.items:
        return "(none)"
    return f"{page.offset + 1}–{page.offset + len(page.items)}"


def show_history(number: str, entries: Sequence[HistoryEntry]) -> None:
    table = Table(title=f"History of {number}", title_justify="left")
    for column in ("#", "at (UTC)", "actor", "event", "changes"):
        table.add_column(column)
    for entry in entries:
        table.add_row(
            str(entry.version),
            entry.at.strftime("%Y-%m-%d %H:%M:%S"),
            entry.actor,
            entry.type,
            describe_changes(entry),
        )
    console().print(table)


def describe_changes(entry: HistoryEntry) -> str:
    parts: list[str] = []
    if entry.type == "Opened":
        parts = [f"{k}={_cell(v)}" for k, v in entry.data.items() if v not in (None, "", [])]
    else:
        parts = [f"{k}: {_cell(old)} → {_cell(new)}" for k, (old, new) in entry.changes.items()]
        shown = {new for _, new in entry.changes.values() if isinstance(new, str | int)}
        extra = [
            f"{k}={_cell(v)}"
            for k, v in entry.data.items()
            if v not in (None, "", []) and not (isinstance(v, str | int) and v in shown)
        ]
        parts.extend(extra)
    return "; ".join(parts)
