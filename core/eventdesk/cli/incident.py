"""``eventdesk incident ...``: open, work and query incidents."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import click

from eventdesk.cli.context import DeskContext, pass_desk
from eventdesk.cli.output import (
    emit_json,
    one_line,
    show_conversation,
    show_history,
    show_hops,
    show_incident,
    show_list,
    show_sla,
    show_timeline,
)
from eventdesk.cli.sla import INSTANT
from eventdesk.domain.incident import AuthorKind, HoldReason, State
from eventdesk.views import IncidentView

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")
ref_argument = click.argument("ref", metavar="INCIDENT")
LEVEL = click.IntRange(1, 3)


@click.group()
def incident() -> None:
    """Open, work and query incidents. INCIDENT is a number (INC0000042, 42) or an id."""


def _lowercase(value: str | None) -> str | None:
    # Capacities are per lower-case channel; "Chat" must not become a channel of its own.
    return value.strip().lower() if value else None


def _answer(view: IncidentView, as_json: bool, *, full: bool = False) -> None:
    if as_json:
        emit_json(view)
    elif full:
        show_incident(view)
    else:
        click.echo(one_line(view))


def lifecycle_command(
    name: str, help_text: str, *params: Callable[[Any], Any]
) -> Callable[[Callable[..., IncidentView]], Any]:
    """A command that changes one incident and answers with the incident."""

    def decorate(change: Callable[..., IncidentView]) -> Any:
        @incident.command(name=name, help=help_text)
        @ref_argument
        @json_option
        @pass_desk
        def command(ctx: DeskContext, ref: str, as_json: bool, **options: Any) -> None:
            _answer(change(ctx, ref, **options), as_json)

        for param in reversed(params):
            command = param(command)
        return command

    return decorate


@incident.command(name="open")
@click.option("--summary", "-s", required=True, help="One line: what is wrong.")
@click.option("--impact", "-i", type=LEVEL, required=True, help="1 (high) to 3 (low).")
@click.option("--urgency", "-u", type=LEVEL, required=True, help="1 (high) to 3 (low).")
@click.option("--description", "-d", default="", help="The details.")
@click.option("--category")
@click.option("--subcategory")
@click.option("--ci", "configuration_item", help="The configuration item affected.")
@click.option("--caller", help="Who reported it.")
@click.option("--group", "assignment_group", help="Assignment group.")
@click.option("--assignee", help="Assigned agent.")
@click.option("--parent", help="Parent incident.")
@click.option("--tenant", help="The client company it is for (a tenant user's own by default).")
@click.option(
    "--channel",
    callback=lambda _ctx, _param, value: _lowercase(value),
    help="How it came in: voice, chat, email (default) or other; another channel (sms, "
    "portal) draws on the agents' other capacity.",
)
@click.option("--skill", help="A skill the agent who takes it must have.")
@click.option("--language", help="A language the agent who takes it must speak (fr, es...).")
@json_option
@pass_desk
def open_(ctx: DeskContext, as_json: bool, **fields: Any) -> None:
    """Open an incident; the priority follows from impact and urgency.

    An incident for a tenant that nobody is assigned to waits in the routing
    queue (eventdesk route run).
    """
    summary = fields.pop("summary")
    if fields["channel"] is None:
        del fields["channel"]
    _answer(ctx.desk.open_incident(summary, actor=ctx.actor, **fields), as_json)


@incident.command()
@ref_argument
@json_option
@pass_desk
def show(ctx: DeskContext, ref: str, as_json: bool) -> None:
    """Show one incident, with its SLA clocks."""
    view = ctx.desk.get_incident(ref, actor=ctx.actor)
    clocks = ctx.desk.sla.status(view.id)
    if as_json:
        emit_json({**view.to_dict(), "sla": [clock.to_dict() for clock in clocks]})
    else:
        show_incident(view)
        show_sla(clocks)


@incident.command(name="sla")
@ref_argument
@click.option("--at", type=INSTANT, help="Show the clocks as they stood then (ISO 8601).")
@click.option(
    "--timeline",
    is_flag=True,
    help="Every step of each clock (start, pause, resume, stop, warning, breach, change of "
    "target or policy) with its cause.",
)
@click.option(
    "--hops", is_flag=True, help="The business time each group held it, against its OLA or UC."
)
@json_option
@pass_desk
def sla_(
    ctx: DeskContext, ref: str, at: datetime | None, timeline: bool, hops: bool, as_json: bool
) -> None:
    """The incident's SLA clocks, now or at a past instant."""
    if timeline and hops:
        raise click.UsageError("--timeline and --hops: choose one")
    if timeline:
        found: Any = ctx.desk.sla.timeline(ref, at=at, actor=ctx.actor)
        show: Callable[[Any], None] = show_timeline
    elif hops:
        found, show = ctx.desk.sla.hops(ref, at=at, actor=ctx.actor), show_hops
    else:
        found, show = ctx.desk.sla.status(ref, at=at, actor=ctx.actor), show_sla
    if as_json:
        emit_json(found)
    else:
        show(found)


@incident.command(name="list")
@click.option(
    "--state",
    multiple=True,
    type=click.Choice([s.value for s in State]),
    help="Only these states (repeatable).",
)
@click.option(
    "--priority",
    multiple=True,
    type=click.IntRange(1, 5),
    help="Only these priorities (repeatable).",
)
@click.option("--group", "assignment_group", help="Only this assignment group.")
@click.option("--assignee", help="Only this assignee.")
@click.option("--caller", help="Only this caller.")
@click.option("--tenant", help="Only this tenant.")
@click.option("--text", help="Text in the summary (any case).")
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--page-size", type=click.IntRange(1, 1000), default=50, show_default=True)
@json_option
@pass_desk
def list_(
    ctx: DeskContext,
    as_json: bool,
    page: int,
    page_size: int,
    state: tuple[str, ...],
    priority: tuple[int, ...],
    **filters: Any,
) -> None:
    """List incidents, filtered and paged, in number order (only those the actor may see)."""
    result = ctx.desk.list_incidents(
        actor=ctx.actor,
        state=state or None,
        priority=priority or None,
        offset=(page - 1) * page_size,
        limit=page_size,
        **filters,
    )
    if as_json:
        emit_json(result)
    else:
        show_list(result)


@incident.command()
@ref_argument
@json_option
@pass_desk
def history(ctx: DeskContext, ref: str, as_json: bool) -> None:
    """The audit trail: every event, when, by whom, and what it changed."""
    entries = ctx.desk.history(ref, actor=ctx.actor)
    if as_json:
        emit_json(entries)
    else:
        show_history(ctx.desk.get_incident(ref, actor=ctx.actor).number, entries)


@lifecycle_command(
    "assign",
    "Assign to a group and/or an agent.",
    click.option("--group", help="Assignment group."),
    click.option("--assignee", help="Agent."),
)
def assign(ctx: DeskContext, ref: str, group: str | None, assignee: str | None) -> IncidentView:
    return ctx.desk.assign(ref, group, assignee, actor=ctx.actor)


@lifecycle_command("start", "Begin work: new → in_progress.")
def start(ctx: DeskContext, ref: str) -> IncidentView:
    return ctx.desk.start(ref, actor=ctx.actor)


@lifecycle_command(
    "hold",
    "Put on hold for a reason: in_progress → on_hold.",
    click.option("--reason", required=True, type=click.Choice([r.value for r in HoldReason])),
    click.option("--note", default="", help="Why, in words."),
)
def hold(ctx: DeskContext, ref: str, reason: str, note: str) -> IncidentView:
    return ctx.desk.hold(ref, reason, note=note, actor=ctx.actor)


@lifecycle_command("resume", "Take off hold: on_hold → in_progress.")
def resume(ctx: DeskContext, ref: str) -> IncidentView:
    return ctx.desk.resume(ref, actor=ctx.actor)


@lifecycle_command(
    "resolve",
    "Resolve (its open children are resolved with it).",
    click.option("--code", required=True, help="Resolution code."),
    click.option("--notes", default="", help="Resolution notes."),
)
def resolve(ctx: DeskContext, ref: str, code: str, notes: str) -> IncidentView:
    return ctx.desk.resolve(ref, code, notes, actor=ctx.actor)


@lifecycle_command(
    "reopen",
    "Reopen a resolved incident: resolved → in_progress.",
    click.option("--reason", default="", help="Why it is not fixed."),
)
def reopen(ctx: DeskContext, ref: str, reason: str) -> IncidentView:
    return ctx.desk.reopen(ref, reason, actor=ctx.actor)


@lifecycle_command("close", "Close a resolved incident: resolved → closed.")
def close(ctx: DeskContext, ref: str) -> IncidentView:
    return ctx.desk.close_incident(ref, actor=ctx.actor)


@lifecycle_command(
    "cancel",
    "Cancel an open incident, for a reason.",
    click.option("--reason", required=True, help="Why it is cancelled."),
)
def cancel(ctx: DeskContext, ref: str, reason: str) -> IncidentView:
    return ctx.desk.cancel(ref, reason, actor=ctx.actor)


@lifecycle_command(
    "comment",
    "Add a public comment, or an internal work note with --internal.",
    click.argument("text"),
    click.option("--internal", is_flag=True, help="A work note, not shown to the caller."),
    click.option(
        "--author-kind",
        "--as",
        "author_kind",
        type=click.Choice([k.value for k in AuthorKind]),
        help="Who wrote it: a human agent, the customer, a bot, or the system (an automatic "
        "message); default: the customer if the actor is the caller, else a human agent. "
        "Only a human agent's public message answers the customer.",
    ),
)
def comment(
    ctx: DeskContext, ref: str, text: str, internal: bool, author_kind: str | None
) -> IncidentView:
    return ctx.desk.comment(ref, text, internal=internal, author_kind=author_kind, actor=ctx.actor)


@lifecycle_command(
    "reply",
    "Reply to the incident's contact, on the channel they last wrote on (or --channel).",
    click.argument("text"),
    click.option("--channel", "channel_name", help="Another channel the contact is on."),
    click.option(
        "--template",
        metavar="NAME",
        help="Send it as this pre-approved template (WhatsApp, outside its 24-hour window).",
    ),
)
def reply(
    ctx: DeskContext, ref: str, text: str, channel_name: str | None, template: str | None
) -> IncidentView:
    return ctx.desk.reply(ref, text, channel=channel_name, actor=ctx.actor, template=template)


@incident.command()
@ref_argument
@json_option
@pass_desk
def conversation(ctx: DeskContext, ref: str, as_json: bool) -> None:
    """Every message of the incident on every channel, in order."""
    messages = ctx.desk.conversation(ref, actor=ctx.actor)
    if as_json:
        emit_json(messages)
    else:
        show_conversation(ctx.desk.get_incident(ref, actor=ctx.actor).number, messages)


@lifecycle_command(
    "categorise",
    "Set category, subcategory and configuration item.",
    click.option("--category"),
    click.option("--subcategory"),
    click.option("--ci", "configuration_item"),
)
def categorise(ctx: DeskContext, ref: str, **fields: str | None) -> IncidentView:
    return ctx.desk.categorise(ref, actor=ctx.actor, **fields)


@lifecycle_command(
    "reprioritise",
    "Change impact and urgency; the priority follows.",
    click.option("--impact", "-i", type=LEVEL, required=True),
    click.option("--urgency", "-u", type=LEVEL, required=True),
)
def reprioritise(ctx: DeskContext, ref: str, impact: int, urgency: int) -> IncidentView:
    return ctx.desk.reprioritise(ref, impact=impact, urgency=urgency, actor=ctx.actor)


@lifecycle_command("major", "Declare an open P1 a major incident.")
def major(ctx: DeskContext, ref: str) -> IncidentView:
    return ctx.desk.declare_major(ref, actor=ctx.actor)


@lifecycle_command(
    "link",
    "Make the incident a child of a parent incident.",
    click.option("--parent", required=True, help="The parent incident."),
)
def link(ctx: DeskContext, ref: str, parent: str) -> IncidentView:
    return ctx.desk.link_parent(ref, parent, actor=ctx.actor)


@lifecycle_command(
    "problem",
    "Link the incident to a problem record.",
    click.option("--problem", required=True, help="The problem reference, e.g. PRB0000012."),
)
def problem(ctx: DeskContext, ref: str, problem: str) -> IncidentView:
    return ctx.desk.link_problem(ref, problem, actor=ctx.actor)


@lifecycle_command(
    "known-error",
    "Give the incident a known error's workaround (ARTICLE: KB0000012); its customer sees it.",
    click.argument("article"),
)
def known_error(ctx: DeskContext, ref: str, article: str) -> IncidentView:
    return ctx.desk.link_known_error(ref, article, actor=ctx.actor)


@incident.command(name="escalate")
@ref_argument
@click.option("--group", help="The specialist group.")
@click.option("--reason", default="", help="Why, in words.")
@click.option(
    "--to", "target", help="Through this escalation target (eventdesk escalation targets)."
)
@click.option("--recipient", help="With --to: whom the target hands it to (a group, an address).")
@json_option
@pass_desk
def escalate(
    ctx: DeskContext,
    ref: str,
    group: str | None,
    reason: str,
    target: str | None,
    recipient: str | None,
    as_json: bool,
) -> None:
    """Hand over to a specialist group; without --group, the tenant's category map chooses it.
    With --to, through an escalation target: a vendor by email, a partner's webhook."""
    if target is None:
        if recipient is not None:
            raise click.UsageError("--recipient goes with --to TARGET")
        _answer(ctx.desk.escalate(ref, group, reason=reason, actor=ctx.actor), as_json)
        return
    from eventdesk.cli.escalation import show_escalation

    outcome = ctx.desk.escalations.escalate(
        ref, target, recipient=recipient or group, reason=reason, actor=ctx.actor
    )
    show_escalation(outcome, as_json)


@lifecycle_command(
    "work",
    "Log MINUTES of work on the incident (the basis of its cost).",
    click.argument("minutes", type=int),
)
def work(ctx: DeskContext, ref: str, minutes: int) -> IncidentView:
    return ctx.desk.log_work(ref, minutes, actor=ctx.actor)
